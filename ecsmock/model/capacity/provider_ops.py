"""Capacity-provider operations of one backend, and the lifecycle of Auto Scaling group ones.

- CreateCapacityProvider answers ACTIVE with updateStatus CREATE_COMPLETE [U: the
  create-capacity-provider CLI example shows ACTIVE and no updateStatus].
- UpdateCapacityProvider answers the settings from before the update with updateStatus
  UPDATE_IN_PROGRESS (update-capacity-provider CLI example [O]; terraform-provider-aws waits
  for UPDATE_COMPLETE); the new settings apply `timing.provider_update` (5 s) later,
  UPDATE_COMPLETE.
- DeleteCapacityProvider answers ACTIVE with DELETE_IN_PROGRESS (delete-capacity-provider
  CLI example [O]); `timing.provider_delete` (15 s) later it is INACTIVE with
  DELETE_COMPLETE (what
  terraform-provider-aws waits for), still describable and still holding its name
  (aws/containers-roadmap#632: deleted providers "hang around") until purged
  `INACTIVE_PROVIDER_TTL` later. A provider associated with a cluster is not deleted: the
  call succeeds with updateStatus DELETE_FAILED and a reason, status staying ACTIVE
  (hashicorp/terraform-provider-aws#48156, ekristen/aws-nuke#542 [O]).

Associations live on the clusters (`Cluster.capacity_providers`); an Auto Scaling group
provider may be in at most one cluster at a time (CapacityProvider docs [M]). Managed
Instances providers are created in their cluster (`capacity.managed_provider`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock._ids import parse_arn
from ecsmock.clock import Scheduled
from ecsmock.errors import ClientException, InvalidParameterException, UpdateInProgressException
from ecsmock.model import tags
from ecsmock.model.capacity.managed import (
    BEING_CREATED,
    NOT_ASSOCIABLE,
    WRONG_KIND,
    ManagedSettings,
)
from ecsmock.model.capacity.managed_provider import ManagedProviders
from ecsmock.model.capacity.provider import (
    ALREADY_EXISTS,
    ASG_IN_USE,
    ASSOCIATED,
    BEING_DELETED,
    BEING_UPDATED,
    DELETE_UNDER_WAY,
    IN_OTHER_CLUSTER,
    INACTIVE_PROVIDER_TTL,
    NO_ASG,
    NOT_ACTIVE,
    NOT_FOUND,
    RESERVED,
    AsgSettings,
    AsgUpdate,
    CapacityProvider,
    ProviderStatus,
    ProviderType,
    UpdateStatus,
    asg_key,
    check_asg,
    check_managed,
    check_name,
    problems,
)
from ecsmock.model.clusters.cluster import FARGATE_PROVIDERS, PROVIDER_NOT_FOUND, Cluster
from ecsmock.model.retention import forget_later
from ecsmock.model.services.service import ServiceStatus
from ecsmock.model.timing import REALISTIC, TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend


class CapacityProviderOps:
    """The capacity providers of one account and region."""

    def __init__(self, backend: Backend, timing: TimingProfile = REALISTIC) -> None:
        self.backend = backend
        self.update_delay = timedelta(seconds=timing.provider_update)
        self.delete_delay = timedelta(seconds=timing.provider_delete)
        self.builtins = {
            name: CapacityProvider(
                name=name,
                arn=backend.arn(f"capacity-provider/{name}"),
                type=ProviderType(name),
            )
            for name in FARGATE_PROVIDERS
        }
        # Auto Scaling group and Managed Instances providers by name, in creation order
        # (INACTIVE until purged).
        self.by_name: dict[str, CapacityProvider] = {}
        self.managed = ManagedProviders(self, timing)

    # -- lookup ---------------------------------------------------------------------------

    def name_of(self, ref: str) -> str | None:
        """The provider name a name-or-ARN reference points to here; None if it can't."""
        if not ref.startswith("arn:"):
            return ref
        parsed = parse_arn(ref)
        if (
            parsed is None
            or parsed.kind != "capacity-provider"
            or len(parsed.path) != 1
            or (parsed.region, parsed.account) != (self.backend.region, self.backend.account)
        ):
            return None
        return parsed.path[0]

    def find(self, ref: str) -> CapacityProvider | None:
        """The provider (built-in or not, any status) a name or ARN names, or None."""
        name = self.name_of(ref)
        if name is None:
            return None
        return self.builtins.get(name) or self.by_name.get(name)

    def exists(self, name: str) -> bool:
        """Whether a provider of that name exists here and is not INACTIVE."""
        found = self.builtins.get(name) or self.by_name.get(name)
        return found is not None and found.status is not ProviderStatus.INACTIVE

    def listed(self) -> list[CapacityProvider]:
        """Every provider: the built-ins first, then the others in creation order [S]."""
        return [*self.builtins.values(), *self.by_name.values()]

    def _own(self, ref: str, verb: str) -> CapacityProvider:
        found = self.find(ref)
        if found is not None and found.builtin:
            # [O] FARGATE and FARGATE_SPOT are reserved (behaviour reference 10); text [U]
            raise ClientException(RESERVED.format(verb=verb))
        if found is None or found.status is ProviderStatus.INACTIVE:
            # [O] real text (behaviour reference 10)
            raise ClientException(NOT_FOUND)
        return found

    def _groups_in_use(self) -> set[str]:
        return {
            asg_key(p.asg.auto_scaling_group_arn)
            for p in self.by_name.values()
            if p.asg is not None and p.status is not ProviderStatus.INACTIVE
        }

    def cluster_of(self, name: str) -> Cluster | None:
        """The cluster an Auto Scaling group provider is associated with, if any."""
        return next(
            (c for c in self.backend.clusters.values() if name in c.capacity_providers), None
        )

    # -- create, update, delete -----------------------------------------------------------

    def create(
        self, name: str, settings: AsgSettings | None, new_tags: list[tuple[str, str]]
    ) -> CapacityProvider:
        """CreateCapacityProvider: validate in the order below [S], then create ACTIVE.

        Raises:
            ClientException: a bad name, no Auto Scaling group provider, a bad group or
                managed setting, a name already taken (INACTIVE providers hold theirs until
                purged [I]), or a group already used by a provider that is not INACTIVE.
            InvalidParameterException: the tags break a rule.
        """
        check_name(name)
        if settings is None:
            raise ClientException(NO_ASG)
        check_asg(settings, self.backend.region, self.backend.account)
        tags.check_tags(new_tags)
        if name in self.by_name:
            raise ClientException(ALREADY_EXISTS)
        if asg_key(settings.auto_scaling_group_arn) in self._groups_in_use():
            raise ClientException(ASG_IN_USE)
        provider = CapacityProvider(
            name=name,
            arn=self.backend.arn(f"capacity-provider/{name}"),
            type=ProviderType.EC2_AUTOSCALING,
            update_status=UpdateStatus.CREATE_COMPLETE,
            asg=settings,
            tags=dict(new_tags),
        )
        self.by_name[name] = provider
        return provider

    def update(self, ref: str, update: AsgUpdate) -> CapacityProvider:
        """UpdateCapacityProvider: the new settings apply `timing.provider_update` (5 s) later.

        Raises:
            ClientException: a built-in, an unknown or INACTIVE provider, or a bad value.
            UpdateInProgressException: an update or a deletion is in progress [U].
        """
        provider = self._own(ref, "updated")
        if provider.asg is None:
            kind = "an Auto Scaling group"
            raise ClientException(WRONG_KIND.format(name=provider.name, kind=kind))
        new = update.applied_to(provider.asg)
        check_managed(new)
        self.start_update(provider, new)
        return provider

    def update_managed(
        self, ref: str, cluster_ref: str | None, settings: ManagedSettings
    ) -> CapacityProvider:
        """UpdateCapacityProvider with a managedInstancesProvider (see `managed_provider`).

        Raises:
            ClientException: a built-in, an unknown, INACTIVE or Auto Scaling group
                provider, another cluster, or a bad value.
            UpdateInProgressException: a creation, update or deletion is in progress [U].
        """
        provider = self._own(ref, "updated")
        if provider.managed is None:
            kind = "a Managed Instances"
            raise ClientException(WRONG_KIND.format(name=provider.name, kind=kind))
        return self.managed.update(provider, cluster_ref, settings)

    def start_update(self, provider: CapacityProvider, new: AsgSettings | ManagedSettings) -> None:
        """UPDATE_IN_PROGRESS now; `new` applies `timing.provider_update` later.

        Raises:
            UpdateInProgressException: a creation, update or deletion is in progress [U].
        """
        if provider.busy:
            raise _busy(provider)
        provider.pending = new
        provider.update_status = UpdateStatus.UPDATE_IN_PROGRESS
        provider.update_status_reason = None
        provider.timer = self._schedule(self._updated(provider), self.update_delay)

    def delete(self, ref: str, cluster_ref: str | None = None) -> CapacityProvider:
        """DeleteCapacityProvider: DELETE_IN_PROGRESS, INACTIVE `timing.provider_delete` later.

        A provider associated with a cluster gets DELETE_FAILED and a reason instead; a
        deletion already in progress is answered as it stands [I].

        Raises:
            ClientException: a built-in, or an unknown or INACTIVE provider.
            UpdateInProgressException: an update is in progress [U].
        """
        provider = self._own(ref, "deleted")
        if provider.update_status is UpdateStatus.DELETE_IN_PROGRESS:
            return provider
        if provider.busy:
            raise _busy(provider)
        if provider.managed is not None:
            return self.managed.delete(provider, cluster_ref)
        cluster = self.cluster_of(provider.name)
        if cluster is not None:
            provider.update_status = UpdateStatus.DELETE_FAILED
            provider.update_status_reason = ASSOCIATED.format(cluster=cluster.name)
            return provider
        provider.update_status = UpdateStatus.DELETE_IN_PROGRESS
        provider.update_status_reason = None
        provider.timer = self._schedule(self._deleted(provider), self.delete_delay)
        return provider

    def _schedule(self, action: Callable[[], None], after: timedelta) -> Scheduled:
        return self.backend.clock.schedule(action, after=after)

    def _updated(self, provider: CapacityProvider) -> Callable[[], None]:
        def done() -> None:
            if isinstance(provider.pending, AsgSettings):
                provider.asg = provider.pending
            elif provider.pending is not None:
                provider.managed = provider.pending
            provider.pending = None
            provider.timer = None
            provider.update_status = UpdateStatus.UPDATE_COMPLETE

        return done

    def _deleted(self, provider: CapacityProvider) -> Callable[[], None]:
        def done() -> None:
            provider.timer = None
            provider.status = ProviderStatus.INACTIVE
            provider.update_status = UpdateStatus.DELETE_COMPLETE
            provider.tags = {}  # tags go with their resource (TagResource docs)
            provider.purge = forget_later(
                self.backend.clock, self.by_name, provider.name, provider, INACTIVE_PROVIDER_TTL
            )

        return done

    # -- clusters -------------------------------------------------------------------------

    def check_associable(self, names: list[str], cluster_name: str) -> None:
        """Providers a cluster is to have: they exist, are ACTIVE, are in no other cluster.

        Raises:
            InvalidParameterException: a provider is unknown (the observed text of
                CreateCluster), not ACTIVE (observed for PutClusterCapacityProviders),
                being deleted, or an Auto Scaling group provider of another cluster [U].
        """
        for name in names:
            provider = self.builtins.get(name) or self.by_name.get(name)
            if provider is None:
                raise InvalidParameterException(PROVIDER_NOT_FOUND)
            if provider.status is not ProviderStatus.ACTIVE:
                raise InvalidParameterException(NOT_ACTIVE.format(name=name))
            if provider.update_status is UpdateStatus.DELETE_IN_PROGRESS:
                raise InvalidParameterException(BEING_DELETED.format(name=name))
            if provider.managed is not None and provider.cluster_name != cluster_name:
                raise InvalidParameterException(NOT_ASSOCIABLE)
            other = None if provider.builtin else self.cluster_of(name)
            if other is not None and other.name != cluster_name:
                raise InvalidParameterException(
                    IN_OTHER_CLUSTER.format(name=name, cluster=other.name)
                )

    def used_by_services(self, cluster_name: str, name: str) -> bool:
        """Whether an ACTIVE or DRAINING service of the cluster has `name` in its strategy.

        Such a provider cannot be removed from the cluster (DeleteCapacityProvider docs;
        "The specified capacity provider is in use and cannot be removed." when a
        cluster's associations go before its services, pahud/cdk-fargate-patterns#71 [O]).
        """
        for (owner, _), service in self.backend.services.store.by_key.items():
            live = service.status is not ServiceStatus.INACTIVE
            if owner != cluster_name or not live or service.revision is None:
                continue
            if any(item.capacity_provider == name for item in service.revision.strategy):
                return True
        return False

    # -- tags and checks ------------------------------------------------------------------

    def tagged(self, resource_arn: str, write: bool) -> CapacityProvider | None:
        """TagResource's resolver for capacity-provider ARNs.

        The built-ins read as untagged and take no tags [U]; an INACTIVE provider reads
        as untagged (its tags went with it) and takes no new ones.

        Raises:
            ClientException: a built-in is to be tagged or untagged.
        """
        found = self.find(resource_arn)
        if found is None or not write:
            return found
        if found.builtin:
            raise ClientException(RESERVED.format(verb="tagged"))
        return None if found.status is ProviderStatus.INACTIVE else found

    def invariants(self) -> list[str]:
        """Violations among capacity providers and their associations (empty if none)."""
        out: list[str] = []
        homes: dict[str, str] = {}
        for cluster in self.backend.clusters.values():
            for name in cluster.capacity_providers:
                provider = self.builtins.get(name) or self.by_name.get(name)
                if provider is None or provider.status is not ProviderStatus.ACTIVE:
                    out.append(f"cluster {cluster.name}: provider {name} is not ACTIVE")
                elif not provider.builtin and name in homes:
                    out.append(f"provider {name} in clusters {homes[name]} and {cluster.name}")
                homes[name] = cluster.name
        groups: dict[str, str] = {}
        for name, provider in self.by_name.items():
            out += [f"provider {name}: {p}" for p in problems(name, provider)]
            if provider.asg is not None and provider.status is not ProviderStatus.INACTIVE:
                key = asg_key(provider.asg.auto_scaling_group_arn)
                if key in groups:
                    out.append(f"providers {groups[key]} and {name} share group {key}")
                groups[key] = name
        return out + self.managed.invariants()


def _busy(provider: CapacityProvider) -> UpdateInProgressException:
    """The refusal of a change while a creation, update or deletion is in progress [U]."""
    texts = {
        UpdateStatus.DELETE_IN_PROGRESS: DELETE_UNDER_WAY,
        UpdateStatus.CREATE_IN_PROGRESS: BEING_CREATED,
    }
    text = texts.get(provider.update_status or UpdateStatus.UPDATE_IN_PROGRESS, BEING_UPDATED)
    return UpdateInProgressException(text.format(name=provider.name))
