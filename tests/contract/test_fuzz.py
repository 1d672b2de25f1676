"""Fuzz every registered operation with requests drawn from its botocore input shape.

Each example starts from the same small world (`op_examples.populate`: clusters `default`
and `web`, a deleted `gone`, task definitions, a running task), sends one generated request
through a real client under a strict mock, and requires exactly one of: success (strict
mode validated the answer), botocore's `ParamValidationError`, a `ClientError` whose
code is an ECS error shape, or ecsmock's `UnsupportedOperationError` for a feature it
says it does not model. Anything else (a bare Python exception from a handler, a
response outside its shape, a call that does not return within seconds) fails. After every
call the model's invariants hold, and a call that failed changed nothing that the read
operations can see.
"""

from __future__ import annotations

import copy
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from op_examples import EXAMPLES, REGION, Facts, populate, snapshot, unchecked
from shapes import Strategy, request_params

from ecsmock import ECSMock, UnsupportedOperationError, mock_ecs
from ecsmock.api import REGISTRY

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
MODEL = botocore.session.get_session().get_service_model("ecs")
MODEL_ERRORS = frozenset(shape.name for shape in MODEL.error_shapes)
CALL_SECONDS = 10
SUCCESS = "success"
PARAM_VALIDATION = "ParamValidationError"
UNSUPPORTED = "UnsupportedOperationError"


class CallTimeout(Exception):
    """A call did not return in time (the mock hangs)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise CallTimeout in the block if it runs longer than `seconds` (main thread)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise CallTimeout(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(client: Any, operation: str, params: dict[str, Any]) -> str:
    """Call and classify: success, ParamValidationError, or the ClientError's code."""
    method = getattr(client, xform_name(operation))
    failure: ClientError | None = None
    try:
        with deadline(CALL_SECONDS):
            method(**params)
    except ParamValidationError:
        return PARAM_VALIDATION
    except UnsupportedOperationError:
        return UNSUPPORTED  # a feature ecsmock says it does not model (never a wrong answer)
    except ClientError as err:
        failure = err
    if failure is None:
        return SUCCESS
    error = failure.response["Error"]
    code = error["Code"]
    assert code in MODEL_ERRORS, f"{operation} answered {code}, not an ECS error shape"
    assert isinstance(failure, client.exceptions.from_code(code))
    assert isinstance(error["Message"], str)
    assert error["Message"], f"{operation} answered {code} without a message"
    status = failure.response["ResponseMetadata"]["HTTPStatusCode"]
    assert status == (500 if code == "ServerException" else 400)
    return str(code)


def overlaid(example: dict[str, Any], generated: st.SearchStrategy[Any]) -> Strategy:
    """A valid example request with one or two members replaced by generated ones."""

    def pick(drawn: dict[str, Any]) -> Strategy:
        keys = sorted(drawn)
        return st.lists(st.sampled_from(keys), max_size=2, unique=True).map(
            lambda chosen: {**copy.deepcopy(example), **{k: drawn[k] for k in chosen}}
        )

    return generated.filter(bool).flatmap(pick)


_REQUESTS: dict[str, Strategy] = {}


def requests(operation: str, facts: Facts) -> Strategy:
    """Requests drawn from the input shape, half of them built on the valid example."""
    if operation not in _REQUESTS:
        generated = request_params(MODEL.operation_model(operation), facts.hints())
        if operation not in EXAMPLES:  # test_every_operation_has_an_example reports it
            _REQUESTS[operation] = generated
        else:
            example = EXAMPLES[operation](facts)
            _REQUESTS[operation] = st.one_of(generated, overlaid(example, generated))
    return _REQUESTS[operation]


@dataclass
class FuzzWorld:
    """The module's mock, its client, what `populate` made, and what reads saw then."""

    ecs: ECSMock
    client: Any
    facts: Facts
    baseline: dict[str, Any]


@pytest.fixture(scope="module")
def world() -> Iterator[FuzzWorld]:
    """One mock and one client for the module; each example resets the world."""
    client = boto3.session.Session().client(
        "ecs",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with mock_ecs(strict=True, start=START) as ecs:
        facts = populate(client)
        yield FuzzWorld(ecs, client, facts, snapshot(client, facts))


def repopulate(ecs: ECSMock, client: Any) -> Facts:
    """A fresh world made by `populate` again, its answers not checked against their shapes.

    The module's world checked them once (strict mode), and they are the same every time;
    checking them again for every example would double what an example costs.
    """
    ecs.reset()
    with unchecked(ecs):
        return populate(client)


@pytest.mark.parametrize("operation", sorted(REGISTRY))
@settings(
    # Half the profile's examples per operation (every operation is fuzzed: 80-odd tests).
    max_examples=max(10, settings().max_examples // 2),
    # No "explain" phase: tracing botocore makes a failure take minutes to report.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(data=st.data())
def test_fuzz_operation(world: FuzzWorld, operation: str, data: st.DataObject) -> None:
    ecs, client, facts = world.ecs, world.client, world.facts
    assert repopulate(ecs, client) == facts, "populate() is not deterministic"
    params = data.draw(requests(operation, facts), label="params")
    result = outcome(client, operation, params)
    assert ecs.invariants() == []
    if result != SUCCESS:
        with unchecked(ecs):
            after = snapshot(client, facts)
        assert after == world.baseline, f"failed {operation} changed state"
