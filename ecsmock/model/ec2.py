"""Launching on EC2: RunTask, StartTask and the schedulers' placements on container instances.

The glue between the callers and `model.placement`: which instances a launch may use (all
of the cluster's, or those of one Auto Scaling group capacity provider), what one task
needs, and the `Placement` each chosen instance gives. Behaviour reference 6.2, 9.2, 9.5.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecsmock.model import placement
from ecsmock.model.cluster import Cluster
from ecsmock.model.container_instance import ContainerInstance, Need
from ecsmock.model.placement_rules import Constraint, Strategy, definition_constraints
from ecsmock.model.task import Binding, Platform
from ecsmock.model.taskdef import TaskDefinition
from ecsmock.model.tasks import Placement, TaskSpec

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend

NO_INSTANCES = "No Container Instances were found in your cluster."
# Services place across Availability Zones, then instances, unless told otherwise
# (Developer Guide, "Amazon ECS task placement strategies": the service default) [D].
SERVICE_DEFAULT = (
    Strategy(type="spread", field="attribute:ecs.availability-zone"),
    Strategy(type="spread", field="instanceId"),
)
# RunTask without a strategy: random placement [D] ("tasks are placed randomly").
RUN_TASK_DEFAULT = (Strategy(type="random", field=None),)


@dataclass(slots=True, kw_only=True)
class Ec2Launch:
    """What an EC2 launch asks placement for."""

    cluster: Cluster
    spec: TaskSpec
    count: int
    strategies: Sequence[Strategy] = ()
    constraints: Sequence[Constraint] = ()
    # The capacity provider of each task (None: the EC2 launch type, any instance).
    providers: list[str | None] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Ec2Result:
    """The placements made, and the failures of the tasks that fit nowhere.

    `no_instances`: a task found no ACTIVE instance at all to examine (RunTask raises
    `NO_INSTANCES` then; services report it in their events).
    """

    placements: list[Placement]
    failures: list[tuple[str, str]]
    no_instances: bool = False


class Ec2Placer:
    """Places EC2 tasks on the container instances of one backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._rng: random.Random | None = None

    @property
    def rng(self) -> random.Random:
        """The seeded randomness of the random strategy, made on first use."""
        if self._rng is None:
            self._rng = random.Random(self.backend.ids.digits19())
        return self._rng

    def instances(self, cluster: Cluster) -> list[ContainerInstance]:
        """The cluster's instances, in registration order."""
        return [
            i
            for i in self.backend.container_instances.of_cluster(cluster.name)
            if i.cluster_arn == cluster.arn
        ]

    def has_capacity(self, cluster: Cluster) -> bool:
        """Whether any ACTIVE instance is registered (else ECS names none at all)."""
        return placement.any_registered(self.instances(cluster))

    def place(self, launch: Ec2Launch) -> Ec2Result:
        """Place `launch.count` tasks; stop at the first that fits nowhere.

        Tasks of one capacity provider go on that provider's instances.
        """
        everything = self.instances(launch.cluster)
        td = launch.spec.definition
        need = need_of(launch.spec)
        providers = launch.providers or [None] * launch.count
        placements: list[Placement] = []
        # One placement call per provider run keeps this call's load in view.
        for provider, count in _runs(providers):
            pool = everything
            if provider is not None:
                pool = [i for i in everything if i.capacity_provider_name == provider]
            if not placement.any_registered(pool):
                return Ec2Result(placements, [], no_instances=True)
            outcome = placement.place(
                pool,
                need,
                count,
                strategies=launch.strategies,
                constraints=launch.constraints,
                group=launch.spec.group,
                rng=self.rng,
            )
            for instance in outcome.chosen:
                subnet = _subnet(launch.subnets, len(placements))
                placements.append(placement_on(td, instance, need, provider, subnet))
            if len(outcome.chosen) < count:
                return Ec2Result(placements, outcome.failures)
        return Ec2Result(placements, [])


def _runs(providers: list[str | None]) -> list[tuple[str | None, int]]:
    """Consecutive equal providers as (provider, count) runs."""
    out: list[tuple[str | None, int]] = []
    for p in providers:
        if out and out[-1][0] == p:
            out[-1] = (p, out[-1][1] + 1)
        else:
            out.append((p, 1))
    return out


def _subnet(subnets: list[str], i: int) -> str | None:
    return subnets[i % len(subnets)] if subnets else None


def need_of(spec: TaskSpec) -> Need:
    """What one task of `spec` holds on its instance (behaviour reference 9.2)."""
    return placement.need_of(spec.definition, spec.container_sizes, spec.cpu, spec.memory)


def placement_on(
    td: TaskDefinition,
    instance: ContainerInstance,
    need: Need,
    provider: str | None,
    subnet: str | None,
) -> Placement:
    """The Placement of one task on `instance` (awsvpc tasks get an ENI in `subnet`)."""
    return Placement(
        platform=Platform.EC2_AWSVPC if td.awsvpc else Platform.EC2_BRIDGE,
        launch_type="EC2",
        capacity_provider=provider,
        subnet=subnet if td.awsvpc else None,
        container_instance_arn=instance.arn,
        availability_zone=instance.availability_zone,
        instance=instance,
        need=need,
    )


def on_instances(
    placer: Ec2Placer, cluster: Cluster, spec: TaskSpec, refs: Sequence[str]
) -> Ec2Result:
    """StartTask: one task on each listed instance, which must be able to take it.

    Unknown instances are MISSING, deregistered or DRAINING ones INACTIVE [U], and one
    that cannot fit the task names its first shortfall (agent, resources, the definition's
    memberOf constraints), as RunTask's failures do.
    """
    ops = placer.backend.container_instances
    need = need_of(spec)
    constraints = definition_constraints(spec.definition)
    placements: list[Placement] = []
    failures: list[tuple[str, str]] = []
    taken: dict[str, Need] = {}
    for ref in refs:
        instance = ops.find(cluster, ref)
        if instance is None:
            failures.append((ops.missing_arn(cluster, ref), "MISSING"))
            continue
        reason = "INACTIVE" if not instance.placeable else None
        if reason is None and instance.id in taken:
            reason = instance.shortfall(_twice(need, taken[instance.id]))
        reason = reason or placement.fit_reason(instance, need, constraints, spec.group)
        if reason is not None:
            failures.append((instance.arn, reason))
            continue
        taken[instance.id] = _twice(need, taken.get(instance.id, Need()))
        placements.append(placement_on(spec.definition, instance, need, None, None))
    return Ec2Result(placements, failures)


def _twice(a: Need, b: Need) -> Need:
    """Two holdings together (the same instance named twice in one StartTask)."""
    return Need(
        cpu=a.cpu + b.cpu,
        memory=a.memory + b.memory,
        ports=a.ports | b.ports,
        ports_udp=a.ports_udp | b.ports_udp,
    )


def bindings_for(
    td: TaskDefinition, instance: ContainerInstance
) -> list[tuple[str, int, int, str]]:
    """Host port bindings of a bridge or host task on `instance` (networkBindings).

    Host mode binds each containerPort itself; bridge binds the mapping's hostPort, or a
    dynamic port when it is 0 or absent ("Port mappings" in the task definition docs).
    """
    mode = td.network_mode or "bridge"
    if mode not in ("bridge", "host"):
        return []
    out: list[Binding] = []
    for container in td.containers:
        for mapping in container.port_mappings:
            port = mapping.get("containerPort")
            if not isinstance(port, int):
                continue
            host = mapping.get("hostPort")
            protocol = str(mapping.get("protocol") or "tcp")
            if mode == "host":
                bound = host if isinstance(host, int) and host else port
            else:
                bound = host if isinstance(host, int) and host else instance.dynamic_port()
            out.append((container.name, port, bound, protocol))
    return out
