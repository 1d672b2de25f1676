"""Tasks and their containers: statuses, stop codes, and the lifecycle paths as data.

Sources: behaviour reference 1 (task lifecycle), 2 (containers) and 3 (stop codes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from ecsmock.clock import Scheduled
from ecsmock.model.tasks.definition_rules import ContainerSpec
from ecsmock.model.tasks.definitions import TaskDefinition


class TaskStatus(StrEnum):
    """A task's or container's `lastStatus`."""

    PROVISIONING = "PROVISIONING"
    PENDING = "PENDING"
    ACTIVATING = "ACTIVATING"
    RUNNING = "RUNNING"
    DEACTIVATING = "DEACTIVATING"
    STOPPING = "STOPPING"
    DEPROVISIONING = "DEPROVISIONING"
    STOPPED = "STOPPED"


class StopCode(StrEnum):
    """`Task.stopCode` values (TaskStopCode enum)."""

    TASK_FAILED_TO_START = "TaskFailedToStart"
    ESSENTIAL_CONTAINER_EXITED = "EssentialContainerExited"
    USER_INITIATED = "UserInitiated"
    SERVICE_SCHEDULER_INITIATED = "ServiceSchedulerInitiated"
    SPOT_INTERRUPTION = "SpotInterruption"
    TERMINATION_NOTICE = "TerminationNotice"


class HealthStatus(StrEnum):
    """A container's or task's `healthStatus`."""

    HEALTHY = "HEALTHY"
    UNHEALTHY = "UNHEALTHY"
    UNKNOWN = "UNKNOWN"


class Platform(IntEnum):
    """How a task is hosted; the value indexes the per-platform timing triples."""

    FARGATE = 0
    EC2_AWSVPC = 1
    EC2_BRIDGE = 2


S = TaskStatus
# A host port binding: (container name, containerPort, hostPort, protocol).
Binding = tuple[str, int, int, str]
# The lifecycle as data (behaviour reference 1.1, "Recommended paths").
START_PATH: dict[Platform, tuple[TaskStatus, ...]] = {
    Platform.FARGATE: (S.PROVISIONING, S.PENDING, S.ACTIVATING, S.RUNNING),
    Platform.EC2_AWSVPC: (S.PROVISIONING, S.PENDING, S.ACTIVATING, S.RUNNING),
    Platform.EC2_BRIDGE: (S.PENDING, S.ACTIVATING, S.RUNNING),
}
STOP_PATH: dict[Platform, tuple[TaskStatus, ...]] = {
    Platform.FARGATE: (S.DEACTIVATING, S.STOPPING, S.DEPROVISIONING, S.STOPPED),
    Platform.EC2_AWSVPC: (S.DEACTIVATING, S.STOPPING, S.DEPROVISIONING, S.STOPPED),
    Platform.EC2_BRIDGE: (S.DEACTIVATING, S.STOPPING, S.STOPPED),
}
# Where a stop decided before RUNNING picks up: no signal phase, straight to teardown.
EARLY_STOP_PATH: dict[Platform, tuple[TaskStatus, ...]] = {
    Platform.FARGATE: (S.STOPPING, S.DEPROVISIONING, S.STOPPED),
    Platform.EC2_AWSVPC: (S.STOPPING, S.DEPROVISIONING, S.STOPPED),
    Platform.EC2_BRIDGE: (S.STOPPING, S.STOPPED),
}
# Transitions that bump `version` (behaviour reference 1.4): creation, PENDING after
# PROVISIONING, RUNNING, the stop decision, STOPPED.
VERSION_BUMPS = frozenset({S.PENDING, S.RUNNING, S.STOPPED})
ORDER = {status: i for i, status in enumerate(TaskStatus)}

DEFAULT_STOP_REASON = "Task stopped by user"
ESSENTIAL_EXITED_REASON = "Essential container in task exited"
SPOT_REASON = "Your Spot Task was interrupted."


@dataclass(slots=True, kw_only=True)
class Container:
    """A container of a task."""

    spec: ContainerSpec
    arn: str
    last_status: TaskStatus = TaskStatus.PENDING
    exit_code: int | None = None
    reason: str | None = None
    image_digest: str | None = None
    runtime_id: str | None = None
    started_at: datetime | None = None
    cpu: int = 0
    memory: int | None = None
    memory_reservation: int | None = None
    health_status: HealthStatus = HealthStatus.UNKNOWN
    # The container's own pending actions: its scripted exit (or its exit after the stop
    # signal), its next health verdict, and the end of its dependents' wait (startTimeout).
    exit_timer: Scheduled | None = None
    health_timer: Scheduled | None = None
    deadline: Scheduled | None = None

    @property
    def name(self) -> str:
        """The container's name."""
        return self.spec.name

    @property
    def exited(self) -> bool:
        """Whether the container has stopped."""
        return self.last_status is TaskStatus.STOPPED

    @property
    def running(self) -> bool:
        """Whether the container has started and not yet exited."""
        return self.last_status is TaskStatus.RUNNING

    @property
    def waiting(self) -> bool:
        """Whether the container has neither started nor been given up."""
        return self.last_status is TaskStatus.PENDING

    def cancel_timers(self) -> None:
        """Drop every pending action of the container."""
        for timer in (self.exit_timer, self.health_timer, self.deadline):
            if timer is not None:
                timer.cancel()
        self.exit_timer = self.health_timer = self.deadline = None


@dataclass(slots=True, kw_only=True)
class Eni:
    """The elastic network interface of an awsvpc task."""

    attachment_id: str
    subnet_id: str
    # The request's awsvpcConfiguration: security groups and whether a public IP is assigned.
    security_groups: tuple[str, ...] = ()
    public_ip: bool = False
    status: str = "PRECREATED"
    eni_id: str | None = None
    mac: str | None = None
    private_ip: str | None = None
    private_dns: str | None = None

    def attach(self, raw: str, region: str) -> None:
        """Attach, with the identity derived from 32 random hex digits `raw`.

        The id, MAC, private IP and DNS name have the shapes of a real task's ENI details.
        """
        self.status = "ATTACHED"
        self.eni_id = f"eni-{raw[:17]}"
        self.mac = ":".join(["0a"] + [raw[i : i + 2] for i in range(17, 27, 2)])
        self.private_ip = f"10.0.{int(raw[27:29], 16)}.{int(raw[29:31], 16) or 1}"
        self.private_dns = f"ip-{self.private_ip.replace('.', '-')}.{region}.compute.internal"


@dataclass(slots=True, kw_only=True)
class EbsVolume:
    """The Amazon EBS volume ECS creates and attaches for a task (`AmazonElasticBlockStorage`).

    CREATED when the task is (start-task CLI example, with `roleArn`, `volumeName` and
    `deleteOnTermination` in its details) [O]; made and attached while the task is
    PROVISIONING (behaviour reference 1.1), detached as it is torn down, like the ENI.
    """

    attachment_id: str
    volume_name: str
    role_arn: str | None
    delete_on_termination: bool
    status: str = "CREATED"
    volume_id: str | None = None

    def attach(self, raw: str) -> None:
        """Made and attached: its id is `vol-` and 17 of the 32 random hex digits `raw`."""
        self.status = "ATTACHED"
        self.volume_id = f"vol-{raw[:17]}"


@dataclass(slots=True, kw_only=True)
class Task:
    """A task: one run of a task definition."""

    id: str
    arn: str
    cluster_name: str
    cluster_arn: str
    definition: TaskDefinition
    platform: Platform
    launch_type: str
    containers: list[Container]
    created_at: datetime
    last_status: TaskStatus
    seq: int
    group: str
    availability_zone: str
    cpu: str | None
    memory: str | None
    overrides: dict[str, Any]
    desired_status: str = "RUNNING"
    version: int = 1
    capacity_provider_name: str | None = None
    container_instance_arn: str | None = None
    started_by: str | None = None
    eni: Eni | None = None
    ebs: EbsVolume | None = None
    connectivity_at: datetime | None = None
    pull_started_at: datetime | None = None
    pull_stopped_at: datetime | None = None
    started_at: datetime | None = None
    stopping_at: datetime | None = None
    execution_stopped_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_code: StopCode | None = None
    stopped_reason: str | None = None
    enable_execute_command: bool = False
    platform_version: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    service_name: str | None = None
    # The daemon whose task this is (ListTasks' daemonName filter).
    daemon_name: str | None = None
    # EC2 bridge/host tasks: (container name, containerPort, hostPort, protocol) bindings.
    bindings: list[Binding] = field(default_factory=list)
    # The `ecs.cpu-architecture` task attribute: its instance's, else its runtimePlatform's.
    architecture: str = "x86_64"
    timer: Scheduled | None = None
    purge: Scheduled | None = None
    # Task scale-in protection (services.protection): until when, and its expiry action.
    protected_until: datetime | None = None
    protection_timer: Scheduled | None = None

    @property
    def stopping(self) -> bool:
        """Whether the stop decision has been taken."""
        return self.desired_status == "STOPPED"

    @property
    def family(self) -> str:
        """The task definition family."""
        return self.definition.family

    @property
    def health_status(self) -> HealthStatus:
        """The task's health from its essential containers' health checks.

        Behaviour reference 1.5 and the HealthCheck shape docs (priority UNHEALTHY, then
        UNKNOWN, then HEALTHY); essential containers without a health check do not count,
        so a task none of whose essential containers has one is UNKNOWN.
        """
        if not self.definition.health_checked:  # the usual case, known at registration
            return HealthStatus.UNKNOWN
        checked = [
            c.health_status
            for c in self.containers
            if c.spec.essential and c.spec.health_check is not None
        ]
        if HealthStatus.UNHEALTHY in checked:
            return HealthStatus.UNHEALTHY
        if not checked or HealthStatus.UNKNOWN in checked:
            return HealthStatus.UNKNOWN
        return HealthStatus.HEALTHY

    def attachments_to(self, status: str) -> None:
        """Move the task's ENI and EBS volume attachments to `status` (teardown)."""
        for attachment in (self.eni, self.ebs):
            if attachment is not None:
                attachment.status = status

    def container(self, name: str) -> Container | None:
        """The task's container of that name."""
        return next((c for c in self.containers if c.name == name), None)


def image_digest(image: str) -> str:
    """The digest an image resolves to: `sha256:` + 64 hex, the same for the same image."""
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()
