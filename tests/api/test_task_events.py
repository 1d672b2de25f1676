""" "ECS Task State Change" events in `ecs.events` (behaviour reference 15.1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from ecsmock import ECSMock

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
TIMES = (
    "createdAt",
    "connectivityAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
)


@pytest.fixture
def web(client: Any) -> Any:
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "app", "image": "nginx:1"},
            {"name": "log", "image": "fluent:1", "essential": False},
        ],
    )
    return client


def run(client: Any) -> str:
    answer = client.run_task(taskDefinition="web", launchType="FARGATE", networkConfiguration=NET)
    return str(answer["tasks"][0]["taskArn"])


def iso(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def as_event_detail(task: dict[str, Any]) -> dict[str, Any]:
    """A DescribeTasks task as the event shows it: ISO times inside `detail`, no tags."""
    out = dict(task)
    out.pop("tags")  # DescribeTasks answers `"tags": []` without include
    for key in TIMES:
        if key in out:
            out[key] = iso(out[key])
    for container in out["containers"]:
        for agent in container.get("managedAgents", ()):
            agent["lastStartedAt"] = agent["lastStartedAt"].timestamp()
    return out


def test_one_event_per_status_change_and_the_stop_decision(web: Any, ecs: ECSMock) -> None:
    arn = run(web)
    ecs.advance(60)
    web.stop_task(task=arn)
    ecs.advance(60)
    details = [e["detail"] for e in ecs.events]
    assert [(d["lastStatus"], d["desiredStatus"], d["version"]) for d in details] == [
        ("PROVISIONING", "RUNNING", 1),
        ("PENDING", "RUNNING", 2),
        ("ACTIVATING", "RUNNING", 2),
        ("RUNNING", "RUNNING", 3),
        ("RUNNING", "STOPPED", 4),
        ("DEACTIVATING", "STOPPED", 4),
        ("STOPPING", "STOPPED", 4),
        ("DEPROVISIONING", "STOPPED", 4),
        ("STOPPED", "STOPPED", 5),
    ]
    assert [e["time"] for e in ecs.events] == [
        "2026-01-01T12:00:00Z",
        "2026-01-01T12:00:04Z",
        "2026-01-01T12:00:19Z",
        "2026-01-01T12:00:19Z",
        "2026-01-01T12:01:00Z",
        "2026-01-01T12:01:00Z",
        "2026-01-01T12:01:00Z",
        "2026-01-01T12:01:00Z",
        "2026-01-01T12:01:12Z",
    ]
    assert [d["updatedAt"] for d in details] == [
        "2026-01-01T12:00:00.000Z",
        "2026-01-01T12:00:04.000Z",
        "2026-01-01T12:00:19.200Z",
        "2026-01-01T12:00:19.200Z",
        "2026-01-01T12:01:00.000Z",
        "2026-01-01T12:01:00.000Z",
        "2026-01-01T12:01:00.000Z",
        "2026-01-01T12:01:00.500Z",
        "2026-01-01T12:01:12.500Z",
    ]
    last = details[-1]
    assert (last["startedAt"], last["stoppedAt"], last["executionStoppedAt"]) == (
        "2026-01-01T12:00:19.200Z",
        "2026-01-01T12:01:12.500Z",
        "2026-01-01T12:01:00.500Z",
    )


def test_envelope(web: Any, ecs: ECSMock) -> None:
    arn = run(web)
    [event] = ecs.events
    assert UUID.fullmatch(event["id"])
    assert {k: v for k, v in event.items() if k not in ("id", "detail")} == {
        "version": "0",
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": "123456789012",
        "time": "2026-01-01T12:00:00Z",
        "region": "eu-west-1",
        "resources": [arn],
    }
    assert event["detail"]["taskArn"] == arn
    assert "tags" not in event["detail"]


def test_detail_is_the_task_as_described_at_that_moment(web: Any, ecs: ECSMock) -> None:
    arn = run(web)
    seen = 0
    for step in (0, 4, 15.2):
        ecs.advance(step)
        described = web.describe_tasks(tasks=[arn])["tasks"][0]
        new = ecs.events[seen:]
        seen = len(ecs.events)
        last = dict(new[-1]["detail"])
        updated = last.pop("updatedAt")
        assert ISO_MS.fullmatch(updated)
        assert last == as_event_detail(described)
        assert all(e["detail"]["version"] <= described["version"] for e in new)
    stopping = web.stop_task(task=arn)["task"]
    decision = dict(ecs.events[-1]["detail"])
    decision.pop("updatedAt")
    assert decision == as_event_detail(stopping)
    assert decision["lastStatus"] == "RUNNING"
    assert decision["desiredStatus"] == "STOPPED"


def test_non_essential_container_exit_is_reported(web: Any, ecs: ECSMock) -> None:
    ecs.script_container(container="log", exit_code=1, after=5)
    run(web)
    ecs.advance(60)
    details = [e["detail"] for e in ecs.events]
    assert [(d["lastStatus"], d["version"]) for d in details] == [
        ("PROVISIONING", 1),
        ("PENDING", 2),
        ("ACTIVATING", 2),
        ("RUNNING", 3),
        ("RUNNING", 3),
    ]
    log = details[-1]["containers"][1]
    assert (log["lastStatus"], log["exitCode"]) == ("STOPPED", 1)


def test_events_are_not_shared_with_later_answers(web: Any, ecs: ECSMock) -> None:
    arn = run(web)
    ecs.events[0]["detail"]["overrides"]["containerOverrides"].clear()
    ecs.events[0]["detail"]["containers"][0]["name"] = "changed"
    task = web.describe_tasks(tasks=[arn])["tasks"][0]
    assert task["overrides"]["containerOverrides"] == [{"name": "app"}, {"name": "log"}]
    assert task["containers"][0]["name"] == "app"


def test_failed_start_events(web: Any, ecs: ECSMock) -> None:
    ecs.faults.image_pull_failure(image="nginx:1")
    run(web)
    ecs.advance(60)
    details = [e["detail"] for e in ecs.events]
    assert [(d["lastStatus"], d["desiredStatus"], d["version"]) for d in details] == [
        ("PROVISIONING", "RUNNING", 1),
        ("PENDING", "RUNNING", 2),
        ("PENDING", "STOPPED", 3),
        ("STOPPING", "STOPPED", 3),
        ("DEPROVISIONING", "STOPPED", 3),
        ("STOPPED", "STOPPED", 4),
    ]
    assert details[-1]["stopCode"] == "TaskFailedToStart"
    assert "startedAt" not in details[-1]
