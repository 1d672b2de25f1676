"""BLUE_GREEN, LINEAR and CANARY deployments through a real boto3 client: the lifecycle
stages DescribeServiceDeployments reports, PAUSE hooks and ContinueServiceDeployment, bake
times, traffic steps, rollbacks, and the checks on their settings. Lambda hooks are in
test_lifecycle_hooks.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from service_world import NET, create, describe, register_revisions, stable

from ecsmock import ECSMock

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
TD = ARN + "task-definition/"
# A Fargate task of `web` is RUNNING 19.2 s after its launch and, with no health check,
# counts as healthy 40 s later; the scheduler's first pass comes 1 s after the call.
GREEN_HEALTHY = 1 + 19.2 + 40
PAUSE_AFTER_TEST = {"targetType": "PAUSE", "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"]}


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster and three revisions of `web` (see service_world)."""
    return register_revisions(client)


def deploy(client: Any, ecs: ECSMock, desired: int = 2, **config: Any) -> None:
    """A settled `web` of `web:1` with a staged `deploymentConfiguration`."""
    stable(client, ecs, desired, deploymentConfiguration=config)


def newest(client: Any) -> dict[str, Any]:
    """The newest ServiceDeployment of `web`, described."""
    arn = client.list_service_deployments(service="web")["serviceDeployments"][0]
    answer = client.describe_service_deployments(
        serviceDeploymentArns=[arn["serviceDeploymentArn"]]
    )
    return dict(answer["serviceDeployments"][0])


def stage(client: Any) -> tuple[str, str]:
    d = newest(client)
    return d["status"], d.get("lifecycleStage", "-")


def rows(client: Any) -> list[tuple[str, str, str]]:
    """(status, rolloutState, task definition) of each of `web`'s deployments."""
    return [
        (d["status"], d["rolloutState"], d["taskDefinition"][len(TD) :])
        for d in describe(client)["deployments"]
    ]


def weights(summary: dict[str, Any]) -> tuple[float, float]:
    return summary["requestedTestTrafficWeight"], summary["requestedProductionTrafficWeight"]


# -- BLUE_GREEN with a PAUSE hook -------------------------------------------------------


def test_blue_green_pauses_after_test_traffic_until_continued(web: Any, ecs: ECSMock) -> None:
    deploy(web, ecs, strategy="BLUE_GREEN", bakeTimeInMinutes=10)
    web.update_service(
        service="web",
        taskDefinition="web:2",
        deploymentConfiguration={"lifecycleHooks": [PAUSE_AFTER_TEST]},
    )
    start = ecs.now()
    assert stage(web) == ("PENDING", "-")
    ecs.advance(1)
    assert stage(web) == ("IN_PROGRESS", "SCALE_UP")
    # Green scales to the full count while blue keeps its tasks: maximumPercent is not used.
    assert [(s, r) for s, r, _ in rows(web)] == [
        ("PRIMARY", "IN_PROGRESS"),
        ("ACTIVE", "COMPLETED"),
    ]
    assert describe(web)["deployments"][0]["pendingCount"] == 2
    ecs.advance_to(start + timedelta(seconds=GREEN_HEALTHY))
    d = newest(web)
    assert d["lifecycleStage"] == "POST_TEST_TRAFFIC_SHIFT"
    [hook] = d["lifecycleHookDetails"]
    assert hook["hookId"].startswith("ecs-pause-")
    assert len(hook["hookId"]) == 53
    assert hook == {
        "hookId": hook["hookId"],
        "targetType": "PAUSE",
        "status": "AWAITING_ACTION",
        "expiresAt": ecs.now() + timedelta(minutes=1440),
        "timeoutAction": "ROLLBACK",
    }
    assert weights(d["targetServiceRevision"]) == (100.0, 0.0)
    assert [weights(s) for s in d["sourceServiceRevisions"]] == [(0.0, 100.0)]
    [event] = [e for e in ecs.events if e["detail-type"] == "ECS Hook State Change"]
    assert event["resources"] == [ARN + "service/default/web"]
    assert {k: event["detail"][k] for k in ("eventName", "hookId", "lifecycleStage")} == {
        "eventName": "HOOK_AWAITING_ACTION",
        "hookId": hook["hookId"],
        "lifecycleStage": "POST_TEST_TRAFFIC_SHIFT",
    }

    # The pause holds however long nothing answers it, and settle() returns meanwhile.
    ecs.settle()
    ecs.advance(3600)
    assert stage(web) == ("IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT")

    answer = web.continue_service_deployment(
        serviceDeploymentArn=d["serviceDeploymentArn"], hookId=hook["hookId"]
    )
    assert answer["serviceDeploymentArn"] == d["serviceDeploymentArn"]
    resumed = ecs.now()
    d = newest(web)
    assert (d["lifecycleStage"], d["lifecycleHookDetails"][0]["status"]) == (
        "BAKE_TIME",
        "SUCCEEDED",
    )
    assert weights(d["targetServiceRevision"]) == (100.0, 100.0)
    ecs.advance(599)
    assert stage(web) == ("IN_PROGRESS", "BAKE_TIME")
    assert len(rows(web)) == 2  # both revisions run through the bake time
    ecs.advance(1)
    # CLEAN_UP stops blue's tasks; the deployment completes once they have left RUNNING.
    d = newest(web)
    assert (d["status"], d["lifecycleStage"]) == ("SUCCESSFUL", "CLEAN_UP")
    assert d["finishedAt"] == resumed + timedelta(minutes=10)
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:2")]
    messages = [e["message"] for e in describe(web)["events"][:2]]
    green = describe(web)["deployments"][0]["id"]
    assert messages == [
        "(service web) has reached a steady state.",
        f"(service web) (deployment {green}) deployment completed.",
    ]


def test_blue_green_rollback_at_a_pause_returns_to_blue(web: Any, ecs: ECSMock) -> None:
    deploy(web, ecs, strategy="BLUE_GREEN", bakeTimeInMinutes=10)
    blue = describe(web)["deployments"][0]["id"]
    blue_tasks = set(web.list_tasks(serviceName="web")["taskArns"])
    web.update_service(
        service="web",
        taskDefinition="web:2",
        deploymentConfiguration={"lifecycleHooks": [PAUSE_AFTER_TEST]},
    )
    ecs.advance(GREEN_HEALTHY)
    green = describe(web)["deployments"][0]["id"]
    d = newest(web)
    hook = d["lifecycleHookDetails"][0]["hookId"]
    web.continue_service_deployment(
        serviceDeploymentArn=d["serviceDeploymentArn"], hookId=hook, action="ROLLBACK"
    )
    now = ecs.now()
    # Traffic is back on blue, which was never stopped: it is PRIMARY again, and the
    # rollback is done at the same instant, before the next call is answered (its
    # ROLLBACK_IN_PROGRESS is in the deployment events below).
    d = newest(web)
    assert (d["status"], d["lifecycleHookDetails"][0]["status"]) == (
        "ROLLBACK_SUCCESSFUL",
        "FAILED",
    )
    assert d["rollback"] == {
        "reason": "ECS deployment failed: hook execution failure(s) detected.",
        "startedAt": now,
        "serviceRevisionArn": d["sourceServiceRevisions"][0]["arn"],
    }
    assert weights(d["targetServiceRevision"]) == (0.0, 0.0)
    service = describe(web)
    assert service["taskDefinition"] == TD + "web:1"
    assert service["deployments"][0]["id"] == blue
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:1")]
    assert ecs.now() == now
    ecs.settle()
    assert set(web.list_tasks(serviceName="web")["taskArns"]) == blue_tasks
    messages = [e["message"] for e in describe(web)["events"]]
    assert messages[:3] == [
        "(service web) has reached a steady state.",
        f"(service web) (deployment {blue}) deployment completed.",
        messages[2],  # the green tasks stopped
    ]
    assert messages[2].startswith("(service web) has stopped 2 running tasks:")
    failed = [m for m in messages if "hook execution" in m or "rolling back" in m]
    assert failed == [
        f"(service web) rolling back to deployment {blue}.",
        f"(service web) (deployment {green}) deployment failed: "
        "hook execution failure(s) detected.",
    ]
    names = [
        e["detail"]["eventName"]
        for e in ecs.events
        if e["detail-type"] == "ECS Deployment State Change"
    ]
    assert names[-3:] == [
        "SERVICE_DEPLOYMENT_FAILED",
        "SERVICE_DEPLOYMENT_IN_PROGRESS",
        "SERVICE_DEPLOYMENT_COMPLETED",
    ]


def test_a_pause_hook_times_out_with_its_action(web: Any, ecs: ECSMock) -> None:
    onward = {
        **PAUSE_AFTER_TEST,
        "timeoutConfiguration": {"timeoutInMinutes": 5, "action": "CONTINUE"},
    }
    deploy(web, ecs, strategy="BLUE_GREEN", bakeTimeInMinutes=0, lifecycleHooks=[onward])
    web.update_service(service="web", taskDefinition="web:2")
    ecs.advance(GREEN_HEALTHY)
    assert stage(web) == ("IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT")
    ecs.advance(299)
    assert stage(web) == ("IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT")
    ecs.advance(1)
    d = newest(web)
    assert (d["lifecycleStage"], d["lifecycleHookDetails"][0]["status"]) == (
        "CLEAN_UP",
        "TIMED_OUT",
    )
    ecs.settle()
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:2")]

    back = {**PAUSE_AFTER_TEST, "timeoutConfiguration": {"timeoutInMinutes": 1}}
    web.update_service(
        service="web",
        taskDefinition="web:3",
        deploymentConfiguration={"lifecycleHooks": [back]},
    )
    ecs.advance(GREEN_HEALTHY + 59)
    assert stage(web) == ("IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT")
    ecs.advance(1)
    d = newest(web)
    assert (d["status"], d["lifecycleHookDetails"][0]["status"]) == (
        "ROLLBACK_SUCCESSFUL",
        "TIMED_OUT",
    )
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:2")]


# -- CANARY and LINEAR -----------------------------------------------------------------


def stages_every(client: Any, ecs: ECSMock, seconds: float, times: int) -> list[tuple[str, float]]:
    """(lifecycleStage, green's production weight) every `seconds`, `times` times."""
    out = []
    for _ in range(times):
        ecs.advance(seconds)
        d = newest(client)
        out.append((d["lifecycleStage"], weights(d["targetServiceRevision"])[1]))
    return out


SHIFT, BAKE, CLEAN = "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"


@pytest.mark.parametrize(
    ("config", "minutes"),
    [
        # Five simulated minutes at 10 %, then 100 % at once and three minutes of bake time.
        (
            {
                "strategy": "CANARY",
                "bakeTimeInMinutes": 3,
                "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 5},
            },
            [(SHIFT, 10.0)] * 5 + [(BAKE, 100.0)] * 3 + [(CLEAN, 100.0)],
        ),
        # 25 %, 50 %, 75 %: two minutes each (3 x 2 minutes); 100 %: no wait, then the bake.
        (
            {
                "strategy": "LINEAR",
                "bakeTimeInMinutes": 1,
                "linearConfiguration": {"stepPercent": 25.0, "stepBakeTimeInMinutes": 2},
            },
            [(SHIFT, 25.0)] * 2
            + [(SHIFT, 50.0)] * 2
            + [(SHIFT, 75.0)] * 2
            + [(BAKE, 100.0)]
            + [(CLEAN, 100.0)],
        ),
    ],
    ids=["canary", "linear"],
)
def test_traffic_steps_minute_by_minute(
    web: Any, ecs: ECSMock, config: dict[str, Any], minutes: list[tuple[str, float]]
) -> None:
    deploy(web, ecs, **config)
    web.update_service(service="web", taskDefinition="web:2")
    ecs.advance(GREEN_HEALTHY)
    d = newest(web)
    first = (d["lifecycleStage"], weights(d["targetServiceRevision"])[1])
    assert [first, *stages_every(web, ecs, 60, len(minutes) - 1)] == minutes
    ecs.settle()
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:2")]


def test_the_first_deployment_goes_through_the_stages_too(web: Any, ecs: ECSMock) -> None:
    create(web, 1, deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 2})
    ecs.advance(GREEN_HEALTHY)
    d = newest(web)
    assert (d["lifecycleStage"], d["sourceServiceRevisions"]) == ("BAKE_TIME", [])
    assert rows(web) == [("PRIMARY", "IN_PROGRESS", "web:1")]
    ecs.advance(120)
    assert stage(web) == ("SUCCESSFUL", "CLEAN_UP")
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:1")]


def test_a_rolling_deployment_reports_no_lifecycle_stage(web: Any, ecs: ECSMock) -> None:
    deploy(web, ecs, strategy="ROLLING")
    d = newest(web)
    assert ("lifecycleStage" in d, "requestedTestTrafficWeight" in d["targetServiceRevision"]) == (
        False,
        False,
    )


# -- reconcile, stop, replace, circuit breaker -------------------------------------------


def test_a_deployment_over_an_unfinished_one_reconciles_first(web: Any, ecs: ECSMock) -> None:
    pause_first = {"targetType": "PAUSE", "lifecycleStages": ["RECONCILE_SERVICE"]}
    deploy(web, ecs, strategy="BLUE_GREEN")
    web.update_service(
        service="web",
        taskDefinition="web:2",
        deploymentConfiguration={"lifecycleHooks": [PAUSE_AFTER_TEST, pause_first]},
    )
    ecs.advance(GREEN_HEALTHY)
    paused = newest(web)
    web.update_service(service="web", taskDefinition="web:3")
    assert (stage(web), paused["status"]) == (("PENDING", "-"), "IN_PROGRESS")
    ecs.advance(1)
    # Two revisions were ACTIVE when it began (web:1 and web:2): RECONCILE_SERVICE first.
    assert stage(web) == ("IN_PROGRESS", "RECONCILE_SERVICE")
    briefs = web.list_service_deployments(service="web")["serviceDeployments"]
    assert [(b["status"], b.get("statusReason")) for b in briefs] == [
        ("IN_PROGRESS", None),
        ("STOPPED", "Replaced by a new service deployment."),
        ("SUCCESSFUL", None),
    ]
    with pytest.raises(web.exceptions.ClientException):
        web.continue_service_deployment(
            serviceDeploymentArn=paused["serviceDeploymentArn"],
            hookId=paused["lifecycleHookDetails"][0]["hookId"],
        )


def test_stop_service_deployment_abort_and_rollback(web: Any, ecs: ECSMock) -> None:
    deploy(web, ecs, strategy="CANARY", canaryConfiguration={"canaryBakeTimeInMinutes": 30})
    web.update_service(service="web", taskDefinition="web:2")
    ecs.advance(GREEN_HEALTHY + 60)
    d = newest(web)
    assert (d["lifecycleStage"], weights(d["targetServiceRevision"])[1]) == (
        "PRODUCTION_TRAFFIC_SHIFT",
        5.0,  # the default canaryPercent
    )
    web.stop_service_deployment(serviceDeploymentArn=d["serviceDeploymentArn"], stopType="ABORT")
    d = newest(web)
    assert (d["status"], d["statusReason"], d["stoppedAt"]) == (
        "STOPPED",
        "Service deployment stopped by user.",
        ecs.now(),
    )
    ecs.advance(3600)
    # Nothing moves any more: green keeps its weight and its tasks, blue its own.
    assert stage(web) == ("STOPPED", "PRODUCTION_TRAFFIC_SHIFT")
    assert rows(web) == [("PRIMARY", "FAILED", "web:2"), ("ACTIVE", "COMPLETED", "web:1")]

    web.update_service(service="web", taskDefinition="web:3")
    ecs.advance(GREEN_HEALTHY + 60)
    d = newest(web)
    web.stop_service_deployment(serviceDeploymentArn=d["serviceDeploymentArn"])
    stopped_at = ecs.now()
    # Blue still runs: the rollback is done at the same instant, before the next call.
    d = newest(web)
    assert (d["status"], d["rollback"]["startedAt"]) == ("ROLLBACK_SUCCESSFUL", stopped_at)
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:1")]
    ecs.settle()
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:1")]


def test_the_circuit_breaker_rolls_a_blue_green_deployment_back(web: Any, ecs: ECSMock) -> None:
    ecs.faults.image_pull_failure(image="nginx:bad")
    breaker = {"enable": True, "rollback": True}
    deploy(web, ecs, 1, strategy="BLUE_GREEN", deploymentCircuitBreaker=breaker)
    web.update_service(service="web", taskDefinition="web:2")
    ecs.settle()
    d = newest(web)
    assert (d["status"], d["lifecycleStage"], d["deploymentCircuitBreaker"]) == (
        "ROLLBACK_SUCCESSFUL",
        "SCALE_UP",
        {"status": "TRIGGERED", "failureCount": 3, "threshold": 3},
    )
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:1")]


# -- ContinueServiceDeployment's refusals and the settings' checks ----------------------


def test_continue_service_deployment_refusals(web: Any, ecs: ECSMock) -> None:
    # A bake time keeps the deployment in progress once the hook is answered.
    deploy(web, ecs, strategy="BLUE_GREEN", bakeTimeInMinutes=10, lifecycleHooks=[PAUSE_AFTER_TEST])
    d = newest(web)
    arn, hook = d["serviceDeploymentArn"], d["lifecycleHookDetails"][0]["hookId"]
    with pytest.raises(web.exceptions.ServiceDeploymentNotFoundException):
        web.continue_service_deployment(serviceDeploymentArn=arn + "x", hookId=hook)
    with pytest.raises(web.exceptions.InvalidParameterException) as bad_hook:
        web.continue_service_deployment(serviceDeploymentArn=arn, hookId="ecs-pause-nope")
    assert bad_hook.value.response["Error"]["Message"] == (
        f"The lifecycle hook ecs-pause-nope was not found in the service deployment {arn}."
    )
    with pytest.raises(web.exceptions.InvalidParameterException):
        web.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook, action="LATER")
    web.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook)
    with pytest.raises(web.exceptions.ClientException) as twice:
        web.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook)
    assert twice.value.response["Error"]["Message"] == (
        f"The lifecycle hook {hook} is not awaiting action."
    )
    ecs.settle()
    with pytest.raises(web.exceptions.ClientException) as finished:
        web.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook)
    assert finished.value.response["Error"]["Message"] == (
        f"The service deployment {arn} is not in progress."
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {
                "lifecycleHooks": [
                    {"targetType": "PAUSE", "lifecycleStages": ["TEST_TRAFFIC_SHIFT"]}
                ]
            },
            "PAUSE hooks cannot be configured at the TEST_TRAFFIC_SHIFT or "
            "PRODUCTION_TRAFFIC_SHIFT lifecycle stages.",
        ),
        (
            {"lifecycleHooks": [{"lifecycleStages": ["PRE_SCALE_UP"]}]},
            "hookTargetArn must be specified for an AWS_LAMBDA deployment lifecycle hook.",
        ),
        (
            {"lifecycleHooks": [{"targetType": "PAUSE", "lifecycleStages": []}]},
            "lifecycleStages must be specified for a deployment lifecycle hook.",
        ),
        (
            {
                "lifecycleHooks": [
                    {
                        "targetType": "PAUSE",
                        "lifecycleStages": ["PRE_SCALE_UP"],
                        "timeoutConfiguration": {"timeoutInMinutes": 20161},
                    }
                ]
            },
            "timeoutConfiguration.timeoutInMinutes must be from 1 to 20160.",
        ),
        (
            {"linearConfiguration": {"stepPercent": 2.5}},
            "linearConfiguration.stepPercent must be a multiple of 0.1 from 3.0 to 100.0.",
        ),
        (
            {"linearConfiguration": {"stepPercent": 12.34}},
            "linearConfiguration.stepPercent must be a multiple of 0.1 from 3.0 to 100.0.",
        ),
        (
            {"canaryConfiguration": {"canaryPercent": 0.05}},
            "canaryConfiguration.canaryPercent must be a multiple of 0.1 from 0.1 to 100.0.",
        ),
        (
            {"canaryConfiguration": {"canaryBakeTimeInMinutes": 1441}},
            "canaryConfiguration.canaryBakeTimeInMinutes must be from 0 to 1440 minutes.",
        ),
        (
            {"strategy": "PURPLE"},
            "Invalid value 'PURPLE' for deploymentConfiguration.strategy. "
            "Valid values: ROLLING, BLUE_GREEN, LINEAR, CANARY.",
        ),
    ],
)
def test_staged_settings_ECS_refuses(
    web: Any, ecs: ECSMock, config: dict[str, Any], message: str
) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as refused:
        web.create_service(
            serviceName="web",
            taskDefinition="web:1",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=NET,
            deploymentConfiguration={"strategy": "LINEAR", **config},
        )
    assert refused.value.response["Error"]["Message"] == message
    assert web.list_services()["serviceArns"] == []
