"""`aws ecs stop-task` run in-process through the AWS CLI prints what the seed shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from awscli.clidriver import create_clidriver

from ecsmock import ECSMock, mock_ecs

# The seed page's example output (shared/seeds, `aws ecs stop-task`), its field names.
SEED_FIELDS = {
    "taskArn",
    "clusterArn",
    "taskDefinitionArn",
    "overrides",
    "lastStatus",
    "desiredStatus",
    "cpu",
    "memory",
    "containers",
    "version",
    "stoppedReason",
    "stopCode",
    "connectivity",
    "connectivityAt",
    "pullStartedAt",
    "pullStoppedAt",
    "createdAt",
    "stoppingAt",
    "group",
    "launchType",
    "attachments",
    "tags",
}
START = datetime(2019, 7, 18, 3, 44, 54, 186000, tzinfo=UTC)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    capsys.readouterr()
    code = create_clidriver().main([*args, "--region", "us-west-2", "--output", "json"])
    assert code == 0
    parsed: dict[str, object] = json.loads(capsys.readouterr().out)
    return parsed


def test_stop_task_through_the_aws_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with mock_ecs(strict=True, start=START) as ecs:
        client = boto3.client("ecs", region_name="us-west-2")
        client.create_cluster()
        client.register_task_definition(
            family="sleep360",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[
                {"name": "sleep", "image": "busybox", "command": ["sleep", "360"]}
            ],
        )
        network = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
        arn = client.run_task(
            taskDefinition="sleep360", launchType="FARGATE", networkConfiguration=network
        )["tasks"][0]["taskArn"]
        ecs.advance(60)
        task_id = arn.rsplit("/", 1)[1]
        task = _cli(capsys, "ecs", "stop-task", "--task", task_id)["task"]
    assert isinstance(task, dict)
    assert set(task) >= SEED_FIELDS
    assert task["taskArn"] == arn
    assert task["clusterArn"] == "arn:aws:ecs:us-west-2:123456789012:cluster/default"
    assert task["taskDefinitionArn"] == (
        "arn:aws:ecs:us-west-2:123456789012:task-definition/sleep360:1"
    )
    assert (task["lastStatus"], task["desiredStatus"]) == ("RUNNING", "STOPPED")
    assert (task["stopCode"], task["stoppedReason"]) == ("UserInitiated", "Task stopped by user")
    assert task["version"] == 4
    assert task["group"] == "family:sleep360"
    assert (task["cpu"], task["memory"], task["launchType"]) == ("256", "512", "FARGATE")
    assert task["connectivity"] == "CONNECTED"
    assert task["tags"] == []
    # The CLI keeps timestamps as the epoch numbers ECS sent, as in the seed output.
    assert task["createdAt"] == pytest.approx(START.timestamp())
    assert task["connectivityAt"] == pytest.approx(START.timestamp() + 4)
    assert task["stoppingAt"] == pytest.approx(START.timestamp() + 60)


def _service_task(client: object, ecs: ECSMock) -> str:
    """A settled one-task Fargate service `web` in the default cluster; its task ARN."""
    ecs_client: Any = client
    ecs_client.create_cluster()
    ecs_client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
        taskRoleArn="arn:aws:iam::123456789012:role/web-task",
    )
    ecs_client.create_service(
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}},
        enableExecuteCommand=True,
    )
    ecs.settle()
    arn: str = ecs_client.list_tasks(serviceName="web")["taskArns"][0]
    return arn


def test_task_protection_through_the_aws_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with mock_ecs(strict=True, start=START) as ecs:
        client = boto3.client("ecs", region_name="us-west-2")
        arn = _service_task(client, ecs)
        task_id = arn.rsplit("/", 1)[1]
        enable = ("--protection-enabled", "--expires-in-minutes", "300")
        args = ("ecs", "update-task-protection", "--cluster", "default", "--tasks", task_id)
        updated = _cli(capsys, *args, *enable)
        until = ecs.now().timestamp() + 300 * 60
        got = _cli(capsys, "ecs", "get-task-protection", "--cluster", "default", "--tasks", arn)
        ecs.advance(300 * 60)
        lapsed = _cli(capsys, "ecs", "get-task-protection", "--cluster", "default", "--tasks", arn)
        released = _cli(capsys, *args, "--no-protection-enabled")
    # The shapes of the update-task-protection examples of the AWS CLI (aws/aws-cli).
    assert updated == {
        "protectedTasks": [
            {"taskArn": arn, "protectionEnabled": True, "expirationDate": pytest.approx(until)}
        ],
        "failures": [],
    }
    assert got == updated
    unprotected = [{"taskArn": arn, "protectionEnabled": False}]
    assert lapsed == {"protectedTasks": unprotected, "failures": []}
    assert released == lapsed
