"""The task store: creation, lookup, indexes for ListTasks, and purging after retention.

Lookups and listings go through indexes keyed by (cluster, filter, value), each kept in
creation order, so a listing's page costs what it returns (plus a binary search for where
the previous page ended), not how many tasks are stored or match.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecsmock._ids import IdGenerator
from ecsmock.clock import SimulatedClock
from ecsmock.model.capacity.instance import ContainerInstance, Need
from ecsmock.model.tasks.definition_rules import ContainerSpec
from ecsmock.model.tasks.definitions import TaskDefinition
from ecsmock.model.tasks.task import (
    START_PATH,
    Container,
    EbsVolume,
    Eni,
    Platform,
    Task,
)
from ecsmock.model.tasks.volumes import LaunchVolume

Key = tuple[str, str, str]
AZ_SUFFIXES = "abc"


@dataclass(slots=True, kw_only=True)
class Placement:
    """Where and how one task runs."""

    platform: Platform
    launch_type: str
    capacity_provider: str | None = None
    subnet: str | None = None
    container_instance_arn: str | None = None
    availability_zone: str | None = None
    # EC2: the instance chosen and what the task holds there until STOPPED.
    instance: ContainerInstance | None = None
    need: Need | None = None


@dataclass(slots=True, kw_only=True)
class TaskSpec:
    """What a RunTask/StartTask (or a scheduler) asks for, in model terms."""

    cluster_name: str
    cluster_arn: str
    definition: TaskDefinition
    group: str
    started_by: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    container_sizes: dict[str, tuple[int, int | None, int | None]] = field(default_factory=dict)
    cpu: str | None = None
    memory: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    enable_execute_command: bool = False
    platform_version: str | None = None
    service_name: str | None = None
    # awsvpc: the security groups and whether a public IP is assigned (`launch.eni_settings`).
    network: tuple[tuple[str, ...], bool] = ((), False)
    daemon_name: str | None = None
    # The Amazon EBS volume configured at launch (`tasks.volumes`), if any.
    volume: LaunchVolume | None = None


def fill_sizes(spec: TaskSpec) -> None:
    """Set the task-level cpu/memory as ECS reports them.

    The request's (overrides), else the definition's, else the containers' totals (None
    when they have none).
    """
    td = spec.definition
    if td.cpu_units is not None and td.memory_mib is not None:  # the usual case
        spec.cpu = spec.cpu or str(td.cpu_units)
        spec.memory = spec.memory or str(td.memory_mib)
        return
    sizes = [spec.container_sizes.get(c.name, (c.cpu, c.memory, 0)) for c in td.containers]
    spec.cpu = spec.cpu or _size(td.cpu_units, sum(s[0] for s in sizes))
    spec.memory = spec.memory or _size(td.memory_mib, sum(s[1] or 0 for s in sizes))


def _size(task_level: int | None, total: int) -> str | None:
    if task_level is not None:
        return str(task_level)
    return str(total) if total else None


class Bucket:
    """The tasks of one index entry, by creation number, kept in creation order."""

    __slots__ = ("order", "tasks")

    def __init__(self) -> None:
        self.tasks: dict[int, Task] = {}
        self.order: list[int] = []  # the keys of `tasks`, ascending

    def __len__(self) -> int:
        return len(self.tasks)

    def add(self, task: Task) -> None:
        """File `task` (new tasks go at the end; a task filed again goes in its place)."""
        seq = task.seq
        if seq in self.tasks:
            return
        self.tasks[seq] = task
        order = self.order
        if not order or order[-1] < seq:
            order.append(seq)
        else:
            bisect.insort(order, seq)

    def discard(self, task: Task) -> None:
        """Unfile `task` if it is here."""
        if self.tasks.pop(task.seq, None) is not None:
            order = self.order
            del order[bisect.bisect_left(order, task.seq)]


class TaskStore:
    """Every task of one account and region."""

    def __init__(
        self,
        region: str,
        arn: Callable[[str], str],
        ids: IdGenerator,
        clock: SimulatedClock,
    ) -> None:
        self.region = region
        self._arn = arn
        self._task_prefix = arn("task/")
        self.ids = ids
        self.clock = clock
        self.by_id: dict[str, Task] = {}
        self._index: dict[Key, Bucket] = {}
        # Tasks looked at by the listings (`select`), for tests of what a page costs.
        self.examined = 0
        self._seq = 0

    # -- creation -----------------------------------------------------------------------

    def create(self, spec: TaskSpec, placement: Placement) -> Task:
        """Make a task in its first lifecycle status and index it."""
        task_id = self.ids.hex32()
        arn = self._arn(f"task/{spec.cluster_name}/{task_id}")
        self._seq += 1
        td = spec.definition
        containers = [self._container(spec, task_id, c) for c in td.containers]
        platform = _platform(spec, placement)
        task = Task(
            id=task_id,
            arn=arn,
            cluster_name=spec.cluster_name,
            cluster_arn=spec.cluster_arn,
            definition=td,
            platform=platform,
            launch_type=placement.launch_type,
            containers=containers,
            created_at=self.clock.now,
            last_status=START_PATH[platform][0],
            seq=self._seq,
            group=spec.group,
            availability_zone=placement.availability_zone or self.zone(placement.subnet),
            cpu=spec.cpu,
            memory=spec.memory,
            overrides=spec.overrides,
            capacity_provider_name=placement.capacity_provider,
            container_instance_arn=placement.container_instance_arn,
            started_by=spec.started_by,
            enable_execute_command=spec.enable_execute_command,
            platform_version=spec.platform_version,
            tags=dict(spec.tags),
            service_name=spec.service_name,
            daemon_name=spec.daemon_name,
        )
        task.architecture = _architecture(td, placement)
        if placement.subnet is not None:
            groups, public_ip = spec.network
            task.eni = Eni(
                attachment_id=self.ids.uuid(),
                subnet_id=placement.subnet,
                security_groups=groups,
                public_ip=public_ip,
            )
        volume = spec.volume
        if volume is not None and volume.managed:
            task.ebs = EbsVolume(
                attachment_id=self.ids.uuid(),
                volume_name=volume.name,
                role_arn=volume.role_arn,
                delete_on_termination=volume.delete_on_termination,
            )
        td.users += 1
        self.by_id[task_id] = task
        for key in self._keys(task):
            self._bucket(key).add(task)
        return task

    def _container(self, spec: TaskSpec, task_id: str, container_spec: ContainerSpec) -> Container:
        name = container_spec.name
        cpu, memory, reservation = spec.container_sizes.get(
            name, (container_spec.cpu, container_spec.memory, container_spec.memory_reservation)
        )
        return Container(
            spec=container_spec,
            arn=self._arn(f"container/{spec.cluster_name}/{task_id}/{self.ids.uuid()}"),
            cpu=cpu,
            memory=memory,
            memory_reservation=reservation,
        )

    def zone(self, subnet: str | None) -> str:
        """The AZ of a subnet: stable per subnet id, spread over a, b and c."""
        if subnet is None:
            return f"{self.region}a"
        return f"{self.region}{AZ_SUFFIXES[zlib.crc32(subnet.encode()) % len(AZ_SUFFIXES)]}"

    # -- indexes ------------------------------------------------------------------------

    @staticmethod
    def _keys(task: Task) -> list[Key]:
        c = task.cluster_name
        keys = [
            (c, "desiredStatus", task.desired_status),
            (c, "family", task.family),
            (c, "launchType", task.launch_type),
        ]
        if task.started_by is not None:
            keys.append((c, "startedBy", task.started_by))
        if task.service_name is not None:
            keys.append((c, "serviceName", task.service_name))
        if task.daemon_name is not None:
            keys.append((c, "daemonName", task.daemon_name))
        if task.container_instance_arn is not None:
            keys.append((c, "containerInstance", task.container_instance_arn))
        return keys

    def _bucket(self, key: Key) -> Bucket:
        bucket = self._index.get(key)
        if bucket is None:
            bucket = self._index[key] = Bucket()
        return bucket

    def desired_changed(self, task: Task) -> None:
        """Move a task from the RUNNING to the STOPPED desired-status index."""
        filed = self._index.get((task.cluster_name, "desiredStatus", task.desired_status))
        if filed is not None and task.seq in filed.tasks:  # moved already (filed in one only)
            return
        running = self._index.get((task.cluster_name, "desiredStatus", "RUNNING"))
        if running is not None:
            running.discard(task)
        self._bucket((task.cluster_name, "desiredStatus", task.desired_status)).add(task)

    def remove(self, task: Task) -> None:
        """Forget a task (retention over)."""
        self.by_id.pop(task.id, None)
        for key in self._keys(task):
            bucket = self._index.get(key)
            if bucket is not None:
                bucket.discard(task)
                if not bucket:
                    del self._index[key]

    def select(
        self, cluster: str, filters: dict[str, str], *, after: int = 0, limit: int | None = None
    ) -> tuple[list[Task], bool]:
        """Tasks of `cluster` matching every filter, in creation order, and whether more do.

        Only tasks created after creation number `after`, at most `limit` of them. Read
        from the smallest index that applies, from where `after` ends (a binary search),
        stopping one task past the page: the cost grows with what the page returns.
        """
        present: list[Bucket] = []
        for name, value in filters.items():
            bucket = self._index.get((cluster, name, value))
            if bucket is None:  # nothing matches this filter
                return [], False
            present.append(bucket)
        if not present:
            return [], False
        smallest = min(present, key=len)
        others = [b.tasks for b in present if b is not smallest]
        tasks = smallest.tasks
        order = smallest.order
        start = bisect.bisect_right(order, after) if after else 0
        found: list[Task] = []
        want = len(order) if limit is None else limit
        examined = 0
        for i in range(start, len(order)):
            seq = order[i]
            examined += 1
            if all(seq in other for other in others):
                if len(found) == want:
                    self.examined += examined
                    return found, True
                found.append(tasks[seq])
        self.examined += examined
        return found, False

    # -- lookup -------------------------------------------------------------------------

    def find(self, cluster: str, ref: str) -> Task | None:
        """A task of `cluster` by id or ARN (long or legacy form)."""
        task_id = ref
        if ref.startswith("arn:"):
            # Only this account's and region's tasks; long (`task/<cluster>/<id>`) or
            # legacy (`task/<id>`) form.
            prefix = self._task_prefix
            path = ref[len(prefix) :].split("/") if ref.startswith(prefix) else []
            if not 1 <= len(path) <= 2 or (len(path) == 2 and path[0] != cluster):
                return None
            task_id = path[-1]
        task = self.by_id.get(task_id)
        return task if task is not None and task.cluster_name == cluster else None


def _platform(spec: TaskSpec, placement: Placement) -> Platform:
    """How the task is hosted; an EC2 task with an EBS volume is provisioned first.

    EC2 tasks pass through PROVISIONING (and DEPROVISIONING) when they use `awsvpc` or a
    managed EBS volume (behaviour reference 1.1) [O]: a bridge or host task with a volume
    walks the awsvpc path and its timings.
    """
    if spec.volume is not None and placement.platform is Platform.EC2_BRIDGE:
        return Platform.EC2_AWSVPC
    return placement.platform


def _architecture(td: TaskDefinition, placement: Placement) -> str:
    """x86_64 or arm64: the instance's attribute on EC2, the runtimePlatform's on Fargate."""
    if placement.instance is not None:
        return placement.instance.attributes.get("ecs.cpu-architecture") or "x86_64"
    platform = td.definition.get("runtimePlatform") or {}
    return "arm64" if platform.get("cpuArchitecture") == "ARM64" else "x86_64"
