"""AWS_LAMBDA lifecycle hooks answered by handlers registered on the mock
(`ecs.set_hook_handler`), through a real boto3 client: payloads, IN_PROGRESS with
callBackDelay and hookDetails, FAILED, exceptions, bad answers, the default, and the
handler's own argument checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from service_world import describe, register_revisions, stable

from ecsmock import ECSMock, ECSMockError

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:check"
GREEN_HEALTHY = 1 + 19.2 + 40


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster and three revisions of `web` (see service_world)."""
    return register_revisions(client)


def lambda_hook(*stages: str, **extra: Any) -> dict[str, Any]:
    return {"hookTargetArn": FUNCTION, "lifecycleStages": list(stages), **extra}


def blue_green(client: Any, ecs: ECSMock, *hooks: dict[str, Any]) -> None:
    """A settled BLUE_GREEN `web` of `web:1`, then an update to `web:2` with `hooks`."""
    stable(client, ecs, 1, deploymentConfiguration={"strategy": "BLUE_GREEN"})
    client.update_service(
        service="web",
        taskDefinition="web:2",
        deploymentConfiguration={"lifecycleHooks": list(hooks)},
    )


def newest(client: Any) -> dict[str, Any]:
    arn = client.list_service_deployments(service="web")["serviceDeployments"][0]
    answer = client.describe_service_deployments(
        serviceDeploymentArns=[arn["serviceDeploymentArn"]]
    )
    return dict(answer["serviceDeployments"][0])


def task_definitions(client: Any) -> list[str]:
    return [d["taskDefinition"].rsplit("/", 1)[1] for d in describe(client)["deployments"]]


def test_a_lambda_hook_in_progress_is_invoked_again(web: Any, ecs: ECSMock) -> None:
    calls: list[tuple[float, dict[str, Any]]] = []
    answers = [
        {"hookStatus": "IN_PROGRESS", "callBackDelay": 60, "hookDetails": {"tries": 1}},
        {"hookStatus": "IN_PROGRESS"},
        {"hookStatus": "SUCCEEDED"},
    ]

    def check(payload: dict[str, Any]) -> Any:
        calls.append((ecs.now().timestamp(), payload))
        return answers[len(calls) - 1]

    ecs.set_hook_handler(FUNCTION, check)
    blue_green(web, ecs, lambda_hook("POST_SCALE_UP", hookDetails={"bucket": "b"}))
    ecs.advance(GREEN_HEALTHY)
    first = ecs.now()
    d = newest(web)
    assert d["lifecycleStage"] == "POST_SCALE_UP"
    [hook] = d["lifecycleHookDetails"]
    assert hook["hookId"].startswith("ecs-lambda-")
    assert hook == {
        "hookId": hook["hookId"],
        "targetType": "AWS_LAMBDA",
        "targetArn": FUNCTION,
        "status": "IN_PROGRESS",
        "expiresAt": first + timedelta(minutes=1440),
        "timeoutAction": "ROLLBACK",
    }
    target = d["targetServiceRevision"]["arn"]
    source = d["sourceServiceRevisions"][0]["arn"]
    assert calls == [
        (
            first.timestamp(),
            {
                "serviceArn": ARN + "service/default/web",
                "targetServiceRevisionArn": target,
                "testTrafficWeights": {target: 0.0, source: 100.0},
                "productionTrafficWeights": {target: 0.0, source: 100.0},
                "lifecycleStage": "POST_SCALE_UP",
                "hookDetails": {"bucket": "b"},
            },
        )
    ]
    ecs.advance(59)
    assert len(calls) == 1
    ecs.advance(1)  # callBackDelay 60, with the hookDetails the function returned
    assert (len(calls), calls[1][1]["hookDetails"]) == (2, {"tries": 1})
    ecs.advance(30)  # the default delay: 30 seconds
    assert [round(at - first.timestamp()) for at, _ in calls] == [0, 60, 90]
    d = newest(web)
    assert d["lifecycleHookDetails"][0]["status"] == "SUCCEEDED"
    assert d["status"] == "SUCCESSFUL"
    assert task_definitions(web) == ["web:2"]


@pytest.mark.parametrize(
    "answer",
    [
        {"hookStatus": "FAILED"},
        {"hookStatus": "MAYBE"},
        "SUCCEEDED",
        {"hookStatus": "IN_PROGRESS", "callBackDelay": "soon"},
    ],
)
def test_a_lambda_hook_that_fails_rolls_back(web: Any, ecs: ECSMock, answer: Any) -> None:
    ecs.set_hook_handler("check", lambda payload: answer)  # by function name
    blue_green(web, ecs, lambda_hook("PRE_SCALE_UP"))
    ecs.settle()
    d = newest(web)
    assert (d["status"], d["lifecycleStage"], d["lifecycleHookDetails"][0]["status"]) == (
        "ROLLBACK_SUCCESSFUL",
        "PRE_SCALE_UP",
        "FAILED",
    )
    assert d["statusReason"] == "ECS deployment failed: hook execution failure(s) detected."
    assert task_definitions(web) == ["web:1"]


def test_a_lambda_hook_that_raises_rolls_back_and_runs_the_shift_hooks_again(
    web: Any, ecs: ECSMock
) -> None:
    seen: list[tuple[str, float]] = []

    def shifting(payload: dict[str, Any]) -> dict[str, Any]:
        target = payload["targetServiceRevisionArn"]
        seen.append((payload["lifecycleStage"], payload["productionTrafficWeights"][target]))
        return {"hookStatus": "SUCCEEDED"}

    def broken(payload: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("the function crashed")

    ecs.set_hook_handler(FUNCTION, shifting)
    ecs.set_hook_handler("arn:aws:lambda:eu-west-1:123456789012:function:verify", broken)
    blue_green(
        web,
        ecs,
        lambda_hook("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"),
        {
            "hookTargetArn": "arn:aws:lambda:eu-west-1:123456789012:function:verify",
            "lifecycleStages": ["POST_PRODUCTION_TRAFFIC_SHIFT"],
        },
    )
    ecs.settle()
    # During the deployment, then once more for each traffic-shift stage as traffic
    # shifts back to blue.
    assert seen == [
        ("TEST_TRAFFIC_SHIFT", 0.0),
        ("PRODUCTION_TRAFFIC_SHIFT", 100.0),
        ("TEST_TRAFFIC_SHIFT", 0.0),
        ("PRODUCTION_TRAFFIC_SHIFT", 0.0),
    ]
    assert newest(web)["status"] == "ROLLBACK_SUCCESSFUL"
    assert task_definitions(web) == ["web:1"]


def test_without_a_handler_a_lambda_hook_succeeds(web: Any, ecs: ECSMock) -> None:
    blue_green(web, ecs, lambda_hook("PRE_SCALE_UP", "POST_SCALE_UP"))
    ecs.settle()
    d = newest(web)
    assert d["status"] == "SUCCESSFUL"
    assert [h["status"] for h in d["lifecycleHookDetails"]] == ["SUCCEEDED", "SUCCEEDED"]


def test_both_hooks_at_a_stage_must_finish(web: Any, ecs: ECSMock) -> None:
    ecs.set_hook_handler("*", lambda payload: {"hookStatus": "SUCCEEDED"})
    pause = {"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"]}
    blue_green(web, ecs, lambda_hook("POST_SCALE_UP"), pause)
    ecs.settle()
    d = newest(web)
    assert [h["status"] for h in d["lifecycleHookDetails"]] == ["SUCCEEDED", "AWAITING_ACTION"]
    assert d["lifecycleStage"] == "POST_SCALE_UP"
    web.continue_service_deployment(
        serviceDeploymentArn=d["serviceDeploymentArn"],
        hookId=d["lifecycleHookDetails"][1]["hookId"],
    )
    ecs.settle()
    assert newest(web)["status"] == "SUCCESSFUL"


def test_handler_removal_and_bad_arguments(ecs: ECSMock) -> None:
    ecs.set_hook_handler("check", lambda payload: None)
    ecs.set_hook_handler("check", None)
    assert ecs.world.behaviour.hook_handlers == {}
    with pytest.raises(ECSMockError, match="function must be") as bad_name:
        ecs.set_hook_handler("", lambda payload: None)
    assert isinstance(bad_name.value, ValueError)
    with pytest.raises(ECSMockError, match="handler must be callable"):
        ecs.set_hook_handler("check", "SUCCEEDED")  # type: ignore[arg-type]
