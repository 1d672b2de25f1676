"""EventBridge-shaped events ("ECS Task State Change", ...) as ECS sends them.

Envelope and detail from the "Amazon ECS events" page of the Developer Guide: ISO-8601
times (seconds in the envelope, milliseconds inside `detail`), `resources` naming the ARN.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ecsmock.api.container_instances import instance_view
from ecsmock.api.task_views import task_view
from ecsmock.model.capacity.instance import ContainerInstance
from ecsmock.model.tasks.task import Task

TASK_TIMES = (
    "createdAt",
    "connectivityAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
)


def iso_ms(epoch: float) -> str:
    """`2020-01-23T17:57:34.402Z`."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def envelope(
    detail_type: str,
    event_id: str,
    account: str,
    region: str,
    now: datetime,
    resources: list[str],
    detail: dict[str, Any],
) -> dict[str, Any]:
    """The EventBridge envelope around `detail`."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": "aws.ecs",
        "account": account,
        "time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": resources,
        "detail": detail,
    }


def task_state_change(
    task: Task, event_id: str, account: str, region: str, now: datetime
) -> dict[str, Any]:
    """An "ECS Task State Change" event for the task as it is now."""
    detail = task_view(task, with_tags=False)
    for key in TASK_TIMES:
        if key in detail:
            detail[key] = iso_ms(detail[key])
    detail["updatedAt"] = iso_ms(now.timestamp())
    return envelope("ECS Task State Change", event_id, account, region, now, [task.arn], detail)


def service_event(
    detail_type: str,
    arn: str,
    detail: dict[str, Any],
    event_id: str,
    account: str,
    region: str,
    now: datetime,
) -> dict[str, Any]:
    """An "ECS Service Action" or "ECS Deployment State Change" event."""
    body = dict(detail)
    for key in ("createdAt", "updatedAt"):
        if key in body:
            body[key] = iso_ms(body[key])
    return envelope(detail_type, event_id, account, region, now, [arn], body)


def instance_state_change(
    instance: ContainerInstance, event_id: str, account: str, region: str, now: datetime
) -> dict[str, Any]:
    """An "ECS Container Instance State Change" event (behaviour reference 15.2).

    The detail is the ContainerInstance as DescribeContainerInstances shows it, without
    tags, plus `clusterArn` and `updatedAt` (the Developer Guide's example payload).
    """
    detail = instance_view(instance, with_tags=False)
    detail["registeredAt"] = iso_ms(detail["registeredAt"])
    detail["clusterArn"] = instance.cluster_arn
    detail["updatedAt"] = iso_ms(now.timestamp())
    return envelope(
        "ECS Container Instance State Change",
        event_id,
        account,
        region,
        now,
        [instance.arn],
        detail,
    )
