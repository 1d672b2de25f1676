"""CloudWatch alarms on deployments (`deploymentConfiguration.alarms`), their states set
through the mock (`ecs.set_alarm_state`), through a real boto3 client: rolling deployments
with their bake time, staged deployments rolled back during BAKE_TIME, alarms already in
ALARM, regions, and the helper's argument checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from service_world import describe, register_revisions, stable

from ecsmock import ECSMock, ECSMockError

GREEN_HEALTHY = 1 + 19.2 + 40  # first pass, RUNNING, healthy (see test_staged_deployments)
LATENCY = {"alarmNames": ["latency-high"], "enable": True, "rollback": True}


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster and three revisions of `web` (see service_world)."""
    return register_revisions(client)


def newest(client: Any) -> dict[str, Any]:
    arn = client.list_service_deployments(service="web")["serviceDeployments"][0]
    answer = client.describe_service_deployments(
        serviceDeploymentArns=[arn["serviceDeploymentArn"]]
    )
    return dict(answer["serviceDeployments"][0])


def rows(client: Any) -> list[tuple[str, str, str]]:
    return [
        (d["status"], d["rolloutState"], d["taskDefinition"].rsplit("/", 1)[1])
        for d in describe(client)["deployments"]
    ]


def test_an_alarm_during_the_bake_time_rolls_blue_green_back(web: Any, ecs: ECSMock) -> None:
    config = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10, "alarms": LATENCY}
    stable(web, ecs, 2, deploymentConfiguration=config)
    blue = describe(web)["deployments"][0]["id"]
    web.update_service(service="web", taskDefinition="web:2")
    green = describe(web)["deployments"][0]["id"]
    ecs.set_alarm_state("latency-high", "ALARM", after=GREEN_HEALTHY + 240)
    ecs.advance(GREEN_HEALTHY)
    d = newest(web)
    assert (d["lifecycleStage"], d["alarms"]) == (
        "BAKE_TIME",
        {"status": "MONITORING", "alarmNames": ["latency-high"]},
    )
    ecs.advance(239)
    assert newest(web)["status"] == "IN_PROGRESS"
    ecs.advance(1)  # four minutes into the bake time the alarm fires
    d = newest(web)
    reason = "ECS deployment failed: alarm(s) latency-high in ALARM state."
    assert (d["status"], d["statusReason"], d["rollback"]["reason"]) == (
        "ROLLBACK_SUCCESSFUL",
        reason,
        reason,
    )
    assert d["alarms"] == {
        "status": "TRIGGERED",
        "alarmNames": ["latency-high"],
        "triggeredAlarmNames": ["latency-high"],
    }
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:1")]
    messages = [e["message"] for e in describe(web)["events"]]
    assert f"(service web) rolling back to deployment {blue}." in messages
    assert (
        f"(service web) (deployment {green}) deployment failed: "
        "alarm(s) latency-high in ALARM state." in messages
    )
    failed = [
        e["detail"]
        for e in ecs.events
        if e["detail"].get("eventName") == "SERVICE_DEPLOYMENT_FAILED"
    ]
    assert [(f["deploymentId"], f["reason"]) for f in failed] == [(green, reason)]


def test_a_rolling_deployment_watches_its_alarms_for_a_bake_time(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, 1, deploymentConfiguration={"alarms": LATENCY})
    first = newest(web)
    assert first["alarms"] == {"status": "MONITORING_COMPLETE", "alarmNames": ["latency-high"]}
    web.update_service(service="web", taskDefinition="web:3")
    updated = ecs.now()
    ecs.advance(GREEN_HEALTHY)
    # Steady, but IN_PROGRESS for five more simulated minutes, watching the alarm.
    service = describe(web)
    assert (service["runningCount"], len(service["deployments"])) == (1, 1)
    assert rows(web) == [("PRIMARY", "IN_PROGRESS", "web:3")]
    ecs.advance(299)
    assert newest(web)["status"] == "IN_PROGRESS"
    ecs.advance(1)
    d = newest(web)
    assert (d["status"], d["finishedAt"], d["alarms"]["status"]) == (
        "SUCCESSFUL",
        updated + timedelta(seconds=GREEN_HEALTHY + 300),
        "MONITORING_COMPLETE",
    )
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:3")]


def test_a_rolling_deployment_fails_on_its_alarm(web: Any, ecs: ECSMock) -> None:
    no_rollback = {**LATENCY, "rollback": False}
    stable(web, ecs, 1, deploymentConfiguration={"alarms": no_rollback})
    web.update_service(service="web", taskDefinition="web:3")
    ecs.advance(GREEN_HEALTHY + 60)
    ecs.set_alarm_state("latency-high", "ALARM")
    d = newest(web)
    assert (d["status"], d["stoppedAt"]) == ("STOPPED", ecs.now())
    assert rows(web) == [("PRIMARY", "FAILED", "web:3")]
    assert describe(web)["deployments"][0]["rolloutStateReason"] == (
        "ECS deployment failed: alarm(s) latency-high in ALARM state."
    )

    web.update_service(
        service="web", taskDefinition="web:1", deploymentConfiguration={"alarms": LATENCY}
    )
    ecs.settle()
    # The alarm was already in ALARM when this deployment began: it does not count.
    assert newest(web)["status"] == "SUCCESSFUL"


def test_an_alarm_already_in_alarm_counts_once_it_fires_again(web: Any, ecs: ECSMock) -> None:
    config = {"strategy": "CANARY", "bakeTimeInMinutes": 30, "alarms": LATENCY}
    stable(web, ecs, 1, deploymentConfiguration=config)
    ecs.set_alarm_state("latency-high", "ALARM")
    ecs.set_alarm_state("latency-high", "ALARM", region="us-east-1")  # another region's
    web.update_service(service="web", taskDefinition="web:2")
    ecs.advance(GREEN_HEALTHY + 300)  # halfway through the default 10-minute canary wait
    assert newest(web)["lifecycleStage"] == "PRODUCTION_TRAFFIC_SHIFT"
    ecs.set_alarm_state("unrelated", "ALARM")
    ecs.set_alarm_state("latency-high", "OK", region="us-east-1")
    ecs.set_alarm_state("latency-high", "ALARM", region="us-east-1")
    assert newest(web)["status"] == "IN_PROGRESS"
    ecs.set_alarm_state("latency-high", "OK")
    ecs.set_alarm_state("latency-high", "ALARM", at=ecs.now() + timedelta(minutes=6))
    ecs.advance(360)
    d = newest(web)
    assert (d["status"], d["lifecycleStage"]) == ("ROLLBACK_SUCCESSFUL", "BAKE_TIME")
    assert rows(web) == [("PRIMARY", "COMPLETED", "web:1")]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("", "ALARM"), {}, "alarm_name must be a non-empty string"),
        (("a", "RED"), {}, "state must be one of OK, ALARM, INSUFFICIENT_DATA"),
        (("a", "OK"), {"region": ""}, "region must be a region name or None"),
        (("a", "OK"), {"after": 1, "at": None, "region": None}, None),
        (("a", "OK"), {"after": -1}, "after must not be negative"),
        (("a", "OK"), {"after": "1"}, "after must be seconds or a timedelta"),
        (("a", "OK"), {"after": 1, "at": "x"}, "give at or after, not both"),
    ],
)
def test_set_alarm_state_checks_its_arguments(
    ecs: ECSMock, args: tuple[Any, ...], kwargs: dict[str, Any], message: str | None
) -> None:
    if message is None:
        ecs.set_alarm_state(*args, **kwargs)
        return
    with pytest.raises(ECSMockError, match=message) as refused:
        ecs.set_alarm_state(*args, **kwargs)
    assert isinstance(refused.value, ValueError)


def test_set_alarm_state_at_an_instant(ecs: ECSMock) -> None:
    with pytest.raises(ECSMockError, match="is before the simulated now"):
        ecs.set_alarm_state("a", "OK", at=ecs.now() - timedelta(seconds=1))
    with pytest.raises(ECSMockError, match="at must be an aware datetime"):
        ecs.set_alarm_state("a", "OK", at=ecs.now().replace(tzinfo=None))
    ecs.set_alarm_state("a", "ALARM", at=ecs.now() + timedelta(seconds=10))
    board = ecs.world.behaviour.alarms
    assert board.state("eu-west-1", "a") == "INSUFFICIENT_DATA"
    ecs.advance(10)
    assert board.state("eu-west-1", "a") == "ALARM"
