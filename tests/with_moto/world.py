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


def fargate_definition(client: Any, family: str = "web", **container: Any) -> None:
    """Register a Fargate task definition with one container `app` (plus `container` keys)."""
    client.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1.27", **container}],
    )
