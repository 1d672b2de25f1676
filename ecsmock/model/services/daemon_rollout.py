"""Daemon tasks on Managed Instances, and daemon deployments rolling on the clock.

Sources: CreateDaemon, UpdateDaemon, DeleteDaemon and DaemonDeployment docs of the botocore
model [M]; the Developer Guide's "Amazon ECS Managed Daemons", "Daemon deployments" and
"Daemon auto repair" pages [D].

- "Exactly one daemon task runs on every Amazon EC2 instance provisioned through those
  capacity providers" [D]: ECS starts it when the instance registers, "before scheduling
  other tasks" [M]; the instance's other tasks wait for it (`capacity.managed_fleet`).
  Daemon tasks are `startedBy` `daemon/<name>` (Managed Daemons beta guide [D]) in the
  group `daemon:<name>` [I].
- "If a daemon task stops, Amazon ECS automatically drains and replaces that container
  instance" [M]: a daemon task's stop decision on an ACTIVE instance makes it IMPAIRED for
  auto repair.
- Deployments "follow a drain-provision-replace pattern": PENDING, then IN_PROGRESS; ECS
  drains a batch of the instances that run another revision (or none), `drainPercent` of
  the provider's instances at a time (at least one [I]); services place their tasks on new
  instances, which start the new revision's daemon task; once the batch is gone and
  `bakeTimeInMinutes` have passed, the next batch; SUCCESSFUL when no instance is left
  behind [D]. A new deployment STOPs the one under way [D].
- Circuit breaker: a daemon task of the target revision that stops before RUNNING counts
  as a failure; at the threshold (10) the deployment rolls back to the previous revision
  (ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL) or, with none, is STOPPED [D]. After
  that, failed starts of that revision no longer get their instance replaced [S].
- DeleteDaemon's deployment drains the instances that run the daemon's tasks [M].
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable
from typing import TYPE_CHECKING

from ecsmock.model.capacity.instance import ContainerInstance, InstanceStatus
from ecsmock.model.capacity.managed_fleet import ManagedInstance
from ecsmock.model.services.daemon import (
    CIRCUIT_BREAKER_THRESHOLD,
    COMPLETED,
    FAILED,
    REPLACED,
    ROLLED_BACK,
    Daemon,
    DaemonDeployment,
    DaemonRevision,
    DeploymentStatus,
)
from ecsmock.model.tasks import needs
from ecsmock.model.tasks.store import Placement, TaskSpec
from ecsmock.model.tasks.task import Platform, Task, TaskStatus

if TYPE_CHECKING:
    from ecsmock.model.services.daemon_ops import DaemonOps

S = InstanceStatus
ALPHANUMERIC = string.digits + string.ascii_letters


def _alphanumeric(hex_digits: str, length: int) -> str:
    """`length` letters and digits from a seeded hex id (deployment ids: `aB1cD2eF3gH4iJ5k`)."""
    number = int(hex_digits, 16)
    out = []
    for _ in range(length):
        number, digit = divmod(number, len(ALPHANUMERIC))
        out.append(ALPHANUMERIC[digit])
    return "".join(out)


class DaemonRollout:
    """The daemon tasks of one backend and the deployments that replace them."""

    def __init__(self, ops: DaemonOps) -> None:
        self.ops = ops
        self.backend = ops.backend
        # Live daemon tasks (not yet stopping) and the revision of every daemon task.
        self.live: set[str] = set()
        self.task_revision: dict[str, DaemonRevision] = {}

    # -- daemon tasks ---------------------------------------------------------------------

    def start_on(self, instance: ContainerInstance) -> None:
        """A Managed Instance is ACTIVE: one task of each daemon of its provider, first."""
        for daemon in self.ops.of_cluster(instance.cluster_name):
            revision = daemon.revision
            if daemon.active and instance.capacity_provider_name in revision.providers:
                self._start(daemon, revision, instance)

    def _start(self, daemon: Daemon, revision: DaemonRevision, instance: ContainerInstance) -> None:
        td = revision.definition.task
        task_tags = dict(daemon.tags) if revision.propagate_tags == "DAEMON" else {}
        if revision.managed_tags:
            task_tags["aws:ecs:clusterName"] = daemon.cluster_name
            task_tags["aws:ecs:daemonName"] = daemon.name
        spec = TaskSpec(
            cluster_name=daemon.cluster_name,
            cluster_arn=daemon.cluster_arn,
            definition=td,
            group=f"daemon:{daemon.name}",
            started_by=f"daemon/{daemon.name}",
            tags=task_tags,
            enable_execute_command=revision.execute_command,
            daemon_name=daemon.name,
        )
        need = needs.need_of(td, {}, None, None)
        placement = Placement(
            platform=Platform.EC2_BRIDGE,
            launch_type="MANAGED_INSTANCES",
            capacity_provider=instance.capacity_provider_name,
            container_instance_arn=instance.arn,
            availability_zone=instance.availability_zone,
            instance=instance,
            need=need,
        )

        def adopt(task: Task) -> None:
            self.live.add(task.id)
            self.task_revision[task.id] = revision

        self.backend.tasks.start_tasks(spec, [placement], on_created=adopt)

    def revision_on(self, instance: ContainerInstance, daemon: Daemon) -> DaemonRevision | None:
        """The revision of the daemon's live task on the instance, if it has one."""
        for task in instance.tasks.values():
            if task.daemon_name == daemon.name and task.id in self.live:
                return self.task_revision.get(task.id)
        return None

    def task_changed(self, task: Task, previous: TaskStatus | None) -> None:
        """A daemon task changed: release the tasks waiting for it; a stop impairs."""
        self.backend.managed.task_changed(task)
        if task.last_status is TaskStatus.STOPPED:
            self.task_revision.pop(task.id, None)
        if not task.stopping or task.id not in self.live:
            return
        self.live.discard(task.id)
        revision = self.task_revision.get(task.id)
        daemon = self.ops.by_arn.get(
            self.backend.arn(f"daemon/{task.cluster_name}/{task.daemon_name}")
        )
        instance = self.backend.container_instances.by_arn.get(task.container_instance_arn or "")
        if (
            daemon is None
            or revision is None
            or instance is None
            or instance.status is not S.ACTIVE
        ):
            return
        failed = task.started_at is None
        deployment = daemon.latest
        if failed and deployment.running and deployment.target is revision:
            deployment.failures += 1
            if deployment.failures >= CIRCUIT_BREAKER_THRESHOLD and not deployment.tripped:
                self._trip(daemon, deployment)
        if not (failed and revision.arn in daemon.broken):
            self.backend.managed.impaired(instance)

    # -- deployments ----------------------------------------------------------------------

    def deploy(self, daemon: Daemon, target: DaemonRevision | None) -> DaemonDeployment:
        """Start rolling `target` (None: the daemon's removal) over the instances."""
        now = self.backend.clock.now
        for old in daemon.deployments:
            if old.running:
                self._stop(old, DeploymentStatus.STOPPED, REPLACED)
        running = {r.arn: r for r in self._revisions_running(daemon)}
        sources = [r for arn, r in running.items() if target is None or arn != target.arn]
        if daemon.deployments and daemon.latest.target is not None:
            previous = daemon.latest.target
            if previous.arn not in running and previous is not target:
                sources.append(previous)
        token = _alphanumeric(self.backend.ids.hex32(), 16)
        deployment = DaemonDeployment(
            id=token,
            arn=self.backend.arn(f"daemon-deployment/{daemon.cluster_name}/{daemon.name}/{token}"),
            target=target,
            sources=sources,
            config=daemon.config,
            created_at=now,
        )
        daemon.deployments.append(deployment)
        self.ops.deployments[deployment.arn] = (daemon, deployment)
        deployment.timer = self.backend.clock.schedule(
            lambda: self._begin(daemon, deployment), after=self.ops.start_delay
        )
        return deployment

    def _revisions_running(self, daemon: Daemon) -> list[DaemonRevision]:
        out: dict[str, DaemonRevision] = {}
        for m in self.backend.managed.by_arn.values():
            if m.instance.cluster_name == daemon.cluster_name:
                found = self.revision_on(m.instance, daemon)
                if found is not None:
                    out.setdefault(found.arn, found)
        return list(out.values())

    def _begin(self, daemon: Daemon, deployment: DaemonDeployment) -> None:
        deployment.timer = None
        if deployment.status is not DeploymentStatus.PENDING:
            return
        deployment.status = DeploymentStatus.IN_PROGRESS
        deployment.started_at = self.backend.clock.now
        self.step(daemon, deployment)

    def _stop(self, deployment: DaemonDeployment, status: DeploymentStatus, reason: str) -> None:
        if deployment.timer is not None:
            deployment.timer.cancel()
            deployment.timer = None
        deployment.status = status
        deployment.status_reason = reason
        deployment.stopped_at = self.backend.clock.now
        deployment.batch = set()

    def wanted(self, daemon: Daemon, deployment: DaemonDeployment) -> DaemonRevision | None:
        """The revision the deployment puts on the instances (None: the daemon goes)."""
        return None if deployment.target is None else daemon.revision

    def outdated(self, daemon: Daemon, deployment: DaemonDeployment) -> list[ManagedInstance]:
        """The ACTIVE instances from before the deployment that run the wrong revision."""
        since = deployment.rollback_started_at or deployment.created_at
        target = self.wanted(daemon, deployment)
        out: list[ManagedInstance] = []
        for m in self.backend.managed.by_arn.values():
            instance = m.instance
            if instance.cluster_name != daemon.cluster_name or instance.status is not S.ACTIVE:
                continue
            if instance.registered_at >= since:
                continue
            has = self.revision_on(instance, daemon)
            want = target is not None and instance.capacity_provider_name in target.providers
            if (want and has is not target) or (not want and has is not None):
                out.append(m)
        return out

    def step(self, daemon: Daemon, deployment: DaemonDeployment) -> None:
        """Drain the next batch, or wait for the current one, or finish."""
        if not deployment.running or deployment.status is DeploymentStatus.PENDING:
            return
        if deployment.timer is not None:
            return  # baking
        if deployment.batch:
            instances = self.backend.container_instances.by_arn
            deployment.batch = {
                a for a in deployment.batch if a in instances and instances[a].status is S.DRAINING
            }
            if deployment.batch:
                return
            if deployment.config.bake_minutes:
                deployment.timer = self.backend.clock.schedule(
                    self._baked(daemon, deployment), after=deployment.config.bake_minutes * 60
                )
                return
        self._next_batch(daemon, deployment)

    def _baked(self, daemon: Daemon, deployment: DaemonDeployment) -> Callable[[], None]:
        def done() -> None:
            deployment.timer = None
            self._next_batch(daemon, deployment)

        return done

    def _next_batch(self, daemon: Daemon, deployment: DaemonDeployment) -> None:
        if not deployment.running:
            return
        outdated = self.outdated(daemon, deployment)
        if not outdated:
            self._finish(daemon, deployment)
            return
        total = sum(
            1
            for m in self.backend.managed.by_arn.values()
            if m.instance.cluster_name == daemon.cluster_name
        )
        size = max(1, math.ceil(total * deployment.config.drain_percent / 100))
        batch = outdated[:size]
        deployment.batch = {m.instance.arn for m in batch}
        for m in batch:
            self.backend.managed.drain(m)
        self.later(daemon, deployment)

    def later(self, daemon: Daemon, deployment: DaemonDeployment) -> None:
        """Look at the deployment again once what is due now is done."""
        self.backend.clock.schedule(lambda: self.step(daemon, deployment), after=0)

    def _finish(self, daemon: Daemon, deployment: DaemonDeployment) -> None:
        rolled_back = deployment.status is DeploymentStatus.ROLLBACK_IN_PROGRESS
        deployment.status = (
            DeploymentStatus.ROLLBACK_SUCCESSFUL if rolled_back else DeploymentStatus.SUCCESSFUL
        )
        deployment.status_reason = ROLLED_BACK if rolled_back else COMPLETED
        deployment.finished_at = self.backend.clock.now
        deployment.batch = set()
        if deployment.target is None:
            self.ops.gone(daemon)

    def _trip(self, daemon: Daemon, deployment: DaemonDeployment) -> None:
        """The circuit breaker: roll back to the previous revision, or stop."""
        deployment.tripped = True
        assert deployment.target is not None
        daemon.broken.add(deployment.target.arn)
        previous = deployment.sources[-1] if deployment.sources else None
        if previous is None:
            self._stop(deployment, DeploymentStatus.STOPPED, FAILED)
            return
        deployment.status = DeploymentStatus.ROLLBACK_IN_PROGRESS
        deployment.status_reason = ROLLED_BACK
        deployment.rollback_started_at = self.backend.clock.now
        deployment.rollback_target = previous
        self.ops.switch(daemon, previous)
        self.later(daemon, deployment)

    def instance_gone(self, instance: ContainerInstance) -> None:
        """An instance is retired: the deployments of its cluster may move on."""
        for daemon in self.ops.of_cluster(instance.cluster_name):
            if daemon.deployments and daemon.latest.running:
                self.later(daemon, daemon.latest)
