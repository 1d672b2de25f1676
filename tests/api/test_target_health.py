"""Target health for services behind load balancers, through a real boto3 client:
registration events, targets healthy after a health check, failing checks set through the
mock (`ecs.set_target_health`), the grace period, the circuit breaker, alternate target
groups of blue/green deployments, and the helper's argument checks."""

from __future__ import annotations

from typing import Any

import pytest
from service_world import NET, describe, register_revisions
from service_world import create as create_service

from ecsmock import ECSMock, ECSMockError

TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
BLUE_TG, GREEN_TG = TG + "blue/0123456789abcdef", TG + "green/fedcba9876543210"
LB = {"targetGroupArn": BLUE_TG, "containerName": "app", "containerPort": 80}


@pytest.fixture
def web(client: Any) -> Any:
    """`web:1` and `web:2` with their `app` container on port 80 (see service_world)."""
    return register_revisions(client, port=80)


def create(client: Any, desired: int = 2, **kw: Any) -> None:
    create_service(client, desired, loadBalancers=kw.pop("loadBalancers", [LB]), **kw)


def events(client: Any) -> list[tuple[float, str]]:
    """(seconds after noon, message) of `web`'s events, oldest first."""
    out = []
    for e in reversed(describe(client)["events"]):
        at = e["createdAt"]
        out.append((at.minute * 60 + at.second + at.microsecond / 1e6, e["message"]))
    return out


def ids(client: Any) -> list[str]:
    return [arn.rsplit("/", 1)[1] for arn in client.list_tasks(serviceName="web")["taskArns"]]


def test_tasks_are_registered_and_healthy_after_a_health_check(web: Any, ecs: ECSMock) -> None:
    create(web)
    ecs.settle()
    a, b = ids(web)
    # RUNNING 20.2 s after the call, healthy one passing check (30 s) later, not 40 s.
    assert events(web) == [
        (1.0, f"(service web) has started 2 tasks: (task {a}) (task {b})."),
        (20.2, f"(service web) registered 2 targets in (target-group {BLUE_TG})"),
        (
            50.2,
            f"(service web) (deployment {describe(web)['deployments'][0]['id']}) "
            "deployment completed.",
        ),
        (50.2, "(service web) has reached a steady state."),
    ]


def test_a_target_failing_its_checks_gets_its_task_replaced(web: Any, ecs: ECSMock) -> None:
    create(web)
    ecs.settle()
    a, b = ids(web)
    ecs.set_target_health("unhealthy", task=f"arn:aws:ecs:eu-west-1:123456789012:task/default/{a}")
    ecs.advance(59)
    assert ids(web) == [a, b]
    ecs.advance(1)  # two failed checks 30 s apart
    [c] = [i for i in ids(web) if i not in (a, b)]
    assert events(web)[-4:] == [
        (
            110.2,
            f"(service web) (task {a}) (port 80) is unhealthy in (target-group {BLUE_TG}) "
            "due to (reason Health checks failed).",
        ),
        (110.2, f"(service web) has stopped 1 running tasks: (task {a})."),
        (110.2, f"(service web) deregistered 1 targets in (target-group {BLUE_TG})"),
        (110.2, f"(service web) has started 1 tasks: (task {c})."),
    ]
    stopped = web.describe_tasks(tasks=[a])["tasks"][0]
    assert (stopped["stopCode"], stopped["stoppedReason"]) == (
        "ServiceSchedulerInitiated",
        f"Task failed ELB health checks in (target-group {BLUE_TG})",
    )


def test_failing_checks_wait_out_the_grace_period(web: Any, ecs: ECSMock) -> None:
    ecs.set_target_health("unhealthy", family="web")
    create(web, 1, healthCheckGracePeriodSeconds=300)
    ecs.advance(20.2 + 60)  # RUNNING, then unhealthy: ignored for now
    [a] = ids(web)
    assert describe(web)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    ecs.advance(300 - 60 - 0.1)
    assert ids(web) == [a]
    ecs.advance(0.1)  # 300 s after the task started
    assert a not in ids(web)
    ecs.set_target_health("healthy", family="web")
    ecs.settle()
    assert describe(web)["deployments"][0]["rolloutState"] == "COMPLETED"


def test_failed_elb_checks_count_for_the_circuit_breaker(web: Any, ecs: ECSMock) -> None:
    create(web, 1)
    ecs.settle()
    ecs.set_target_health("unhealthy", family="web", target_group=BLUE_TG)
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    web.update_service(service="web", taskDefinition="web:2", deploymentConfiguration=breaker)
    ecs.settle()
    # Web:2's tasks failed their checks three times: the breaker rolled back to web:1,
    # whose tasks fail them as well, so the rollback fails in its turn.
    [deployment] = describe(web)["deployments"]
    assert (deployment["taskDefinition"][-5:], deployment["rolloutState"]) == ("web:1", "FAILED")
    newest = web.list_service_deployments(service="web")["serviceDeployments"][0]
    assert newest["status"] == "ROLLBACK_FAILED"
    assert any("deployment failed: tasks failed to start." in m for _, m in events(web))


def test_blue_green_green_runs_in_the_alternate_target_group(web: Any, ecs: ECSMock) -> None:
    advanced = {
        "alternateTargetGroupArn": GREEN_TG,
        "productionListenerRule": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
        "listener-rule/app/web/1/2/3",
        "roleArn": "arn:aws:iam::123456789012:role/ecs-elb",
    }
    create(
        web,
        1,
        loadBalancers=[{**LB, "advancedConfiguration": advanced}],
        deploymentConfiguration={"strategy": "BLUE_GREEN"},
    )
    ecs.settle()
    for revision in ("web:2", "web:1"):
        web.update_service(service="web", taskDefinition=revision)
        ecs.settle()
    registered = [m.split("(target-group ")[1][:-1] for _, m in events(web) if " registered " in m]
    assert registered == [BLUE_TG, GREEN_TG, BLUE_TG]
    deregistered = [
        m.split("(target-group ")[1][:-1] for _, m in events(web) if "deregistered" in m
    ]
    assert deregistered == [BLUE_TG, GREEN_TG]


def test_set_target_health_checks_its_arguments(web: Any, ecs: ECSMock) -> None:
    with pytest.raises(ECSMockError, match="state must be 'healthy' or 'unhealthy'"):
        ecs.set_target_health("sick")
    with pytest.raises(ECSMockError, match="give task, or family and target_group"):
        ecs.set_target_health("unhealthy", task="x", family="web")
    with pytest.raises(ECSMockError, match="task: 'nope' is not a task ARN") as bad:
        ecs.set_target_health("unhealthy", task="nope")
    assert isinstance(bad.value, ValueError)
    web.run_task(taskDefinition="web:1", launchType="FARGATE", networkConfiguration=NET)
    ecs.settle()
    [arn] = web.list_tasks()["taskArns"]
    with pytest.raises(ECSMockError, match="has no load-balancer targets"):
        ecs.set_target_health("unhealthy", task=arn)
