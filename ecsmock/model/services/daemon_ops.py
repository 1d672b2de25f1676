"""Daemon operations of one backend: create, update, delete, look up and list daemons.

Sources: the CreateDaemon, UpdateDaemon, DeleteDaemon, DescribeDaemon and ListDaemons docs
and errors of the botocore model [M] and their API Reference examples [O].

- "ECS Managed Daemons is only supported for Amazon ECS Managed Instances Capacity
  Providers" [M]: every capacity provider named must be one of the cluster's, ACTIVE.
- CreateDaemon answers ACTIVE with the initial deployment's ARN [O]; with the clientToken
  of the daemon of that name, the same daemon again [I].
- UpdateDaemon and DeleteDaemon of a daemon being deleted: DaemonNotActiveException [M].
- DeleteDaemon answers DELETE_IN_PROGRESS with a deployment that removes the daemon's tasks
  [M][O]; once it is SUCCESSFUL the daemon is gone (DaemonNotFoundException) [I].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecsmock._ids import parse_arn
from ecsmock.errors import (
    ClientException,
    DaemonNotActiveException,
    DaemonNotFoundException,
    InvalidParameterException,
)
from ecsmock.model import tags as tag_rules
from ecsmock.model.capacity.instance import ContainerInstance
from ecsmock.model.capacity.provider import CapacityProvider, ProviderStatus
from ecsmock.model.clusters.cluster import Cluster
from ecsmock.model.services.daemon import (
    ALREADY_EXISTS,
    NO_PROVIDERS,
    NOT_ACTIVE,
    NOT_FOUND,
    NOT_MANAGED,
    Daemon,
    DaemonDeployment,
    DaemonRevision,
    DaemonStatus,
    DeploymentConfig,
    check_config,
    check_name,
    check_token,
)
from ecsmock.model.services.daemon_rollout import DaemonRollout
from ecsmock.model.tasks import needs
from ecsmock.model.timing import TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend


@dataclass(slots=True, kw_only=True)
class DaemonRequest:
    """What CreateDaemon or UpdateDaemon asks for, in model terms."""

    definition: str
    providers: list[str]
    config: DeploymentConfig | None = None
    name: str = ""
    cluster: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)
    propagate_tags: str | None = None
    managed_tags: bool | None = None
    execute_command: bool | None = None
    client_token: str | None = None


class DaemonOps:
    """The daemons of one account and region."""

    def __init__(self, backend: Backend, timing: TimingProfile) -> None:
        self.backend = backend
        self.start_delay = timing.scheduler_delay
        self.by_arn: dict[str, Daemon] = {}
        # Every deployment and revision by ARN, with its daemon (kept after it is gone).
        self.deployments: dict[str, tuple[Daemon, DaemonDeployment]] = {}
        self.revisions: dict[str, tuple[Daemon, DaemonRevision]] = {}
        self.rollout = DaemonRollout(self)
        managed = backend.managed
        managed.daemon_starter = self.rollout.start_on
        managed.daemon_need = self.need
        managed.retired_hook = self.rollout.instance_gone
        backend.capacity_providers.managed.use_checks.append(self.uses)
        backend.tasks.daemon_hook = self.rollout.task_changed

    # -- lookup ---------------------------------------------------------------------------

    def of_cluster(self, cluster_name: str) -> list[Daemon]:
        """The cluster's daemons, in creation order."""
        return [d for d in self.by_arn.values() if d.cluster_name == cluster_name]

    def require(self, ref: str) -> Daemon:
        """The daemon an ARN names.

        Raises:
            DaemonNotFoundException: none (a daemon deleted is gone) [M].
        """
        found = self.by_arn.get(ref)
        if found is None:
            raise DaemonNotFoundException(NOT_FOUND)
        return found

    def uses(self, provider: CapacityProvider) -> bool:
        """Whether a daemon runs on the provider (it cannot be deleted then)."""
        return any(provider.name in d.revision.providers for d in self.by_arn.values())

    def need(self, cluster_name: str, provider: str) -> tuple[int, int]:
        """CPU and memory the daemons of a provider take on each of its instances."""
        cpu = memory = 0
        for daemon in self.of_cluster(cluster_name):
            if daemon.active and provider in daemon.revision.providers:
                need = needs.need_of(daemon.revision.definition.task, {}, None, None)
                cpu, memory = cpu + need.cpu, memory + need.memory
        return cpu, memory

    def _providers(self, cluster: Cluster, refs: list[str]) -> tuple[str, ...]:
        """The names of the cluster's ACTIVE Managed Instances providers `refs` name.

        Raises:
            InvalidParameterException: none given, or one that is not such a provider [U].
        """
        if not refs:
            raise InvalidParameterException(NO_PROVIDERS)
        names: list[str] = []
        for ref in refs:
            found = self.backend.capacity_providers.find(ref)
            if (
                found is None
                or found.managed is None
                or found.cluster_name != cluster.name
                or found.status is not ProviderStatus.ACTIVE
            ):
                name = ref.rsplit("/", 1)[-1]
                raise InvalidParameterException(NOT_MANAGED.format(name=name, cluster=cluster.name))
            if found.name not in names:
                names.append(found.name)
        return tuple(names)

    # -- create, update, delete -----------------------------------------------------------

    def create(self, req: DaemonRequest) -> Daemon:
        """CreateDaemon: ACTIVE now; its first deployment places its tasks.

        Raises:
            ClusterNotFoundException: no such cluster, or it was deleted.
            InvalidParameterException: a bad name, clientToken, provider, configuration or
                tag.
            ClientException: a daemon of that name exists, or the daemon task definition
                is unknown or not ACTIVE [U].
        """
        cluster = self.backend.active_cluster(req.cluster)
        check_name(req.name)
        check_token(req.client_token)
        arn = self.backend.arn(f"daemon/{cluster.name}/{req.name}")
        existing = self.by_arn.get(arn)
        if existing is not None:
            if req.client_token is not None and req.client_token == existing.client_token:
                return existing
            raise ClientException(ALREADY_EXISTS.format(name=req.name, cluster=cluster.name))
        providers = self._providers(cluster, req.providers)
        definition = self.backend.daemon_definitions.usable(req.definition)
        config = req.config or DeploymentConfig()
        check_config(config)
        new_tags = tag_rules.merged({}, req.tags)
        now = self.backend.clock.now
        revision = self._revision(cluster, req, providers, definition_ref=definition.arn)
        daemon = Daemon(
            name=req.name,
            arn=arn,
            cluster_name=cluster.name,
            cluster_arn=cluster.arn,
            revision=revision,
            config=config,
            created_at=now,
            updated_at=now,
            tags=new_tags,
            client_token=req.client_token,
        )
        self.by_arn[arn] = daemon
        self._adopt(daemon, revision)
        self.rollout.deploy(daemon, revision)
        return daemon

    def _revision(
        self, cluster: Cluster, req: DaemonRequest, providers: tuple[str, ...], definition_ref: str
    ) -> DaemonRevision:
        revision_id = self.backend.ids.digits19()
        return DaemonRevision(
            id=revision_id,
            arn=self.backend.arn(f"daemon-revision/{cluster.name}/{req.name}/{revision_id}"),
            definition=self.backend.daemon_definitions.require(definition_ref),
            created_at=self.backend.clock.now,
            providers=providers,
            propagate_tags=req.propagate_tags or "NONE",
            managed_tags=bool(req.managed_tags),
            execute_command=bool(req.execute_command),
        )

    def _adopt(self, daemon: Daemon, revision: DaemonRevision) -> None:
        daemon.revisions.append(revision)
        self.revisions[revision.arn] = (daemon, revision)
        self.backend.daemon_definitions.use(revision.definition, +1)

    def switch(self, daemon: Daemon, revision: DaemonRevision) -> None:
        """The daemon's current revision becomes `revision` (an update or a rollback)."""
        definitions = self.backend.daemon_definitions
        definitions.use(daemon.revision.definition, -1)
        definitions.use(revision.definition, +1)
        daemon.revision = revision

    def update(self, ref: str, req: DaemonRequest) -> Daemon:
        """UpdateDaemon: a new revision, rolled out by a new deployment.

        Raises:
            DaemonNotFoundException: no such daemon.
            DaemonNotActiveException: it is being deleted [M].
            InvalidParameterException: a bad provider or configuration.
            ClientException: the daemon task definition is unknown or not ACTIVE [U].
        """
        daemon = self.require(ref)
        if not daemon.active:
            raise DaemonNotActiveException(NOT_ACTIVE.format(name=daemon.name))
        cluster = self.backend.cluster(daemon.cluster_arn)
        providers = self._providers(cluster, req.providers)
        definition = self.backend.daemon_definitions.usable(req.definition)
        config = req.config or daemon.config
        check_config(config)
        current = daemon.revision
        req.name = daemon.name
        req.propagate_tags = req.propagate_tags or current.propagate_tags
        for name in ("managed_tags", "execute_command"):
            if getattr(req, name) is None:
                setattr(req, name, getattr(current, name))
        revision = self._revision(cluster, req, providers, definition_ref=definition.arn)
        daemon.config = config
        daemon.updated_at = self.backend.clock.now
        daemon.revisions.append(revision)
        self.revisions[revision.arn] = (daemon, revision)
        self.switch(daemon, revision)
        self.rollout.deploy(daemon, revision)
        return daemon

    def delete(self, ref: str) -> Daemon:
        """DeleteDaemon: DELETE_IN_PROGRESS; a deployment removes its tasks.

        Raises:
            DaemonNotFoundException: no such daemon.
            DaemonNotActiveException: it is already being deleted [M].
        """
        daemon = self.require(ref)
        if not daemon.active:
            raise DaemonNotActiveException(NOT_ACTIVE.format(name=daemon.name))
        daemon.status = DaemonStatus.DELETE_IN_PROGRESS
        daemon.updated_at = self.backend.clock.now
        self.rollout.deploy(daemon, None)
        return daemon

    def gone(self, daemon: Daemon) -> None:
        """The deletion is complete: the daemon is forgotten (its records stay readable)."""
        self.by_arn.pop(daemon.arn, None)
        self.backend.daemon_definitions.use(daemon.revision.definition, -1)

    def listing(self, cluster_ref: str | None, providers: list[str]) -> list[Daemon]:
        """ListDaemons: every cluster's daemons, or one cluster's; by provider if asked."""
        names = {ref.rsplit("/", 1)[-1] for ref in providers}
        cluster = None if cluster_ref is None else self.backend.cluster(cluster_ref)
        return [
            d
            for d in self.by_arn.values()
            if (cluster is None or d.cluster_arn == cluster.arn)
            and (not names or names & set(d.revision.providers))
        ]

    def running_counts(self, daemon: Daemon) -> dict[str, dict[str, int]]:
        """Revision ARN -> provider -> RUNNING daemon tasks (DescribeDaemon)."""
        out: dict[str, dict[str, int]] = {}
        for m in self.backend.managed.by_arn.values():
            instance = m.instance
            if instance.cluster_name != daemon.cluster_name:
                continue
            for task in instance.tasks.values():
                revision = self.rollout.task_revision.get(task.id)
                if task.daemon_name != daemon.name or revision is None:
                    continue
                if task.last_status == "RUNNING" and not task.stopping:
                    per = out.setdefault(revision.arn, {})
                    name = instance.capacity_provider_name or ""
                    per[name] = per.get(name, 0) + 1
        return out

    def instances_of(self, daemon: Daemon, revision: DaemonRevision) -> list[ContainerInstance]:
        """The instances running a live task of `revision`."""
        return [
            m.instance
            for m in self.backend.managed.by_arn.values()
            if m.instance.cluster_name == daemon.cluster_name
            and self.rollout.revision_on(m.instance, daemon) is revision
        ]

    def tagged(self, resource_arn: str, write: bool) -> Daemon | None:
        """TagResource's resolver for daemon ARNs [I]."""
        parsed = parse_arn(resource_arn)
        if parsed is None:
            return None
        return self.by_arn.get(resource_arn)

    def invariants(self) -> list[str]:
        """At most one deployment under way per daemon; live tasks have their revision."""
        out: list[str] = []
        for daemon in self.by_arn.values():
            running = [d for d in daemon.deployments if d.running]
            if len(running) > 1:
                out.append(f"{daemon.arn}: {len(running)} deployments under way")
        for task_id in self.rollout.live:
            if task_id not in self.rollout.task_revision:
                out.append(f"daemon task {task_id} without its revision")
        return out
