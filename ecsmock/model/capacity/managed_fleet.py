"""The Managed Instances ECS launches and retires itself, on the simulated clock.

Sources: the Developer Guide's Amazon ECS Managed Instances pages [D] and the shapes of
the botocore model [M].

- Placement (`capacity.managed_placement`): a task goes on an instance of its provider that
  can take it; when none can, ECS launches one.
- A launched instance registers REGISTERING and is ACTIVE `timing.instance_launch` later [S];
  the tasks placed on it stay in their first status until then, and until the daemon tasks
  on it are RUNNING ("starts the daemon task first, and only then transitions the
  application task to RUNNING" [D]).
- Idle instance detection: an instance running no task but daemon tasks for `scaleInAfter`
  seconds is marked DEREGISTERING, "which initiates the cleanup sequence that safely
  terminates the underlying EC2 instance" (infrastructure optimization page [D]); it is
  INACTIVE `timing.instance_terminate` later [S]. Underutilized-instance consolidation is
  not modelled.
- ECS drains an instance when auto repair finds it IMPAIRED (its agent disconnected, or a
  daemon task stopped; AutoRepairConfiguration [M]) and 14 days after its launch (AWS Batch
  User Guide [D]): DRAINING, services replace their tasks, other tasks stop with "Task
  stopped during instance draining" [D]; once only daemon tasks are left it is retired. An
  instance the user drains is retired once empty too [I].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock.clock import Scheduled
from ecsmock.model.capacity import managed_placement
from ecsmock.model.capacity.instance import ContainerInstance, InstanceStatus, InstanceType, Need
from ecsmock.model.capacity.instance_ops import Registration
from ecsmock.model.capacity.managed import DRAINING_REASON, REFRESH_AFTER_DAYS, ManagedSettings
from ecsmock.model.clusters.cluster import Cluster
from ecsmock.model.tasks.store import Placement
from ecsmock.model.tasks.task import StopCode, Task, TaskStatus
from ecsmock.model.timing import REALISTIC, TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend
    from ecsmock.model.capacity.launch_routing import Ec2Launch

Failure = tuple[str | None, str]
S = InstanceStatus


@dataclass(slots=True, kw_only=True)
class ManagedInstance:
    """ECS's record of one instance it launched: its timers and the tasks waiting on it."""

    instance: ContainerInstance
    provider: str
    # The launch, idle scale-in or termination under way; the day-14 drain.
    timer: Scheduled | None = None
    refresh: Scheduled | None = None
    held: dict[str, Task] = field(default_factory=dict)


def _busy(instance: ContainerInstance) -> bool:
    """Whether tasks other than daemon tasks are on the instance (not yet STOPPED)."""
    return any(t.daemon_name is None for t in instance.tasks.values())


class ManagedFleet:
    """The Managed Instances of one account and region."""

    def __init__(self, backend: Backend, timing: TimingProfile = REALISTIC) -> None:
        self.backend = backend
        self.launch_delay = timedelta(seconds=timing.instance_launch)
        self.terminate_delay = timedelta(seconds=timing.instance_terminate)
        self.by_arn: dict[str, ManagedInstance] = {}
        # The daemons' hooks: start the daemon tasks of a new instance; what they need.
        self.daemon_starter: Callable[[ContainerInstance], None] | None = None
        self.daemon_need: Callable[[str, str], tuple[int, int]] | None = None
        # Told when an instance is retired (daemon deployments wait for their batches).
        self.retired_hook: Callable[[ContainerInstance], None] | None = None

    # -- lookup ---------------------------------------------------------------------------

    def settings(self, cluster_name: str, provider: str) -> ManagedSettings | None:
        """A Managed Instances provider's settings, if `provider` is one of the cluster's."""
        found = self.backend.capacity_providers.by_name.get(provider)
        if found is None or found.managed is None or found.cluster_name != cluster_name:
            return None
        return found.managed

    def manages(self, provider: str | None) -> bool:
        """Whether `provider` names a Managed Instances provider."""
        found = self.backend.capacity_providers.by_name.get(provider or "")
        return found is not None and found.managed is not None

    def of_provider(self, cluster_name: str, provider: str) -> list[ManagedInstance]:
        """The provider's instances in the cluster, in launch order."""
        return [
            m
            for m in self.by_arn.values()
            if m.provider == provider and m.instance.cluster_name == cluster_name
        ]

    # -- placement ------------------------------------------------------------------------

    def place(
        self, launch: Ec2Launch, provider: str, count: int, need: Need, offset: int
    ) -> tuple[list[Placement], list[Failure]]:
        """Place `count` tasks through `provider`, launching instances where none fits."""
        return managed_placement.place(self, launch, provider, count, need, offset)

    def zone(self, subnet: str | None) -> str:
        """The Availability Zone of a subnet (the one the tasks' subnets map to)."""
        return self.backend.tasks.store.zone(subnet)

    def busy_again(self, instance: ContainerInstance) -> None:
        """A task goes on the instance: an idle scale-in under way is called off."""
        m = self.by_arn[instance.arn]
        if m.timer is not None and instance.status is S.ACTIVE:
            m.timer.cancel()
            m.timer = None

    # -- launch ---------------------------------------------------------------------------

    def launch(
        self, cluster: Cluster, provider: str, itype: tuple[str, InstanceType], zone: str
    ) -> ContainerInstance:
        """Launch an instance: REGISTERING now, ACTIVE `timing.instance_launch` later."""
        name, kind = itype
        reg = Registration(
            instance_type=name,
            availability_zone=zone,
            cpu=kind.cpu,
            memory=kind.memory,
            architecture=kind.architecture,
            capacity_provider_name=provider,
            status=S.REGISTERING,
            simulated_agent=True,  # ECS runs the agent on its instances
        )
        instance = self.backend.container_instances.register(cluster.arn, reg)
        m = self.by_arn[instance.arn] = ManagedInstance(instance=instance, provider=provider)
        clock = self.backend.clock
        m.timer = clock.schedule(lambda: self._launched(m), after=self.launch_delay)
        m.refresh = clock.schedule(
            lambda: self._refresh(m), after=timedelta(days=REFRESH_AFTER_DAYS), background=True
        )
        return instance

    def _launched(self, m: ManagedInstance) -> None:
        m.timer = None
        instance = m.instance
        cluster = self.backend.clusters.get(instance.cluster_name)
        if instance.status is not S.REGISTERING or cluster is None:
            self.by_arn.pop(instance.arn, None)  # deregistered while it booted
            return
        ops = self.backend.container_instances
        instance.status = S.ACTIVE
        cluster.registered_instances_count += 1
        ops.announce(instance)
        if self.daemon_starter is not None:
            self.daemon_starter(instance)
        self.release(m)
        if ops.capacity_hook is not None:
            ops.capacity_hook(cluster.name)
        self._check_idle(m)

    # -- tasks waiting on their instance --------------------------------------------------

    def _must_wait(self, m: ManagedInstance, task: Task) -> bool:
        if m.instance.status is S.REGISTERING:
            return True
        if task.daemon_name is not None:
            return False
        return any(
            t.daemon_name is not None and t.last_status is not TaskStatus.RUNNING and not t.stopping
            for t in m.instance.tasks.values()
        )

    def hold(self, task: Task) -> bool:
        """The lifecycle's question for a new task: must it wait for its instance?"""
        m = self.by_arn.get(task.container_instance_arn or "")
        if m is None or not self._must_wait(m, task):
            return False
        m.held[task.id] = task
        return True

    def release(self, m: ManagedInstance) -> None:
        """Let the waiting tasks that need not wait any longer move on."""
        lifecycle = self.backend.tasks.lifecycle
        for task in list(m.held.values()):
            if task.stopping:
                del m.held[task.id]
            elif not self._must_wait(m, task):
                del m.held[task.id]
                lifecycle.proceed(task)

    def task_changed(self, task: Task) -> None:
        """A daemon task changed: the tasks waiting for it may go on."""
        m = self.by_arn.get(task.container_instance_arn or "")
        if m is not None and m.held:
            self.release(m)

    # -- idle, drained and impaired instances ---------------------------------------------

    def task_released(self, instance: ContainerInstance) -> None:
        """A task on the instance STOPPED: retire it when drained, or watch it for idleness."""
        m = self.by_arn.get(instance.arn)
        if m is None:
            return
        if instance.status is S.DRAINING and not _busy(instance):
            self.retire(m)
        else:
            self._check_idle(m)

    def instance_draining(self, instance: ContainerInstance) -> None:
        """The instance began DRAINING: an empty one is retired at once."""
        m = self.by_arn.get(instance.arn)
        if m is not None and not _busy(instance):
            self.retire(m)

    def _check_idle(self, m: ManagedInstance) -> None:
        instance = m.instance
        if instance.status is not S.ACTIVE or _busy(instance) or m.timer is not None:
            return
        settings = self.settings(instance.cluster_name, m.provider)
        delay = settings.scale_in_delay if settings is not None else None
        if delay is not None:
            m.timer = self.backend.clock.schedule(
                lambda: self._idle(m), after=delay, background=True
            )

    def _idle(self, m: ManagedInstance) -> None:
        m.timer = None
        if m.instance.status is S.ACTIVE and not _busy(m.instance):
            self.retire(m)

    def impaired(self, instance: ContainerInstance) -> None:
        """The instance's health is IMPAIRED: auto repair drains and replaces it."""
        m = self.by_arn.get(instance.arn)
        if m is None or instance.status is not S.ACTIVE:
            return
        settings = self.settings(instance.cluster_name, m.provider)
        if settings is None or settings.repairs:
            self.drain(m)

    def _refresh(self, m: ManagedInstance) -> None:
        m.refresh = None
        if m.instance.status is S.ACTIVE:
            self.drain(m)

    def drain(self, m: ManagedInstance) -> None:
        """ECS drains the instance: services replace their tasks, other tasks stop [D]."""
        instance = m.instance
        if instance.status is S.ACTIVE and _busy(instance):
            ops = self.backend.container_instances
            ops.set_state(instance.cluster_arn, [instance.arn], "DRAINING")
            lifecycle = self.backend.tasks.lifecycle
            for task in list(instance.tasks.values()):
                if task.service_name is None and task.daemon_name is None:
                    lifecycle.stop(task, StopCode.TERMINATION_NOTICE, DRAINING_REASON)
        elif instance.status in (S.ACTIVE, S.REGISTERING):
            self.retire(m)

    def retire_provider(self, cluster_name: str, provider: str) -> None:
        """The provider is being deleted: every instance of it goes."""
        for m in self.of_provider(cluster_name, provider):
            self.retire(m)

    def retire(self, m: ManagedInstance) -> None:
        """DEREGISTERING now, its last tasks stopped; INACTIVE `timing.instance_terminate` later."""
        instance = m.instance
        cluster = self.backend.clusters.get(instance.cluster_name)
        if instance.status in (S.DEREGISTERING, S.INACTIVE) or cluster is None:
            return
        for timer in (m.timer, m.refresh):
            if timer is not None:
                timer.cancel()
        m.refresh = None
        if instance.registered:
            cluster.registered_instances_count -= 1
        instance.status = S.DEREGISTERING
        self.backend.container_instances.announce(instance)
        lifecycle = self.backend.tasks.lifecycle
        for task in list(instance.tasks.values()):
            code = StopCode.TERMINATION_NOTICE
            if task.service_name is not None or task.daemon_name is not None:
                code = StopCode.SERVICE_SCHEDULER_INITIATED
            lifecycle.stop(task, code, DRAINING_REASON)
        m.timer = self.backend.clock.schedule(
            lambda: self._terminated(m), after=self.terminate_delay
        )
        if self.retired_hook is not None:
            self.retired_hook(instance)

    def _terminated(self, m: ManagedInstance) -> None:
        m.timer = None
        instance = m.instance
        self.by_arn.pop(instance.arn, None)
        if instance.status is S.DEREGISTERING:
            self.backend.container_instances.deregister(instance.cluster_arn, instance.arn, True)

    # -- checks ---------------------------------------------------------------------------

    def invariants(self) -> list[str]:
        """Launching and leaving instances have their timer; waiting tasks are on them."""
        out: list[str] = []
        for arn, m in self.by_arn.items():
            status = m.instance.status
            if status in (S.REGISTERING, S.DEREGISTERING) and m.timer is None:
                out.append(f"{arn}: {status} without its timer")
            for task in m.held.values():
                if task.container_instance_arn != arn or task.id not in m.instance.tasks:
                    out.append(f"{arn}: holds task {task.id} that is not on it")
        return out
