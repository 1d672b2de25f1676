"""The state of one (account, region): the resources ECS keeps there, and their rules.

Every mutating method validates everything first and changes state last, so a call that
fails leaves the backend exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from ecsmock._ids import IdGenerator, arn, parse_arn
from ecsmock.clock import SimulatedClock
from ecsmock.errors import (
    CLUSTER_INACTIVE,
    CLUSTER_NOT_FOUND,
    ClusterNotFoundException,
    InvalidParameterException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from ecsmock.model import cluster as cl
from ecsmock.model import tags
from ecsmock.model.account_settings import AccountSettings
from ecsmock.model.behaviour import Behaviour
from ecsmock.model.capacity_providers import CapacityProviderOps
from ecsmock.model.cluster import (
    DEFAULT_CLUSTER,
    Attachment,
    Cluster,
    ClusterSpec,
    ClusterStatus,
    StrategyItem,
)
from ecsmock.model.container_instances import ContainerInstanceOps
from ecsmock.model.retention import forget_later
from ecsmock.model.services import ServiceOps
from ecsmock.model.taskops import TaskOps
from ecsmock.model.tasksets import TaskSetOps
from ecsmock.model.timing import REALISTIC, TimingProfile

__all__ = ["DEFAULT_CLUSTER", "INACTIVE_CLUSTER_TTL", "Backend", "ClusterSpec", "Tagged"]

# How long a deleted cluster stays listed and describable as INACTIVE [S]: ECS keeps it
# "for a period of time" (DeleteCluster docs); tools that list then describe keep finding
# INACTIVE clusters (gruntwork-io/cloud-nuke#145).
INACTIVE_CLUSTER_TTL = timedelta(hours=1)
# Resource kinds TagResource accepts (TagResource `resourceArn` docs, plus task sets).
TAGGABLE_KINDS = frozenset(
    {
        "capacity-provider",
        "cluster",
        "container-instance",
        "service",
        "task",
        "task-definition",
        "task-set",
    }
)


class Tagged(Protocol):
    """A taggable resource."""

    tags: dict[str, str]


# A resolver gets a resource ARN (already known to be of this account and region) and
# whether the caller means to change its tags; it answers the resource or None when there
# is no such resource, or raises the kind's own error (e.g. an INACTIVE cluster).
TagResolver = Callable[[str, bool], Tagged | None]


class Backend:
    """Everything ECS holds for one account in one region."""

    def __init__(
        self,
        account: str,
        region: str,
        clock: SimulatedClock,
        ids: IdGenerator,
        timing: TimingProfile = REALISTIC,
        behaviour: Behaviour | None = None,
    ) -> None:
        self.account = account
        self.region = region
        self.clock = clock
        self.ids = ids
        self.clusters: dict[str, Cluster] = {}
        self.namespaces: dict[str, str] = {}
        self.settings = AccountSettings(account)
        self.capacity_providers = CapacityProviderOps(self, timing)
        self.tasks = TaskOps(self, timing, behaviour or Behaviour())
        self.services = ServiceOps(self, timing)
        self.task_sets = TaskSetOps(self)
        self.container_instances = ContainerInstanceOps(self, timing)
        watch = self.services.scheduler.capacity
        self.container_instances.capacity_hook = watch.capacity_changed
        self.container_instances.drain_hook = watch.instance_draining
        # Each taggable resource kind registers the resolver of its ARNs here.
        self.taggable: dict[str, TagResolver] = {
            "cluster": self._tagged_cluster,
            "task": self._tagged_task,
            "task-definition": self._tagged_task_definition,
            "service": self.services.tagged,
            "task-set": self.task_sets.tagged,
            "capacity-provider": self.capacity_providers.tagged,
            "container-instance": self.container_instances.tagged,
        }

    def arn(self, resource: str) -> str:
        """An ARN in this account and region."""
        return arn(self.region, self.account, resource)

    # -- cluster lookup -------------------------------------------------------------------

    def cluster_name(self, ref: str | None) -> str | None:
        """The cluster name a name-or-ARN reference points to here; None if it can't.

        An omitted reference (None) means the `default` cluster.
        """
        if ref is None:
            return DEFAULT_CLUSTER
        if not ref.startswith("arn:"):
            return ref
        parsed = parse_arn(ref)
        if (
            parsed is None
            or parsed.kind != "cluster"
            or len(parsed.path) != 1
            or parsed.region != self.region
            or parsed.account != self.account
        ):
            return None
        return parsed.path[0]

    def find_cluster(self, ref: str | None) -> Cluster | None:
        """The cluster (any status) a reference names, or None."""
        name = self.cluster_name(ref)
        return None if name is None else self.clusters.get(name)

    def cluster(self, ref: str | None) -> Cluster:
        """The cluster a `cluster` parameter names, whatever its status.

        Raises:
            InvalidParameterException: the reference is neither an ARN nor a cluster name.
            ClusterNotFoundException: no such cluster.
        """
        if ref is not None:
            cl.check_ref(ref)
        found = self.find_cluster(ref)
        if found is None:
            raise ClusterNotFoundException(CLUSTER_NOT_FOUND)
        return found

    def active_cluster(self, ref: str | None) -> Cluster:
        """The cluster a `cluster` parameter names, which must not be INACTIVE.

        Raises:
            InvalidParameterException: the reference is neither an ARN nor a cluster name.
            ClusterNotFoundException: no such cluster, or it was deleted.
        """
        found = self.cluster(ref)
        if not found.active:
            raise ClusterNotFoundException(CLUSTER_INACTIVE)
        return found

    # -- cluster changes ------------------------------------------------------------------

    def create_cluster(self, spec: ClusterSpec) -> Cluster:
        """Create a cluster, or answer the existing ACTIVE one made by the same request.

        An INACTIVE name is made ACTIVE afresh under the same ARN.

        Raises:
            InvalidParameterException: a parameter breaks a rule, or an ACTIVE cluster of
                that name was created with other arguments (ECS's idempotency check).
            NamespaceNotFoundException: the namespace ARN is of another account or region.
        """
        existing = self.clusters.get(spec.name)
        made_by = existing.request if existing is not None and existing.active else None
        if existing is not None and made_by is not None and made_by.same_request(spec):
            return existing  # the very request that made it, so it passes every check
        self._check_spec(spec)
        if existing is not None and existing.active:
            if made_by is None:
                return existing
            raise InvalidParameterException(cl.NOT_IDEMPOTENT)
        cluster = Cluster(
            name=spec.name,
            arn=self.arn(f"cluster/{spec.name}"),
            tags=dict(spec.tags),
            settings={"containerInsights": self._insights_default(), **spec.settings},
            configuration=spec.configuration,
            capacity_providers=list(spec.capacity_providers),
            default_strategy=list(spec.default_strategy),
            request=spec,
        )
        self._set_namespace(cluster, spec.namespace)
        if existing is not None and existing.purge is not None:
            existing.purge.cancel()
        # Re-inserted, so a re-created name lists in its new creation order.
        self.clusters.pop(spec.name, None)
        self.clusters[spec.name] = cluster
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
        return self.settings.effective("containerInsights", self.settings.root).value

    def _check_namespace(self, ref: str | None) -> None:
        cl.check_namespace(ref, self.region, self.account)

    def _namespace_arn(self, ref: str) -> str:
        # ECS creates an HTTP Cloud Map namespace when the named one does not exist
        # (ClusterServiceConnectDefaultsRequest.namespace documentation).
        if ref.startswith("arn:"):
            return ref
        if ref not in self.namespaces:
            self.namespaces[ref] = (
                f"arn:aws:servicediscovery:{self.region}:{self.account}:namespace/"
                f"ns-{self.ids.hex32()[:16]}"
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
            cluster.attachments.append(Attachment(id=self.ids.uuid(), type="sc", status="ATTACHED"))
        cluster.service_connect_namespace = new

    def provider_exists(self, name: str) -> bool:
        """Whether a capacity provider of that name exists here and is not INACTIVE."""
        return self.capacity_providers.exists(name)

    def _check_providers(self, names: list[str], cluster_name: str) -> None:
        """The providers `cluster_name` is to have: at most 20, each once, associable."""
        cl.check_provider_list(names)
        self.capacity_providers.check_associable(names, cluster_name)

    def update_cluster(
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
        cluster = self.active_cluster(ref)
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
        cluster = self.active_cluster(ref)
        self._check_providers(providers, cluster.name)
        cl.check_strategy(strategy, providers)
        for name in cluster.capacity_providers:
            if name not in providers and self.provider_in_use(cluster, name):
                raise ResourceInUseException(cl.PROVIDER_IN_USE)
        cluster.capacity_providers = list(providers)
        cluster.default_strategy = list(strategy)
        return cluster

    def has_service(self, cluster_name: str, service_name: str) -> bool:
        """Whether the cluster has a service of that name."""
        return self.services.has_service(cluster_name, service_name)

    def provider_in_use(self, cluster: Cluster, provider: str) -> bool:
        """Whether `cluster` still uses `provider` (so it cannot be removed from it).

        In use: tasks placed through it are not yet STOPPED, or an ACTIVE or DRAINING
        service of the cluster has it in its strategy.
        """
        in_tasks = self.tasks.provider_in_use(cluster.name, provider)
        return in_tasks or self.capacity_providers.used_by_services(cluster.name, provider)

    def delete_cluster(self, ref: str) -> Cluster:
        """Delete a cluster: INACTIVE, kept describable for a while, then purged.

        Raises:
            ClusterContainsContainerInstancesException: instances are ACTIVE or DRAINING.
            ClusterContainsServicesException: services are ACTIVE or DRAINING.
            ClusterContainsTasksException: tasks are not yet STOPPED.
            ClusterContainsCapacityProviderException: cluster-scoped providers remain.
            ClusterNotFoundException: no such cluster, or it was already deleted.
        """
        cluster = self.active_cluster(ref)
        cl.check_empty(cluster)
        cluster.status = ClusterStatus.INACTIVE
        cluster.tags = {}
        cluster.capacity_providers = []
        cluster.default_strategy = []
        cluster.statistics = {}
        cluster.purge = forget_later(
            self.clock, self.clusters, cluster.name, cluster, INACTIVE_CLUSTER_TTL
        )
        return cluster

    # -- tags -----------------------------------------------------------------------------

    def tagged(self, resource_arn: str, *, write: bool) -> Tagged:
        """The taggable resource an ARN names, for TagResource and its siblings.

        Raises:
            InvalidParameterException: not an ECS ARN, or of a kind ECS does not tag.
            ClusterNotFoundException: a cluster ARN naming no cluster here (or, with
                `write`, an INACTIVE one).
            ResourceNotFoundException: another kind of ARN naming nothing here.
        """
        parsed = parse_arn(resource_arn)
        if parsed is None:
            raise InvalidParameterException(
                f"The ARN '{resource_arn}' is not a valid Amazon ECS resource ARN."
            )
        if parsed.kind not in TAGGABLE_KINDS:
            raise InvalidParameterException(
                f"The resource type '{parsed.kind}' does not support tagging."
            )
        found = None
        resolve = self.taggable.get(parsed.kind)
        here = parsed.region == self.region and parsed.account == self.account
        if resolve is not None and here:
            found = resolve(resource_arn, write)
        if found is None:
            if parsed.kind == "cluster":
                raise ClusterNotFoundException(CLUSTER_NOT_FOUND)
            raise ResourceNotFoundException("The specified resource wasn't found.")
        return found

    def _tagged_cluster(self, resource_arn: str, write: bool) -> Tagged | None:
        # A deleted cluster reads as untagged (its tags went with it) but takes no new ones.
        found = self.find_cluster(resource_arn)
        if found is not None and write and not found.active:
            raise ClusterNotFoundException(CLUSTER_INACTIVE)
        return found

    def _tagged_task(self, resource_arn: str, write: bool) -> Tagged | None:
        parsed = parse_arn(resource_arn)
        if parsed is None or len(parsed.path) != 2:
            return None
        return self.tasks.find(parsed.path[0], resource_arn)

    def _tagged_task_definition(self, resource_arn: str, write: bool) -> Tagged | None:
        return self.tasks.definitions.find(resource_arn)

    # -- checks ---------------------------------------------------------------------------

    def invariants(self) -> list[str]:
        """Violations of the model's invariants (empty when all hold)."""
        out: list[str] = []
        for name, cluster in self.clusters.items():
            out += [f"cluster {name}: {problem}" for problem in cl.problems(name, cluster)]
        parts = (
            self.capacity_providers,
            self.tasks,
            self.services,
            self.task_sets,
            self.container_instances,
        )
        return out + [problem for part in parts for problem in part.invariants()]
