"""What the tests beside moto share: moto and ecsmock in either order, clients, a subnet."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import boto3
from moto import mock_aws

from ecsmock import ECSMock, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"
ACCOUNT = "123456789012"
ORDERS = ("moto-outside", "moto-inside")
# One session for every test: it parses each service's model once (EC2's takes a second),
# and has both moto's hook and ecsmock's, as it is made after both are imported.
SESSION = boto3.Session(region_name=REGION)


def client(service: str) -> Any:
    """A client of the shared session in eu-west-1."""
    return SESSION.client(service)


@contextmanager
def mocks(order: str = "moto-outside", **options: Any) -> Iterator[ECSMock]:
    """A strict ecsmock and moto's `mock_aws`, `mock_aws` entered first or second."""
    if order == "moto-outside":
        with mock_aws(), mock_ecs(strict=True, start=START, **options) as ecs:
            yield ecs
    else:
        with mock_ecs(strict=True, start=START, **options) as ecs, mock_aws():
            yield ecs


def default_subnet(ec2: Any) -> dict[str, Any]:
    """The subnet of moto's default VPC in eu-west-1a."""
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    return min(subnets["Subnets"], key=lambda s: s["AvailabilityZone"])


def web(client: Any, **container: Any) -> None:
    """The cluster `web` and the Fargate definition `web`: one container `app` (nginx:1.27),
    with `container`'s keys added."""
    client.create_cluster(clusterName="web")
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
        containerDefinitions=[{"name": "app", "image": "nginx:1.27", **container}],
    )


def awsvpc(subnet: str, groups: list[str] | None = None, public: bool = False) -> Any:
    """A networkConfiguration: one subnet, the groups if given, a public IP or not."""
    config: dict[str, Any] = {"subnets": [subnet]}
    if groups is not None:
        config["securityGroups"] = groups
    config["assignPublicIp"] = "ENABLED" if public else "DISABLED"
    return {"awsvpcConfiguration": config}


def run_web(client: Any, network: Any) -> dict[str, Any]:
    """Run one `web` task on Fargate in the cluster `web`; the task RunTask answers."""
    ran = client.run_task(
        cluster="web", taskDefinition="web", launchType="FARGATE", networkConfiguration=network
    )
    return ran["tasks"][0]  # type: ignore[no-any-return]


def describe(client: Any, arn: str) -> dict[str, Any]:
    """The task as DescribeTasks shows it."""
    return client.describe_tasks(cluster="web", tasks=[arn])["tasks"][0]  # type: ignore[no-any-return]
