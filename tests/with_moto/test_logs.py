"""Container logs in moto's CloudWatch Logs: streams, scripted lines, log groups checked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ecsmock import ECSMock, OptionError, mock_ecs
from with_moto.world import (
    REGION,
    SESSION,
    START,
    awsvpc,
    client,
    default_subnet,
    describe,
    mocks,
    run_web,
    web,
)

GROUP = "/ecs/web"
FARGATE_MISSING = (
    "ResourceInitializationError: failed to validate logger args: create stream has been "
    "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
    "specified log group does not exist. : exit status 1"
)
EC2_MISSING = (
    "CannotStartContainerError: Error response from daemon: failed to initialize logging "
    "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified "
    "log group does not exist"
)


def awslogs(group: str = GROUP, **options: str) -> dict[str, Any]:
    """An awslogs logConfiguration writing to `group` with the stream prefix `ecs`."""
    return {
        "logDriver": "awslogs",
        "options": {"awslogs-group": group, "awslogs-stream-prefix": "ecs", **options},
    }


def millis(seconds: float) -> int:
    """Epoch milliseconds `seconds` after START."""
    return int((START + timedelta(seconds=seconds)).timestamp() * 1000)


def events(stream: str, group: str = GROUP, region: str = REGION) -> list[tuple[int, str]]:
    logs = SESSION.client("logs", region_name=region)
    found = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    return [(e["timestamp"], e["message"]) for e in found["events"]]


def run_on_fargate(ecs: ECSMock, **container: Any) -> dict[str, Any]:
    """Run one `web` task with `container`'s keys on Fargate in moto's default subnet."""
    ecs_client = client("ecs")
    web(ecs_client, **container)
    return run_web(ecs_client, awsvpc(default_subnet(client("ec2"))["SubnetId"]))


def test_scripted_lines_land_in_the_stream_ecs_names(both: ECSMock) -> None:
    client("logs").create_log_group(logGroupName=GROUP)
    both.script_output(["starting", (2.5, "ready"), (30, "too late")], container="app")
    both.script_container(container="app", exit_code=0, after=10)
    task = run_on_fargate(both, logConfiguration=awslogs())
    both.settle()
    stream = f"ecs/app/{task['taskArn'].rsplit('/', 1)[1]}"  # the container starts at +19.2 s
    assert events(stream) == [(millis(19.2), "starting"), (millis(21.7), "ready")]
    [described] = client("logs").describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert (described["logStreamName"], described["creationTime"]) == (stream, millis(19.2))
    assert described["lastIngestionTime"] == millis(21.7)


def test_a_stream_is_made_when_the_container_starts_even_if_it_writes_nothing(
    aws: ECSMock,
) -> None:
    client("logs").create_log_group(logGroupName=GROUP)
    task = run_on_fargate(aws, logConfiguration=awslogs())
    aws.advance(10)
    assert client("logs").describe_log_streams(logGroupName=GROUP)["logStreams"] == []
    aws.advance(10)  # RUNNING at +19.2 s
    streams = client("logs").describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert [s["logStreamName"] for s in streams] == [f"ecs/app/{task['taskArn'][-32:]}"]
    assert events(streams[0]["logStreamName"]) == []


def test_create_group_makes_the_group_and_the_region_option_picks_its_region(
    aws: ECSMock,
) -> None:
    aws.script_output([(1, "hello")])
    options = {"awslogs-create-group": "true", "awslogs-region": "us-east-1"}
    task = run_on_fargate(aws, logConfiguration=awslogs("/made/by/ecs", **options))
    aws.advance(60)
    assert describe(client("ecs"), task["taskArn"])["lastStatus"] == "RUNNING"
    stream = f"ecs/app/{task['taskArn'][-32:]}"
    assert events(stream, "/made/by/ecs", "us-east-1") == [(millis(20.2), "hello")]
    assert client("logs").describe_log_groups()["logGroups"] == []  # none in eu-west-1


def test_a_missing_group_fails_a_fargate_task_before_it_starts(both: ECSMock) -> None:
    task = run_on_fargate(both, logConfiguration=awslogs())
    both.settle()
    task = describe(client("ecs"), task["taskArn"])
    assert (task["lastStatus"], task["stopCode"], task["stoppedReason"]) == (
        "STOPPED",
        "TaskFailedToStart",
        FARGATE_MISSING,
    )
    assert "startedAt" not in task
    assert "reason" not in task["containers"][0]


def test_a_missing_group_fails_the_container_of_an_ec2_task(aws: ECSMock) -> None:
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="hosts")
    aws.add_container_instances("hosts")
    ecs_client.register_task_definition(
        family="worker",
        containerDefinitions=[
            {"name": "worker", "image": "busybox", "memory": 128, "logConfiguration": awslogs()}
        ],
    )
    arn = ecs_client.run_task(cluster="hosts", taskDefinition="worker")["tasks"][0]["taskArn"]
    aws.settle()
    task = ecs_client.describe_tasks(cluster="hosts", tasks=[arn])["tasks"][0]
    assert (task["stopCode"], task["stoppedReason"]) == ("TaskFailedToStart", EC2_MISSING)
    assert task["containers"][0]["reason"] == EC2_MISSING


def test_with_checks_off_a_missing_group_writes_nothing_and_fails_nothing() -> None:
    with mocks(moto_checks=False) as ecs:
        ecs.script_output(["hello"])
        task = run_on_fargate(ecs, logConfiguration=awslogs())
        ecs.settle()
        assert describe(client("ecs"), task["taskArn"])["lastStatus"] == "RUNNING"
        assert client("logs").describe_log_groups()["logGroups"] == []


def test_without_moto_scripted_lines_schedule_nothing() -> None:
    with mock_ecs(start=START) as ecs:
        ecs.script_output([(100, "later")])
        ecs_client = client("ecs")
        web(ecs_client, logConfiguration=awslogs())
        run_web(ecs_client, awsvpc("subnet-0a1b2c3d"))
        ecs.settle()
        assert ecs.now() == START + timedelta(seconds=19.2)  # RUNNING, and nothing after


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        ([(-1, "x")], "a line's delay must be seconds"),
        ([(1, 2)], "a line must be a string"),
        ([(1, "x", "y")], r"a line must be a str or \(delay, str\)"),
        ([3], r"a line must be a str or \(delay, str\)"),
    ],
)
def test_bad_lines_are_refused_at_once(lines: Any, match: str) -> None:
    with mock_ecs() as ecs, pytest.raises(OptionError, match=match):
        ecs.script_output(lines)
    assert ecs.world.behaviour.outputs == []
