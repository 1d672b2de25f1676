"""The service scheduler: REPLICA and DAEMON services at their desired count, rollouts.

Behaviour reference 7.4-7.9 (where new tasks go: `services.placement`). It reacts to
events (a service created or updated, a task of a service changing state or health, EC2
capacity changing) by scheduling one pass per service at the current instant; a pass stops
what may stop and starts what may start within `minimumHealthyPercent` / `maximumPercent`,
then completes deployments, drops drained ones and reports a steady state. It never polls.
Launch failures count toward the deployment circuit breaker and throttle further launches
(backoff kept as background work, so `settle()` returns while a service cannot start
tasks, as its deployment never ends).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ecsmock.model.services import placement as service_placement
from ecsmock.model.services import rolling
from ecsmock.model.services import service as sv
from ecsmock.model.services.service import Deployment, DeploymentStatus, RolloutState, Service
from ecsmock.model.tasks.task import HealthStatus, StopCode, Task, TaskStatus

if TYPE_CHECKING:
    from ecsmock.model.services.ops import ServiceOps

# Throttle backoff after consecutive launch failures [S]: 0, 10, 20, 40 ... 900 seconds.
MAX_BACKOFF = 900.0
# (detail-type, resource ARN, detail) of an EventBridge event.
ServicePublisher = Callable[[str, str, dict[str, Any]], None]


class Scheduler:
    """Runs the passes of every service of one backend."""

    def __init__(self, ops: ServiceOps) -> None:
        self.ops = ops
        self.backend = ops.backend
        self.clock = ops.backend.clock
        self.tasks = ops.backend.tasks
        # The service and deployment of every task a service started, until it is purged.
        self.owner: dict[str, tuple[Service, Deployment]] = {}
        self.capacity = service_placement.CapacityWatch(self)

    # -- triggers ------------------------------------------------------------------------

    def poke(self, service: Service, after: float = 0.0, background: bool = False) -> None:
        """Schedule a pass over `service` (one at a time; an earlier one wins)."""
        due = self.clock.now + timedelta(seconds=after)
        pending = service.pending_pass
        if pending is not None and not pending.cancelled:
            if pending.due <= due:
                return
            pending.cancel()
        service.pending_pass = self.clock.schedule(
            lambda: self._pass(service), after=after, background=background
        )

    def task_changed(self, task: Task, previous: TaskStatus | None) -> None:
        """A task of a service changed: move it between buckets, count failures, react."""
        found = self.owner.get(task.id)
        if found is None:
            return
        service, deployment = found
        if task.stopping and task.id not in deployment.stopping:
            self._unlist(deployment, task)
            deployment.stopping[task.id] = task
            service.steady = False
        if task.stopping:
            self.ops.targets.deregister(task)
        if task.last_status is TaskStatus.RUNNING and previous is not TaskStatus.RUNNING:
            self._reached_running(service, deployment, task)
        elif task.last_status is TaskStatus.STOPPED and previous is not TaskStatus.STOPPED:
            deployment.stopping.pop(task.id, None)
            # A task the scheduler itself stopped before it ran (scale-in, a deployment
            # replaced) did not fail to start: no throttle, no circuit-breaker count.
            scheduler_stop = task.stop_code is StopCode.SERVICE_SCHEDULER_INITIATED
            if task.started_at is None and not scheduler_stop:
                self._launch_failed(service, deployment)
        self.poke(service)

    def task_health(self, task: Task) -> None:
        """A container's health changed: a task turns healthy, or is replaced."""
        found = self.owner.get(task.id)
        if found is None or task.stopping:
            return
        service, deployment = found
        health = task.health_status
        if health is HealthStatus.HEALTHY:
            self.mark_healthy(task)
        elif health is HealthStatus.UNHEALTHY:
            label = event_label(service, deployment)
            self.replace_unhealthy(
                service,
                deployment,
                task,
                sv.unhealthy_message(label, task.id),
                sv.HEALTH_REASON,
                lambda: self.task_health(task),
            )

    # -- task events ---------------------------------------------------------------------

    def _reached_running(self, service: Service, deployment: Deployment, task: Task) -> None:
        service.launch_failures = 0
        service.hold_until = None
        if not deployment.reached_running:
            # Stage 1 of the circuit breaker ends: its count starts again for stage 2.
            deployment.reached_running = True
            deployment.failed_tasks = 0
        if task.id not in deployment.starting:
            return
        # With a load balancer, healthy once its targets are (`services.targets`); with
        # container health checks, once its containers say so (they may have said so
        # while the task still waited for another container, dependsOn).
        if self.ops.targets.register(service, deployment, task) or _has_health_check(task):
            self.mark_healthy(task)
            return
        delay = self.ops.timing.service_healthy_after
        if delay <= 0:
            self.mark_healthy(task)
        else:
            self.clock.schedule(lambda: self.mark_healthy(task), after=delay)

    def mark_healthy(self, task: Task) -> None:
        """A RUNNING task counts as healthy once its container checks and targets pass."""
        found = self.owner.get(task.id)
        if found is None or task.stopping:
            return
        if _has_health_check(task) and task.health_status is not HealthStatus.HEALTHY:
            return
        service, deployment = found
        ready = self.ops.targets.ready(task)
        if ready and task.id in deployment.starting and task.last_status is TaskStatus.RUNNING:
            deployment.starting.pop(task.id)
            deployment.healthy[task.id] = task
            self.poke(service)

    def replace_unhealthy(
        self,
        service: Service,
        deployment: Deployment,
        task: Task,
        message: str,
        reason: str,
        recheck: Callable[[], None],
    ) -> None:
        """Replace a task that failed health checks, unless still in its grace period."""
        grace_end = (task.started_at or self.clock.now) + timedelta(
            seconds=service.health_check_grace
        )
        if self.clock.now < grace_end:
            # healthCheckGracePeriodSeconds: unhealthy checks are ignored until it ends.
            self.clock.schedule(recheck, at=grace_end)
            return
        label = event_label(service, deployment)
        self.ops.add_event(service, message)
        self.stop(service, deployment, task, reason)
        # Behaviour reference 7.9: at the same instant as the matching "has stopped".
        self.ops.add_event(service, sv.stopped_message(label, [task]))
        self._count_failure(service, deployment)
        self.poke(service)

    def _launch_failed(self, service: Service, deployment: Deployment) -> None:
        if deployment is not service.primary and deployment not in service.task_sets:
            return  # a superseded deployment's launch says nothing about the current one
        # Throttle first: a circuit-breaker rollback below starts a deployment afresh.
        service.launch_failures += 1
        if service.launch_failures >= 2:
            # 10 s doubling to the cap (the exponent is bounded: no float overflow).
            backoff = min(MAX_BACKOFF, 10.0 * 2 ** min(service.launch_failures - 2, 7))
            service.hold_until = self.clock.now + timedelta(seconds=backoff)
            if service.launch_failures == 2:
                self.ops.add_event(service, sv.throttled_message(event_label(service, deployment)))
                self.ops.service_action(service, "WARN", "SERVICE_TASK_START_IMPAIRED")
        if not deployment.reached_running:
            self._count_failure(service, deployment)

    def _count_failure(self, service: Service, deployment: Deployment) -> None:
        if deployment is not service.primary:
            return
        deployment.failed_tasks += 1
        if (
            service.config.circuit_breaker
            and deployment.rollout_state is RolloutState.IN_PROGRESS
            and deployment.failed_tasks >= sv.breaker_threshold(deployment.desired_count)
        ):
            self.ops.trip_breaker(service, deployment)

    # -- the pass ------------------------------------------------------------------------

    def _pass(self, service: Service) -> None:
        service.pending_pass = None
        if service.controller != "ECS":
            if service.status is not sv.ServiceStatus.INACTIVE:
                self.backend.task_sets.run_pass(service)
            return
        primary = service.primary
        if primary is None or service.status is sv.ServiceStatus.INACTIVE:
            return
        if service.scheduling_strategy == "DAEMON" and service.active:
            # DAEMON: desiredCount is computed, one task per eligible container instance,
            # and the service follows the instances as they come and go.
            service.desired_count = self.ops.daemon_slots(service)
            self.capacity.watch(service)
        desired = service.desired_count if service.active else 0
        primary.desired_count = primary.requested_count = desired
        self.ops.begin(primary)
        staged = self.ops.staged.driving(service, primary)  # BLUE_GREEN, LINEAR, CANARY
        stopped, started = self._move(service, primary, desired, staged)
        if stopped:
            self.ops.add_event(service, sv.stopped_message(service.name, stopped))
        if started:
            self.ops.add_event(service, sv.started_message(service.name, started))
        if stopped or started:
            service.steady = False
        elif not staged and rolling.stuck(service, primary, desired):
            self.ops.add_event(service, sv.deadlock_message(service.name))
        self._drop_drained(service)
        if staged:
            self.ops.staged.after_pass(service, primary, desired)
        self._settle_state(service, primary, desired)

    def _move(
        self, service: Service, primary: Deployment, desired: int, staged: bool
    ) -> tuple[list[Task], list[Task]]:
        """Stop, then start: by the stages of a staged deployment, else the rolling rules."""
        evicted = service_placement.evicted(self.backend, service)
        if staged:
            chosen = self.ops.staged.to_stop(service, primary)
        else:
            chosen = rolling.to_stop(service, primary, desired, evicted)
        for deployment, task in chosen:
            self.stop(service, deployment, task, sv.SCALING_REASON.format(deployment=deployment.id))
        if staged:
            count = self.ops.staged.start_count(primary, desired)
        else:
            count = rolling.start_count(service, primary, desired, evicted)
        started = self.launch(service, primary, count) if count > 0 else []
        return [t for _, t in chosen], started

    def stop(self, service: Service, deployment: Deployment, task: Task, reason: str) -> None:
        """Stop a task of a deployment or task set (ServiceSchedulerInitiated)."""
        self._unlist(deployment, task)
        deployment.stopping[task.id] = task
        self.tasks.lifecycle.stop(task, StopCode.SERVICE_SCHEDULER_INITIATED, reason)

    def launch(self, service: Service, group: Deployment, count: int) -> list[Task]:
        """Start `count` tasks for a deployment or task set, unless launches are throttled.

        A throttled service tries again when the throttle allows, as background work, so
        that `settle()` returns.
        """
        now = self.clock.now
        if service.hold_until is not None and now < service.hold_until:
            wait = (service.hold_until - now).total_seconds()
            self.poke(service, after=wait, background=True)
            return []
        return self._launch(service, group, count)

    def _launch(self, service: Service, deployment: Deployment, count: int) -> list[Task]:
        spec = self.ops.task_spec(service, deployment)
        label = event_label(service, deployment)
        placements, failure = service_placement.place_for_service(
            self.backend, service, deployment, spec, count, label
        )
        self.capacity.note(service, failure)

        def adopt(task: Task) -> None:
            self.owner[task.id] = (service, deployment)
            deployment.starting[task.id] = task

        result = self.tasks.start_tasks(spec, placements, on_created=adopt)
        for _, reason in result.failures:
            self.ops.add_event(
                service,
                f"(service {event_label(service, deployment)}) was unable to place a task. "
                f"Reason: {reason}",
            )
            self._launch_failed(service, deployment)
        if result.failures and (service.primary is deployment or deployment in service.task_sets):
            # No task came to be, so no task event will bring the scheduler back: try
            # again at once, or when the throttle allows (background work then, like the
            # backoff itself, so that `settle()` returns).
            hold = service.hold_until
            if hold is None:
                self.poke(service)
            else:
                wait = max(0.0, (hold - self.clock.now).total_seconds())
                self.poke(service, after=wait, background=True)
        return result.tasks

    # -- after the moves -----------------------------------------------------------------

    def _drop_drained(self, service: Service) -> None:
        for deployment in list(service.deployments[1:]):
            if deployment.live == 0 and deployment.counts() == (0, 0):
                deployment.status = DeploymentStatus.INACTIVE
                deployment.desired_count = 0
                service.deployments.remove(deployment)
                service.finished.append(deployment)
                self.ops.deployment_left(service, deployment)
            else:
                deployment.desired_count = deployment.live
                deployment.updated_at = self.clock.now

    def _settle_state(self, service: Service, primary: Deployment, desired: int) -> None:
        if not service.active:
            if all(d.live == 0 and d.counts() == (0, 0) for d in service.deployments):
                self.ops.make_inactive(service)
            return
        steady = (
            len(service.deployments) == 1
            and primary.live == desired
            and len(primary.healthy) == desired
            and primary.counts() == (desired, 0)
            and primary.rollout_state is not RolloutState.FAILED
        )
        if not steady or self.ops.staged.holds(primary):
            return  # (a staged deployment completes after CLEAN_UP)
        if primary.rollout_state is RolloutState.IN_PROGRESS:
            if self.ops.alarms.baking(service, primary):
                return  # its CloudWatch alarms are watched a while longer first
            self.ops.complete(service, primary)
        if not service.steady:
            service.steady = True
            self.ops.add_event(service, sv.steady_message(service.name))
            self.ops.service_action(service, "INFO", "SERVICE_STEADY_STATE")

    @staticmethod
    def _unlist(deployment: Deployment, task: Task) -> None:
        deployment.starting.pop(task.id, None)
        deployment.healthy.pop(task.id, None)

    def forget(self, task: Task) -> None:
        """A task was purged after its retention."""
        self.owner.pop(task.id, None)


def event_label(service: Service, group: Deployment) -> str:
    """`web`, or `web, taskSet ecs-svc/...` for a task set: what events name."""
    if group in service.task_sets:
        return f"{service.name}, taskSet {group.id}"
    return service.name


def _running(task: Task) -> bool:
    return task.last_status is TaskStatus.RUNNING


def _has_health_check(task: Task) -> bool:
    return any(c.spec.essential and c.spec.health_check is not None for c in task.containers)
