"""Managed Instances capacity providers of one backend: create, update, delete, lifecycle.

- CreateCapacityProvider answers PROVISIONING with updateStatus CREATE_IN_PROGRESS; the
  provider is ACTIVE (CREATE_COMPLETE) and associated with its cluster
  `timing.provider_create` later. Observed: right after creation it is "not in an ACTIVE
  state" (hashicorp/terraform-provider-aws#45693, pulumi/pulumi-aws#6061 [O]); it is
  associated with its cluster without PutClusterCapacityProviders (#44783 [O]).
- UpdateCapacityProvider: UPDATE_IN_PROGRESS, the new settings apply `timing.provider_update`
  later, to the instances launched from then on (UpdateCapacityProvider docs [M]).
- DeleteCapacityProvider: while a service's strategy, the cluster's default strategy or a
  daemon uses it, the call answers DELETE_FAILED with a reason, as for an associated Auto
  Scaling group provider [I]. Otherwise it leaves its cluster (DEPROVISIONING,
  DELETE_IN_PROGRESS), ECS retires its instances, and it is INACTIVE (DELETE_COMPLETE)
  `timing.provider_delete` later [I]; the cluster can be deleted from then on.
- A `cluster` naming another cluster than the provider's is refused: Managed Instances
  providers "can only be updated [deleted] within their associated cluster" [M].
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock.errors import ClientException, InvalidParameterException
from ecsmock.model import tags
from ecsmock.model.capacity.managed import (
    CLUSTER_REQUIRED,
    OTHER_CLUSTER,
    ManagedSettings,
    check_settings,
)
from ecsmock.model.capacity.provider import (
    ALREADY_EXISTS,
    INACTIVE_PROVIDER_TTL,
    CapacityProvider,
    ProviderStatus,
    ProviderType,
    UpdateStatus,
    check_name,
)
from ecsmock.model.clusters.cluster import (
    MAX_CLUSTER_PROVIDERS,
    PROVIDER_IN_USE,
    TOO_MANY_PROVIDERS,
)
from ecsmock.model.retention import forget_later
from ecsmock.model.timing import TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.capacity.provider_ops import CapacityProviderOps

# Whether something other than services uses a provider (the daemons register one).
UseCheck = Callable[[CapacityProvider], bool]


class ManagedProviders:
    """The Managed Instances capacity providers' own operations."""

    def __init__(self, ops: CapacityProviderOps, timing: TimingProfile) -> None:
        self.ops = ops
        self.backend = ops.backend
        self.create_delay = timedelta(seconds=timing.provider_create)
        self.use_checks: list[UseCheck] = []

    def create(
        self,
        name: str,
        cluster_ref: str | None,
        settings: ManagedSettings,
        new_tags: list[tuple[str, str]],
    ) -> CapacityProvider:
        """CreateCapacityProvider with a managedInstancesProvider (PROVISIONING at first).

        Raises:
            ClientException: a bad name or setting, or a name already taken.
            InvalidParameterException: no cluster, the tags break a rule, or the cluster
                has its 20 capacity providers.
            ClusterNotFoundException: no such cluster, or it was deleted.
        """
        check_name(name)
        if cluster_ref is None:
            # [D] `cluster` is required for Managed Instances (CreateCapacityProvider docs)
            raise InvalidParameterException(CLUSTER_REQUIRED)
        cluster = self.backend.active_cluster(cluster_ref)
        check_settings(settings)
        tags.check_tags(new_tags)
        if name in self.ops.by_name:
            # [O] real text (aws/containers-roadmap#688)
            raise ClientException(ALREADY_EXISTS)
        if len(cluster.capacity_providers) + self._creating(cluster.name) >= MAX_CLUSTER_PROVIDERS:
            # [O] real text (cloudformation-coverage-roadmap#1086)
            raise InvalidParameterException(TOO_MANY_PROVIDERS)
        provider = CapacityProvider(
            name=name,
            arn=self.backend.arn(f"capacity-provider/{name}"),
            type=ProviderType.MANAGED_INSTANCES,
            status=ProviderStatus.PROVISIONING,
            update_status=UpdateStatus.CREATE_IN_PROGRESS,
            managed=settings,
            cluster_name=cluster.name,
            tags=dict(new_tags),
        )
        self.ops.by_name[name] = provider
        cluster.cluster_providers_count += 1
        provider.timer = self.backend.clock.schedule(
            lambda: self._created(provider), after=self.create_delay
        )
        return provider

    def _creating(self, cluster_name: str) -> int:
        return sum(
            1
            for p in self.ops.by_name.values()
            if p.cluster_name == cluster_name and p.status is ProviderStatus.PROVISIONING
        )

    def _created(self, provider: CapacityProvider) -> None:
        provider.timer = None
        provider.status = ProviderStatus.ACTIVE
        provider.update_status = UpdateStatus.CREATE_COMPLETE
        cluster = self.backend.clusters.get(provider.cluster_name or "")
        if cluster is not None and cluster.active:
            cluster.capacity_providers.append(provider.name)

    def check_cluster(self, provider: CapacityProvider, cluster_ref: str | None) -> None:
        """A `cluster` parameter, when given, must be the provider's own cluster.

        Raises:
            ClusterNotFoundException: no such cluster.
            ClientException: another cluster (Update/DeleteCapacityProvider `cluster` [M]).
        """
        if cluster_ref is None:
            return
        cluster = self.backend.cluster(cluster_ref)
        if cluster.name != provider.cluster_name:
            raise ClientException(
                OTHER_CLUSTER.format(name=provider.name, cluster=provider.cluster_name)
            )

    def update(
        self, provider: CapacityProvider, cluster_ref: str | None, settings: ManagedSettings
    ) -> CapacityProvider:
        """UpdateCapacityProvider: the new settings apply `timing.provider_update` later."""
        self.check_cluster(provider, cluster_ref)
        check_settings(settings)
        self.ops.start_update(provider, settings)
        return provider

    def in_use(self, provider: CapacityProvider) -> bool:
        """Whether a service, the cluster's default strategy or a daemon uses it."""
        cluster = self.backend.clusters.get(provider.cluster_name or "")
        if cluster is not None and any(
            item.capacity_provider == provider.name for item in cluster.default_strategy
        ):
            return True
        if self.ops.used_by_services(provider.cluster_name or "", provider.name):
            return True
        return any(check(provider) for check in self.use_checks)

    def delete(self, provider: CapacityProvider, cluster_ref: str | None) -> CapacityProvider:
        """DeleteCapacityProvider: out of its cluster now, INACTIVE a little later."""
        self.check_cluster(provider, cluster_ref)
        if self.in_use(provider):
            provider.update_status = UpdateStatus.DELETE_FAILED
            provider.update_status_reason = PROVIDER_IN_USE
            return provider
        cluster = self.backend.clusters.get(provider.cluster_name or "")
        if cluster is not None and provider.name in cluster.capacity_providers:
            cluster.capacity_providers.remove(provider.name)
        provider.status = ProviderStatus.DEPROVISIONING
        provider.update_status = UpdateStatus.DELETE_IN_PROGRESS
        provider.update_status_reason = None
        self.backend.managed.retire_provider(provider.cluster_name or "", provider.name)
        provider.timer = self.backend.clock.schedule(
            lambda: self._deleted(provider), after=self.ops.delete_delay
        )
        return provider

    def _deleted(self, provider: CapacityProvider) -> None:
        provider.timer = None
        provider.status = ProviderStatus.INACTIVE
        provider.update_status = UpdateStatus.DELETE_COMPLETE
        provider.tags = {}
        cluster = self.backend.clusters.get(provider.cluster_name or "")
        if cluster is not None:
            cluster.cluster_providers_count -= 1
        provider.purge = forget_later(
            self.backend.clock, self.ops.by_name, provider.name, provider, INACTIVE_PROVIDER_TTL
        )

    def scoped_to(self, cluster_name: str) -> list[str]:
        """The ACTIVE Managed Instances providers of a cluster (they stay associated)."""
        return [
            p.name
            for p in self.ops.by_name.values()
            if p.managed is not None
            and p.cluster_name == cluster_name
            and p.status is ProviderStatus.ACTIVE
            and p.update_status is not UpdateStatus.DELETE_IN_PROGRESS
        ]

    def invariants(self) -> list[str]:
        """Managed Instances providers and their clusters agree (empty when they do)."""
        out: list[str] = []
        counts: dict[str, int] = {}
        for provider in self.ops.by_name.values():
            if provider.managed is None:
                continue
            home = provider.cluster_name or ""
            if provider.status is not ProviderStatus.INACTIVE:
                counts[home] = counts.get(home, 0) + 1
            cluster = self.backend.clusters.get(home)
            listed = cluster is not None and provider.name in cluster.capacity_providers
            if listed != (provider.name in self.scoped_to(home) and cluster is not None):
                out.append(f"provider {provider.name}: association with {home} is off")
        for cluster in self.backend.clusters.values():
            if cluster.active and cluster.cluster_providers_count != counts.get(cluster.name, 0):
                out.append(f"cluster {cluster.name}: cluster-scoped provider count is off")
        return out
