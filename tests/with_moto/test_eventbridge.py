"""ecsmock's events on moto's default EventBridge bus: rules and their SQS targets see them."""

from __future__ import annotations

import json
from typing import Any

from ecsmock import ECSMock
from with_moto.world import ACCOUNT, REGION, awsvpc, client, run_web, web


def queue_for(pattern: dict[str, Any], rule: str = "ecs", state: str = "ENABLED") -> str:
    """An SQS queue that a rule on the default bus with `pattern` sends its events to."""
    sqs, events = client("sqs"), client("events")
    url = sqs.create_queue(QueueName=f"{rule}-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern), State=state)
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn["QueueArn"]}])
    return url  # type: ignore[no-any-return]


def received(url: str) -> list[dict[str, Any]]:
    """Every message waiting in the queue, parsed, oldest first."""
    sqs = client("sqs")
    out: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return out
        out += [json.loads(m["Body"]) for m in batch]


def task_life(ecs: ECSMock) -> str:
    """A Fargate task run, RUNNING, stopped and STOPPED; its ARN."""
    ecs_client = client("ecs")
    web(ecs_client)
    subnet = client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    arn = run_web(ecs_client, awsvpc(subnet))["taskArn"]
    ecs.advance(60)
    ecs_client.stop_task(cluster="web", task=arn, reason="done")
    ecs.settle()
    return arn  # type: ignore[no-any-return]


def test_a_rule_on_aws_ecs_sends_the_task_state_changes_to_its_queue(both: ECSMock) -> None:
    url = queue_for({"source": ["aws.ecs"]})
    arn = task_life(both)
    messages = received(url)
    changes = [e for e in both.events if e["detail-type"] == "ECS Task State Change"]
    assert [m["detail"]["lastStatus"] for m in messages] == [
        "PROVISIONING",
        "PENDING",
        "ACTIVATING",
        "RUNNING",
        "RUNNING",  # the stop decision
        "DEACTIVATING",
        "STOPPING",
        "DEPROVISIONING",
        "STOPPED",
    ]
    # The very events of `ecs.events`, ids and all, as moto delivers events: without
    # `account` (moto's default input template leaves it out).
    assert messages == [{k: v for k, v in e.items() if k != "account"} for e in changes]
    first = messages[0]
    assert (first["source"], first["region"], first["resources"]) == ("aws.ecs", REGION, [arn])
    assert changes[0]["account"] == ACCOUNT
    assert first["time"] == "2026-01-01T12:00:00Z"  # simulated, not the wall clock
    assert messages[-1]["detail"]["stoppedReason"] == "done"


def test_a_pattern_on_the_detail_gets_only_what_it_matches(aws: ECSMock) -> None:
    stopped = queue_for(
        {
            "source": ["aws.ecs"],
            "detail-type": ["ECS Task State Change"],
            "detail": {"lastStatus": ["STOPPED"], "stopCode": ["UserInitiated"]},
        },
        rule="stopped",
    )
    disabled = queue_for({"source": ["aws.ecs"]}, rule="off", state="DISABLED")
    arn = task_life(aws)
    [message] = received(stopped)
    assert (message["detail"]["taskArn"], message["detail"]["lastStatus"]) == (arn, "STOPPED")
    assert received(disabled) == []


def test_service_actions_reach_the_bus_too(aws: ECSMock) -> None:
    url = queue_for({"source": ["aws.ecs"], "detail-type": ["ECS Service Action"]})
    ecs_client = client("ecs")
    web(ecs_client)
    subnet = client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    ecs_client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=awsvpc(subnet),
    )
    aws.settle()
    names = [m["detail"]["eventName"] for m in received(url)]
    assert names == ["SERVICE_STEADY_STATE"]
