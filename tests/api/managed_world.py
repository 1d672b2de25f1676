"""What the Managed Instances and daemon tests share: a provider's cluster and a service."""

from __future__ import annotations

from typing import Any

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-aaa"]}}


def service(client: Any, count: int, definition: str = "app") -> None:
    """The service `api` of cluster `web`, on the Managed Instances provider `mi`."""
    client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition=definition,
        desiredCount=count,
        capacityProviderStrategy=[{"capacityProvider": "mi", "weight": 1}],
        networkConfiguration=NETWORK,
    )
