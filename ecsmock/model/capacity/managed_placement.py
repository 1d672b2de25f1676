"""Where tasks of a Managed Instances provider go, and when ECS launches an instance for them.

A task goes on one of the provider's instances (ACTIVE, or still booting) that can take it,
as `capacity.placement` checks a candidate (agent, resources, attributes, constraints);
when none can, ECS launches one ("ECS provisions an Amazon EC2 instance", Managed Daemons
page [D]) of the smallest type the provider's instance requirements admit that holds the
task and the provider's daemons (`capacity.managed.smallest_type`). Services spread their
tasks over the Availability Zones of the provider's subnets ("ECS Managed Instances
prioritize availability by spreading tasks across multiple Availability Zones" [D]); other
launches fill the instances in launch order, a new one going to the next subnet [S].

When no admissible type can hold a task, it fails with `RESOURCE:CPU` or `RESOURCE:MEMORY`
(the dimension no type reaches) [U].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecsmock.model.capacity import placement
from ecsmock.model.capacity.instance import ContainerInstance, InstanceStatus, Need
from ecsmock.model.capacity.managed import ManagedSettings, smallest_type
from ecsmock.model.tasks.store import Placement
from ecsmock.model.tasks.task import Platform

if TYPE_CHECKING:
    from ecsmock.model.capacity.launch_routing import Ec2Launch
    from ecsmock.model.capacity.managed_fleet import ManagedFleet

Failure = tuple[str | None, str]
AZ_SPREAD = "attribute:ecs.availability-zone"


def place(
    fleet: ManagedFleet, launch: Ec2Launch, provider: str, count: int, need: Need, offset: int
) -> tuple[list[Placement], list[Failure]]:
    """Place `count` tasks through `provider`, launching instances where none fits."""
    settings = fleet.settings(launch.cluster.name, provider)
    if settings is None:
        return [], [(None, "MISSING")]
    group = launch.spec.group
    pool = [
        m.instance for m in fleet.of_provider(launch.cluster.name, provider) if _open(m.instance)
    ]
    subnets = settings.subnets or tuple(launch.network.subnets if launch.network else ())
    spread = any(s.type == "spread" and s.field == AZ_SPREAD for s in launch.strategies)
    tally = placement.Tally()
    out: list[Placement] = []
    for _ in range(count):
        zone = _target_zone(fleet, pool, subnets, group, out) if spread else None
        chosen = next(
            (
                inst
                for inst in pool
                if zone in (None, inst.availability_zone)
                and tally.reason(inst, need, launch.constraints, group) is None
            ),
            None,
        )
        if chosen is None:
            made = _launch_for(fleet, launch, provider, settings, need, zone, subnets)
            if isinstance(made, str):
                return out, [(None, made)]
            pool.append(made)
            chosen = made
            reason = tally.reason(made, need, launch.constraints, group)
            if reason is not None:
                return out, [(made.arn, reason)]
        tally.take(chosen, need)
        fleet.busy_again(chosen)
        out.append(_placement(launch, chosen, need, provider, offset + len(out)))
    return out, []


def _open(instance: ContainerInstance) -> bool:
    """Whether new tasks may go on the instance (ACTIVE, or still booting)."""
    running = instance.status in (InstanceStatus.ACTIVE, InstanceStatus.REGISTERING)
    return running and instance.agent_connected


def _target_zone(
    fleet: ManagedFleet,
    pool: list[ContainerInstance],
    subnets: tuple[str, ...],
    group: str,
    planned: list[Placement],
) -> str | None:
    """The zone of the provider's subnets with the fewest tasks of `group` [D]."""
    zones = list(dict.fromkeys(fleet.zone(s) for s in subnets))
    if len(zones) < 2:
        return None
    load = dict.fromkeys(zones, 0)
    for inst in pool:
        zone = inst.availability_zone or ""
        here = sum(1 for t in inst.tasks.values() if t.group == group and not t.stopping)
        load[zone] = load.get(zone, 0) + here
    for chosen in planned:
        zone = chosen.availability_zone or ""
        load[zone] = load.get(zone, 0) + 1
    return min(zones, key=lambda z: (load[z], zones.index(z)))


def _launch_for(
    fleet: ManagedFleet,
    launch: Ec2Launch,
    provider: str,
    settings: ManagedSettings,
    need: Need,
    zone: str | None,
    subnets: tuple[str, ...],
) -> ContainerInstance | str:
    """A new instance big enough for the task and the daemons, or the reason none is."""
    cluster = launch.cluster
    extra_cpu, extra_memory = (0, 0)
    if fleet.daemon_need is not None:
        extra_cpu, extra_memory = fleet.daemon_need(cluster.name, provider)
    arch = architecture(launch)
    cpu, memory = need.cpu + extra_cpu, need.memory + extra_memory
    found = smallest_type(settings, cpu, memory, arch)
    if found is None:
        lacking = smallest_type(settings, cpu, 0, arch) is None
        return "RESOURCE:CPU" if lacking else "RESOURCE:MEMORY"
    if zone is None:
        launched = len(fleet.of_provider(cluster.name, provider))
        zone = fleet.zone(subnets[launched % len(subnets)] if subnets else None)
    return fleet.launch(cluster, provider, found, zone)


def architecture(launch: Ec2Launch) -> str:
    """The CPU architecture a launch asks for (runtimePlatform; x86_64 by default)."""
    platform = launch.spec.definition.definition.get("runtimePlatform") or {}
    return "arm64" if platform.get("cpuArchitecture") == "ARM64" else "x86_64"


def _placement(
    launch: Ec2Launch, instance: ContainerInstance, need: Need, provider: str, i: int
) -> Placement:
    """A task on a Managed Instance: launchType MANAGED_INSTANCES (Developer Guide [D])."""
    td = launch.spec.definition
    subnets = launch.network.subnets if launch.network is not None else []
    return Placement(
        platform=Platform.EC2_AWSVPC if td.awsvpc else Platform.EC2_BRIDGE,
        launch_type="MANAGED_INSTANCES",
        capacity_provider=provider,
        subnet=subnets[i % len(subnets)] if td.awsvpc and subnets else None,
        container_instance_arn=instance.arn,
        availability_zone=instance.availability_zone,
        instance=instance,
        need=need,
    )
