"""The state of one (account, region): the resources ECS keeps there, and their rules.

Every mutating method validates everything first and changes state last, so a call that
fails leaves the backend exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ecsmock._ids import IdGenerator, arn, parse_arn
from ecsmock.clock import SimulatedClock
from ecsmock.errors import (
    CLUSTER_INACTIVE,
    CLUSTER_NOT_FOUND,
    ClusterNotFoundException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from ecsmock.model.behaviour import Behaviour
from ecsmock.model.capacity.instance import ContainerInstance
from ecsmock.model.capacity.instance_ops import ContainerInstanceOps
from ecsmock.model.capacity.managed_fleet import ManagedFleet
from ecsmock.model.capacity.provider_ops import CapacityProviderOps
from ecsmock.model.clusters import cluster as cl
from ecsmock.model.clusters.account_settings import AccountSettings
from ecsmock.model.clusters.cluster import (
    DEFAULT_CLUSTER,
    Cluster,
)
from ecsmock.model.clusters.ops import ClusterOps
from ecsmock.model.services.daemon_definitions import DaemonDefinitionStore
from ecsmock.model.services.daemon_ops import DaemonOps
from ecsmock.model.services.express_ops import ExpressOps
from ecsmock.model.services.ops import ServiceOps
from ecsmock.model.services.task_set_ops import TaskSetOps
from ecsmock.model.tasks.exec import ExecOps
from ecsmock.model.tasks.ops import TaskOps
from ecsmock.model.tasks.outside import NOWHERE, Outside
from ecsmock.model.timing import REALISTIC, TimingProfile

__all__ = ["Backend", "Tagged"]

# Resource kinds TagResource accepts (TagResource `resourceArn` docs, plus task sets).
TAGGABLE_KINDS = frozenset(
    {
        "capacity-provider",
        "cluster",
        "container-instance",
        "daemon",
        "daemon-task-definition",
        "service",
        "task",
        "task-definition",
        "task-set",
    }
)

# Kinds whose ARNs have a short (legacy) form without the cluster, which tagging refuses.
SHORT_FORM_KINDS = frozenset({"service", "task", "container-instance"})
LONG_ARN_NEEDED = "Long arn format must be used for tagging operations"


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
        outside: Outside | None = None,
    ) -> None:
        self.account = account
        self.region = region
        self.clock = clock
        self.ids = ids
        # The services around ECS (EC2, CloudWatch Logs, ...) as this backend sees them.
        self.outside = outside or NOWHERE
        self.clusters: dict[str, Cluster] = {}
        self.settings = AccountSettings(account)
        self.cluster_ops = ClusterOps(self)
        self.capacity_providers = CapacityProviderOps(self, timing)
        self.tasks = TaskOps(self, timing, behaviour or Behaviour())
        self.services = ServiceOps(self, timing)
        self.task_sets = TaskSetOps(self)
        self.daemon_definitions = DaemonDefinitionStore(
            self.arn, self.settings.root, clock, timing.definition_delete
        )
        self.container_instances = ContainerInstanceOps(self, timing)
        self.managed = ManagedFleet(self, timing)
        watch = self.services.scheduler.capacity
        self.container_instances.capacity_hook = watch.capacity_changed
        self.container_instances.drain_hook = self._instance_draining
        self.container_instances.release_hook = self.managed.task_released
        self.tasks.lifecycle.hold = self.managed.hold
        self.daemons = DaemonOps(self, timing)
        self.ecs_exec = ExecOps(self)
        self.express = ExpressOps(self, timing)
        # Each taggable resource kind registers the resolver of its ARNs here.
        self.taggable: dict[str, TagResolver] = {
            "cluster": self._tagged_cluster,
            "task": self._tagged_task,
            "task-definition": self._tagged_task_definition,
            "service": self.services.tagged,
            "task-set": self.task_sets.tagged,
            "capacity-provider": self.capacity_providers.tagged,
            "container-instance": self.container_instances.tagged,
            "daemon": self.daemons.tagged,
            "daemon-task-definition": self._tagged_daemon_definition,
        }

    def _instance_draining(self, instance: ContainerInstance) -> None:
        """An instance began DRAINING: services replace their tasks; ECS retires its own."""
        self.services.scheduler.capacity.instance_draining(instance)
        self.managed.instance_draining(instance)

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
            # [O] real text (behaviour reference 13)
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
            # [O] real text (behaviour reference 13)
            raise ClusterNotFoundException(CLUSTER_INACTIVE)
        return found

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
            # [M] resourceArn is an ECS resource ARN; text [U]
            raise InvalidParameterException(
                f"The ARN '{resource_arn}' is not a valid Amazon ECS resource ARN."
            )
        if parsed.kind not in TAGGABLE_KINDS:
            # [M] TagResource's taggable kinds; text [U]
            raise InvalidParameterException(
                f"The resource type '{parsed.kind}' does not support tagging."
            )
        if parsed.kind in SHORT_FORM_KINDS and len(parsed.path) == 1:
            # A short-format ARN (`service/<name>`, `task/<id>`): real output quoted in
            # boto/boto3#2473 [O].
            raise InvalidParameterException(LONG_ARN_NEEDED)
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
            # [O] real text (behaviour reference 13)
            raise ClusterNotFoundException(CLUSTER_INACTIVE)
        return found

    def _tagged_task(self, resource_arn: str, write: bool) -> Tagged | None:
        parsed = parse_arn(resource_arn)
        if parsed is None or len(parsed.path) != 2:
            return None
        return self.tasks.find(parsed.path[0], resource_arn)

    def _tagged_task_definition(self, resource_arn: str, write: bool) -> Tagged | None:
        return self.tasks.definitions.find(resource_arn)

    def _tagged_daemon_definition(self, resource_arn: str, write: bool) -> Tagged | None:
        # Tagged as its RegisterDaemonTaskDefinition `tags` suggest (the TagResource docs do
        # not list daemons yet) [I]; a DELETED one reads as untagged and takes none.
        found = self.daemon_definitions.find(resource_arn)
        if found is None or (write and found.status == "DELETED"):
            return None
        return found

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
            self.managed,
            self.daemon_definitions,
            self.daemons,
            self.express,
        )
        return out + [problem for part in parts for problem in part.invariants()]
