"""Failing service deployments through a real boto3 client: the deployment circuit
breaker with and without rollback (launch failures and failed health checks), and the
launch throttle. The service deployments API is in test_service_deployments.py."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from service_world import NET, describe, register_revisions, stable

from ecsmock import ECSMock
from ecsmock.model.timing import REALISTIC

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
TD = ARN + "task-definition/"
BREAKER = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
FAILED = "ECS deployment circuit breaker: tasks failed to start."
PULL_ERROR = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
    "resolve ref nginx:bad: not found"
)
THROTTLED = "(service web) is unable to consistently start tasks successfully."
# A failing task of a new deployment: created at the first pass, its pull fails, and it is
# STOPPED (counted as a launch failure) once deprovisioned.
PULL_FAILS = (
    REALISTIC.scheduler_delay
    + REALISTIC.provisioning[0]
    + REALISTIC.pending_before_pull[0]
    + REALISTIC.image_pull[0]
)
FAILED_STOPPED = PULL_FAILS + REALISTIC.deprovisioning[0]


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster and three revisions of `web` (see service_world)."""
    return register_revisions(client)


def messages(service: dict[str, Any]) -> list[str]:
    return [e["message"] for e in service["events"]]


def summary(service: dict[str, Any]) -> list[tuple[str, str, str, str, int]]:
    return [
        (d["id"], d["status"], d["taskDefinition"][len(TD) :], d["rolloutState"], d["failedTasks"])
        for d in service["deployments"]
    ]


def deployment_events(ecs: ECSMock) -> list[tuple[str, str, str, str]]:
    return [
        (d["eventType"], d["eventName"], d["deploymentId"], d["reason"])
        for d in (
            e["detail"] for e in ecs.events if e["detail-type"] == "ECS Deployment State Change"
        )
    ]


def service_deployments(client: Any, **kw: Any) -> list[dict[str, Any]]:
    return list(client.list_service_deployments(service="web", **kw)["serviceDeployments"])


def full(client: Any, arn: str) -> dict[str, Any]:
    answer = client.describe_service_deployments(serviceDeploymentArns=[arn])
    return dict(answer["serviceDeployments"][0])


def stopped_tasks(client: Any) -> list[dict[str, Any]]:
    arns = client.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    return list(client.describe_tasks(tasks=arns)["tasks"]) if arns else []


# -- circuit breaker --------------------------------------------------------------------


def test_circuit_breaker_rolls_back_to_the_completed_deployment(web: Any, ecs: ECSMock) -> None:
    good = stable(web, ecs, deploymentConfiguration=BREAKER)
    updated_at = ecs.now()
    ecs.events.clear()
    ecs.faults.image_pull_failure(image="nginx:bad")
    web.update_service(service="web", taskDefinition="web:2")
    bad = describe(web)["deployments"][0]["id"]
    ecs.advance(FAILED_STOPPED - 0.001)
    assert summary(describe(web))[0] == (bad, "PRIMARY", "web:2", "IN_PROGRESS", 0)
    first_failures = {t["taskArn"] for t in stopped_tasks(web)}
    assert len(first_failures) == 4
    ecs.advance(0.001)  # the first four are STOPPED: three failures trip the breaker
    tripped = updated_at + timedelta(seconds=FAILED_STOPPED)
    service = describe(web)
    assert service["taskDefinition"] == TD + "web:1"
    rollback = service["deployments"][0]
    assert rollback["id"] not in (good, bad)
    # The failed deployment's tasks never ran: stopped at once, it leaves at once.
    assert summary(service) == [
        (rollback["id"], "PRIMARY", "web:1", "IN_PROGRESS", 0),
        (good, "ACTIVE", "web:1", "COMPLETED", 0),
    ]
    assert rollback["rolloutStateReason"] == (
        f"ECS deployment circuit breaker: rolling back to deploymentId {good}."
    )
    [failed_brief] = service_deployments(web, status=["ROLLBACK_IN_PROGRESS"])
    described = full(web, failed_brief["serviceDeploymentArn"])
    assert (described["statusReason"], described["rollback"]["reason"]) == (FAILED, FAILED)
    assert described["rollback"]["startedAt"] == tripped
    assert described["deploymentCircuitBreaker"] == {
        "status": "TRIGGERED",
        "failureCount": 3,  # min(200, max(3, ceil(4 / 2)))
        "threshold": 3,
    }
    recent = [e["message"] for e in service["events"] if e["createdAt"] == tripped][::-1]
    assert recent[:3] == [
        THROTTLED,  # the second failure in a row
        f"(service web) (deployment {bad}) deployment failed: tasks failed to start.",
        f"(service web) rolling back to deployment {good}.",
    ]
    # Then, in the same instant, the failed deployment's replacements (still starting)
    # go, and the rollback starts at once: its launches are not throttled.
    assert [m.split(": ")[0] for m in recent[3:]] == [
        "(service web) has stopped 4 running tasks",
        "(service web) has started 4 tasks",
    ]
    failed = [t for t in stopped_tasks(web) if t["taskArn"] in first_failures]
    assert {(t["stopCode"], t["stoppedReason"], "startedAt" in t) for t in failed} == {
        ("TaskFailedToStart", PULL_ERROR, False)
    }
    ecs.settle()
    service = describe(web)
    assert summary(service) == [(rollback["id"], "PRIMARY", "web:1", "COMPLETED", 0)]
    assert service["runningCount"] == 4
    assert deployment_events(ecs) == [
        ("INFO", "SERVICE_DEPLOYMENT_IN_PROGRESS", bad, f"ECS deployment {bad} in progress."),
        ("ERROR", "SERVICE_DEPLOYMENT_FAILED", bad, FAILED),
        (
            "INFO",
            "SERVICE_DEPLOYMENT_IN_PROGRESS",
            rollback["id"],
            f"ECS deployment circuit breaker: rolling back to deploymentId {good}.",
        ),
        (
            "INFO",
            "SERVICE_DEPLOYMENT_COMPLETED",
            rollback["id"],
            f"ECS deployment {rollback['id']} completed.",
        ),
    ]
    assert ecs.invariants() == []


@pytest.mark.parametrize("desired", [1, 4, 10])
def test_breaker_threshold_is_half_the_desired_count_at_least_three(
    web: Any, ecs: ECSMock, desired: int
) -> None:
    stable(web, ecs, desired, deploymentConfiguration=BREAKER)
    ecs.faults.image_pull_failure(image="nginx:bad")
    web.update_service(service="web", taskDefinition="web:2")
    ecs.settle()
    threshold = min(200, max(3, math.ceil(desired / 2)))
    [brief] = service_deployments(web, status=["ROLLBACK_SUCCESSFUL"])
    breaker = full(web, brief["serviceDeploymentArn"])["deploymentCircuitBreaker"]
    assert breaker == {"status": "TRIGGERED", "failureCount": threshold, "threshold": threshold}


def test_tasks_failing_health_checks_trip_the_breaker(web: Any, ecs: ECSMock) -> None:
    """Stage 2: tasks that ran, then failed their container health checks."""
    good = stable(web, ecs, 2, deploymentConfiguration=BREAKER)
    web.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx:sick",
                "healthCheck": {"command": ["CMD", "true"], "interval": 10, "retries": 3},
            }
        ],
    )
    ecs.faults.unhealthy(image="nginx:sick")
    web.update_service(service="web", taskDefinition="web:4")
    ecs.settle()
    service = describe(web)
    assert [row[2:4] for row in summary(service)] == [("web:1", "COMPLETED")]
    texts = messages(service)
    sick = [m for m in texts if m.endswith("failed container health checks.")]
    assert len(sick) >= 3
    assert f"(service web) rolling back to deployment {good}." in texts
    [brief] = service_deployments(web, status=["ROLLBACK_SUCCESSFUL"])
    breaker = full(web, brief["serviceDeploymentArn"])["deploymentCircuitBreaker"]
    assert breaker == {"status": "TRIGGERED", "failureCount": 3, "threshold": 3}
    stopped_sick = [t for t in stopped_tasks(web) if t["taskDefinitionArn"] == TD + "web:4"]
    assert {(t["stopCode"], t["stoppedReason"]) for t in stopped_sick} == {
        ("ServiceSchedulerInitiated", "Task failed container health checks")
    }
    assert ecs.invariants() == []


def test_circuit_breaker_without_rollback_leaves_the_old_tasks_running(
    web: Any, ecs: ECSMock
) -> None:
    no_rollback = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    good = stable(web, ecs, deploymentConfiguration=no_rollback)
    ecs.faults.image_pull_failure(image="nginx:bad")
    web.update_service(service="web", taskDefinition="web:2")
    bad = describe(web)["deployments"][0]["id"]
    ecs.settle()
    service = describe(web)
    assert [row[:4] for row in summary(service)] == [
        (bad, "PRIMARY", "web:2", "FAILED"),
        (good, "ACTIVE", "web:1", "COMPLETED"),
    ]
    assert service["taskDefinition"] == TD + "web:2"
    assert (service["runningCount"], service["deployments"][1]["runningCount"]) == (4, 4)
    events_now = len(service["events"])
    ecs.advance(3600)  # a FAILED deployment launches nothing more
    assert len(describe(web)["events"]) == events_now
    assert f"(service web) (deployment {bad}) deployment failed: tasks failed to start." in (
        messages(service)
    )
    assert not any("rolling back" in m for m in messages(service))
    [brief] = service_deployments(web, status=["STOPPED"])
    assert (brief["status"], brief["statusReason"]) == ("STOPPED", FAILED)
    # A new deployment of a good image recovers.
    web.update_service(service="web", taskDefinition="web:3")
    ecs.settle()
    assert [row[1:4] for row in summary(describe(web))] == [("PRIMARY", "web:3", "COMPLETED")]


def test_without_the_breaker_launches_are_throttled_and_settle_returns(
    web: Any, ecs: ECSMock
) -> None:
    stable(web, ecs, 2)
    ecs.faults.image_pull_failure(image="nginx:bad")
    web.update_service(service="web", taskDefinition="web:2")
    ecs.settle()  # only backoff work is left: returns
    service = describe(web)
    assert messages(service).count(THROTTLED) == 1
    primary = service["deployments"][0]
    assert (primary["rolloutState"], primary["runningCount"]) == ("IN_PROGRESS", 0)
    assert primary["failedTasks"] >= 4
    assert service["deployments"][1]["runningCount"] == 2
    actions = [
        e["detail"]["eventName"] for e in ecs.events if e["detail-type"] == "ECS Service Action"
    ]
    assert actions.count("SERVICE_TASK_START_IMPAIRED") == 1

    # It keeps trying, further and further apart, at most 15 minutes (plus the failed
    # launch itself) between attempts.
    ecs.advance(3600)
    launched = [e["createdAt"] for e in describe(web)["events"] if "has started" in e["message"]][
        ::-1
    ]
    gaps = [(b - a).total_seconds() for a, b in pairwise(launched)]
    assert 900 <= max(gaps) <= 900 + FAILED_STOPPED
    assert len(launched) >= 8
    web.update_service(service="web", taskDefinition="web:3")  # a new definition resets it
    ecs.settle()
    assert [row[1:4] for row in summary(describe(web))] == [("PRIMARY", "web:3", "COMPLETED")]


def test_tasks_that_cannot_be_placed_are_retried_after_the_backoff(web: Any, ecs: ECSMock) -> None:
    ecs.faults.capacity_unavailable(times=3)
    web.create_service(
        serviceName="web",
        taskDefinition="web:1",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=NET,
    )
    ecs.settle()  # only the retry is left, and it waits for the backoff
    assert ecs.now() == START + timedelta(seconds=REALISTIC.scheduler_delay)
    assert messages(describe(web))[0] == THROTTLED
    ecs.advance(120)
    service = describe(web)
    assert service["runningCount"] == 2
    unplaced = [m for m in messages(service) if "was unable to place a task" in m]
    assert (
        unplaced
        == [
            "(service web) was unable to place a task. Reason: Capacity is unavailable at this "
            "time. Please try again later or in a different availability zone"
        ]
        * 3
    )


def test_a_failing_rollback_is_not_rolled_back_again(web: Any, ecs: ECSMock) -> None:
    good = stable(web, ecs, 2, deploymentConfiguration=BREAKER)
    ecs.faults.image_pull_failure(image="nginx:1")  # the image rolled back to fails too
    web.update_service(service="web", forceNewDeployment=True)
    ecs.advance(1800)
    service = describe(web)
    assert [row[1:4] for row in summary(service)] == [
        ("PRIMARY", "web:1", "FAILED"),
        ("ACTIVE", "web:1", "COMPLETED"),
    ]
    assert service["deployments"][1]["id"] == good
    assert messages(service).count(f"(service web) rolling back to deployment {good}.") == 1
    assert [b["status"] for b in service_deployments(web)] == ["ROLLBACK_FAILED", "SUCCESSFUL"]
    assert service["runningCount"] == 2  # the last good tasks keep running
