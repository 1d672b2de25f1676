"""Every registered operation answers a valid call inside its botocore output shape.

The `ecs` fixture is strict (the mock itself raises on a response outside its shape);
these tests also record the JSON body each handler answers, check it with `check_shape`,
parse its text with botocore's own JSON parser and compare with what the client returned,
and check the Python types of the parsed answer member by member. Others check that
answers and requests share no objects with the model, and that the raw HTTP body is the
JSON answered.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser
from op_examples import EXAMPLES, call, populate, snapshot, unchecked

from ecsmock import ECSMock
from ecsmock._wire import check_shape
from ecsmock.api import REGISTRY

MODEL = botocore.session.get_session().get_service_model("ecs")
PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (float, int),
    "float": (float, int),
    "timestamp": (datetime,),
    "blob": (bytes,),
    "list": (list,),
    "map": (dict,),
    "structure": (dict,),
}


def has_type(value: Any, types: tuple[type, ...]) -> bool:
    return isinstance(value, types)


def type_problems(shape: Any, value: Any, path: str = "$") -> Iterator[str]:
    """Where a parsed value does not have the Python type botocore gives its shape."""
    kind = shape.type_name
    if not has_type(value, PY_TYPES[kind]) or (kind != "boolean" and isinstance(value, bool)):
        yield f"{path}: {kind} parsed as {type(value).__name__}"
        return
    if kind == "timestamp" and value.tzinfo is None:
        yield f"{path}: naive datetime"
    elif kind == "list":
        for i, item in enumerate(value):
            yield from type_problems(shape.member, item, f"{path}[{i}]")
    elif kind == "map":
        for key, item in value.items():
            yield from type_problems(shape.value, item, f"{path}[{key!r}]")
    elif kind == "structure" and not getattr(shape, "is_document_type", False):
        for key, item in value.items():
            if key == "ResponseMetadata" and path == "$":
                continue
            if key not in shape.members:
                yield f"{path}.{key}: not a member of {shape.name}"
            else:
                yield from type_problems(shape.members[key], item, f"{path}.{key}")


def test_every_operation_has_an_example() -> None:
    missing = sorted(set(REGISTRY) - set(EXAMPLES))
    assert missing == [], f"registered operations without an example in op_examples.py: {missing}"


def test_examples_name_real_operations() -> None:
    assert sorted(set(EXAMPLES) - set(MODEL.operation_names)) == []


def sent(value: Any) -> float:
    """A timestamp a task view holds parsed already, as the epoch seconds ECS sends."""
    if not isinstance(value, datetime):
        raise TypeError(f"{value!r} in a body")
    return round(value.timestamp(), 3)


def capture_bodies(monkeypatch: pytest.MonkeyPatch, operation: str) -> list[str]:
    """Record the JSON text of each body the handler of `operation` answers.

    The task operations' bodies hold their timestamps parsed already; the text has them
    as the epoch seconds ECS sends.
    """
    handler = REGISTRY[operation]
    bodies: list[str] = []

    def recording(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        body = handler(backend, params)
        bodies.append(json.dumps(body, default=sent))
        return body

    monkeypatch.setitem(REGISTRY, operation, recording)
    return bodies


@pytest.mark.parametrize("operation", sorted(REGISTRY))
def test_example_answer_matches_output_shape(
    ecs: ECSMock, client: Any, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    assert operation in EXAMPLES, f"{operation} has no example in op_examples.py"
    with unchecked(ecs):
        facts = populate(client)
    bodies = capture_bodies(monkeypatch, operation)
    parsed = call(client, operation, EXAMPLES[operation](facts))
    shape = MODEL.operation_model(operation).output_shape

    meta = parsed.pop("ResponseMetadata")
    assert meta["HTTPStatusCode"] == 200
    assert meta["RequestId"]
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"]
    assert len(bodies) == 1
    assert check_shape(shape, json.loads(bodies[0])) == []
    # What botocore's own parser makes of that JSON text is what the client returned.
    reference = create_parser("json").parse(
        {"body": bodies[0].encode(), "headers": meta["HTTPHeaders"], "status_code": 200}, shape
    )
    reference.pop("ResponseMetadata", None)
    assert parsed == reference
    assert list(type_problems(shape, parsed)) == []
    assert ecs.invariants() == []


def check_answer_is_fresh(ecs: ECSMock, client: Any, operation: str) -> None:
    """Scribbling on a response changes nothing in the mock (views copy stored data)."""
    assert operation in EXAMPLES, f"{operation} has no example in op_examples.py"
    with unchecked(ecs):
        facts = populate(client)
    parsed = call(client, operation, EXAMPLES[operation](facts))
    with unchecked(ecs):
        before = snapshot(client, facts)
        vandalise(parsed)
        assert snapshot(client, facts) == before
    assert ecs.invariants() == []


def check_request_is_copied(ecs: ECSMock, client: Any, operation: str) -> None:
    """Scribbling on a request after the call changes nothing in the mock."""
    assert operation in EXAMPLES, f"{operation} has no example in op_examples.py"
    with unchecked(ecs):
        facts = populate(client)
    params = EXAMPLES[operation](facts)
    call(client, operation, params)
    with unchecked(ecs):
        before = snapshot(client, facts)
        vandalise(params)
        assert snapshot(client, facts) == before
    assert ecs.invariants() == []


@pytest.mark.parametrize("operation", sorted(REGISTRY))
def test_example_answer_is_fresh(ecs: ECSMock, client: Any, operation: str) -> None:
    check_answer_is_fresh(ecs, client, operation)


@pytest.mark.parametrize("operation", sorted(REGISTRY))
def test_request_is_copied(ecs: ECSMock, client: Any, operation: str) -> None:
    check_request_is_copied(ecs, client, operation)


@pytest.mark.parametrize("operation", sorted(REGISTRY))
def test_http_body_is_the_json_answered(
    ecs: ECSMock, client: Any, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    """The raw HTTP body (what an `after-call` hook reads) is the JSON the handler answered."""
    with unchecked(ecs):
        facts = populate(client)
    bodies = capture_bodies(monkeypatch, operation)
    contents: list[bytes] = []

    def after_call(http_response: Any, **_: Any) -> None:
        contents.append(http_response.content)

    client.meta.events.register("after-call.ecs", after_call)
    call(client, operation, EXAMPLES[operation](facts))
    assert len(contents) == 1
    assert json.loads(contents[0]) == json.loads(bodies[0])


def vandalise(value: Any) -> None:
    """Scribble on every dict and list of a response."""
    if isinstance(value, dict):
        for item in list(value.values()):
            vandalise(item)
        value["vandal"] = "vandal"
    elif isinstance(value, list):
        for item in value:
            vandalise(item)
        value.append("vandal")
