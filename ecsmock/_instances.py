"""Test helpers for EC2 capacity: what AWS does through EC2 and the agent, in one call.

`ecs.add_container_instances(...)` registers instances as booting EC2 instances with the
ECS agent would (RegisterContainerInstance works too); `ecs.set_agent_connected(...)`
disconnects or reconnects an instance's agent (placements then fail with `AGENT`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ecsmock._ids import parse_arn
from ecsmock.errors import ECSMockError, ServiceError
from ecsmock.model.capacity.instance import (
    DEFAULT_VERSION_INFO,
    LATEST_AGENT_VERSION,
)
from ecsmock.model.capacity.instance import (
    instance_type as known_type,
)
from ecsmock.model.capacity.instance_ops import Registration

if TYPE_CHECKING:
    import threading

    from ecsmock._options import Options
    from ecsmock.model.backend import Backend
    from ecsmock.model.world import World


class ClusterLookupError(ECSMockError, LookupError):
    """A helper named a cluster the mock cannot find (or finds in several regions)."""


class InstanceHelperError(ECSMockError, ValueError):
    """`add_container_instances` was given something ECS would refuse (the text says what)."""


def backend_of(world: World, account: str, cluster: str, region: str | None) -> Backend:
    """The backend holding `cluster` (a name or ARN), in `region` or wherever it is."""
    parsed = parse_arn(cluster) if cluster.startswith("arn:") else None
    if parsed is not None:
        return world.backend(parsed.account or account, parsed.region)
    if region is not None:
        return world.backend(account, region)
    holders = [
        b for (acct, _), b in world.backends.items() if acct == account and cluster in b.clusters
    ]
    if len(holders) != 1:
        where = "no region" if not holders else f"{len(holders)} regions"
        raise ClusterLookupError(
            f"cluster {cluster!r} is in {where} of this mock: create it first, or pass "
            "region= (or the cluster ARN)"
        )
    return holders[0]


def add_container_instances(
    world: World,
    account: str,
    cluster: str,
    count: int,
    *,
    instance_type: str,
    cpu: int | None,
    memory: int | None,
    availability_zones: Sequence[str] | None,
    attributes: Mapping[str, str | None] | None,
    capacity_provider: str | None,
    tags: Mapping[str, str] | None,
    agent_version: str | None,
    region: str | None,
) -> list[str]:
    """Register `count` instances; returns their ARNs (see `ECSMock.add_container_instances`)."""
    if count < 1:
        raise ECSMockError(f"count must be at least 1, got {count}")
    if known_type(instance_type) is None and (cpu is None or memory is None):
        raise InstanceHelperError(
            f"instance_type {instance_type!r} is not an EC2 instance type: give cpu= and "
            "memory= for it"
        )
    backend = backend_of(world, account, cluster, region)
    if capacity_provider is not None:
        provider = backend.capacity_providers.find(capacity_provider)
        if provider is None or provider.asg is None:
            raise InstanceHelperError(
                f"capacity_provider {capacity_provider!r} is not an Auto Scaling group capacity "
                "provider of this account and region: create it first (ECS launches the "
                "instances of Managed Instances providers itself)"
            )
    zones = list(availability_zones or [f"{backend.region}{s}" for s in "abc"])
    ops = backend.container_instances
    known = backend.find_cluster(cluster)
    already = len(ops.of_cluster(known.name)) if known is not None else 0
    version = dict(DEFAULT_VERSION_INFO)
    version["agentVersion"] = agent_version or LATEST_AGENT_VERSION
    arns = []
    for i in range(count):
        reg = Registration(
            instance_type=instance_type,
            availability_zone=zones[(already + i) % len(zones)],
            cpu=cpu,
            memory=memory,
            version_info=version,
            attributes=list((attributes or {}).items()),
            tags=dict(tags or {}),
            capacity_provider_name=capacity_provider,
            simulated_agent=True,
        )
        try:
            arns.append(ops.register(cluster, reg).arn)
        except ServiceError as err:
            raise InstanceHelperError(f"{type(err).__name__}: {err.message}") from None
    return arns


def set_agent_connected(world: World, account: str, instance_arn: str, connected: bool) -> None:
    """Disconnect or reconnect the agent of the instance an ARN names."""
    parsed = parse_arn(instance_arn)
    if parsed is None or parsed.kind != "container-instance":
        raise ECSMockError(f"{instance_arn!r} is not a container instance ARN")
    backend = world.backends.get((parsed.account or account, parsed.region))
    found = backend.container_instances.by_arn.get(instance_arn) if backend else None
    if backend is None or found is None:
        raise ECSMockError(f"no container instance {instance_arn} in this mock")
    if found.agent_connected is not connected:
        found.agent_connected = connected
        backend.container_instances.announce(found)
        if connected and backend.container_instances.capacity_hook is not None:
            backend.container_instances.capacity_hook(found.cluster_name)
        if not connected:
            backend.managed.impaired(found)  # auto repair of a Managed Instance


class InstanceHelpers:
    """The `ECSMock` handle's EC2 capacity helpers (a mixin of `ECSMock`)."""

    # Provided by ECSMock.
    options: Options
    _lock: threading.RLock

    if TYPE_CHECKING:

        @property
        def world(self) -> World:
            """The simulated world."""

    def add_container_instances(
        self,
        cluster: str = "default",
        count: int = 1,
        *,
        instance_type: str = "m5.large",
        cpu: int | None = None,
        memory: int | None = None,
        availability_zones: Sequence[str] | None = None,
        attributes: Mapping[str, str | None] | None = None,
        capacity_provider: str | None = None,
        tags: Mapping[str, str] | None = None,
        agent_version: str | None = None,
        region: str | None = None,
    ) -> list[str]:
        """Register EC2 container instances with a cluster, as booting instances would.

        Args:
            cluster: the cluster's name or ARN (it must exist and be ACTIVE).
            count: how many instances.
            instance_type: any EC2 instance type: sets registered CPU (vCPUs x 1024),
                MEMORY (a little under its RAM, as the agent registers it) and the
                `ecs.instance-type` and `ecs.cpu-architecture` attributes; `cpu`/`memory`
                override the sizes (both are needed for a type EC2 does not have).
            cpu: registered CPU units.
            memory: registered MEMORY in MiB.
            availability_zones: zones taken round-robin, continuing from the instances
                already registered (default: the region's a, b and c).
            attributes: custom attributes (name -> value, None for no value).
            capacity_provider: the Auto Scaling group capacity provider they belong to.
            tags: tags on each instance.
            agent_version: the agent they run (default: the newest, so no agent update).
            region: needed only when a cluster name exists in several regions.

        Returns:
            The container instance ARNs, in registration order.
        """
        with self._lock:
            return add_container_instances(
                self.world,
                self.options.account_id,
                cluster,
                count,
                instance_type=instance_type,
                cpu=cpu,
                memory=memory,
                availability_zones=availability_zones,
                attributes=attributes,
                capacity_provider=capacity_provider,
                tags=tags,
                agent_version=agent_version,
                region=region,
            )

    def set_agent_connected(self, container_instance_arn: str, connected: bool) -> None:
        """Disconnect (or reconnect) an instance's agent: no placements while disconnected."""
        with self._lock:
            set_agent_connected(
                self.world, self.options.account_id, container_instance_arn, connected
            )
