"""Target health for services behind load balancers (Application and Network Load Balancers).

A RUNNING task of a deployment whose revision has `loadBalancers` with a `targetGroupArn`
is registered in each target group, with the service event `(service web) registered 2
targets in (target-group arn:...)` (real event logs) [O]. A target must pass one health
check to be healthy, 30 seconds apart by default (Elastic Load Balancing target group
health checks; "Optimize load balancer health check parameters", ECS Developer Guide) [D]:
here `target_healthy_after` seconds after registration [S]. With a load balancer the
scheduler counts a task as healthy once its targets are (and its containers, if they have
health checks) [M, DeploymentConfiguration.minimumHealthyPercent].

Targets of tasks the test says fail their checks (`ecs.set_target_health`) turn unhealthy
`target_unhealthy_after` seconds later (two failed checks 30 s apart, the default
unhealthy threshold) [D]; then, after `healthCheckGracePeriodSeconds` from the task's start,
the service replaces the task: event `(service web) (task <id>) (port 80) is unhealthy in
(target-group <arn>) due to (reason Health checks failed).` and stop reason `Task failed ELB
health checks in (target-group <arn>)`, both quoted from real output [O]. A stopping task
is deregistered: `(service web) deregistered 1 targets in (target-group <arn>)` [O].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ecsmock.clock import Scheduled
from ecsmock.model.services.service import Deployment, Service
from ecsmock.model.tasks.task import Task

if TYPE_CHECKING:
    from ecsmock.model.services.ops import ServiceOps

ELB_REASON = "Task failed ELB health checks in (target-group {group})"


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetRule:
    """Targets whose health checks fail (None matches anything)."""

    family: str | None = None
    group: str | None = None

    def matches(self, task: Task, group: str) -> bool:
        """Whether the rule covers this task's target in `group`."""
        return (self.family is None or self.family == task.family) and (
            self.group is None or self.group == group
        )


@dataclass(slots=True, kw_only=True, eq=False)
class Target:
    """A task registered in a target group."""

    task: Task
    group: str
    port: int | None
    state: str = "initial"  # then healthy or unhealthy (TargetHealth.State) [D]
    failing: bool = False
    timer: Scheduled | None = None


@dataclass(slots=True)
class _Batch:
    """Registrations (or deregistrations) of one instant, told in one event per group."""

    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    flush: Scheduled | None = None


class TargetHealth:
    """The load-balancer targets of one backend's service tasks."""

    def __init__(self, ops: ServiceOps) -> None:
        self.ops = ops
        self.clock = ops.backend.clock
        self.by_task: dict[str, list[Target]] = {}
        self.batch = _Batch()

    @property
    def rules(self) -> list[TargetRule]:
        """The test's failing-target rules (shared by every region of the mock)."""
        rules: list[TargetRule] = self.ops.backend.tasks.lifecycle.behaviour.failing_targets
        return rules

    # -- registration ---------------------------------------------------------------------

    def register(self, service: Service, deployment: Deployment, task: Task) -> bool:
        """Register a task that reached RUNNING in its deployment's target groups.

        Returns whether it has targets (and so waits for them to be healthy).
        """
        groups = target_groups(deployment)
        if not groups or service.controller != "ECS":
            return False
        targets = [Target(task=task, group=g, port=p) for g, p in groups]
        self.by_task[task.id] = targets
        for target in targets:
            target.failing = any(rule.matches(task, target.group) for rule in self.rules)
            self._check_later(service, target)
            self._tell(service, "registered", target.group)
        return True

    def deregister(self, task: Task) -> None:
        """A stopping task leaves its target groups."""
        targets = self.by_task.pop(task.id, None)
        found = self.ops.scheduler.owner.get(task.id)
        for target in targets or ():
            if target.timer is not None:
                target.timer.cancel()
            if found is not None:
                self._tell(found[0], "deregistered", target.group)

    def ready(self, task: Task) -> bool:
        """Whether every target of the task is healthy (True without targets)."""
        return all(t.state == "healthy" for t in self.by_task.get(task.id, ()))

    def states(self, task: Task) -> list[tuple[str, str]]:
        """(target group ARN, state) of each target of a task."""
        return [(t.group, t.state) for t in self.by_task.get(task.id, ())]

    # -- health ---------------------------------------------------------------------------

    def set_failing(self, task: Task | None, failing: bool) -> None:
        """The test changed whose checks fail: one task's targets, or every matching one."""
        chosen = [self.by_task.get(task.id, [])] if task is not None else self.by_task.values()
        for targets in list(chosen):
            for target in targets:
                now_failing = failing if task is not None else self._ruled(target)
                if now_failing != target.failing:
                    target.failing = now_failing
                    found = self.ops.scheduler.owner.get(target.task.id)
                    if found is not None:
                        self._check_later(found[0], target)

    def _ruled(self, target: Target) -> bool:
        return any(rule.matches(target.task, target.group) for rule in self.rules)

    def _check_later(self, service: Service, target: Target) -> None:
        """Schedule the next verdict on a target.

        Healthy after one passing check, unhealthy after the threshold of failing ones.
        """
        if target.timer is not None:
            target.timer.cancel()
        timing = self.ops.timing
        wait = timing.target_unhealthy_after if target.failing else timing.target_healthy_after
        verdict = "unhealthy" if target.failing else "healthy"
        if target.state == verdict:
            return
        target.timer = self.clock.schedule(
            lambda: self._verdict(service, target, verdict), after=timedelta(seconds=wait)
        )

    def _verdict(self, service: Service, target: Target, state: str) -> None:
        target.timer = None
        if self.by_task.get(target.task.id) is None or target.task.stopping:
            return
        target.state = state
        if state == "healthy":
            self.ops.scheduler.mark_healthy(target.task)
        else:
            self._unhealthy(service, target)

    def _unhealthy(self, service: Service, target: Target) -> None:
        found = self.ops.scheduler.owner.get(target.task.id)
        if found is None:
            return
        task = target.task
        port = f" (port {target.port})" if target.port is not None else ""
        message = (
            f"(service {service.name}) (task {task.id}){port} is unhealthy in "
            f"(target-group {target.group}) due to (reason Health checks failed)."
        )
        self.ops.scheduler.replace_unhealthy(
            service,
            found[1],
            task,
            message,
            ELB_REASON.format(group=target.group),
            lambda: self._recheck(service, target),
        )

    def _recheck(self, service: Service, target: Target) -> None:
        """The grace period ended: a target still unhealthy gets its task replaced."""
        if target.state == "unhealthy" and self.by_task.get(target.task.id) is not None:
            self._unhealthy(service, target)

    # -- events ---------------------------------------------------------------------------

    def _tell(self, service: Service, verb: str, group: str) -> None:
        key = (service.arn, verb, group)
        self.batch.counts[key] = self.batch.counts.get(key, 0) + 1
        if self.batch.flush is None:
            self.batch.flush = self.clock.schedule(self._flush, after=0.0)

    def _flush(self) -> None:
        counts, self.batch = self.batch.counts, _Batch()
        for (arn, verb, group), n in counts.items():
            service = self._service(arn)
            if service is not None:
                message = f"(service {service.name}) {verb} {n} targets in (target-group {group})"
                self.ops.add_event(service, message)

    def _service(self, arn: str) -> Service | None:
        name = arn.rsplit("/", 2)
        found = self.ops.store.by_key.get((name[-2], name[-1])) if len(name) == 3 else None
        return found if found is not None and found.arn == arn else None


def target_groups(deployment: Deployment) -> list[tuple[str, int | None]]:
    """(target group ARN, container port) of each load balancer the revision names.

    A staged deployment with `advancedConfiguration` runs in the alternate target group
    when the deployment before it ran in the main one, and back (`Deployment.alternate`).
    """
    out: list[tuple[str, int | None]] = []
    for lb in deployment.revision.load_balancers:
        group = _group_of(lb, deployment.alternate)
        if group:
            out.append((group, lb.get("containerPort")))
    return out


def _group_of(lb: dict[str, Any], alternate: bool) -> str | None:
    advanced = lb.get("advancedConfiguration") or {}
    if alternate and advanced.get("alternateTargetGroupArn"):
        return str(advanced["alternateTargetGroupArn"])
    group = lb.get("targetGroupArn")
    return None if group is None else str(group)
