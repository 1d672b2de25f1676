"""The REPLICA service scheduler observed through a real boto3 client: reaching a steady
state, scaling, rolling updates step by step, replacing stopped and unhealthy tasks.
Circuit breaker and the service deployments API are in test_service_deployments.py."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import boto3
import pytest

from ecsmock import ECSMock, mock_ecs
from ecsmock.model.timing import REALISTIC

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
# A Fargate task of a service: created at the scheduler's first pass, RUNNING after
# provisioning, the wait before the pull, the pull, and the start.
FIRST_PASS = REALISTIC.scheduler_delay
TO_RUNNING = (
    REALISTIC.provisioning[0]
    + REALISTIC.pending_before_pull[0]
    + REALISTIC.image_pull[0]
    + REALISTIC.pull_to_running
)
HEALTHY_AFTER = REALISTIC.service_healthy_after  # no container health check: 40 s
HEALTH_CHECK = {"command": ["CMD", "true"], "interval": 10, "retries": 3, "startPeriod": 0}
TASK_IN_MESSAGE = re.compile(r"\(task ([0-9a-f]{32})\)")


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def register(client: Any, image: str, **container: Any) -> None:
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image, **container}],
    )


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster and `web:1` (nginx:1), `web:2` (nginx:2)."""
    client.create_cluster(clusterName="default")
    register(client, "nginx:1")
    register(client, "nginx:2")
    return client


def create(client: Any, desired: int = 3, **kw: Any) -> dict[str, Any]:
    kw.setdefault("taskDefinition", "web:1")
    return dict(
        client.create_service(
            serviceName="web",
            desiredCount=desired,
            launchType="FARGATE",
            networkConfiguration=NET,
            **kw,
        )["service"]
    )


def describe(client: Any) -> dict[str, Any]:
    return dict(client.describe_services(services=["web"])["services"][0])


def messages(service: dict[str, Any]) -> list[str]:
    return [e["message"] for e in service["events"]]


def tasks(client: Any, desired: str = "RUNNING") -> list[dict[str, Any]]:
    arns = client.list_tasks(serviceName="web", desiredStatus=desired)["taskArns"]
    return list(client.describe_tasks(tasks=arns)["tasks"]) if arns else []


def ids(found: list[dict[str, Any]]) -> list[str]:
    return [t["taskArn"].rsplit("/", 1)[1] for t in found]


def started(service: str, task_ids: list[str]) -> str:
    listed = " ".join(f"(task {i})" for i in task_ids)
    return f"(service {service}) has started {len(task_ids)} tasks: {listed}."


def stopped(service: str, task_ids: list[str]) -> str:
    listed = " ".join(f"(task {i})" for i in task_ids)
    return f"(service {service}) has stopped {len(task_ids)} running tasks: {listed}."


# -- create → steady state ----------------------------------------------------------------


def test_create_starts_tasks_and_reaches_a_steady_state(web: Any, ecs: ECSMock) -> None:
    deployment_id = create(web)["deployments"][0]["id"]
    ecs.advance_to(at(FIRST_PASS - 0.001))
    assert tasks(web) == []
    ecs.advance_to(at(FIRST_PASS))
    running = tasks(web)
    assert {(t["startedBy"], t["group"], t["taskDefinitionArn"]) for t in running} == {
        (deployment_id, "service:web", TD + "web:1")
    }
    assert {(t["launchType"], t["platformVersion"]) for t in running} == {("FARGATE", "1.4.0")}
    service = describe(web)
    assert messages(service) == [started("web", ids(running))]
    assert (service["runningCount"], service["pendingCount"]) == (0, 3)
    assert service["deployments"][0]["pendingCount"] == 3

    web.get_waiter("services_stable").wait(services=["web"])
    assert ecs.now() == at(FIRST_PASS + 30)  # polls every 15 s; RUNNING at 20.2 s
    service = describe(web)
    assert (service["runningCount"], service["pendingCount"]) == (3, 0)
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"

    done = FIRST_PASS + TO_RUNNING + HEALTHY_AFTER
    ecs.advance_to(at(done - 0.001))
    assert describe(web)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    ecs.advance_to(at(done))
    service = describe(web)
    [deployment] = service["deployments"]
    assert (deployment["rolloutState"], deployment["rolloutStateReason"]) == (
        "COMPLETED",
        f"ECS deployment {deployment_id} completed.",
    )
    assert deployment["updatedAt"] == at(done)
    assert messages(service) == [
        "(service web) has reached a steady state.",
        f"(service web) (deployment {deployment_id}) deployment completed.",
        started("web", ids(running)),
    ]
    assert [e["createdAt"] for e in service["events"]] == [at(done), at(done), at(FIRST_PASS)]
    changes = [
        (e["detail"]["eventName"], e["detail"]["reason"])
        for e in ecs.events
        if e["detail-type"] == "ECS Deployment State Change"
    ]
    assert changes == [
        ("SERVICE_DEPLOYMENT_IN_PROGRESS", f"ECS deployment {deployment_id} in progress."),
        ("SERVICE_DEPLOYMENT_COMPLETED", f"ECS deployment {deployment_id} completed."),
    ]
    actions = [e for e in ecs.events if e["detail-type"] == "ECS Service Action"]
    assert [(a["resources"], a["detail"]["eventName"]) for a in actions] == [
        ([service["serviceArn"]], "SERVICE_STEADY_STATE")
    ]
    ecs.settle()
    assert len(describe(web)["events"]) == 3  # no repeated steady-state event
    assert ecs.invariants() == []


def test_instant_timing_is_stable_at_once() -> None:
    with mock_ecs(timing="instant", strict=True, start=START) as instant:
        client = boto3.client("ecs", region_name="eu-west-1")
        client.create_cluster(clusterName="default")
        register(client, "nginx:1")
        create(client, 2)
        instant.settle()
        service = describe(client)
        assert instant.now() == START
        assert (service["runningCount"], service["deployments"][0]["rolloutState"]) == (
            2,
            "COMPLETED",
        )


# -- scaling ------------------------------------------------------------------------------


def test_scale_up_then_down(web: Any, ecs: ECSMock) -> None:
    deployment_id = create(web, 2)["deployments"][0]["id"]
    ecs.settle()
    first = ids(tasks(web))
    updated = web.update_service(service="web", desiredCount=5)["service"]
    assert (updated["desiredCount"], updated["deployments"][0]["desiredCount"]) == (5, 5)
    assert [d["id"] for d in updated["deployments"]] == [deployment_id]  # no new deployment
    ecs.advance(0)
    added = [i for i in ids(tasks(web)) if i not in first]
    assert len(added) == 3
    assert messages(describe(web))[0] == started("web", added)
    ecs.settle()
    service = describe(web)
    assert (service["runningCount"], messages(service)[0]) == (
        5,
        "(service web) has reached a steady state.",
    )

    web.update_service(service="web", desiredCount=2)
    ecs.advance(0)
    gone = tasks(web, "STOPPED")
    assert len(gone) == 3
    assert {(t["stopCode"], t["stoppedReason"]) for t in gone} == {
        ("ServiceSchedulerInitiated", f"Scaling activity initiated by (deployment {deployment_id})")
    }
    assert messages(describe(web))[:2] == [
        "(service web) has reached a steady state.",  # runningCount 2 once they stop
        stopped("web", ids(gone)[::-1]),  # the newest go first [S]
    ]
    assert set(ids(gone)) == set(added)
    ecs.settle()
    service = describe(web)
    assert (service["runningCount"], service["desiredCount"], len(tasks(web))) == (2, 2, 2)
    assert {t["lastStatus"] for t in tasks(web, "STOPPED")} == {"STOPPED"}
    assert ecs.invariants() == []


def test_scaling_in_pending_tasks_is_no_launch_failure(web: Any, ecs: ECSMock) -> None:
    create(
        web,
        4,
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    ecs.advance(5)  # four tasks PENDING
    web.update_service(service="web", desiredCount=0)
    ecs.settle()
    service = describe(web)
    deployment = service["deployments"][0]
    assert (deployment["failedTasks"], deployment["rolloutState"]) == (0, "COMPLETED")
    assert not any("unable to consistently" in m for m in messages(service))
    assert not any("deployment failed" in m for m in messages(service))


# -- rolling updates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "minimum", "moves"),
    [
        (200, 100, [("started", 4), ("stopped", 4)]),
        (100, 50, [("stopped", 2), ("started", 2), ("stopped", 2), ("started", 2)]),
        (100, 0, [("stopped", 4), ("started", 4)]),
        (150, 75, [("stopped", 1), ("started", 3), ("stopped", 3), ("started", 1)]),
    ],
)
def test_rolling_update_stays_within_the_percentages(
    web: Any, ecs: ECSMock, maximum: int, minimum: int, moves: list[tuple[str, int]]
) -> None:
    desired = 4
    create(
        web,
        desired,
        deploymentConfiguration={"maximumPercent": maximum, "minimumHealthyPercent": minimum},
    )
    ecs.settle()
    old_id = describe(web)["deployments"][0]["id"]
    events_before = len(describe(web)["events"])
    updated = web.update_service(service="web", taskDefinition="web:2")["service"]
    assert updated["taskDefinition"] == TD + "web:2"
    new_id = updated["deployments"][0]["id"]
    assert [
        (d["id"], d["status"], d["taskDefinition"], d["rolloutState"])
        for d in updated["deployments"]
    ] == [
        (new_id, "PRIMARY", TD + "web:2", "IN_PROGRESS"),
        (old_id, "ACTIVE", TD + "web:1", "COMPLETED"),
    ]
    upper = math.floor(desired * maximum / 100)
    lower = math.ceil(desired * minimum / 100)
    saw_both = False
    for _ in range(240):
        ecs.advance(1)
        live = tasks(web)
        healthy = [
            t
            for t in live
            if t["lastStatus"] == "RUNNING"
            and t["startedAt"] <= ecs.now() - timedelta(seconds=HEALTHY_AFTER)
        ]
        assert len(live) <= upper, ecs.now()
        assert len(healthy) >= lower, ecs.now()
        assert ecs.invariants() == []
        service = describe(web)
        saw_both = saw_both or len(service["deployments"]) == 2
        if service["deployments"][0]["rolloutState"] == "COMPLETED":
            break
    [deployment] = service["deployments"]
    assert (deployment["id"], deployment["runningCount"]) == (new_id, desired)
    # Old tasks that all go at once leave at once: no ACTIVE deployment to see.
    assert saw_both == (minimum > 0)
    assert {t["taskDefinitionArn"] for t in tasks(web)} == {TD + "web:2"}
    old_tasks = [t for t in tasks(web, "STOPPED") if t["startedBy"] == old_id]
    assert len(old_tasks) == desired
    assert {t["stoppedReason"] for t in old_tasks} == {
        f"Scaling activity initiated by (deployment {old_id})"
    }
    history = list(reversed(messages(service)[: len(service["events"]) - events_before]))
    assert history[-2:] == [
        f"(service web) (deployment {new_id}) deployment completed.",
        "(service web) has reached a steady state.",
    ]
    observed = []
    for text in history[:-2]:
        kind = "started" if "has started" in text else "stopped"
        observed.append((kind, len(TASK_IN_MESSAGE.findall(text))))
    assert observed == moves


def test_deployment_configuration_leaving_no_room_is_reported(web: Any, ecs: ECSMock) -> None:
    create(web, 3, deploymentConfiguration={"maximumPercent": 125, "minimumHealthyPercent": 100})
    ecs.settle()
    web.update_service(service="web", taskDefinition="web:2")
    ecs.advance(600)
    service = describe(web)
    assert messages(service)[0] == (
        "(service web) was unable to stop or start tasks during a deployment because of the "
        "service deployment configuration. Update the minimumHealthyPercent or maximumPercent "
        "value and try again."
    )
    assert [(d["status"], d["runningCount"]) for d in service["deployments"]] == [
        ("PRIMARY", 0),
        ("ACTIVE", 3),
    ]
    web.update_service(service="web", deploymentConfiguration={"maximumPercent": 200})
    ecs.settle()
    service = describe(web)
    assert [(d["taskDefinition"], d["runningCount"]) for d in service["deployments"]] == [
        (TD + "web:2", 3)
    ]


def test_a_second_update_replaces_an_unfinished_deployment(web: Any, ecs: ECSMock) -> None:
    register(web, "nginx:3")
    create(web, 2)
    ecs.settle()
    first = web.update_service(service="web", taskDefinition="web:2")["service"]
    ecs.advance(30)  # web:2 tasks RUNNING, not yet healthy
    second = web.update_service(service="web", taskDefinition="web:3")["service"]
    assert [(d["taskDefinition"], d["status"]) for d in second["deployments"]] == [
        (TD + "web:3", "PRIMARY"),
        (TD + "web:2", "ACTIVE"),
        (TD + "web:1", "ACTIVE"),
    ]
    assert second["deployments"][1]["id"] == first["deployments"][0]["id"]
    ecs.settle()
    service = describe(web)
    assert [(d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [
        (TD + "web:3", "COMPLETED")
    ]
    assert {t["taskDefinitionArn"] for t in tasks(web)} == {TD + "web:3"}
    assert ecs.invariants() == []


def test_force_new_deployment_replaces_every_task(web: Any, ecs: ECSMock) -> None:
    create(web, 2)
    ecs.settle()
    before = set(ids(tasks(web)))
    forced = web.update_service(service="web", forceNewDeployment=True)["service"]
    assert [d["taskDefinition"] for d in forced["deployments"]] == [TD + "web:1"] * 2
    ecs.settle()
    after = set(ids(tasks(web)))
    assert len(after) == 2
    assert not after & before
    unchanged = web.update_service(service="web", taskDefinition="web:1")["service"]
    assert len(unchanged["deployments"]) == 1  # same configuration: no new deployment


# -- replacing tasks ----------------------------------------------------------------------


def test_task_stopped_by_user_is_replaced(web: Any, ecs: ECSMock) -> None:
    create(web, 2)
    ecs.settle()
    before = tasks(web)
    web.stop_task(task=before[0]["taskArn"], reason="poking")
    ecs.advance(0)
    [replacement] = [i for i in ids(tasks(web)) if i not in ids(before)]
    service = describe(web)
    assert messages(service)[0] == started("web", [replacement])
    [gone] = tasks(web, "STOPPED")
    assert (gone["stopCode"], gone["stoppedReason"]) == ("UserInitiated", "poking")
    ecs.settle()
    service = describe(web)
    assert (service["runningCount"], len(service["deployments"])) == (2, 1)
    assert messages(service)[0] == "(service web) has reached a steady state."


def test_essential_container_exit_is_replaced(web: Any, ecs: ECSMock) -> None:
    create(web, 1)
    ecs.settle()
    [task] = tasks(web)
    ecs.faults.exit_container(task["taskArn"], "app", 2)
    ecs.advance(0)
    [gone] = tasks(web, "STOPPED")
    assert (gone["stopCode"], gone["stoppedReason"]) == (
        "EssentialContainerExited",
        "Essential container in task exited",
    )
    [replacement] = tasks(web)
    assert messages(describe(web))[0] == started("web", ids([replacement]))
    ecs.settle()
    assert describe(web)["runningCount"] == 1
    assert describe(web)["deployments"][0]["failedTasks"] == 0  # it had run: no failure


def test_health_checked_tasks_count_healthy_when_their_checks_pass(web: Any, ecs: ECSMock) -> None:
    register(web, "nginx:hc", healthCheck=HEALTH_CHECK)
    create(web, 1, taskDefinition="web:3")
    running_at = FIRST_PASS + TO_RUNNING
    ecs.advance_to(at(running_at + 9.999))
    assert describe(web)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    ecs.advance_to(at(running_at + 10))  # the first probe, one interval in
    assert describe(web)["deployments"][0]["rolloutState"] == "COMPLETED"


@pytest.mark.parametrize("grace", [0, 60])
def test_unhealthy_task_is_replaced_after_the_grace_period(
    web: Any, ecs: ECSMock, grace: int
) -> None:
    register(web, "nginx:hc", healthCheck=HEALTH_CHECK)
    ecs.faults.unhealthy(container="app")
    create(web, 1, taskDefinition="web:3", healthCheckGracePeriodSeconds=grace)
    running_at = FIRST_PASS + TO_RUNNING
    unhealthy_at = running_at + 30  # three failed probes, 10 s apart
    stop_at = running_at + max(30, grace)
    ecs.advance_to(at(stop_at - 0.001))
    [task] = tasks(web)
    assert task["healthStatus"] == ("UNHEALTHY" if stop_at > unhealthy_at else "UNKNOWN")
    assert tasks(web, "STOPPED") == []
    ecs.advance_to(at(stop_at))
    [gone] = tasks(web, "STOPPED")
    assert (gone["stopCode"], gone["stoppedReason"], gone["stoppingAt"]) == (
        "ServiceSchedulerInitiated",
        "Task failed container health checks",
        at(stop_at),
    )
    [replacement] = tasks(web)
    task_id = ids([gone])[0]
    assert messages(describe(web))[:3] == [
        started("web", ids([replacement])),
        stopped("web", [task_id]),
        f"(service web) (task {task_id}) failed container health checks.",
    ]
    assert describe(web)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert ecs.invariants() == []


def test_task_healthy_before_it_runs_counts_once_running(web: Any, ecs: ECSMock) -> None:
    """A checked container can be HEALTHY while another one still waits (dependsOn)."""
    web.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "app", "image": "nginx:hc", "healthCheck": HEALTH_CHECK},
            {"name": "init", "image": "busybox", "essential": False},
            {
                "name": "late",
                "image": "late:1",
                "essential": False,
                "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
            },
        ],
    )
    ecs.script_container(container="init", exit_code=0, after=100)
    create(web, 2)
    ecs.settle()
    web.update_service(service="web", taskDefinition="web:3")
    for _ in range(200):
        ecs.advance(1)
        assert ecs.invariants() == []
        running = [t for t in tasks(web) if t["lastStatus"] == "RUNNING"]
        assert len(running) >= 2, ecs.now()  # minimumHealthyPercent 100
        service = describe(web)
        if len(service["deployments"]) == 1:
            break
    assert [(d["taskDefinition"], d["runningCount"]) for d in service["deployments"]] == [
        (TD + "web:3", 2)
    ]


def test_only_the_last_hundred_service_events_are_kept() -> None:
    with mock_ecs(timing="instant", strict=True, start=START) as instant:
        client = boto3.client("ecs", region_name="eu-west-1")
        client.create_cluster(clusterName="default")
        register(client, "nginx:1")
        create(client, 1)
        for count in [2, 1] * 30:  # started, steady, stopped, steady ... 4 events a round
            client.update_service(service="web", desiredCount=count)
            instant.settle()
        events = describe(client)["events"]
        assert len(events) == 100
        assert events[0]["message"] == "(service web) has reached a steady state."
        assert all(a["createdAt"] >= b["createdAt"] for a, b in pairwise(events))
