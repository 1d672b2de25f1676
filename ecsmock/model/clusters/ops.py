"""Cluster operations of one backend: create, update, put capacity providers, delete.

Every mutating method validates everything first and changes state last. Lookups of a
`cluster` parameter stay on the backend (`Backend.cluster`, `Backend.active_cluster`), as
every other operation needs them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ecsmock.errors import InvalidParameterException, ResourceInUseException
from ecsmock.model import tags
from ecsmock.model.clusters import cluster as cl
from ecsmock.model.clusters.attachments import attachments_for, begin_update, provider_of
from ecsmock.model.clusters.cluster import (
    Attachment,
    Cluster,
    ClusterSpec,
    ClusterStatus,
    StrategyItem,
)
from ecsmock.model.retention import forget_later

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend

# How long a deleted cluster stays listed and describable as INACTIVE [S]: ECS keeps it
# "for a period of time" (DeleteCluster docs); tools that list then describe keep finding
# INACTIVE clusters (gruntwork-io/cloud-nuke#145).
INACTIVE_CLUSTER_TTL = timedelta(hours=1)


class ClusterOps:
    """The cluster operations of one backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        # Cloud Map namespaces ECS created by name for Service Connect defaults.
        self.namespaces: dict[str, str] = {}

    # -- cluster changes ------------------------------------------------------------------

    def create(self, spec: ClusterSpec) -> Cluster:
        """Create a cluster, or answer the existing ACTIVE one made by the same request.

        An INACTIVE name is made ACTIVE afresh under the same ARN.

        Raises:
            InvalidParameterException: a parameter breaks a rule, or an ACTIVE cluster of
                that name was created with other arguments (ECS's idempotency check).
            NamespaceNotFoundException: the namespace ARN is of another account or region.
        """
        existing = self.backend.clusters.get(spec.name)
        made_by = existing.request if existing is not None and existing.active else None
        if existing is not None and made_by is not None and made_by.same_request(spec):
            return existing  # the very request that made it, so it passes every check
        self._check_spec(spec)
        if existing is not None and existing.active:
            if made_by is None:
                return existing
            # [O] real text (hashicorp/terraform#24615)
            raise InvalidParameterException(cl.NOT_IDEMPOTENT)
        cluster = Cluster(
            name=spec.name,
            arn=self.backend.arn(f"cluster/{spec.name}"),
            tags=dict(spec.tags),
            settings={"containerInsights": self._insights_default(), **spec.settings},
            configuration=spec.configuration,
            capacity_providers=list(spec.capacity_providers),
            default_strategy=list(spec.default_strategy),
            request=spec,
        )
        self._set_namespace(cluster, spec.namespace)
        if self._attach(cluster, [], spec.capacity_providers):
            # Created with Auto Scaling group providers: PROVISIONING until ECS has made
            # their scaling policies (create-cluster CLI example) [O].
            cluster.status = ClusterStatus.PROVISIONING
        if existing is not None and existing.purge is not None:
            existing.purge.cancel()
        # Re-inserted, so a re-created name lists in its new creation order.
        self.backend.clusters.pop(spec.name, None)
        self.backend.clusters[spec.name] = cluster
        return cluster

    def _check_spec(self, spec: ClusterSpec) -> None:
        cl.check_name(spec.name)
        tags.check_tags(spec.tags)
        cl.check_settings(spec.settings)
        self._check_providers(spec.capacity_providers, spec.name)
        cl.check_strategy(spec.default_strategy, spec.capacity_providers)
        self._check_namespace(spec.namespace)

    def _insights_default(self) -> str:
        # The caller is the root user: the account default, else AWS's.
        return self.backend.settings.effective(
            "containerInsights", self.backend.settings.root
        ).value

    def _check_namespace(self, ref: str | None) -> None:
        cl.check_namespace(ref, self.backend.region, self.backend.account)

    def _namespace_arn(self, ref: str) -> str:
        # ECS creates an HTTP Cloud Map namespace when the named one does not exist
        # (ClusterServiceConnectDefaultsRequest.namespace documentation).
        if ref.startswith("arn:"):
            return ref
        if ref not in self.namespaces:
            self.namespaces[ref] = (
                f"arn:aws:servicediscovery:{self.backend.region}:{self.backend.account}:namespace/"
                f"ns-{self.backend.ids.hex32()[:16]}"
            )
        return self.namespaces[ref]

    def _set_namespace(self, cluster: Cluster, ref: str | None) -> None:
        """Point the cluster at a namespace ("" removes it), keeping the `sc` attachments.

        As in the update-cluster CLI example: the old `sc` attachment turns DELETED and a
        new ATTACHED one is added.
        """
        if ref is None:
            return
        new = self._namespace_arn(ref) if ref else None
        if new == cluster.service_connect_namespace:
            return
        for attachment in cluster.attachments:
            if attachment.type == "sc" and attachment.status == "ATTACHED":
                attachment.status = "DELETED"
        if new is not None:
            cluster.attachments.append(
                Attachment(id=self.backend.ids.uuid(), type="sc", status="ATTACHED")
            )
        cluster.service_connect_namespace = new

    def _check_providers(self, names: list[str], cluster_name: str) -> None:
        """The providers `cluster_name` is to have: at most 20, each once, associable."""
        cl.check_provider_list(names)
        self.backend.capacity_providers.check_associable(names, cluster_name)

    def update(
        self,
        ref: str,
        *,
        settings: dict[str, str] | None = None,
        configuration: dict[str, Any] | None = None,
        namespace: str | None = None,
    ) -> Cluster:
        """Change a cluster's settings, configuration or Service Connect defaults.

        Settings merge by name; a new configuration replaces the old; namespace "" removes
        the Service Connect defaults.
        """
        cluster = self.backend.active_cluster(ref)
        cl.check_settings(settings or {})
        self._check_namespace(namespace)
        cluster.settings.update(settings or {})
        if configuration is not None:
            cluster.configuration = configuration
        self._set_namespace(cluster, namespace)
        return cluster

    def put_capacity_providers(
        self, ref: str, providers: list[str], strategy: list[StrategyItem]
    ) -> Cluster:
        """Replace a cluster's capacity providers and its default strategy.

        Raises:
            InvalidParameterException: a provider list or strategy rule is broken.
            ResourceInUseException: a provider being removed is still used by tasks.
            ClusterNotFoundException: no such cluster, or it was deleted.
        """
        cluster = self.backend.active_cluster(ref)
        self._check_providers(providers, cluster.name)
        # A cluster keeps its Managed Instances providers whether listed or not [I].
        kept = [
            name
            for name in self.backend.capacity_providers.managed.scoped_to(cluster.name)
            if name not in providers
        ]
        cl.check_strategy(strategy, providers + kept)
        for name in cluster.capacity_providers:
            if name not in providers + kept and self.provider_in_use(cluster, name):
                # [O] real text (aws/containers-roadmap#631)
                raise ResourceInUseException(cl.PROVIDER_IN_USE)
        self._attach(cluster, cluster.capacity_providers, providers + kept)
        cluster.capacity_providers = list(providers) + kept
        cluster.default_strategy = list(strategy)
        return cluster

    def _attach(self, cluster: Cluster, before: list[str], after: list[str]) -> bool:
        """Attachments for the Auto Scaling group providers added; detach those removed.

        Returns whether any attachment was added (`clusters.attachments`).
        """
        providers = self.backend.capacity_providers
        added = []
        for name in after:
            provider = providers.find(name) if name not in before else None
            if provider is not None and provider.asg is not None:
                draining = provider.asg.managed_draining == "ENABLED"
                added += attachments_for(name, draining, self.backend.ids.uuid)
        attached = {provider_of(a) for a in cluster.attachments}
        removed = [name for name in before if name not in after and name in attached]
        delay = providers.update_delay.total_seconds()
        begin_update(cluster, added, removed, self.backend.clock, delay)
        return bool(added)

    def has_service(self, cluster_name: str, service_name: str) -> bool:
        """Whether the cluster has a service of that name."""
        return self.backend.services.has_service(cluster_name, service_name)

    def provider_in_use(self, cluster: Cluster, provider: str) -> bool:
        """Whether `cluster` still uses `provider` (so it cannot be removed from it).

        In use: tasks placed through it are not yet STOPPED, or an ACTIVE or DRAINING
        service of the cluster has it in its strategy.
        """
        in_tasks = self.backend.tasks.provider_in_use(cluster.name, provider)
        return in_tasks or self.backend.capacity_providers.used_by_services(cluster.name, provider)

    def delete(self, ref: str) -> Cluster:
        """Delete a cluster: INACTIVE, kept describable for a while, then purged.

        Raises:
            ClusterContainsContainerInstancesException: instances are ACTIVE or DRAINING.
            ClusterContainsServicesException: services are ACTIVE or DRAINING.
            ClusterContainsTasksException: tasks are not yet STOPPED.
            ClusterContainsCapacityProviderException: cluster-scoped providers remain.
            ClusterNotFoundException: no such cluster, or it was already deleted.
        """
        cluster = self.backend.active_cluster(ref)
        cl.check_empty(cluster)
        cluster.status = ClusterStatus.INACTIVE
        if cluster.attachment_timer is not None:
            cluster.attachment_timer.cancel()
        cluster.tags = {}
        cluster.capacity_providers = []
        cluster.default_strategy = []
        cluster.statistics = {}
        cluster.purge = forget_later(
            self.backend.clock, self.backend.clusters, cluster.name, cluster, INACTIVE_CLUSTER_TTL
        )
        return cluster
