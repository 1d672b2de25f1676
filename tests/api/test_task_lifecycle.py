"""A task's life through a real boto3 client: every transition's timestamps and versions,
the instant profile, container start order (dependsOn) and container health checks.

Times follow the REALISTIC profile (ecsmock/model/timing.py) for Fargate: PROVISIONING 4 s,
PENDING 8 s before the pull, a 6 s pull, 1.2 s to RUNNING; 0.5 s for a container that
handles SIGTERM; DEPROVISIONING 12 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from ecsmock import ECSMock, mock_ecs
from ecsmock.model.timing import REALISTIC

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
FARGATE: dict[str, Any] = {
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
}
# Fargate phase ends, seconds after RunTask (REALISTIC profile).
PENDING_AT = REALISTIC.provisioning[0]
PULL_AT = PENDING_AT + REALISTIC.pending_before_pull[0]
PULLED_AT = PULL_AT + REALISTIC.image_pull[0]
RUNNING_AT = PULLED_AT + REALISTIC.pull_to_running
GRACE = REALISTIC.graceful_stop
DEPROVISION = REALISTIC.deprovisioning[0]


def at(seconds: float) -> datetime:
    moment: datetime = START + timedelta(seconds=seconds)
    return moment


def register(client: Any, *containers: dict[str, Any], family: str = "web") -> None:
    defs = list(containers) or [{"name": "app", "image": "nginx:1"}]
    client.register_task_definition(family=family, containerDefinitions=defs, **FARGATE)


def run(client: Any, family: str = "web") -> str:
    client.create_cluster(clusterName="default")
    answer = client.run_task(taskDefinition=family, launchType="FARGATE", networkConfiguration=NET)
    return str(answer["tasks"][0]["taskArn"])


def describe(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.describe_tasks(tasks=[arn])["tasks"][0])


def containers(task: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in task["containers"]}


def test_a_fargate_task_from_start_to_stop(client: Any, ecs: ECSMock) -> None:
    register(client)
    arn = run(client)
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"], task["createdAt"]) == ("PROVISIONING", 1, START)
    assert "connectivityAt" not in task

    ecs.advance_to(at(PENDING_AT))
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"]) == ("PENDING", 2)
    assert (task["connectivity"], task["connectivityAt"]) == ("CONNECTED", at(PENDING_AT))
    eni = task["attachments"][0]
    assert eni["status"] == "ATTACHED"
    details = {d["name"]: d["value"] for d in eni["details"]}
    assert sorted(details) == [
        "macAddress",
        "networkInterfaceId",
        "privateDnsName",
        "privateIPv4Address",
        "subnetId",
    ]
    assert details["networkInterfaceId"].startswith("eni-")
    ip = details["privateIPv4Address"]
    assert details["privateDnsName"] == f"ip-{ip.replace('.', '-')}.eu-west-1.compute.internal"
    assert task["containers"][0]["networkInterfaces"] == [
        {"attachmentId": eni["id"], "privateIpv4Address": ip}
    ]

    ecs.advance_to(at(PULL_AT))
    task = describe(client, arn)
    assert (task["pullStartedAt"], "pullStoppedAt" in task) == (at(PULL_AT), False)
    ecs.advance_to(at(PULLED_AT))
    task = describe(client, arn)
    assert (task["lastStatus"], task["pullStoppedAt"]) == ("PENDING", at(PULLED_AT))
    assert task["containers"][0]["imageDigest"].startswith("sha256:")
    assert task["containers"][0]["lastStatus"] == "PENDING"

    ecs.advance_to(at(RUNNING_AT))
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"], task["startedAt"]) == (
        "RUNNING",
        3,
        at(RUNNING_AT),
    )
    app = task["containers"][0]
    assert (app["lastStatus"], app["networkBindings"]) == ("RUNNING", [])
    task_id = arn.rsplit("/", 1)[1]
    assert app["runtimeId"].startswith(task_id + "-")
    assert len(app["runtimeId"]) == 32 + 1 + 10
    assert "exitCode" not in app

    ecs.advance_to(at(60))
    stopped = client.stop_task(task=arn)["task"]
    assert (stopped["lastStatus"], stopped["desiredStatus"], stopped["version"]) == (
        "RUNNING",
        "STOPPED",
        4,
    )
    assert (stopped["stopCode"], stopped["stoppedReason"]) == (
        "UserInitiated",
        "Task stopped by user",
    )
    assert stopped["stoppingAt"] == at(60)

    ecs.advance_to(at(60.2))
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"]) == ("STOPPING", 4)
    assert task["containers"][0]["lastStatus"] == "RUNNING"

    ecs.advance_to(at(60 + GRACE))
    task = describe(client, arn)
    assert (task["lastStatus"], task["executionStoppedAt"]) == ("DEPROVISIONING", at(60 + GRACE))
    assert task["attachments"][0]["status"] == "DETACHING"
    app = task["containers"][0]
    assert (app["lastStatus"], app["exitCode"]) == ("STOPPED", 0)

    ecs.advance_to(at(60 + GRACE + DEPROVISION))
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"], task["stoppedAt"]) == (
        "STOPPED",
        5,
        at(60 + GRACE + DEPROVISION),
    )
    assert task["attachments"][0]["status"] == "DETACHED"
    # Set at the stop decision, never changed afterwards.
    assert (task["stopCode"], task["stoppedReason"], task["stoppingAt"]) == (
        "UserInitiated",
        "Task stopped by user",
        at(60),
    )


def test_stop_while_provisioning_skips_the_signal_phase(client: Any, ecs: ECSMock) -> None:
    register(client)
    arn = run(client)
    ecs.advance(1)
    stopped = client.stop_task(task=arn, reason="changed my mind")["task"]
    assert (stopped["lastStatus"], stopped["version"]) == ("PROVISIONING", 2)
    assert stopped["stoppedReason"] == "changed my mind"
    ecs.advance(0)
    task = describe(client, arn)
    assert (task["lastStatus"], task["executionStoppedAt"]) == ("DEPROVISIONING", at(1))
    ecs.advance(DEPROVISION)
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"], task["stoppedAt"]) == (
        "STOPPED",
        3,
        at(1 + DEPROVISION),
    )
    assert "startedAt" not in task
    assert "pullStartedAt" not in task
    app = task["containers"][0]
    assert app["lastStatus"] == "STOPPED"
    assert "exitCode" not in app


@pytest.fixture
def instant() -> Iterator[tuple[ECSMock, Any]]:
    with mock_ecs(strict=True, start=START, timing="instant") as mock:
        yield mock, boto3.client("ecs", region_name=REGION)


def test_instant_timing_passes_every_state_in_order(instant: tuple[ECSMock, Any]) -> None:
    ecs, client = instant
    register(client)
    arn = run(client)
    ecs.advance(0)
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"], task["startedAt"]) == ("RUNNING", 3, START)
    client.stop_task(task=arn)
    ecs.advance(0)
    task = describe(client, arn)
    assert (task["lastStatus"], task["version"], task["stoppedAt"]) == ("STOPPED", 5, START)
    seen = [
        (e["detail"]["lastStatus"], e["detail"]["desiredStatus"], e["detail"]["version"])
        for e in ecs.events
    ]
    assert seen == [
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


def test_instant_timing_keeps_the_stop_timeout(instant: tuple[ECSMock, Any]) -> None:
    ecs, client = instant
    register(client, {"name": "app", "image": "nginx:1", "stopTimeout": 10})
    ecs.script_container(container="app", on_sigterm="ignore")
    arn = run(client)
    ecs.advance(0)
    client.stop_task(task=arn)
    ecs.advance(9.9)
    assert describe(client, arn)["lastStatus"] == "STOPPING"
    ecs.advance(0.1)
    task = describe(client, arn)
    assert (task["lastStatus"], task["containers"][0]["exitCode"]) == ("STOPPED", 137)


# -- dependsOn -------------------------------------------------------------------------


INIT = {"name": "init", "image": "busybox", "essential": False}


def on(condition: str, name: str = "init", **extra: Any) -> dict[str, Any]:
    return {
        "name": "app",
        "image": "nginx:1",
        "dependsOn": [{"containerName": name, "condition": condition}],
        **extra,
    }


def test_start_dependency_starts_together(client: Any, ecs: ECSMock) -> None:
    register(client, {"name": "proxy", "image": "envoy:1"}, on("START", "proxy"))
    arn = run(client)
    ecs.advance_to(at(RUNNING_AT))
    task = describe(client, arn)
    assert task["lastStatus"] == "RUNNING"
    assert [c["lastStatus"] for c in task["containers"]] == ["RUNNING", "RUNNING"]


@pytest.mark.parametrize("condition", ["COMPLETE", "SUCCESS"])
def test_app_starts_after_its_init_container_exits(
    client: Any, ecs: ECSMock, condition: str
) -> None:
    register(client, INIT, on(condition))
    ecs.script_container(container="init", exit_code=0, after=5)
    arn = run(client)
    ecs.advance_to(at(RUNNING_AT + 1))
    task = describe(client, arn)
    assert task["lastStatus"] == "PENDING"
    assert [c["lastStatus"] for c in task["containers"]] == ["RUNNING", "PENDING"]
    ecs.advance_to(at(RUNNING_AT + 5))
    task = describe(client, arn)
    assert (task["lastStatus"], task["startedAt"], task["version"]) == (
        "RUNNING",
        at(RUNNING_AT + 5),
        3,
    )
    init, app = task["containers"]
    assert (init["lastStatus"], init["exitCode"]) == ("STOPPED", 0)
    assert app["lastStatus"] == "RUNNING"


def test_complete_accepts_any_exit_code(client: Any, ecs: ECSMock) -> None:
    register(client, INIT, on("COMPLETE"))
    ecs.script_container(container="init", exit_code=2, after=5)
    arn = run(client)
    ecs.advance_to(at(RUNNING_AT + 5))
    assert describe(client, arn)["lastStatus"] == "RUNNING"


def test_success_dependency_that_fails_stops_the_task(client: Any, ecs: ECSMock) -> None:
    register(client, INIT, on("SUCCESS"))
    ecs.script_container(container="init", exit_code=1, after=5)
    arn = run(client)
    ecs.advance_to(at(RUNNING_AT + 5))
    error = (
        "CannotStartContainerError: dependency graph: failed to resolve container ordering "
        "dependency [init(busybox) (STOPPED->RUNNING) - Exit: 1] for target "
        "[app(nginx:1) (NONE->RUNNING)] as dependency did not exit successfully."
    )
    task = describe(client, arn)
    assert (task["desiredStatus"], task["stopCode"], task["stoppedReason"]) == (
        "STOPPED",
        "TaskFailedToStart",
        error,
    )
    assert task["stoppingAt"] == at(RUNNING_AT + 5)
    app = containers(task)["app"]
    assert (app["lastStatus"], app["exitCode"], app["reason"]) == ("STOPPED", 143, error)
    ecs.advance(DEPROVISION)
    task = describe(client, arn)
    assert task["lastStatus"] == "STOPPED"
    assert "startedAt" not in task


def test_healthy_dependency(client: Any, ecs: ECSMock) -> None:
    db = {
        "name": "db",
        "image": "postgres:16",
        "healthCheck": {"command": ["CMD", "ok"], "interval": 10},
    }
    register(client, db, on("HEALTHY", "db"))
    arn = run(client)
    ecs.advance_to(at(RUNNING_AT + 9))
    task = describe(client, arn)
    assert task["lastStatus"] == "PENDING"
    assert containers(task)["db"]["healthStatus"] == "UNKNOWN"
    assert task["healthStatus"] == "UNKNOWN"
    ecs.advance_to(at(RUNNING_AT + 10))
    task = describe(client, arn)
    assert (task["lastStatus"], task["startedAt"]) == ("RUNNING", at(RUNNING_AT + 10))
    assert containers(task)["db"]["healthStatus"] == "HEALTHY"
    # The only essential container with a health check is HEALTHY.
    assert task["healthStatus"] == "HEALTHY"
    assert containers(task)["app"]["healthStatus"] == "UNKNOWN"


def test_dependency_timeout_fails_the_start(client: Any, ecs: ECSMock) -> None:
    db = {
        "name": "db",
        "image": "postgres:16",
        "startTimeout": 20,
        "healthCheck": {"command": ["CMD", "ok"], "interval": 10},
    }
    register(client, db, on("HEALTHY", "db"))
    ecs.faults.unhealthy(container="db")
    arn = run(client)
    ecs.advance_to(at(RUNNING_AT + 19.9))
    assert describe(client, arn)["desiredStatus"] == "RUNNING"
    ecs.advance_to(at(RUNNING_AT + 20))
    error = (
        "CannotStartContainerError: dependency graph: container ordering dependency "
        "[db(postgres:16) (RUNNING->RUNNING)] for target [app(nginx:1) (NONE->RUNNING)] has "
        "timed out."
    )
    task = describe(client, arn)
    # The stop decision (version 3) and, in the same instant, STOPPING: no signal phase
    # for a task that never started, but db is running and gets its SIGTERM.
    assert (task["lastStatus"], task["stopCode"], task["stoppedReason"]) == (
        "STOPPING",
        "TaskFailedToStart",
        error,
    )
    assert (task["version"], task["stoppingAt"]) == (3, at(RUNNING_AT + 20))
    ecs.advance(GRACE)
    task = describe(client, arn)
    db_c, app = task["containers"]
    assert (db_c["lastStatus"], db_c["exitCode"]) == ("STOPPED", 0)
    assert (app["lastStatus"], app["exitCode"], app["reason"]) == ("STOPPED", 143, error)
    assert task["executionStoppedAt"] == at(RUNNING_AT + 20 + GRACE)
    ecs.advance(DEPROVISION)
    assert describe(client, arn)["lastStatus"] == "STOPPED"


def test_without_a_start_timeout_the_dependent_waits(client: Any, ecs: ECSMock) -> None:
    db = {"name": "db", "image": "postgres:16", "healthCheck": {"command": ["CMD", "ok"]}}
    register(client, db, on("HEALTHY", "db"))
    ecs.faults.unhealthy(container="db")
    arn = run(client)
    ecs.advance(3600)
    task = describe(client, arn)
    assert (task["lastStatus"], task["desiredStatus"]) == ("PENDING", "RUNNING")
    assert containers(task)["db"]["healthStatus"] == "UNHEALTHY"
    assert task["healthStatus"] == "UNHEALTHY"


def test_shutdown_is_the_reverse_of_startup(client: Any, ecs: ECSMock) -> None:
    register(client, {"name": "proxy", "image": "envoy:1", "stopTimeout": 5}, on("START", "proxy"))
    ecs.script_container(container="proxy", on_sigterm="ignore")
    arn = run(client)
    ecs.advance_to(at(60))
    client.stop_task(task=arn)
    ecs.advance(GRACE)
    task = describe(client, arn)
    # app stops first; proxy gets its signal only then, and ignores it for 5 s.
    assert (containers(task)["app"]["exitCode"], containers(task)["proxy"]["lastStatus"]) == (
        0,
        "RUNNING",
    )
    ecs.advance(5)
    task = describe(client, arn)
    assert containers(task)["proxy"]["exitCode"] == 137
    assert task["executionStoppedAt"] == at(60 + GRACE + 5)


# -- health checks ---------------------------------------------------------------------


def test_container_health(client: Any, ecs: ECSMock) -> None:
    check = {"command": ["CMD-SHELL", "curl -f localhost"], "interval": 15}
    register(
        client,
        {"name": "app", "image": "nginx:1", "healthCheck": check},
        {"name": "log", "image": "fluent:1", "essential": False, "healthCheck": check},
    )
    ecs.faults.unhealthy(container="log")
    arn = run(client)
    ecs.advance_to(at(RUNNING_AT + 14))
    task = describe(client, arn)
    assert task["healthStatus"] == "UNKNOWN"
    ecs.advance_to(at(RUNNING_AT + 15))
    task = describe(client, arn)
    assert (task["healthStatus"], containers(task)["app"]["healthStatus"]) == ("HEALTHY", "HEALTHY")
    # Three failed checks 15 s apart: UNHEALTHY, but it is not essential.
    ecs.advance_to(at(RUNNING_AT + 45))
    task = describe(client, arn)
    assert containers(task)["log"]["healthStatus"] == "UNHEALTHY"
    assert task["healthStatus"] == "HEALTHY"


def test_unhealthy_essential_container(client: Any, ecs: ECSMock) -> None:
    check = {"command": ["CMD", "x"], "interval": 10, "retries": 2, "startPeriod": 25}
    register(client, {"name": "app", "image": "nginx:1", "healthCheck": check})
    ecs.faults.unhealthy(family="web")
    arn = run(client)
    # Checks at 10, 20 (inside startPeriod), 30, 40: the 2nd counted failure is at 40 s.
    ecs.advance_to(at(RUNNING_AT + 39))
    assert describe(client, arn)["healthStatus"] == "UNKNOWN"
    ecs.advance_to(at(RUNNING_AT + 40))
    task = describe(client, arn)
    assert (task["healthStatus"], task["lastStatus"]) == ("UNHEALTHY", "RUNNING")
