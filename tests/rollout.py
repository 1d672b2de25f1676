"""A rollout of about ten simulated minutes, and pollers that wait for it by themselves.

A BLUE_GREEN service `api` (2 Fargate tasks) with a 9-minute bake time: after
`update_service` to `web:2`, the first scheduler pass comes 1 s later, green is RUNNING
19.2 s after that and healthy 40 s later, then bakes 540 s: COMPLETED 600.2 simulated
seconds after the update. A poller that looks every 15 s sees it at its 42nd look, 615 s
after the update.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
POLL = 15
TIMEOUT = timedelta(minutes=20)
POLLS = 42  # looks at 0, 15, ..., 615 s
WAITED = timedelta(seconds=615)
ROLLOUT = timedelta(seconds=600.2)


def start_rollout(client: Any, ecs: Any) -> datetime:
    """Create `api` on `web:1`, settle it, deploy `web:2`; the instant of the update."""
    client.create_cluster(clusterName="web")
    for image in ("nginx:1.26", "nginx:1.27"):
        client.register_task_definition(
            family="web",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": image}],
        )
    client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition="web:1",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=NETWORK,
        deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 9},
    )
    ecs.settle()
    client.update_service(cluster="web", service="api", taskDefinition="web:2")
    updated: datetime = ecs.now()
    return updated


def rolled_out(client: Any) -> bool:
    """Whether `api` runs `web:2` alone, its rollout COMPLETED."""
    service = client.describe_services(cluster="web", services=["api"])["services"][0]
    deployments = service["deployments"]
    return (
        len(deployments) == 1
        and deployments[0]["rolloutState"] == "COMPLETED"
        and deployments[0]["taskDefinition"].endswith(":task-definition/web:2")
        and service["runningCount"] == 2
    )


def finished_at(client: Any) -> datetime:
    """When the newest service deployment of `api` finished."""
    newest = client.list_service_deployments(cluster="web", service="api")["serviceDeployments"]
    found: datetime = newest[0]["finishedAt"]
    return found


def wait_with_time_sleep(client: Any) -> int:
    """Third-party style: look every 15 s with `time.sleep`, give up on a wall-clock deadline.

    Returns:
        How many times it looked.
    """
    deadline = datetime.now(UTC) + TIMEOUT
    looks = 0
    while datetime.now(UTC) < deadline:
        looks += 1
        if rolled_out(client):
            return looks
        time.sleep(POLL)
    raise TimeoutError("the rollout did not complete in time")


async def wait_with_asyncio_sleep(client: Any) -> int:
    """The same poller, async: `await asyncio.sleep` between looks."""
    deadline = datetime.now(UTC) + TIMEOUT
    looks = 0
    while datetime.now(UTC) < deadline:
        looks += 1
        if rolled_out(client):
            return looks
        await asyncio.sleep(POLL)
    raise TimeoutError("the rollout did not complete in time")
