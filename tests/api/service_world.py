"""What the service-deployment tests share: three revisions of `web` and a settled service.

Each test module wraps `register_revisions` in its own `web` fixture.
"""

from __future__ import annotations

from typing import Any

from ecsmock import ECSMock

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
IMAGES = ("nginx:1", "nginx:bad", "nginx:3")


def register_revisions(client: Any, port: int | None = None) -> Any:
    """The default cluster; `web:1` (nginx:1), `web:2` (nginx:bad), `web:3` (nginx:3).

    With `port`, the `app` container maps that container port.
    """
    client.create_cluster(clusterName="default")
    ports = {"portMappings": [{"containerPort": port}]} if port is not None else {}
    for image in IMAGES:
        client.register_task_definition(
            family="web",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": image, **ports}],
        )
    return client


def create(client: Any, desired: int, **kw: Any) -> None:
    """`web` of `web:1` on Fargate, not yet settled."""
    client.create_service(
        serviceName="web",
        taskDefinition="web:1",
        desiredCount=desired,
        launchType="FARGATE",
        networkConfiguration=NET,
        **kw,
    )


def stable(client: Any, ecs: ECSMock, desired: int = 4, **kw: Any) -> str:
    """A settled `web` service of `web:1`; its (COMPLETED) deployment id."""
    create(client, desired, **kw)
    ecs.settle()
    return str(describe(client)["deployments"][0]["id"])


def describe(client: Any) -> dict[str, Any]:
    """DescribeServices of `web`."""
    return dict(client.describe_services(services=["web"])["services"][0])
