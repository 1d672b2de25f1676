"""Without moto, or with moto's checks off and nothing of the request in moto: as ecsmock alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from moto import mock_aws

import ecsmock
from ecsmock import ECSMock, mock_ecs
from ecsmock._moto import active
from with_moto.world import ACCOUNT, START, client, describe, run_web, web

SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:prod/key-AbCdEf"
NETWORK = {
    "awsvpcConfiguration": {
        "subnets": ["subnet-0a1b2c3d"],
        "securityGroups": ["sg-0a1b2c3d"],
        "assignPublicIp": "ENABLED",
    }
}


def scenario(ecs: ECSMock) -> list[Any]:
    """A task's life, with every answer kept."""
    ecs_client = client("ecs")
    web(
        ecs_client,
        secrets=[
            {"name": "DB", "valueFrom": "/prod/db"},
            {"name": "KEY", "valueFrom": f"{SECRET}:key::"},
        ],
        repositoryCredentials={"credentialsParameter": SECRET},
        image=f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web:1",
        logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}},
    )
    task = run_web(ecs_client, NETWORK)
    answers: list[Any] = [task]
    for seconds in (5, 30):
        ecs.advance(seconds)
        answers.append(describe(ecs_client, task["taskArn"]))
    ecs_client.stop_task(cluster="web", task=task["taskArn"])
    ecs.settle()
    answers.append(describe(ecs_client, task["taskArn"]))
    return [*answers, list(ecs.events)]


def test_with_checks_off_and_nothing_in_moto_every_answer_is_as_without_moto() -> None:
    with mock_ecs(strict=True, start=START) as alone:
        expected = scenario(alone)
    with mock_aws(), mock_ecs(strict=True, start=START, moto_checks=False) as beside:
        assert active()
        assert scenario(beside) == expected
    assert expected[2]["lastStatus"] == "RUNNING"


def test_moto_imported_but_not_active_changes_nothing() -> None:
    with mock_aws():
        pass
    assert not active()
    with mock_ecs(strict=True, start=START) as first:
        expected = scenario(first)
    with mock_ecs(strict=True, start=START) as again:
        assert scenario(again) == expected


def test_ecsmock_never_imports_moto_itself() -> None:
    """A process that runs tasks through their whole life without moto never loads it."""
    program = textwrap.dedent(
        """
        import sys
        import boto3
        from ecsmock import mock_ecs

        with mock_ecs() as ecs:
            client = boto3.client("ecs", region_name="eu-west-1")
            client.create_cluster(clusterName="web")
            client.register_task_definition(
                family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                cpu="256", memory="512", executionRoleArn="arn:aws:iam::123456789012:role/x",
                containerDefinitions=[{"name": "app", "image": "nginx", "logConfiguration": {
                    "logDriver": "awslogs", "options": {"awslogs-group": "g"}}}],
            )
            arn = client.run_task(
                cluster="web", taskDefinition="web", launchType="FARGATE",
                networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
            )["tasks"][0]["taskArn"]
            ecs.settle()
            client.stop_task(cluster="web", task=arn)
            ecs.settle()
            assert len(ecs.events) > 5
        print(sorted(m for m in sys.modules if m == "moto" or m.startswith("moto.")))
        """
    )
    root = Path(ecsmock.__file__).parents[1]  # this checkout's ecsmock, not an installed one
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert (done.stderr, done.stdout.strip()) == ("", "[]")
