"""The `ecs-deploy` CLI (fabfuel/ecs-deploy, from PyPI) run in-process against ecsmock.

ecs-deploy is a widely used deployment tool: it copies a service's task definition with
new images (sending `taskRoleArn=""` and `executionRoleArn=""` for roles that are not set),
updates the service and polls DescribeServices until the deployment is done; `run` starts
one-off tasks with `startedBy="ECS Deploy"`. Each command is driven through click's
CliRunner with the tool unchanged. Its polling `sleep` (bound by `from time import sleep`
when `ecs_deploy.cli` was imported, before any mock started) and its `datetime.now()`
deadline run on the simulated clock with `advance_on_sleep=True, sync_wall_clock=True`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from ecs_deploy import cli

from ecsmock import ECSMock, mock_ecs

REGION = "eu-west-1"
ACCOUNT_ARN = "arn:aws:ecs:eu-west-1:123456789012:"


@pytest.fixture
def ecs() -> Iterator[ECSMock]:
    # ecs-deploy polls with `sleep(sleep_time)` between DescribeServices calls, until a
    # deadline it reads from `datetime.now()`.
    with mock_ecs(strict=True, advance_on_sleep=True, sync_wall_clock=True) as mock:
        yield mock


@pytest.fixture
def client(ecs: ECSMock) -> Any:
    """A cluster `prod` on two m5.large instances, running the service `web` (2 tasks)."""
    client = boto3.client("ecs", region_name=REGION)
    client.create_cluster(clusterName="prod")
    ecs.add_container_instances("prod", 2)
    client.register_task_definition(
        family="web",
        containerDefinitions=[
            {"name": "app", "image": "nginx:1.26", "memory": 256, "essential": True}
        ],
    )
    client.create_service(cluster="prod", serviceName="web", taskDefinition="web", desiredCount=2)
    ecs.settle()
    return client


def ecs_deploy(*args: str) -> Result:
    return CliRunner().invoke(cli.ecs, [*args, "--region", REGION])


def service(client: Any) -> dict[str, Any]:
    return dict(client.describe_services(cluster="prod", services=["web"])["services"][0])


def images(client: Any, arns: list[str]) -> list[str]:
    tasks = client.describe_tasks(cluster="prod", tasks=arns)["tasks"]
    return sorted(t["containers"][0]["image"] for t in tasks if t["lastStatus"] == "RUNNING")


def test_deploy_a_new_image(client: Any, ecs: ECSMock) -> None:
    result = ecs_deploy("deploy", "prod", "web", "-i", "app", "nginx:1.27", "--timeout", "600")
    assert result.exit_code == 0, result.output
    # The duration it reports is read from `datetime.now()`: simulated seconds.
    assert "Duration: 49 sec" in result.output
    assert "Creating new task definition revision" in result.output
    assert "Successfully created revision: 2" in result.output
    assert "Deployment successful" in result.output
    assert "Deregister task definition revision" in result.output
    deployed = service(client)
    assert deployed["taskDefinition"] == ACCOUNT_ARN + "task-definition/web:2"
    assert [(d["status"], d["rolloutState"]) for d in deployed["deployments"]] == [
        ("PRIMARY", "COMPLETED")
    ]
    assert deployed["runningCount"] == 2
    # The unset roles it sent as "" are no roles at all.
    new = client.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
    assert "taskRoleArn" not in new
    assert "executionRoleArn" not in new
    assert new["containerDefinitions"][0]["image"] == "nginx:1.27"
    old = client.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
    assert old["status"] == "INACTIVE"
    running = client.list_tasks(cluster="prod", serviceName="web")["taskArns"]
    assert images(client, running) == ["nginx:1.27", "nginx:1.27"]
    assert ecs.invariants() == []


def test_deploy_with_a_task_role_by_name(client: Any) -> None:
    result = ecs_deploy("deploy", "prod", "web", "-r", "web-task-role", "--timeout", "600")
    assert result.exit_code == 0, result.output
    new = client.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
    assert new["taskRoleArn"] == "arn:aws:iam::123456789012:role/web-task-role"


def test_scale(client: Any) -> None:
    result = ecs_deploy("scale", "prod", "web", "4", "--timeout", "600")
    assert result.exit_code == 0, result.output
    assert "Successfully changed desired count to: 4" in result.output
    assert "Scaling successful" in result.output
    assert (service(client)["desiredCount"], service(client)["runningCount"]) == (4, 4)


def test_run_a_one_off_task(client: Any, ecs: ECSMock) -> None:
    result = ecs_deploy("run", "prod", "web", "2", "-c", "app", "nginx -t")
    assert result.exit_code == 0, result.output
    assert "Successfully started 2 instances of task: web:1" in result.output
    arns = client.list_tasks(cluster="prod", startedBy="ECS Deploy")["taskArns"]
    assert len(arns) == 2
    tasks = client.describe_tasks(cluster="prod", tasks=arns)["tasks"]
    assert {t["startedBy"] for t in tasks} == {"ECS Deploy"}
    assert [t["overrides"]["containerOverrides"][0]["command"] for t in tasks] == [
        ["nginx", "-t"],
        ["nginx", "-t"],
    ]
    ecs.settle()
    assert images(client, arns) == ["nginx:1.26", "nginx:1.26"]


def test_diff_between_revisions(client: Any) -> None:
    assert ecs_deploy("update", "web", "-i", "app", "nginx:1.27").exit_code == 0
    result = ecs_deploy("diff", "web", "1", "2")
    assert result.exit_code == 0, result.output
    assert "nginx:1.26" in result.output
    assert "nginx:1.27" in result.output


def test_a_deployment_that_never_completes_times_out_on_the_simulated_clock(
    client: Any, ecs: ECSMock
) -> None:
    ecs.faults.image_pull_failure(image="nginx:broken")
    began = ecs.now()
    deploy = ("deploy", "prod", "web", "-i", "app", "nginx:broken", "--ignore-warnings")
    result = ecs_deploy(*deploy, "--timeout", "300")
    # It kept polling (every second) until its own deadline, read from `datetime.now()`.
    assert result.exit_code == 1
    assert "Deployment failed due to timeout." in result.output
    assert ecs.now() - began == timedelta(seconds=300)
