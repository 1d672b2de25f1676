"""Service operations of one backend: create, update, delete, look up; deployments.

Every mutating method validates everything first and changes state last. The scheduler
(`services.scheduler`) moves tasks; this module decides what a service asks for and keeps
its deployments, events and ServiceDeployment records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock._ids import parse_arn
from ecsmock.errors import (
    SERVICE_NOT_FOUND,
    InvalidParameterException,
    ServiceNotActiveException,
    ServiceNotFoundException,
)
from ecsmock.model.retention import forget_later
from ecsmock.model.services import placement as service_placement
from ecsmock.model.services import service as sv
from ecsmock.model.services.alarms import AlarmMonitor
from ecsmock.model.services.deployments import DeploymentFlow
from ecsmock.model.services.placement import task_spec_for
from ecsmock.model.services.protection import TaskProtection
from ecsmock.model.services.rules import ServiceRequest, ServiceUpdate, check_create, revision_of
from ecsmock.model.services.scheduler import Scheduler, ServicePublisher
from ecsmock.model.services.service import (
    Deployment,
    DeploymentStatus,
    Service,
    ServiceStatus,
)
from ecsmock.model.services.strategies import StagedFlow
from ecsmock.model.services.targets import TargetHealth
from ecsmock.model.tasks.store import TaskSpec
from ecsmock.model.tasks.task import Task, TaskStatus
from ecsmock.model.timing import TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend
    from ecsmock.model.clusters.cluster import Cluster

# How long a service stays describable as INACTIVE before it is MISSING [S] (spec 7.7).
INACTIVE_SERVICE_TTL = timedelta(hours=1)


@dataclass(slots=True)
class ServiceStore:
    """Services by (cluster name, service name), in creation order."""

    by_key: dict[tuple[str, str], Service] = field(default_factory=dict)


class ServiceOps(DeploymentFlow):
    """The services of one account and region."""

    def __init__(self, backend: Backend, timing: TimingProfile) -> None:
        self.backend = backend
        self.timing = timing
        self.store = ServiceStore()
        self.scheduler = Scheduler(self)
        self.protection = TaskProtection(self)
        self.staged = StagedFlow(self)
        self.alarms = AlarmMonitor(self, backend.tasks.lifecycle.behaviour.alarms)
        self.targets = TargetHealth(self)
        self.publish: ServicePublisher | None = None
        # Told of each service event message as it is recorded (the mock's timeline).
        self.note: Callable[[Service, str], None] | None = None
        self.principal = f"arn:aws:iam::{backend.account}:root"
        tasks = backend.tasks
        tasks.service_hook = self.scheduler.task_changed
        tasks.lifecycle.health_observer = self.scheduler.task_health
        tasks.purge_hook = self.scheduler.forget

    # -- lookup ---------------------------------------------------------------------------

    def find(self, cluster_name: str, ref: str) -> Service | None:
        """A service of the cluster by name or ARN (long or legacy form)."""
        name = ref
        if ref.startswith("arn:"):
            parsed = parse_arn(ref)
            here = (
                parsed is not None
                and parsed.kind == "service"
                and parsed.region == self.backend.region
                and parsed.account == self.backend.account
            )
            if parsed is None or not here or not 1 <= len(parsed.path) <= 2:
                return None
            if len(parsed.path) == 2 and parsed.path[0] != cluster_name:
                return None
            name = parsed.path[-1]
        return self.store.by_key.get((cluster_name, name))

    def cluster_for(self, cluster_ref: str | None, service_ref: str) -> str | None:
        """The cluster a service call means: as given, else the one its service ARN names.

        A call that names its service by long ARN and leaves `cluster` out is about that
        service's cluster, not `default` [I]; a bare name leaves it to `default`.
        """
        if cluster_ref is None and service_ref.startswith("arn:"):
            parsed = parse_arn(service_ref)
            if parsed is not None and parsed.kind == "service" and len(parsed.path) == 2:
                return self.backend.arn(f"cluster/{parsed.path[0]}")
        return cluster_ref

    def get(self, cluster_ref: str | None, ref: str) -> Service:
        """The service a request names, whatever its status.

        Raises:
            ClusterNotFoundException: no such cluster.
            ServiceNotFoundException: no such service in it.
        """
        cluster = self.backend.cluster(self.cluster_for(cluster_ref, ref))
        found = self.find(cluster.name, ref)
        if found is None:
            # [O] real text (behaviour reference 13)
            raise ServiceNotFoundException(SERVICE_NOT_FOUND)
        return found

    def listed(self, cluster: Cluster) -> list[Service]:
        """The cluster's ACTIVE services in creation order (ListServices)."""
        return [s for (c, _), s in self.store.by_key.items() if c == cluster.name and s.active]

    def has_service(self, cluster_name: str, name: str) -> bool:
        """Whether the cluster has a service of that name (any status)."""
        return (cluster_name, name) in self.store.by_key

    # -- CreateService --------------------------------------------------------------------

    def create(self, req: ServiceRequest) -> Service:
        """Validate a CreateService request in ECS's order, then create and schedule."""
        cluster = self.backend.active_cluster(req.cluster)
        existing = self.store.by_key.get((cluster.name, req.name))
        if existing is not None and existing.status is not ServiceStatus.INACTIVE:
            same_token = req.client_token is not None and existing.client_token == req.client_token
            if same_token and existing.request == req.fingerprint:
                return existing
            # [O] real text (behaviour reference 13)
            raise InvalidParameterException(sv.NOT_IDEMPOTENT)
        td = check_create(self.backend, cluster, req)
        now = self.backend.clock.now
        service = Service(
            name=req.name,
            arn=self.backend.arn(f"service/{cluster.name}/{req.name}"),
            cluster_name=cluster.name,
            cluster_arn=cluster.arn,
            created_at=now,
            created_by=self.principal,
            desired_count=req.desired_count or 0,
            scheduling_strategy=req.scheduling_strategy,
            controller=req.controller,
            config=req.config,
            request=req.fingerprint,
            client_token=req.client_token,
            tags=dict(req.tags),
            placement_constraints=req.placement_constraints,
            placement_strategy=req.placement_strategy,
            health_check_grace=req.grace or 0,
            enable_managed_tags=req.managed_tags,
            propagate_tags=req.propagate_tags or "NONE",
            enable_execute_command=req.exec_command,
            az_rebalancing=req.az_rebalancing or "ENABLED",
            role_arn=req.role_arn,
        )
        if existing is not None and existing.purge is not None:
            existing.purge.cancel()
        self.store.by_key.pop((cluster.name, req.name), None)
        self.store.by_key[(cluster.name, req.name)] = service
        cluster.active_services_count += 1
        if td is not None:
            service.revision = revision_of(self.backend, service, req, td, now)
            if req.controller == "CODE_DEPLOY":
                # ECS makes the first task set itself, PRIMARY at 100 % (behaviour ref. 8).
                self.backend.task_sets.first_code_deploy_set(service, service.revision)
            else:
                self.start_deployment(service, service.revision, first=True)
        return service

    def daemon_slots(self, service: Service) -> int:
        """How many tasks a DAEMON service runs (behaviour reference 7.5).

        One per ACTIVE container instance of its cluster, agent connected, that meets its
        constraints.
        """
        return service_placement.daemon_slots(self.backend, service)

    def make_inactive(self, service: Service) -> None:
        """A DRAINING service whose tasks are all gone: INACTIVE, purged an hour later."""
        cluster = self.backend.clusters.get(service.cluster_name)
        if cluster is not None and cluster.arn == service.cluster_arn:
            cluster.draining_services_count -= 1
        service.status = ServiceStatus.INACTIVE
        key = (service.cluster_name, service.name)
        service.purge = forget_later(
            self.backend.clock, self.store.by_key, key, service, INACTIVE_SERVICE_TTL
        )

    def task_spec(self, service: Service, deployment: Deployment) -> TaskSpec:
        """What the scheduler starts for a deployment, tags included."""
        spec = task_spec_for(service, deployment)
        td = deployment.revision.task_definition
        tags: dict[str, str] = {}
        if service.propagate_tags == "TASK_DEFINITION":
            tags.update(td.tags)
        elif service.propagate_tags == "SERVICE":
            tags.update(service.tags)
        if service.enable_managed_tags:
            tags["aws:ecs:clusterName"] = service.cluster_name
            tags["aws:ecs:serviceName"] = service.name
        spec.tags = tags
        return spec

    # -- UpdateService / DeleteService ----------------------------------------------------

    def update(self, upd: ServiceUpdate) -> Service:
        """UpdateService: settings now; a new deployment when what runs changes."""
        from ecsmock.model.services.rules import apply_update

        service = self.get(upd.cluster, upd.service)
        cluster = self.backend.active_cluster(self.cluster_for(upd.cluster, upd.service))
        if not service.active:
            # [O] real text (behaviour reference 7.2)
            raise ServiceNotActiveException(sv.NOT_ACTIVE)
        revision = apply_update(self.backend, cluster, service, upd)
        if revision is not None:
            service.revision = revision
            self._supersede(service)
            self.start_deployment(service, revision)
        else:
            primary = service.primary
            if primary is not None and primary.desired_count != service.desired_count:
                # The PRIMARY deployment's target follows the service's at once.
                primary.desired_count = primary.requested_count = service.desired_count
                primary.updated_at = self.backend.clock.now
            self.scheduler.poke(service)
        return service

    def delete(self, cluster_ref: str | None, ref: str, force: bool) -> Service:
        """DeleteService: DRAINING (desiredCount 0) now, INACTIVE once its tasks are gone."""
        service = self.get(cluster_ref, ref)
        if service.status is ServiceStatus.INACTIVE:
            # [U] an INACTIVE service is not found again
            raise ServiceNotFoundException(SERVICE_NOT_FOUND)
        if service.status is ServiceStatus.DRAINING:
            return service
        replica = service.scheduling_strategy == "REPLICA"
        if replica and service.desired_count > 0 and not force:
            # [O] real text (behaviour reference 13)
            raise InvalidParameterException(sv.SCALED_ABOVE_ZERO)
        cluster = self.backend.clusters.get(service.cluster_name)
        if cluster is not None and cluster.arn == service.cluster_arn:
            cluster.active_services_count -= 1
            cluster.draining_services_count += 1
        service.status = ServiceStatus.DRAINING
        service.desired_count = 0
        if service.primary is not None:
            service.primary.desired_count = service.primary.requested_count = 0
            service.primary.updated_at = self.backend.clock.now
        if service.controller != "ECS":
            self.backend.task_sets.drain_all(service)
            # Sets without tasks have nothing to drain: gone at once, as after a pass.
            service.task_sets[:] = [s for s in service.task_sets if s.holds_tasks()]
        # DRAINING in the answer even when nothing runs (aws/aws-cli#1334 shows DRAINING
        # with desired, running and pending counts all 0) [O]; the scheduler's next pass
        # makes it INACTIVE once its tasks are gone.
        groups = (*service.deployments, *service.task_sets)
        idle = not any(group.holds_tasks() for group in groups)
        self.scheduler.poke(service, after=self.timing.scheduler_delay if idle else 0.0)
        return service

    # -- tags and checks ------------------------------------------------------------------

    def tagged(self, resource_arn: str, write: bool) -> Service | None:
        """TagResource's resolver for service ARNs (a deleted service takes no tags)."""
        parsed = parse_arn(resource_arn)
        if parsed is None or len(parsed.path) != 2:
            return None
        found = self.find(parsed.path[0], resource_arn)
        if found is not None and found.status is ServiceStatus.INACTIVE:
            return None
        return found

    def invariants(self) -> list[str]:
        """Violations among services: counts, deployments, percentages."""
        out: list[str] = []
        for service in self.store.by_key.values():
            out += _service_problems(service)
        return out


def _service_problems(service: Service) -> list[str]:
    out: list[str] = []
    name = service.arn
    primaries = [d for d in service.deployments if d.status is DeploymentStatus.PRIMARY]
    if len(primaries) > 1:
        out.append(f"{name}: {len(primaries)} PRIMARY deployments")
    if service.deployments and service.deployments[0].status is not DeploymentStatus.PRIMARY:
        out.append(f"{name}: first deployment is not PRIMARY")
    groups = (*service.deployments, *service.task_sets)
    for d in groups:
        buckets = (d.starting, d.healthy, d.stopping)
        for bucket in buckets:
            for task in bucket.values():
                if task.last_status is TaskStatus.STOPPED:
                    out.append(f"{name}: STOPPED task {task.id} still tracked")
        for task in (*d.starting.values(), *d.healthy.values()):
            if task.stopping:
                out.append(f"{name}: stopping task {task.id} counted live")
        for task in d.healthy.values():
            if task.last_status is not TaskStatus.RUNNING:
                out.append(f"{name}: healthy task {task.id} not RUNNING")
    running, pending = service.counts()
    tasks: list[Task] = [
        t for d in groups for b in (d.starting, d.healthy, d.stopping) for t in b.values()
    ]
    if running != sum(1 for t in tasks if t.last_status is TaskStatus.RUNNING):
        out.append(f"{name}: runningCount disagrees with its tasks")
    if pending < 0 or running < 0:
        out.append(f"{name}: negative counts")
    return out


__all__ = ["INACTIVE_SERVICE_TTL", "ServiceOps"]
