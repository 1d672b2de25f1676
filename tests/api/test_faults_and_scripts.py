"""Scripted containers and injected faults, observed through a real boto3 client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ecsmock import ECSMock
from ecsmock.errors import ECSMockError, OptionError
from ecsmock.model.timing import REALISTIC

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
RUNNING_AT = (
    REALISTIC.provisioning[0]
    + REALISTIC.pending_before_pull[0]
    + REALISTIC.image_pull[0]
    + REALISTIC.pull_to_running
)
PULL_AT = REALISTIC.provisioning[0] + REALISTIC.pending_before_pull[0]
GRACE = REALISTIC.graceful_stop
DEPROVISION = REALISTIC.deprovisioning[0]
CAPACITY = (
    "Capacity is unavailable at this time. Please try again later or in a different "
    "availability zone"
)


def at(seconds: float) -> Any:
    return START + timedelta(seconds=seconds)


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster (FARGATE, FARGATE_SPOT) and `web`: essential app, optional log."""
    client.create_cluster(clusterName="default", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "app", "image": "nginx:1", "stopTimeout": 10},
            {"name": "log", "image": "fluent:1", "essential": False},
        ],
    )
    return client


def run(client: Any, **kw: Any) -> str:
    kw.setdefault("launchType", "FARGATE")
    answer = client.run_task(taskDefinition="web", networkConfiguration=NET, **kw)
    return str(answer["tasks"][0]["taskArn"])


def describe(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.describe_tasks(tasks=[arn])["tasks"][0])


def by_name(task: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in task["containers"]}


def test_container_ignoring_sigterm_is_killed_at_its_stop_timeout(web: Any, ecs: ECSMock) -> None:
    ecs.script_container(container="app", on_sigterm="ignore")
    ecs.script_container(container="log", sigterm_exit_code=143)
    arn = run(web)
    ecs.advance_to(at(60))
    web.stop_task(task=arn)
    ecs.advance(GRACE)
    task = describe(web, arn)
    assert task["lastStatus"] == "STOPPING"
    assert (by_name(task)["app"]["lastStatus"], by_name(task)["log"]["exitCode"]) == (
        "RUNNING",
        143,
    )
    ecs.advance_to(at(70))
    task = describe(web, arn)
    assert (by_name(task)["app"]["lastStatus"], by_name(task)["app"]["exitCode"]) == (
        "STOPPED",
        137,
    )
    assert (task["lastStatus"], task["executionStoppedAt"]) == ("DEPROVISIONING", at(70))
    ecs.advance(DEPROVISION)
    task = describe(web, arn)
    assert (task["lastStatus"], task["stoppedAt"], task["version"]) == ("STOPPED", at(82), 5)


def test_default_stop_timeout_is_30_seconds(web: Any, ecs: ECSMock) -> None:
    ecs.script_container(container="log", on_sigterm="ignore")
    arn = run(web)
    ecs.advance_to(at(60))
    web.stop_task(task=arn)
    ecs.advance(29.9)
    assert describe(web, arn)["lastStatus"] == "STOPPING"
    ecs.advance(0.1)
    task = describe(web, arn)
    assert by_name(task)["log"]["exitCode"] == 137
    assert task["executionStoppedAt"] == at(90)


def test_essential_container_exit_stops_the_task(web: Any, ecs: ECSMock) -> None:
    ecs.script_container(container="app", exit_code=3, after=100, reason="boom")
    arn = run(web)
    exit_at = RUNNING_AT + 100
    ecs.advance_to(at(exit_at))
    task = describe(web, arn)
    assert (task["desiredStatus"], task["stopCode"], task["stoppedReason"], task["version"]) == (
        "STOPPED",
        "EssentialContainerExited",
        "Essential container in task exited",
        4,
    )
    assert task["stoppingAt"] == at(exit_at)
    app = by_name(task)["app"]
    assert (app["lastStatus"], app["exitCode"], app["reason"]) == ("STOPPED", 3, "boom")
    ecs.advance(GRACE + DEPROVISION)
    task = describe(web, arn)
    assert (task["lastStatus"], task["version"]) == ("STOPPED", 5)
    assert (by_name(task)["log"]["exitCode"], task["executionStoppedAt"]) == (
        0,
        at(exit_at + GRACE),
    )


def test_non_essential_container_exit_changes_only_that_container(web: Any, ecs: ECSMock) -> None:
    ecs.script_container(container="log", exit_code=1, after=10)
    arn = run(web)
    ecs.advance_to(at(RUNNING_AT + 10))
    task = describe(web, arn)
    assert (task["lastStatus"], task["desiredStatus"], task["version"]) == ("RUNNING", "RUNNING", 3)
    assert "stopCode" not in task
    log = by_name(task)["log"]
    assert (log["lastStatus"], log["exitCode"]) == ("STOPPED", 1)
    assert by_name(task)["app"]["lastStatus"] == "RUNNING"


def test_exit_container_fault(web: Any, ecs: ECSMock) -> None:
    arn = run(web)
    ecs.advance_to(at(30))
    ecs.faults.exit_container(
        arn, "app", 137, after=5, reason="OutOfMemoryError: Container killed due to memory usage"
    )
    ecs.advance(4)
    assert describe(web, arn)["desiredStatus"] == "RUNNING"
    ecs.advance(1)
    task = describe(web, arn)
    assert task["stopCode"] == "EssentialContainerExited"
    app = by_name(task)["app"]
    assert (app["exitCode"], app["reason"]) == (
        137,
        "OutOfMemoryError: Container killed due to memory usage",
    )
    with pytest.raises(ECSMockError, match="no container named 'ghost'"):
        ecs.faults.exit_container(arn, "ghost", 1)
    with pytest.raises(ECSMockError, match="no task"):
        ecs.faults.exit_container(arn.replace(arn[-4:], "0000"), "app", 1)


def test_crash_fault_applies_to_new_tasks(web: Any, ecs: ECSMock) -> None:
    ecs.faults.crash(family="web", container="app", exit_code=2, after=1)
    first = run(web)
    ecs.advance_to(at(RUNNING_AT + 1))
    assert describe(web, first)["stopCode"] == "EssentialContainerExited"
    ecs.faults.clear()
    second = run(web)
    ecs.advance(60)
    assert describe(web, second)["lastStatus"] == "RUNNING"


def test_image_pull_failure(web: Any, ecs: ECSMock) -> None:
    ecs.faults.image_pull_failure(image="fluent:1", times=1)
    arn = run(web)
    failed_at = PULL_AT + REALISTIC.image_pull[0]
    ecs.advance_to(at(failed_at))
    error = (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        "resolve ref fluent:1: not found"
    )
    task = describe(web, arn)
    assert (task["desiredStatus"], task["stopCode"], task["stoppedReason"], task["version"]) == (
        "STOPPED",
        "TaskFailedToStart",
        error,
        3,
    )
    assert (task["pullStartedAt"], task["pullStoppedAt"], task["stoppingAt"]) == (
        at(PULL_AT),
        at(failed_at),
        at(failed_at),
    )
    ecs.advance(DEPROVISION)
    task = describe(web, arn)
    assert (task["lastStatus"], task["version"], task["stoppedAt"]) == (
        "STOPPED",
        4,
        at(failed_at + DEPROVISION),
    )
    assert "startedAt" not in task
    log = by_name(task)["log"]
    assert (log["lastStatus"], log["reason"]) == ("STOPPED", error)
    assert "exitCode" not in log
    assert "reason" not in by_name(task)["app"]
    # `times=1`: the next pull works.
    again = run(web)
    ecs.advance(60)
    assert describe(web, again)["lastStatus"] == "RUNNING"


def test_image_pull_failure_with_a_message(web: Any, ecs: ECSMock) -> None:
    message = "CannotPullContainerError: API error (404): repository nginx not found"
    ecs.faults.image_pull_failure(family="web", container="app", message=message)
    arn = run(web)
    ecs.advance(60)
    task = describe(web, arn)
    assert (task["stoppedReason"], by_name(task)["app"]["reason"]) == (message, message)


def test_spot_interruption(web: Any, ecs: ECSMock) -> None:
    strategy = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    answer = web.run_task(
        taskDefinition="web", networkConfiguration=NET, capacityProviderStrategy=strategy
    )
    arn = answer["tasks"][0]["taskArn"]
    ecs.advance_to(at(60))
    ecs.faults.spot_interruption(arn)
    # The notice: still RUNNING, desired STOPPED (behaviour reference 3); SIGTERM follows at
    # the same instant, done before the next call is answered.
    notice = ecs.events[-1]["detail"]
    assert (notice["lastStatus"], notice["desiredStatus"], notice["version"]) == (
        "RUNNING",
        "STOPPED",
        4,
    )
    task = describe(web, arn)
    assert (task["lastStatus"], task["desiredStatus"], task["version"]) == (
        "STOPPING",
        "STOPPED",
        4,
    )
    assert (task["stopCode"], task["stoppedReason"], task["stoppingAt"]) == (
        "SpotInterruption",
        "Your Spot Task was interrupted.",
        at(60),
    )
    assert ecs.now() == at(60)
    ecs.advance(GRACE + DEPROVISION)
    task = describe(web, arn)
    assert (task["lastStatus"], task["stopCode"], task["version"]) == (
        "STOPPED",
        "SpotInterruption",
        5,
    )
    on_demand = run(web)
    with pytest.raises(ECSMockError, match="does not run on FARGATE_SPOT"):
        ecs.faults.spot_interruption(on_demand)


def test_capacity_unavailable(web: Any, ecs: ECSMock) -> None:
    ecs.faults.capacity_unavailable("FARGATE_SPOT", times=2)
    strategy = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    answer = web.run_task(
        taskDefinition="web", networkConfiguration=NET, capacityProviderStrategy=strategy, count=3
    )
    assert len(answer["tasks"]) == 1
    assert answer["failures"] == [{"reason": CAPACITY}, {"reason": CAPACITY}]
    # On-demand Fargate is unaffected.
    assert (
        len(
            web.run_task(taskDefinition="web", launchType="FARGATE", networkConfiguration=NET)[
                "tasks"
            ]
        )
        == 1
    )
    ecs.faults.capacity_unavailable()
    answer = web.run_task(taskDefinition="web", launchType="FARGATE", networkConfiguration=NET)
    assert (answer["tasks"], answer["failures"]) == ([], [{"reason": CAPACITY}])
    ecs.faults.clear()
    assert (
        len(
            web.run_task(taskDefinition="web", launchType="FARGATE", networkConfiguration=NET)[
                "tasks"
            ]
        )
        == 1
    )
    with pytest.raises(ECSMockError, match="provider must be FARGATE or FARGATE_SPOT"):
        ecs.faults.capacity_unavailable("EC2")


def test_script_validation(ecs: ECSMock) -> None:
    with pytest.raises(OptionError):
        ecs.script_container(container="app", exit_code=1)
    with pytest.raises(OptionError):
        ecs.script_container(container="app", on_sigterm="shrug")
    with pytest.raises(OptionError):
        ecs.script_container(container="app", exit_code=0, after=-1)
    with pytest.raises(ECSMockError):
        ecs.faults.image_pull_failure(times=-1)
