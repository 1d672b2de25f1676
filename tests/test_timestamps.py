"""Task answers carry timestamps exactly as botocore parses the epoch seconds ECS sends.

The task operations put parsed instants in their answers directly (`ecsmock._stamps`),
kept per world across answers; these tests hold them to botocore's own parser in zones
with and without daylight saving, across a change of zone, and for a client that parses
timestamps its own way.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.parsers import create_parser

from ecsmock import mock_ecs
from ecsmock._wire import ResponseShapeError
from ecsmock.api import REGISTRY

REGION = "eu-west-1"
# Sub-millisecond start: ECS sends milliseconds, so the answers are rounded like the wire.
START = datetime(2026, 3, 29, 0, 59, 58, 250_600, tzinfo=UTC)  # the night London moves on
TIMES = ("createdAt", "connectivityAt", "pullStartedAt", "pullStoppedAt", "startedAt")
STOP_TIMES = (*TIMES, "stoppingAt")
NET = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}


@pytest.fixture
def zone() -> Iterator[Any]:
    """Set the process's time zone (`TZ` and `time.tzset`), put back afterwards."""
    before = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _botocore(operation: str, member: str, epoch: float) -> Any:
    """What botocore's JSON parser makes of `epoch` in a task answer's `member`."""
    shape = botocore.session.get_session().get_service_model("ecs")
    output = shape.operation_model(operation).output_shape
    body = {"task": {member: epoch}} if operation == "StopTask" else {"tasks": [{member: epoch}]}
    text = json.dumps(body).encode()
    parsed = create_parser("json").parse({"body": text, "headers": {}, "status_code": 200}, output)
    return parsed["task"][member] if operation == "StopTask" else parsed["tasks"][0][member]


def _same(got: Any, want: Any) -> None:
    assert got == want
    assert got.utcoffset() == want.utcoffset()
    assert type(got.tzinfo) is type(want.tzinfo)
    assert (got.fold, got.microsecond) == (want.fold, want.microsecond)


def _run(client: Any) -> str:
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    task = client.run_task(taskDefinition="web", launchType="FARGATE", networkConfiguration=NET)
    arn: str = task["tasks"][0]["taskArn"]
    return arn


@pytest.mark.parametrize("name", ["UTC", "Asia/Kolkata", "Europe/London", "America/New_York"])
def test_task_times_are_botocores_own(zone: Any, name: str) -> None:
    zone(name)
    client = boto3.client("ecs", region_name=REGION)
    with mock_ecs(start=START, strict=True) as ecs:
        arn = _run(client)
        ecs.advance(60)
        described = client.describe_tasks(tasks=[arn])["tasks"][0]
        stopped = client.stop_task(task=arn)["task"]
        task = ecs.world.backends[(ecs.options.account_id, REGION)].tasks.find("default", arn)
    assert task is not None
    model: dict[str, datetime | None] = {
        "createdAt": task.created_at,
        "connectivityAt": task.connectivity_at,
        "pullStartedAt": task.pull_started_at,
        "pullStoppedAt": task.pull_stopped_at,
        "startedAt": task.started_at,
        "stoppingAt": task.stopping_at,
    }
    epochs = {member: round(moment.timestamp(), 3) for member, moment in model.items() if moment}
    assert sorted(epochs) == sorted(STOP_TIMES)
    for member in TIMES:
        _same(described[member], _botocore("DescribeTasks", member, epochs[member]))
    for member in STOP_TIMES:
        _same(stopped[member], _botocore("StopTask", member, epochs[member]))
    assert described["createdAt"].microsecond == 251_000  # 58.2506 s sent as 58.251


def test_a_change_of_zone_reaches_the_next_answer(zone: Any) -> None:
    zone("UTC")
    client = boto3.client("ecs", region_name=REGION)
    with mock_ecs(start=START) as ecs:
        arn = _run(client)
        ecs.advance(60)
        before = client.describe_tasks(tasks=[arn])["tasks"][0]["createdAt"]
        zone("Asia/Kolkata")
        after = client.describe_tasks(tasks=[arn])["tasks"][0]["createdAt"]
    assert before == after  # the same instant
    assert (before.utcoffset().total_seconds(), after.utcoffset().total_seconds()) == (0, 19_800)
    assert (after.hour, after.minute) == (6, 29)


def test_a_clients_own_timestamp_parser_gets_the_epoch_seconds_of_task_answers() -> None:
    # The AWS CLI keeps timestamps as the numbers ECS sent.
    session = botocore.session.Session()
    factory = session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=lambda value: ("raw", value))
    raw = session.create_client("ecs", region_name=REGION)
    with mock_ecs(start=START) as ecs:
        arn = _run(raw)
        ecs.advance(60)
        described = raw.describe_tasks(tasks=[arn])["tasks"][0]
        stopped = raw.stop_task(task=arn)["task"]
        started = raw.run_task(
            taskDefinition="web", launchType="FARGATE", networkConfiguration=NET
        )["tasks"][0]
    created = round(START.timestamp(), 3)
    assert described["createdAt"] == ("raw", created)
    assert stopped["createdAt"] == ("raw", created)
    assert stopped["stoppingAt"] == ("raw", round(START.timestamp() + 60, 3))
    assert started["createdAt"] == ("raw", round(START.timestamp() + 60, 3))


def _answering(monkeypatch: pytest.MonkeyPatch, operation: str, change: Any) -> None:
    """Make `operation`'s handler answer its usual body changed by `change`."""
    handler = REGISTRY[operation]

    def changed(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        body = handler(backend, params)
        change(body)
        return body

    monkeypatch.setitem(REGISTRY, operation, changed)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # An epoch number left in a task answer (those are answered without the walk).
        (lambda body: body["tasks"][0].update(startedAt=1.5), "differs from botocore's"),
        (lambda body: body["tasks"][0].update(containers=()), "expected a list, got tuple"),
        (lambda body: body["tasks"][0].update(version="3"), "version: expected long, got str"),
    ],
)
def test_strict_mode_holds_task_answers_to_botocores_parse(
    monkeypatch: pytest.MonkeyPatch, change: Any, problem: str
) -> None:
    client = boto3.client("ecs", region_name=REGION)
    with mock_ecs(start=START, strict=True) as ecs:
        arn = _run(client)
        ecs.advance(60)
        _answering(monkeypatch, "DescribeTasks", change)
        with pytest.raises(ResponseShapeError, match=problem):
            client.describe_tasks(tasks=[arn])
