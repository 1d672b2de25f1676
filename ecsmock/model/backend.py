"""The state of one (account, region): the resources ECS keeps there, and their rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from ecsmock._ids import IdGenerator, arn, parse_arn
from ecsmock.clock import SimulatedClock
from ecsmock.errors import (
    CLUSTER_HAS_INSTANCES,
    CLUSTER_HAS_SERVICES,
    CLUSTER_HAS_TASKS,
    CLUSTER_INACTIVE,
    CLUSTER_NOT_FOUND,
    ClusterContainsContainerInstancesException,
    ClusterContainsServicesException,
    ClusterContainsTasksException,
    ClusterNotFoundException,
    InvalidParameterException,
    ResourceInUseException,
)
from ecsmock.model import cluster as cl
from ecsmock.model import tags
from ecsmock.model.account_settings import AccountSettings
from ecsmock.model.behaviour import Behaviour
from ecsmock.model.cluster import Cluster, ClusterStatus, StrategyItem
from ecsmock.model.taskops import TaskOps
from ecsmock.model.timing import REALISTIC, TimingProfile

# How long a deleted cluster stays listed and describable as INACTIVE [S]: ECS keeps it
# "for a while"; tools that list then describe keep finding INACTIVE clusters.
INACTIVE_CLUSTER_TTL = timedelta(hours=1)
DEFAULT_CLUSTER = "default"


class Tagged(Protocol):
    """A taggable resource."""

    tags: dict[str, str]


@dataclass(slots=True, kw_only=True)
class ClusterSpec:
    """What CreateCluster asks for, in model terms."""

    name: str = DEFAULT_CLUSTER
    tags: list[tuple[str, str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    configuration: dict[str, Any] | None = None
    capacity_providers: list[str] = field(default_factory=list)
    default_strategy: list[StrategyItem] = field(default_factory=list)
    namespace: str | None = None


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
        self.tasks = TaskOps(self, timing, behaviour or Behaviour())
        # Resolvers from an ARN's resource kind to the live resource it names (anything
        # with a `tags` dict); each taggable resource kind registers its own.
        self.taggable: dict[str, Callable[[str], Tagged | None]] = {
            "cluster": self._tagged_cluster,
        }

    def arn(self, resource: str) -> str:
        """An ARN in this account and region."""
        return arn(self.region, self.account, resource)

    # -- clusters -----------------------------------------------------------------------

    def cluster_name(self, ref: str | None) -> str | None:
        """The cluster name a name-or-ARN reference points to here; None if it can't."""
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
        """The cluster a reference names, whatever its status.

        Raises:
            ClusterNotFoundException: no such cluster.
        """
        found = self.find_cluster(ref)
        if found is None:
            raise ClusterNotFoundException(CLUSTER_NOT_FOUND)
        return found

    def active_cluster(self, ref: str | None) -> Cluster:
        """The cluster a reference names, which must not be INACTIVE.

        Raises:
            ClusterNotFoundException: no such cluster, or it was deleted.
        """
        found = self.cluster(ref)
        if not found.active:
            raise ClusterNotFoundException(CLUSTER_INACTIVE)
        return found

    def create_cluster(self, spec: ClusterSpec) -> Cluster:
        """Create a cluster, or answer the existing ACTIVE one of that name.

        Creating an ACTIVE name again returns it unchanged (ECS's widely relied-upon
        idempotency); an INACTIVE name is made ACTIVE afresh under the same ARN.
        """
        cl.check_name(spec.name)
        existing = self.clusters.get(spec.name)
        if existing is not None and existing.active:
            return existing
        new_tags = tags.merged({}, spec.tags)
        cl.check_settings(spec.settings)
        self._check_providers(spec.capacity_providers)
        cl.check_strategy(spec.default_strategy, spec.capacity_providers)
        settings = {"containerInsights": self._insights_default(), **spec.settings}
        cluster = Cluster(
            name=spec.name,
            arn=self.arn(f"cluster/{spec.name}"),
            tags=new_tags,
            settings=settings,
            configuration=spec.configuration,
            capacity_providers=list(spec.capacity_providers),
            default_strategy=list(spec.default_strategy),
            service_connect_namespace=self._namespace(spec.namespace),
        )
        if existing is not None and existing.purge is not None:
            existing.purge.cancel()
        self.clusters.pop(spec.name, None)
        self.clusters[spec.name] = cluster
        return cluster

    def _insights_default(self) -> str:
        return self.settings.effective("containerInsights", self.settings.root).value

    def _namespace(self, ref: str | None) -> str | None:
        # ECS creates an HTTP Cloud Map namespace when the named one does not exist
        # (UpdateCluster / CreateCluster serviceConnectDefaults documentation).
        if ref is None:
            return None
        if ref.startswith("arn:"):
            return ref
        if ref not in self.namespaces:
            self.namespaces[ref] = (
                f"arn:aws:servicediscovery:{self.region}:{self.account}:namespace/"
                f"ns-{self.ids.hex32()[:16]}"
            )
        return self.namespaces[ref]

    def _check_providers(self, names: list[str]) -> None:
        if len(set(names)) != len(names):
            raise InvalidParameterException("The specified capacity providers contain duplicates.")
        for name in names:
            if name not in cl.FARGATE_PROVIDERS:
                raise InvalidParameterException(
                    f"The specified capacity provider '{name}' does not exist. Specify a "
                    "valid capacity provider and try again."
                )

    def update_cluster(
        self,
        ref: str | None,
        *,
        settings: dict[str, str] | None = None,
        configuration: dict[str, Any] | None = None,
        namespace: str | None = None,
    ) -> Cluster:
        """Change a cluster's settings, configuration or Service Connect defaults."""
        cluster = self.active_cluster(ref)
        if settings is not None:
            cl.check_settings(settings)
        if settings:
            cluster.settings.update(settings)
        if configuration is not None:
            cluster.configuration = configuration
        if namespace is not None:
            cluster.service_connect_namespace = self._namespace(namespace)
        return cluster

    def put_capacity_providers(
        self, ref: str | None, providers: list[str], strategy: list[StrategyItem]
    ) -> Cluster:
        """Replace a cluster's capacity providers and its default strategy."""
        cluster = self.active_cluster(ref)
        self._check_providers(providers)
        cl.check_strategy(strategy, providers)
        for name in cluster.capacity_providers:
            if name not in providers and self.provider_in_use(cluster, name):
                raise ResourceInUseException(
                    f"The specified capacity provider '{name}' is in use and cannot be removed."
                )
        cluster.capacity_providers = list(providers)
        cluster.default_strategy = list(strategy)
        return cluster

    def provider_in_use(self, cluster: Cluster, provider: str) -> bool:
        """Whether tasks or services of `cluster` use `provider` (none can yet)."""
        return False

    def delete_cluster(self, ref: str | None) -> Cluster:
        """Delete a cluster: INACTIVE, kept describable for a while, then purged."""
        cluster = self.cluster(ref)
        if not cluster.active:
            raise ClusterNotFoundException(CLUSTER_INACTIVE)
        # Check order when several apply is unknown; instances, services, tasks [U].
        if cluster.registered_instances_count:
            raise ClusterContainsContainerInstancesException(CLUSTER_HAS_INSTANCES)
        if cluster.active_services_count:
            raise ClusterContainsServicesException(CLUSTER_HAS_SERVICES)
        if cluster.running_tasks_count or cluster.pending_tasks_count:
            raise ClusterContainsTasksException(CLUSTER_HAS_TASKS)
        cluster.status = ClusterStatus.INACTIVE
        cluster.tags = {}
        cluster.capacity_providers = []
        cluster.default_strategy = []
        cluster.statistics = {}
        name = cluster.name

        def purge() -> None:
            if self.clusters.get(name) is cluster:
                del self.clusters[name]

        cluster.purge = self.clock.schedule(purge, after=INACTIVE_CLUSTER_TTL)
        return cluster

    def _tagged_cluster(self, resource_arn: str) -> Tagged | None:
        found = self.find_cluster(resource_arn)
        return found if found is not None and found.active else None

    # -- checks -------------------------------------------------------------------------

    def invariants(self) -> list[str]:
        """Violations of the model's invariants (empty when all hold)."""
        out: list[str] = []
        for name, cluster in self.clusters.items():
            if cluster.name != name:
                out.append(f"cluster {name} is stored under another name {cluster.name}")
            if cluster.status is ClusterStatus.INACTIVE and cluster.purge is None:
                out.append(f"INACTIVE cluster {name} has no purge scheduled")
            counts = (
                cluster.registered_instances_count,
                cluster.running_tasks_count,
                cluster.pending_tasks_count,
                cluster.active_services_count,
            )
            if min(counts) < 0:
                out.append(f"cluster {name} has a negative counter {counts}")
            for item in cluster.default_strategy:
                if item.capacity_provider not in cluster.capacity_providers:
                    out.append(f"cluster {name} strategy names an unassociated provider")
        return out
