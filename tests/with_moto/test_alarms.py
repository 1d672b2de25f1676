"""Deployment alarms read from moto's CloudWatch: an alarm made and set there rolls a
blue/green deployment back; an alarm moto lacks keeps the state the mock gave it."""

from __future__ import annotations

from typing import Any

from ecsmock import ECSMock
from with_moto.world import awsvpc, client, default_subnet, web

ALARMS = {"alarmNames": ["api-latency"], "enable": True, "rollback": True}


def put_alarm(cloudwatch: Any, name: str) -> None:
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/ApplicationELB",
        MetricName="TargetResponseTime",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )


def blue_green(ecs: ECSMock, ecs_client: Any, ec2: Any, in_moto: str) -> Any:
    """Alarm `in_moto` in moto's CloudWatch; `api` of `web:1`, BLUE_GREEN with 10 minutes of
    bake time and ALARMS, settled, then updated to `web:2`. Answers a CloudWatch client."""
    cloudwatch = client("cloudwatch")
    put_alarm(cloudwatch, in_moto)
    web(ecs_client)
    ecs_client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1.28"}],
    )
    ecs_client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition="web:1",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=awsvpc(default_subnet(ec2)["SubnetId"]),
        deploymentConfiguration={
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 10,
            "alarms": ALARMS,
        },
    )
    ecs.settle()
    ecs_client.update_service(cluster="web", service="api", taskDefinition="web:2")
    return cloudwatch


def newest(ecs_client: Any) -> dict[str, Any]:
    [brief, *_] = ecs_client.list_service_deployments(cluster="web", service="api")[
        "serviceDeployments"
    ]
    answer = ecs_client.describe_service_deployments(
        serviceDeploymentArns=[brief["serviceDeploymentArn"]]
    )
    return dict(answer["serviceDeployments"][0])


def test_an_alarm_set_in_moto_rolls_the_deployment_back(
    both: ECSMock, ecs_client: Any, ec2: Any
) -> None:
    cloudwatch = blue_green(both, ecs_client, ec2, "api-latency")
    both.advance(60.2)
    assert newest(ecs_client)["lifecycleStage"] == "BAKE_TIME"
    cloudwatch.set_alarm_state(AlarmName="api-latency", StateValue="ALARM", StateReason="slow")
    # Nothing tells ECS: the deployment reads its alarms every simulated minute.
    both.advance(59.7)
    assert newest(ecs_client)["status"] == "IN_PROGRESS"
    both.advance(0.1)
    d = newest(ecs_client)
    assert (d["status"], d["alarms"]["triggeredAlarmNames"]) == (
        "ROLLBACK_SUCCESSFUL",
        ["api-latency"],
    )


def test_an_alarm_moto_lacks_keeps_the_state_the_mock_gave(
    aws: ECSMock, ecs_client: Any, ec2: Any
) -> None:
    cloudwatch = blue_green(aws, ecs_client, ec2, "unrelated")
    aws.set_alarm_state("api-latency", "ALARM", after=120)
    aws.advance(120)
    assert newest(ecs_client)["status"] == "ROLLBACK_SUCCESSFUL"
    # An alarm moto holds reads as moto has it.
    [held] = cloudwatch.describe_alarms(AlarmNames=["unrelated"])["MetricAlarms"]
    assert aws.world.behaviour.alarms.state("eu-west-1", "unrelated") == held["StateValue"]
