"""Container-instance operations of one backend: register, find, list, drain, deregister.

Sources: RegisterContainerInstance, DeregisterContainerInstance, ListContainerInstances and
UpdateContainerInstancesState docs (botocore model); behaviour reference 9.1-9.3.

- Registration answers ACTIVE at once (no `awsvpcTrunking`, so no REGISTERING phase [M]).
- DRAINING takes no new placements; the services' scheduler replaces its service tasks
  (`drain_hook`); standalone tasks keep running (UpdateContainerInstancesState docs).
- Deregistration answers INACTIVE; with tasks not yet STOPPED it needs `force`, and then
  the tasks are stopped and their holdings released at once (the instance is gone).
  INACTIVE instances stay describable for `INACTIVE_INSTANCE_TTL` [S] (open question 11).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock._ids import parse_arn
from ecsmock.errors import InvalidParameterException
from ecsmock.model.capacity import attributes as attribute_rules
from ecsmock.model.capacity import query
from ecsmock.model.capacity.agent import start_update
from ecsmock.model.capacity.instance import (
    CAPABILITIES,
    DEFAULT_RESERVED_PORTS,
    DEFAULT_VERSION_INFO,
    ContainerInstance,
    InstanceStatus,
    Need,
    instance_type,
)
from ecsmock.model.clusters.cluster import Cluster
from ecsmock.model.retention import forget_later
from ecsmock.model.tasks.needs import bindings_for
from ecsmock.model.tasks.task import StopCode, Task, TaskStatus
from ecsmock.model.timing import REALISTIC, TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend

INACTIVE_INSTANCE_TTL = timedelta(hours=1)
# ECS's texts for these were not captured; they follow the task ones ("The referenced task
# was not found.") and moto's (`Found running tasks on the instance.`) [U].
INSTANCE_NOT_FOUND = "The referenced container instance was not found."
HAS_TASKS = "Found running tasks on the instance."
FORCED_REASON = "Container instance deregistration forced by user"
BAD_STATE = "Container instance status should be one of [ACTIVE, DRAINING]"
Publisher = Callable[[ContainerInstance], None]


@dataclass(slots=True, kw_only=True)
class Registration:
    """What registers an instance: RegisterContainerInstance, or the mock's helper."""

    ec2_instance_id: str | None = None
    instance_type: str | None = None
    availability_zone: str | None = None
    ami_id: str | None = None
    architecture: str | None = None
    cpu: int | None = None
    memory: int | None = None
    ports: tuple[str, ...] = DEFAULT_RESERVED_PORTS
    ports_udp: tuple[str, ...] = ()
    other_resources: list[dict[str, object]] = field(default_factory=list)
    version_info: dict[str, str] | None = None
    attributes: list[tuple[str, str | None]] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    capacity_provider_name: str | None = None
    container_instance_arn: str | None = None
    # Whether the mock plays the agent (`ecs.add_container_instances`): the instance then
    # advertises the agent's capabilities, OS attributes and its VPC and subnet. A
    # RegisterContainerInstance call keeps what its caller sent, plus what ECS reads off the
    # identity document.
    simulated_agent: bool = False
    # REGISTERING: an instance ECS launched itself and is still booting (Managed Instances).
    status: InstanceStatus = InstanceStatus.ACTIVE


class ContainerInstanceOps:
    """The container instances of one account and region, by cluster."""

    def __init__(self, backend: Backend, timing: TimingProfile = REALISTIC) -> None:
        self.backend = backend
        self.agent_step = timing.agent_update_step
        # cluster name -> instance id -> instance, in registration order.
        self.by_cluster: dict[str, dict[str, ContainerInstance]] = {}
        self.by_arn: dict[str, ContainerInstance] = {}
        self.publish: Publisher | None = None
        # The scheduler's hooks: an instance began DRAINING, or can take tasks again.
        self.drain_hook: Callable[[ContainerInstance], None] | None = None
        self.capacity_hook: Callable[[str], None] | None = None
        # Told when a task on an instance gave its holdings back (Managed Instances).
        self.release_hook: Callable[[ContainerInstance], None] | None = None
        self._network: dict[str, str] = {}

    # -- lookup ---------------------------------------------------------------------------

    def of_cluster(self, cluster_name: str) -> list[ContainerInstance]:
        """Every stored instance of the cluster, in registration order."""
        return list(self.by_cluster.get(cluster_name, {}).values())

    def find(self, cluster: Cluster, ref: str) -> ContainerInstance | None:
        """The cluster's instance an id or ARN names (any status until purged)."""
        found = self._by_ref(cluster, ref)
        return found if found is not None and found.cluster_arn == cluster.arn else None

    def _by_ref(self, cluster: Cluster, ref: str) -> ContainerInstance | None:
        if not ref.startswith("arn:"):
            return self.by_cluster.get(cluster.name, {}).get(ref)
        parsed = parse_arn(ref)
        if (
            parsed is None
            or parsed.kind != "container-instance"
            or (parsed.region, parsed.account) != (self.backend.region, self.backend.account)
            or len(parsed.path) not in (1, 2)
            or (len(parsed.path) == 2 and parsed.path[0] != cluster.name)
        ):
            return None
        return self.by_cluster.get(cluster.name, {}).get(parsed.path[-1])

    def require(self, cluster: Cluster, ref: str) -> ContainerInstance:
        """The instance a single-instance call names.

        Raises:
            InvalidParameterException: no such instance in the cluster.
        """
        found = self.find(cluster, ref)
        if found is None:
            # [M] the instance must exist; text [U] (as the task one)
            raise InvalidParameterException(INSTANCE_NOT_FOUND)
        return found

    def missing_arn(self, cluster: Cluster, ref: str) -> str:
        """The full ARN `ref` (an id or an ARN) names in the cluster (MISSING failures too)."""
        return (
            ref
            if ref.startswith("arn:")
            else self.backend.arn(f"container-instance/{cluster.name}/{ref}")
        )

    def listing(
        self, cluster: Cluster, status: str | None, expression: str | None
    ) -> list[ContainerInstance]:
        """ListContainerInstances: by status (default: all but INACTIVE), then the filter."""
        parsed = query.parse(expression) if expression else None
        out = []
        for instance in self.of_cluster(cluster.name):
            if instance.cluster_arn != cluster.arn:
                continue
            if status is None and instance.status is InstanceStatus.INACTIVE:
                continue
            if status is not None and instance.status != status:
                continue
            if parsed is None or parsed.matches(instance.resolve):
                out.append(instance)
        return out

    # -- registration ---------------------------------------------------------------------

    def register(self, cluster_ref: str | None, reg: Registration) -> ContainerInstance:
        """Register an instance with an ACTIVE cluster; it is ACTIVE at once."""
        cluster = self.backend.active_cluster(cluster_ref)
        cpu, memory, arch = _size(reg)
        for name, value in reg.attributes:
            attribute_rules.check_attribute(name, value)
        # The agent's own attributes (its capabilities, OS) are not custom ones.
        sent = dict(reg.attributes)
        attribute_rules.check_limit(sent)
        if reg.container_instance_arn is not None:
            again = self.find(cluster, reg.container_instance_arn)
            if again is not None and again.status is not InstanceStatus.INACTIVE:
                return again
        ids = self.backend.ids
        instance_id = ids.hex32()
        zone = reg.availability_zone
        if zone is None and reg.simulated_agent:
            zone = f"{self.backend.region}a"
        now = self.backend.clock.now
        instance = ContainerInstance(
            id=instance_id,
            arn=self.backend.arn(f"container-instance/{cluster.name}/{instance_id}"),
            cluster_name=cluster.name,
            cluster_arn=cluster.arn,
            ec2_instance_id=reg.ec2_instance_id or f"i-{ids.hex32()[:17]}",
            registered_at=now,
            updated_at=now,
            registered_cpu=cpu,
            registered_memory=memory,
            reserved_ports=tuple(reg.ports),
            reserved_ports_udp=tuple(reg.ports_udp),
            other_resources=list(reg.other_resources),
            version_info=dict(
                DEFAULT_VERSION_INFO if reg.version_info is None else reg.version_info
            ),
            capacity_provider_name=reg.capacity_provider_name,
            tags=dict(reg.tags),
            status=reg.status,
        )
        instance.attributes = self._builtin_attributes(reg, zone, arch)
        instance.attributes.update(sent)
        instance.builtin = frozenset(
            n for n in instance.attributes if attribute_rules.agent_name(n)
        )
        self.by_cluster.setdefault(cluster.name, {})[instance_id] = instance
        self.by_arn[instance.arn] = instance
        self.announce(instance, bump=False)
        if instance.registered:
            cluster.registered_instances_count += 1
            if self.capacity_hook is not None:
                self.capacity_hook(cluster.name)
        return instance

    def _builtin_attributes(
        self, reg: Registration, zone: str | None, arch: str
    ) -> dict[str, str | None]:
        """What ECS adds to the attributes a registration sends (behaviour reference 9.1).

        From the identity document: `ecs.ami-id`, `ecs.availability-zone`,
        `ecs.instance-type` and `ecs.cpu-architecture` (the agent sends the architecture
        itself only off EC2: amazon-ecs-agent `getAdditionalAttributes`). The agent's own
        capability and OS attributes come with the registration; the mock's agent
        (`simulated_agent`) sends them, with the VPC and subnet EC2 would report.
        """
        out: dict[str, str | None] = dict.fromkeys(CAPABILITIES) if reg.simulated_agent else {}
        if reg.ami_id is not None or reg.simulated_agent:
            out["ecs.ami-id"] = reg.ami_id or "ami-0c55b159cbfafe1f0"
        if zone is not None:
            out["ecs.availability-zone"] = zone
        if reg.instance_type is not None:
            out["ecs.instance-type"] = reg.instance_type
        if reg.simulated_agent:
            out["ecs.os-type"] = "linux"
            out["ecs.os-family"] = "LINUX"
        out["ecs.cpu-architecture"] = arch
        if reg.simulated_agent and zone is not None:
            out["ecs.vpc-id"] = self._network_id("vpc", "")
            out["ecs.subnet-id"] = self._network_id("subnet", zone)
        return out

    def _network_id(self, kind: str, zone: str) -> str:
        """One VPC per backend and one subnet per zone, made on first use (seeded)."""
        key = f"{kind}:{zone}"
        if key not in self._network:
            self._network[key] = f"{kind}-{self.backend.ids.hex32()[:17]}"
        return self._network[key]

    # -- status ---------------------------------------------------------------------------

    def set_state(
        self, cluster_ref: str | None, refs: list[str], status: str
    ) -> tuple[list[ContainerInstance], list[tuple[str, str]]]:
        """UpdateContainerInstancesState: ACTIVE <-> DRAINING; unknown ones are MISSING."""
        cluster = self.backend.active_cluster(cluster_ref)
        if status not in (InstanceStatus.ACTIVE, InstanceStatus.DRAINING):
            # [M] UpdateContainerInstancesState takes ACTIVE or DRAINING; text [U] (moto's)
            raise InvalidParameterException(BAD_STATE)
        target = InstanceStatus(status)
        found: list[ContainerInstance] = []
        failures: list[tuple[str, str]] = []
        for ref in refs:
            instance = self.find(cluster, ref)
            if instance is None:
                failures.append((self.missing_arn(cluster, ref), "MISSING"))
            elif not instance.registered:
                failures.append((instance.arn, "INACTIVE"))
            elif instance not in found:
                found.append(instance)
        for instance in found:
            if instance.status is not target:
                self._move(instance, target)
        return found, failures

    def _move(self, instance: ContainerInstance, target: InstanceStatus) -> None:
        instance.status = target
        self.announce(instance)
        if target is InstanceStatus.DRAINING:
            if self.drain_hook is not None:
                self.drain_hook(instance)
        elif self.capacity_hook is not None:
            self.capacity_hook(instance.cluster_name)

    def deregister(self, cluster_ref: str | None, ref: str, force: bool) -> ContainerInstance:
        """DeregisterContainerInstance: INACTIVE; tasks on it need `force` and are stopped."""
        cluster = self.backend.cluster(cluster_ref)
        instance = self.require(cluster, ref)
        if instance.status is InstanceStatus.INACTIVE:
            return instance
        if instance.tasks and not force:
            # [M] DeregisterContainerInstance `force` docs; text [U] (moto's)
            raise InvalidParameterException(HAS_TASKS)
        if instance.registered:
            cluster.registered_instances_count -= 1
        instance.status = InstanceStatus.INACTIVE
        orphans = list(instance.tasks.values())
        for task in orphans:
            instance.release(task)
        self.announce(instance)
        for task in orphans:
            self.backend.tasks.lifecycle.stop(task, StopCode.USER_INITIATED, FORCED_REASON)
        clock, store = self.backend.clock, self.by_cluster.setdefault(instance.cluster_name, {})
        instance.purge = forget_later(clock, store, instance.id, instance, INACTIVE_INSTANCE_TTL)
        forget_later(clock, self.by_arn, instance.arn, instance, INACTIVE_INSTANCE_TTL)
        return instance

    def update_agent(self, cluster_ref: str | None, ref: str) -> ContainerInstance:
        """UpdateContainerAgent: the update begins (PENDING) and finishes on the clock."""
        cluster = self.backend.active_cluster(cluster_ref)
        instance = self.require(cluster, ref)
        start_update(self, instance, self.agent_step)
        return instance

    # -- tasks on instances ---------------------------------------------------------------

    def placed(self, task: Task, instance: ContainerInstance, need: Need) -> None:
        """A task was created on `instance`: it holds `need` until STOPPED."""
        instance.reserve(task, need)
        task.bindings = bindings_for(task.definition, instance)
        self.announce(instance)

    def task_changed(self, task: Task) -> None:
        """A task on an instance changed: give back its holdings once it is STOPPED."""
        if task.last_status is not TaskStatus.STOPPED or task.container_instance_arn is None:
            return
        instance = self.by_arn.get(task.container_instance_arn)
        if instance is not None and instance.release(task):
            self.announce(instance)
            if self.capacity_hook is not None:
                self.capacity_hook(instance.cluster_name)
            if self.release_hook is not None:
                self.release_hook(instance)

    def announce(self, instance: ContainerInstance, *, bump: bool = True) -> None:
        """A reported change: new version, and a Container Instance State Change event."""
        if bump:
            instance.bump(self.backend.clock.now)
        if self.publish is not None:
            self.publish(instance)

    # -- tags and checks ------------------------------------------------------------------

    def tagged(self, resource_arn: str, write: bool) -> ContainerInstance | None:
        """The instance a tag call's ARN names (INACTIVE ones take no new tags)."""
        found = self.by_arn.get(resource_arn)
        if found is None or (write and not found.registered):
            return None
        return found

    def all(self) -> Iterator[ContainerInstance]:
        """Every stored instance of every cluster."""
        for instances in self.by_cluster.values():
            yield from instances.values()

    def invariants(self) -> list[str]:
        """Per-instance holdings, and each cluster's registered count."""
        out: list[str] = []
        counts: dict[str, int] = {}
        for instance in self.all():
            out += instance.problems()
            if instance.registered:
                counts[instance.cluster_arn] = counts.get(instance.cluster_arn, 0) + 1
        for cluster in self.backend.clusters.values():
            expected = counts.get(cluster.arn, 0) if cluster.active else 0
            if cluster.active and cluster.registered_instances_count != expected:
                out.append(
                    f"cluster {cluster.name} registered {cluster.registered_instances_count}, "
                    f"instances say {expected}"
                )
        return out


def _size(reg: Registration) -> tuple[int, int, str]:
    """Registered CPU and MEMORY, and the CPU architecture.

    What the registration gives wins: the agent always sends `totalResources` (amazon-ecs-
    agent `getResources`) and ECS never sizes an instance from its type [O]. What it leaves
    out comes from the instance type's row of EC2's table, and is 0 for a type EC2 does not
    have: ECS refuses no registration for its type [S].
    """
    known = instance_type(reg.instance_type)
    cpu = reg.cpu if reg.cpu is not None else (known.cpu if known else 0)
    memory = reg.memory if reg.memory is not None else (known.memory if known else 0)
    arch = reg.architecture or (known.architecture if known else "x86_64")
    return cpu, memory, arch
