"""Task scale-in protection: UpdateTaskProtection and GetTaskProtection on the clock.

Sources: the UpdateTaskProtection and GetTaskProtection docs [M] and the Developer Guide
page "Protect your Amazon ECS tasks from being terminated by scale-in events" [D]:
protection is for tasks of a service only (a standalone task is a `TASK_NOT_VALID`
failure); it lasts `expiresInMinutes` (1 to 2880, 120 by default), is reset by every
call that enables it, and lapses on its own, after which `protectionEnabled` is false; a
protected task is not stopped by scale-in or by a deployment (`services.rolling`). The
guide's `DEPLOYMENT_BLOCKED` failure: "the service has more protected tasks than the
desired count of tasks for the service" (quoted in aws-containers/
ecs-task-protection-examples#3).

Expiry is background work on the clock, like a throttled service's retry: `settle()` does
not leap ahead to the end of a protection, `advance()` runs it when due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ecsmock.errors import InvalidParameterException
from ecsmock.model.services.service import Service
from ecsmock.model.tasks.task import Task

if TYPE_CHECKING:
    from ecsmock.model.services.ops import ServiceOps

DEFAULT_MINUTES = 120
MIN_MINUTES, MAX_MINUTES = 1, 2880
MAX_UPDATE, MAX_GET = 10, 100
# ECS's text for an out-of-range expiresInMinutes was not captured; the range is [M][D].
MINUTES_RANGE = f"expiresInMinutes must be between {MIN_MINUTES} and {MAX_MINUTES}."
NOT_VALID = "TASK_NOT_VALID"
MISSING = "MISSING"
BLOCKED = "DEPLOYMENT_BLOCKED"
STOPPED = "stopped"  # internal: a TASK_NOT_VALID failure with our detail
# Our detail for a task that is stopping or stopped (ECS's reason there is unknown [S]).
STOPPED_DETAIL = "The task is stopping or stopped."


@dataclass(frozen=True, slots=True)
class Protection:
    """One task's protection as the API reports it."""

    task: Task
    enabled: bool
    expires_at: datetime | None


# A failure: (task ARN, reason, detail or None).
Failure = tuple[str, str, str | None]


class TaskProtection:
    """The protection of the service tasks of one backend."""

    def __init__(self, ops: ServiceOps) -> None:
        self.ops = ops
        self.clock = ops.backend.clock

    def update(
        self,
        cluster_ref: str,
        refs: list[str],
        enabled: bool,
        minutes: int | None,
    ) -> tuple[list[Protection], list[Failure]]:
        """UpdateTaskProtection: protect (or unprotect) up to 10 tasks of services.

        Raises:
            ClusterNotFoundException: no such cluster.
            InvalidParameterException: more than 10 tasks, or `expiresInMinutes` outside
                1-2880 when enabling.
        """
        cluster = self.ops.backend.cluster(cluster_ref)
        _check_count(refs, MAX_UPDATE)
        if enabled:
            minutes = DEFAULT_MINUTES if minutes is None else minutes
            if not MIN_MINUTES <= minutes <= MAX_MINUTES:
                # [M] expiresInMinutes: 1-2880; text [U]
                raise InvalidParameterException(MINUTES_RANGE)
        done: list[Protection] = []
        failures: list[Failure] = []
        for ref in refs:
            found = self._resolve(cluster.name, ref)
            if isinstance(found, str):
                failures.append(self._failure(cluster.name, ref, found))
                continue
            task, service = found
            if enabled and task.protected_until is None and self._full(service):
                failures.append((task.arn, BLOCKED, None))
                continue
            if minutes is not None and enabled:
                self._protect(task, service, self.clock.now + timedelta(minutes=minutes))
            else:
                self._release(task, service)
            done.append(_view(task))
        return done, failures

    def get(self, cluster_ref: str, refs: list[str]) -> tuple[list[Protection], list[Failure]]:
        """GetTaskProtection: the protection of up to 100 tasks of services.

        Raises:
            ClusterNotFoundException: no such cluster.
            InvalidParameterException: more than 100 tasks.
        """
        cluster = self.ops.backend.cluster(cluster_ref)
        _check_count(refs, MAX_GET)
        found: list[Protection] = []
        failures: list[Failure] = []
        for ref in refs:
            target = self._resolve(cluster.name, ref)
            if isinstance(target, str):
                failures.append(self._failure(cluster.name, ref, target))
            else:
                found.append(_view(target[0]))
        return found, failures

    # -- the steps ------------------------------------------------------------------------

    def _resolve(self, cluster: str, ref: str) -> tuple[Task, Service] | str:
        """The task and its service, or the failure reason."""
        task = self.ops.backend.tasks.find(cluster, ref)
        if task is None:
            return MISSING
        owner = self.ops.scheduler.owner.get(task.id)
        if owner is None:
            return NOT_VALID
        if task.stopping:
            return STOPPED
        return task, owner[0]

    def _failure(self, cluster: str, ref: str, reason: str) -> Failure:
        """A failure entry: the task's full ARN, ECS's reason, and our detail if any."""
        task = self.ops.backend.tasks.find(cluster, ref)
        if task is not None:
            arn = task.arn
        else:
            arn = ref if ref.startswith("arn:") else self.ops.backend.arn(f"task/{cluster}/{ref}")
        if reason == STOPPED:
            return arn, NOT_VALID, STOPPED_DETAIL
        return arn, reason, None

    def _full(self, service: Service) -> bool:
        """Whether one more protected task would outnumber the desired count."""
        protected = sum(
            1
            for d in (*service.deployments, *service.task_sets)
            for t in d.live_tasks()
            if t.protected_until is not None
        )
        return protected + 1 > service.desired_count

    def _protect(self, task: Task, service: Service, until: datetime) -> None:
        if task.protection_timer is not None:
            task.protection_timer.cancel()
        task.protected_until = until
        task.protection_timer = self.clock.schedule(
            lambda: self._expire(task, service), at=until, background=True
        )

    def _expire(self, task: Task, service: Service) -> None:
        task.protection_timer = None
        self._release(task, service)

    def _release(self, task: Task, service: Service) -> None:
        """Protection ends: the scheduler may now stop the task if it has reason to."""
        if task.protection_timer is not None:
            task.protection_timer.cancel()
            task.protection_timer = None
        if task.protected_until is not None:
            task.protected_until = None
            if not task.stopping:
                self.ops.scheduler.poke(service)


def _view(task: Task) -> Protection:
    until = task.protected_until
    return Protection(task=task, enabled=until is not None, expires_at=until)


def _check_count(refs: list[str], most: int) -> None:
    if len(refs) > most:
        # [M] up to 10 tasks; wording of the observed `taskIds can have at most 100 items.` [O]
        raise InvalidParameterException(f"tasks can have at most {most} items.")
