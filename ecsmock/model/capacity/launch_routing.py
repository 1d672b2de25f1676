"""Where launched tasks go: Fargate subnets, or container instances on EC2.

RunTask, StartTask and the schedulers all come here. `placements_for` routes a launch by
its launch type or capacity-provider strategy; on EC2 it is the glue to `capacity.placement`:
which instances a launch may use (all of the cluster's, or those of one Auto Scaling group
capacity provider), what one task needs, and the `Placement` each chosen instance gives.
Behaviour reference 6.2, 9.2, 9.5 and 10.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecsmock.model.capacity import placement
from ecsmock.model.capacity.instance import ContainerInstance, Need
from ecsmock.model.capacity.placement_rules import Constraint, Strategy, definition_constraints
from ecsmock.model.clusters.cluster import Cluster, StrategyItem
from ecsmock.model.tasks import launch as rules
from ecsmock.model.tasks import needs as task_needs
from ecsmock.model.tasks.definitions import TaskDefinition
from ecsmock.model.tasks.launch import Network
from ecsmock.model.tasks.store import Placement, TaskSpec
from ecsmock.model.tasks.task import Platform

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
    # awsvpcConfiguration: Fargate and EC2 awsvpc tasks take its subnets round-robin.
    network: Network | None = None


@dataclass(slots=True)
class Placed:
    """The placements made, and the failures of the tasks that fit nowhere.

    `no_instances`: a task found no ACTIVE instance at all to examine (RunTask raises
    `NO_INSTANCES` then; services report it in their events).
    """

    placements: list[Placement]
    failures: list[tuple[str | None, str]]
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
        """The cluster's instances but the Managed Instances, in registration order."""
        managed = self.backend.managed.by_arn
        return [
            i
            for i in self.backend.container_instances.of_cluster(cluster.name)
            if i.cluster_arn == cluster.arn and i.arn not in managed
        ]

    def placements_for(
        self,
        launch: Ec2Launch,
        launch_type: str | None,
        strategy: list[StrategyItem],
        already: dict[str, int],
    ) -> Placed:
        """Where `launch.count` tasks go, by launch type or capacity-provider strategy.

        FARGATE: the launch's subnets. EXTERNAL: nowhere, as ECS Anywhere instances are not
        modelled. A strategy is split over its providers (`already` counts the tasks its
        base and weights apply over); all Fargate providers: subnets; Auto Scaling group
        providers: each one's own instances. The EC2 launch type: any instance.
        """
        td = launch.spec.definition
        if launch_type == "FARGATE":
            return Placed(rules.fargate_placements(td, [None] * launch.count, launch.network), [])
        if launch_type == "EXTERNAL":
            return Placed([], [], no_instances=True)
        if launch_type is None:
            split = rules.split(strategy, launch.count, already)
            if all(rules.is_fargate_provider(p) for p in split):
                return Placed(rules.fargate_placements(td, list(split), launch.network), [])
            launch.providers = list(split)
        return self.place(launch)

    def place(self, launch: Ec2Launch) -> Placed:
        """Place `launch.count` tasks; stop at the first that fits nowhere.

        Tasks of one capacity provider go on that provider's instances; ECS launches the
        instances of a Managed Instances provider itself (`capacity.managed_fleet`), and
        keeps them for that provider's tasks [I].
        """
        managed = self.backend.managed
        everything = self.instances(launch.cluster)
        td = launch.spec.definition
        need = need_of(launch.spec)
        providers = launch.providers or [None] * launch.count
        placements: list[Placement] = []
        subnets = launch.network.subnets if launch.network is not None else []
        # One placement call per provider run keeps this call's load in view.
        for provider, count in _runs(providers):
            if managed.manages(provider):
                assert provider is not None
                made, failures = managed.place(launch, provider, count, need, len(placements))
                placements += made
                if failures:
                    return Placed(placements, failures)
                continue
            pool = everything
            if provider is not None:
                pool = [i for i in everything if i.capacity_provider_name == provider]
            if not placement.any_registered(pool):
                return Placed(placements, [], no_instances=True)
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
                subnet = _subnet(subnets, len(placements))
                placements.append(placement_on(td, instance, need, provider, subnet))
            if len(outcome.chosen) < count:
                return Placed(placements, list(outcome.failures))
        return Placed(placements, [])


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
    return task_needs.need_of(spec.definition, spec.container_sizes, spec.cpu, spec.memory)


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
    placer: Ec2Placer,
    cluster: Cluster,
    spec: TaskSpec,
    refs: Sequence[str],
    network: Network | None = None,
) -> Placed:
    """StartTask: one task on each listed instance, which must be able to take it.

    Unknown instances are MISSING, deregistered or DRAINING ones INACTIVE [U], and one
    that cannot fit the task names its first shortfall (agent, resources, the definition's
    memberOf constraints), as RunTask's failures do. awsvpc tasks get their ENI in the
    network configuration's subnets, taken in turn, as RunTask's do.
    """
    subnets = network.subnets if network is not None else []
    ops = placer.backend.container_instances
    need = need_of(spec)
    constraints = definition_constraints(spec.definition)
    placements: list[Placement] = []
    failures: list[tuple[str | None, str]] = []
    tally = placement.Tally()
    for ref in refs:
        instance = ops.find(cluster, ref)
        if instance is None:
            failures.append((ops.missing_arn(cluster, ref), "MISSING"))
            continue
        reason = "INACTIVE" if not instance.placeable else None
        reason = reason or tally.reason(instance, need, constraints, spec.group)
        if reason is not None:
            failures.append((instance.arn, reason))
            continue
        tally.take(instance, need)
        subnet = _subnet(subnets, len(placements))
        placements.append(placement_on(spec.definition, instance, need, None, subnet))
    return Placed(placements, failures)
