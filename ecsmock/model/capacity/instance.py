"""One container instance: its resources, attributes, status and the tasks placed on it.

Sources: the ContainerInstance, Resource and RegisterContainerInstance shapes of the botocore
model; behaviour reference 9.1-9.3 (registered resources, reserved ports, built-in
attributes, resource accounting).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

from ecsmock.clock import Scheduled
from ecsmock.model.capacity.query_values import Value
from ecsmock.model.tasks.task import Task, TaskStatus

# Host ports the agent reserves on every instance (behaviour reference 9.1 [O]).
DEFAULT_RESERVED_PORTS = ("22", "2376", "2375", "51678", "51679")
# The newest agent this mock knows; an instance on it has no update (UpdateContainerAgent).
LATEST_AGENT_VERSION = "1.97.1"
DEFAULT_VERSION_INFO = {
    "agentVersion": LATEST_AGENT_VERSION,
    "agentHash": "4e4a1c1b",
    "dockerVersion": "DockerVersion: 25.0.8",
}
# The agent's default ECS_DYNAMIC_HOST_PORT_RANGE (ecs-agent README) [D]: dynamic host
# ports are handed out from it in turn; ECS does not list them in remaining PORTS.
DYNAMIC_PORTS = (32768, 60999)
# How many custom attributes one resource may carry (PutAttributes docs).
MAX_CUSTOM_ATTRIBUTES = 10
# What the agent advertises besides the ecs.* attributes, none with a value: the Docker
# remote API versions it speaks, its log drivers and its capabilities (the Developer Guide's
# "Amazon ECS container instance attributes" and real describe-container-instances output).
_LOG_DRIVERS = ("syslog", "awslogs", "json-file", "none", "fluentd", "gelf", "journald")
CAPABILITIES = (
    *(f"com.amazonaws.ecs.capability.docker-remote-api.1.{v}" for v in range(17, 45)),
    *(f"com.amazonaws.ecs.capability.logging-driver.{d}" for d in _LOG_DRIVERS),
    "com.amazonaws.ecs.capability.privileged-container",
    "com.amazonaws.ecs.capability.ecr-auth",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.task-iam-role-network-host",
    "ecs.capability.execution-role-awslogs",
    "ecs.capability.execution-role-ecr-pull",
    "ecs.capability.container-health-check",
    "ecs.capability.task-eni",
    "ecs.capability.secrets.asm.environment-variables",
    "ecs.capability.secrets.ssm.environment-variables",
    "ecs.capability.container-ordering",
    "ecs.capability.firelens.fluentbit",
)


class InstanceStatus(StrEnum):
    """`ContainerInstance.status` values."""

    REGISTERING = "REGISTERING"
    REGISTRATION_FAILED = "REGISTRATION_FAILED"
    ACTIVE = "ACTIVE"
    DRAINING = "DRAINING"
    DEREGISTERING = "DEREGISTERING"
    INACTIVE = "INACTIVE"


class AgentUpdateStatus(StrEnum):
    """`ContainerInstance.agentUpdateStatus` values, in the order an update goes."""

    PENDING = "PENDING"
    STAGING = "STAGING"
    STAGED = "STAGED"
    UPDATING = "UPDATING"
    UPDATED = "UPDATED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class InstanceType:
    """An EC2 instance type as ECS sees it: vCPUs, memory and CPU architecture."""

    vcpus: int
    memory_mib: int
    architecture: str = "x86_64"

    @property
    def cpu(self) -> int:
        """Registered CPU units: vCPUs x 1024 (the agent's `getResources`)."""
        return self.vcpus * 1024

    @property
    def memory(self) -> int:
        """Registered MEMORY in MiB: the kernel's MemTotal, a little under the RAM.

        The agent registers MemTotal of /proc/meminfo (amazon-ecs-agent `getResources`),
        which is the RAM less the kernel's page map (1/64 of it) and what the kernel keeps
        for itself at boot. The Developer Guide's m4.large registers 7985 MiB of 8 GiB; a
        published table of registrations on the ECS-optimized AMI (t2.micro 993, t2.medium
        3952, m4.large 7984, r4.large 15292, m4.16xlarge 257953, ... [O]) is matched exactly
        by: RAM - RAM/64 - 15 MiB under 4 GiB (80 MiB from 4 GiB), and 15 MiB more with 16
        or more vCPUs. Other AMIs and kernels differ by a few MiB [I].
        """
        reserve = 15 if self.memory_mib < 4096 else 80
        if self.vcpus >= 16:
            reserve += 15
        return self.memory_mib - self.memory_mib // 64 - reserve


# Every EC2 instance type (current and previous generations): `data/instance_types.tsv`,
# written by `data/make_instance_types.py` from EC2's DescribeInstanceTypes data.
_TABLE = Path(__file__).parent / "data" / "instance_types.tsv"


@cache
def _instance_types() -> dict[str, InstanceType]:
    out: dict[str, InstanceType] = {}
    for line in _TABLE.read_text().splitlines():
        name, vcpus, mib, arch = line.split("\t")
        out[name] = InstanceType(int(vcpus), int(mib), arch)
    return out


def instance_type(name: str | None) -> InstanceType | None:
    """The EC2 instance type of that name, or None for a name EC2 does not have."""
    return None if name is None else _instance_types().get(name)


def instance_types() -> dict[str, InstanceType]:
    """Every EC2 instance type, by name (ECS picks from them for Managed Instances)."""
    return _instance_types()


@dataclass(frozen=True, slots=True)
class Need:
    """What one task holds on its instance while it is not STOPPED (behaviour ref. 9.2)."""

    cpu: int = 0
    memory: int = 0
    ports: frozenset[str] = frozenset()
    ports_udp: frozenset[str] = frozenset()
    # Attributes the instance must have (requiresAttributes): (name, value or None).
    attributes: frozenset[tuple[str, str | None]] = frozenset()

    def unmet(self, attributes: dict[str, str | None]) -> bool:
        """Whether `attributes` lack one this task requires (failure reason ATTRIBUTE)."""
        return any(
            name not in attributes or (value is not None and attributes[name] != value)
            for name, value in self.attributes
        )


@dataclass(slots=True, kw_only=True)
class ContainerInstance:
    """A registered EC2 (or external) instance of a cluster."""

    id: str
    arn: str
    cluster_name: str
    cluster_arn: str
    ec2_instance_id: str
    registered_at: datetime
    updated_at: datetime
    registered_cpu: int
    registered_memory: int
    reserved_ports: tuple[str, ...] = DEFAULT_RESERVED_PORTS
    reserved_ports_udp: tuple[str, ...] = ()
    # Other registered resources (GPU and the like) as the request gave them, echoed back.
    other_resources: list[dict[str, object]] = field(default_factory=list)
    status: InstanceStatus = InstanceStatus.ACTIVE
    status_reason: str | None = None
    agent_connected: bool = True
    version: int = 1
    version_info: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_VERSION_INFO))
    agent_update_status: AgentUpdateStatus | None = None
    agent_update: Scheduled | None = None
    # name -> value (None: an attribute without a value), built-ins first.
    attributes: dict[str, str | None] = field(default_factory=dict)
    builtin: frozenset[str] = frozenset()
    capacity_provider_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # Tasks placed here and not yet STOPPED, with what each holds.
    tasks: dict[str, Task] = field(default_factory=dict)
    held: dict[str, Need] = field(default_factory=dict)
    used_cpu: int = 0
    used_memory: int = 0
    used_ports: set[str] = field(default_factory=set)
    used_ports_udp: set[str] = field(default_factory=set)
    # The next host port handed to a dynamic (hostPort 0) mapping.
    next_dynamic_port: int = DYNAMIC_PORTS[0]
    purge: Scheduled | None = None

    # -- resources ------------------------------------------------------------------------

    @property
    def remaining_cpu(self) -> int:
        """Registered CPU minus what placed tasks hold."""
        return self.registered_cpu - self.used_cpu

    @property
    def remaining_memory(self) -> int:
        """Registered MEMORY minus what placed tasks hold."""
        return self.registered_memory - self.used_memory

    def ports_in_use(self) -> set[str]:
        """The TCP host ports taken: the reserved ones and those of placed tasks."""
        return set(self.reserved_ports) | self.used_ports

    def ports_udp_in_use(self) -> set[str]:
        """The UDP host ports taken."""
        return set(self.reserved_ports_udp) | self.used_ports_udp

    def reserve(self, task: Task, need: Need) -> None:
        """A task was placed here: it holds `need` until it is STOPPED."""
        self.tasks[task.id] = task
        self.held[task.id] = need
        self.used_cpu += need.cpu
        self.used_memory += need.memory
        self.used_ports |= need.ports
        self.used_ports_udp |= need.ports_udp

    def dynamic_port(self) -> int:
        """A host port for a dynamic mapping: the next of the range, wrapping around."""
        port = self.next_dynamic_port
        low, high = DYNAMIC_PORTS
        self.next_dynamic_port = low if port >= high else port + 1
        return port

    def release(self, task: Task) -> bool:
        """A task placed here is STOPPED: give back what it held (False if it held nothing)."""
        need = self.held.pop(task.id, None)
        self.tasks.pop(task.id, None)
        if need is None:
            return False
        self.used_cpu -= need.cpu
        self.used_memory -= need.memory
        self.used_ports -= need.ports
        self.used_ports_udp -= need.ports_udp
        return True

    # -- counts and status ----------------------------------------------------------------

    @property
    def running_tasks_count(self) -> int:
        """Tasks here whose desiredStatus is RUNNING (the ContainerInstance docs)."""
        return sum(1 for t in self.tasks.values() if not t.stopping)

    @property
    def pending_tasks_count(self) -> int:
        """Tasks here in the PENDING status."""
        return sum(1 for t in self.tasks.values() if t.last_status is TaskStatus.PENDING)

    @property
    def placeable(self) -> bool:
        """Whether new tasks may be placed here (ACTIVE; DRAINING takes none)."""
        return self.status is InstanceStatus.ACTIVE

    @property
    def registered(self) -> bool:
        """Whether the cluster counts it (`registeredContainerInstancesCount`)."""
        return self.status in (InstanceStatus.ACTIVE, InstanceStatus.DRAINING)

    @property
    def availability_zone(self) -> str | None:
        """The `ecs.availability-zone` attribute."""
        return self.attributes.get("ecs.availability-zone")

    def bump(self, now: datetime) -> None:
        """Something ECS reports changed: a new version (behaviour reference 9.2)."""
        self.version += 1
        self.updated_at = now

    # -- cluster query language -----------------------------------------------------------

    def resolve(self, subject: str) -> Value:
        """This instance's value of a query subject (see `capacity.query`)."""
        if subject.startswith("attribute:"):
            name = subject.removeprefix("attribute:")
            if name not in self.attributes:
                return None
            return self.attributes[name] or ""
        if subject == "task:group":
            return frozenset(t.group for t in self.tasks.values())
        if subject == "agentConnected":
            return self.agent_connected
        if subject == "agentVersion":
            return self.version_info.get("agentVersion")
        if subject == "ec2InstanceId":
            return self.ec2_instance_id or None
        if subject == "registeredAt":
            return self.registered_at
        if subject == "runningTasksCount":
            return self.running_tasks_count
        return None

    def problems(self) -> list[str]:
        """What must hold at every step: remaining = registered - held, never negative."""
        out: list[str] = []
        held = list(self.held.values())
        if self.used_cpu != sum(n.cpu for n in held) or self.used_memory != sum(
            n.memory for n in held
        ):
            out.append(f"{self.arn}: used resources differ from what its tasks hold")
        if self.remaining_cpu < 0 or self.remaining_memory < 0:
            out.append(f"{self.arn}: negative remaining resources")
        ports: set[str] = set()
        for need in held:
            if need.ports & ports:
                out.append(f"{self.arn}: a host port held twice")
            ports |= need.ports
        if ports != self.used_ports:
            out.append(f"{self.arn}: used ports differ from what its tasks hold")
        if set(self.tasks) != set(self.held):
            out.append(f"{self.arn}: tasks and holdings disagree")
        for task in self.tasks.values():
            if task.last_status is TaskStatus.STOPPED:
                out.append(f"{self.arn}: holds STOPPED task {task.id}")
        if self.status is InstanceStatus.INACTIVE and self.tasks:
            out.append(f"{self.arn}: INACTIVE with tasks")
        return out
