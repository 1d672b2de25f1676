"""Container logs in moto's CloudWatch Logs: awslogs streams, scripted lines, log groups.

A container whose `logConfiguration` uses the `awslogs` driver writes to the group
`awslogs-group` in `awslogs-region` (the task's region when not given), in the stream
`<awslogs-stream-prefix>/<container name>/<task id>` ("Using the awslogs log driver",
Developer Guide) [D]; without a prefix the stream is named after the container's runtime
id. The stream is made when the container starts, written or not; the lines scripted with
`ecs.script_output` land in it at their simulated times. With `awslogs-create-group`
"true" a missing group is made; otherwise a missing group stops the task before it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecsmock._moto import backend
from ecsmock.model.tasks.outside import StartFailure
from ecsmock.model.tasks.task import Container, Platform, Task

if TYPE_CHECKING:
    from collections.abc import Iterator

# A Fargate task whose awslogs group does not exist stops with TaskFailedToStart and this
# reason (quoted in a public Terraform configuration for a Fargate task) [O].
FARGATE_GROUP_MISSING = (
    "ResourceInitializationError: failed to validate logger args: create stream has been "
    "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
    "specified log group does not exist. : exit status 1"
)
# The same on EC2, from the Docker daemon, also the container's reason
# (cn-terraform/terraform-aws-nexus#35) [O].
EC2_GROUP_MISSING = (
    "CannotStartContainerError: Error response from daemon: failed to initialize logging "
    "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified "
    "log group does not exist"
)


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a container's awslogs driver writes."""

    region: str
    group: str
    prefix: str | None
    create_group: bool

    def stream(self, task: Task, container: Container) -> str:
        """The container's stream name."""
        if self.prefix:
            return f"{self.prefix}/{container.name}/{task.id}"
        return container.runtime_id or container.name


def destination(task: Task, container: Container, region: str) -> Destination | None:
    """The container's awslogs destination, or None when it does not log with awslogs."""
    for spec in task.definition.definition.get("containerDefinitions", ()):
        if spec.get("name") != container.name:
            continue
        config = spec.get("logConfiguration") or {}
        options = config.get("options") or {}
        if config.get("logDriver") != "awslogs" or not options.get("awslogs-group"):
            return None
        return Destination(
            region=options.get("awslogs-region") or region,
            group=options["awslogs-group"],
            prefix=options.get("awslogs-stream-prefix"),
            create_group=str(options.get("awslogs-create-group", "")).lower() == "true",
        )
    return None


def _destinations(task: Task, region: str) -> Iterator[tuple[Container, Destination]]:
    for container in task.containers:
        found = destination(task, container, region)
        if found is not None:
            yield container, found


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _group(account: str, where: Destination, now: datetime) -> Any:
    """The destination's log group; made first when `awslogs-create-group` says so."""
    logs = backend("logs", account, where.region)
    if logs is None:
        return None
    group = logs.groups.get(where.group)
    if group is None and where.create_group:
        group = logs.create_log_group(where.group, tags={})
        group.creation_time = _millis(now)
    return group


def prepare(
    account: str, region: str, task: Task, now: datetime, checks: bool
) -> StartFailure | None:
    """Make the groups the task's containers may create; the failure a missing one causes."""
    for container, where in _destinations(task, region):
        if _group(account, where, now) is not None or not checks:
            continue
        if task.platform is Platform.FARGATE:
            return StartFailure(FARGATE_GROUP_MISSING)
        return StartFailure(EC2_GROUP_MISSING, container.name)
    return None


def open_stream(
    account: str, task: Task, container: Container, where: Destination, now: datetime
) -> Any:
    """The container's log stream, made now if it is not there (None: no group to hold it)."""
    group = _group(account, where, now)
    if group is None:
        return None
    name = where.stream(task, container)
    stream = group.streams.get(name)
    if stream is None:
        group.create_log_stream(name)
        stream = group.streams[name]
        stream.creation_time = _millis(now)
    return stream


def write(stream: Any, line: str, now: datetime) -> None:
    """One log event at the simulated `now`, ingested at once."""
    at = _millis(now)
    stream.put_log_events([{"timestamp": at, "message": line}])
    stream.last_ingestion_time = at
    stream.events[-1].ingestion_time = at
