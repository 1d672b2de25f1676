"""Scripted container behaviour and fault injection, reached through the `ECSMock` handle.

`ecs.script_container(...)` says how matching containers behave once RUNNING (exit with a
code after a simulated delay, ignore SIGTERM); `ecs.script_output(...)` what they write to
their log; `ecs.faults` injects what goes wrong on AWS: failed image pulls, crashes,
failing health checks, Spot interruptions, Fargate capacity shortages.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from ecsmock import _checks as check
from ecsmock._ids import parse_arn
from ecsmock.errors import ECSMockError, OptionError
from ecsmock.model.behaviour import (
    ContainerScript,
    ExecFault,
    Match,
    OutputScript,
    PullFailure,
)
from ecsmock.model.tasks.task import SPOT_REASON, StopCode, Task, TaskStatus

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend
    from ecsmock.model.world import World

F = TypeVar("F", bound=Callable[..., Any])


def locked(method: F) -> F:
    """Run a handle method under its mock's lock (`self._lock`).

    Other threads may be calling ECS meanwhile: the clock's heap, the rules and the
    model are shared with their calls.
    """

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return run  # type: ignore[return-value]


class TaskNotFoundError(ECSMockError, LookupError):
    """A fault named a task the mock does not hold."""


def find_task(world: World, account: str, task_arn: str) -> Task:
    """The live task an ARN names, in whatever region it is."""
    parsed = parse_arn(task_arn)
    if parsed is None or parsed.kind != "task":
        raise TaskNotFoundError(f"{task_arn!r} is not a task ARN")
    backend = world.backends.get((parsed.account or account, parsed.region))
    task = backend.tasks.store.by_id.get(parsed.path[-1]) if backend is not None else None
    if task is None:
        raise TaskNotFoundError(f"no task {task_arn} in this mock (never run, or purged)")
    return task


def script_container(
    world: World,
    *,
    family: str | None = None,
    container: str | None = None,
    image: str | None = None,
    exit_code: int | None = None,
    after: float | timedelta | None = None,
    reason: str | None = None,
    on_sigterm: str = "exit",
    sigterm_exit_code: int = 0,
) -> None:
    """Add a container script (see `ECSMock.script_container`), its arguments checked."""
    where = "script_container()"
    check.matching(where, family, container, image)
    check.exit_code(where, "exit_code", exit_code, optional=True)
    check.delay(where, "after", after, optional=True)
    check.text(where, "reason", reason)
    check.text(where, "on_sigterm", on_sigterm, optional=False)
    check.exit_code(where, "sigterm_exit_code", sigterm_exit_code)
    if isinstance(after, timedelta):
        after = after.total_seconds()
    world.behaviour.scripts.append(
        ContainerScript(
            match=Match(family=family, container=container, image=image),
            exit_code=exit_code,
            after=after,
            reason=reason,
            on_sigterm=on_sigterm,
            sigterm_exit_code=sigterm_exit_code,
        )
    )


class OutputHelpers:
    """The handle's `script_output` (a mixin of `ECSMock`)."""

    _lock: threading.RLock

    if TYPE_CHECKING:

        @property
        def world(self) -> World:
            """The simulated world."""

    @locked
    def script_output(
        self,
        lines: Iterable[str | tuple[float | timedelta, str]],
        *,
        family: str | None = None,
        container: str | None = None,
        image: str | None = None,
    ) -> None:
        """Script what matching containers write to their log once RUNNING (newest rule wins).

        Beside moto's `mock_aws`, a container with the `awslogs` log driver writes each line
        to its CloudWatch Logs stream at its simulated time (a line due after the container
        has exited is not written); without moto they go nowhere, as ECS keeps no logs.

        Args:
            lines: each `(seconds after the container started, text)` (the delay in
                seconds or a timedelta), or a bare text, written as the container starts.
            family: only tasks of this task-definition family (None: any).
            container: only containers of this name.
            image: only containers of this image.
        """
        where = "script_output()"
        check.matching(where, family, container, image)
        timed: list[tuple[float, str]] = []
        for item in [lines] if isinstance(lines, str) else lines:
            if isinstance(item, str):
                item = (0.0, item)
            if not isinstance(item, tuple) or len(item) != 2:
                raise OptionError(f"{where}: a line must be a str or (delay, str), not {item!r}")
            after, line = item
            check.delay(where, "a line's delay", after)
            check.text(where, "a line", line, optional=False)
            seconds = after.total_seconds() if isinstance(after, timedelta) else float(after)
            timed.append((seconds, line))
        match = Match(family=family, container=container, image=image)
        self.world.behaviour.outputs.append(OutputScript(match=match, lines=tuple(timed)))


class Faults:
    """Fault injection for one mock: `ecs.faults.image_pull_failure(...)` and friends."""

    def __init__(self, world: World, account: str, lock: threading.RLock) -> None:
        self._world = world
        self._account = account
        self._lock = lock

    @locked
    def image_pull_failure(
        self,
        *,
        image: str | None = None,
        family: str | None = None,
        container: str | None = None,
        message: str | None = None,
        times: int | None = None,
    ) -> None:
        """Make pulls of matching images fail: the task stops with TaskFailedToStart.

        Args:
            image: only this image (None: any).
            family: only tasks of this task-definition family.
            container: only this container name.
            message: the error (default a `CannotPullContainerError: ...` text).
            times: how many pulls fail (None: every one from now on).
        """
        where = "faults.image_pull_failure()"
        check.matching(where, family, container, image)
        check.text(where, "message", message)
        check.count(where, "times", times)
        self._world.behaviour.pull_failures.append(
            PullFailure(
                match=Match(family=family, container=container, image=image),
                message=message,
                times=times,
            )
        )

    @locked
    def crash(
        self,
        *,
        family: str | None = None,
        container: str | None = None,
        image: str | None = None,
        exit_code: int = 1,
        after: float | timedelta = 0.0,
        reason: str | None = None,
    ) -> None:
        """Matching containers exit with `exit_code` `after` seconds once RUNNING."""
        where = "faults.crash()"
        check.exit_code(where, "exit_code", exit_code)
        check.delay(where, "after", after)
        script_container(
            self._world,
            family=family,
            container=container,
            image=image,
            exit_code=exit_code,
            after=after,
            reason=reason,
        )

    @locked
    def exit_container(
        self,
        task_arn: str,
        container: str,
        exit_code: int,
        *,
        at: datetime | None = None,
        after: float | timedelta = 0.0,
        reason: str | None = None,
    ) -> None:
        """Make one container of a running task exit with `exit_code`, now or later."""
        where = "faults.exit_container()"
        check.text(where, "task_arn", task_arn, optional=False)
        check.text(where, "container", container, optional=False)
        check.exit_code(where, "exit_code", exit_code)
        check.instant(where, "at", at)
        check.delay(where, "after", after)
        check.text(where, "reason", reason)
        task = find_task(self._world, self._account, task_arn)
        target = task.container(container)
        if target is None:
            raise ECSMockError(f"task {task_arn} has no container named {container!r}")
        engine = self._backend(task).tasks.lifecycle

        def fire() -> None:
            engine.container_exited(task, target, exit_code, reason)

        clock = self._world.clock
        if at is not None:
            clock.schedule(fire, at=at)
        else:
            clock.schedule(fire, after=after)

    @locked
    def spot_interruption(self, task_arn: str) -> None:
        """Reclaim a FARGATE_SPOT task now: stopCode SpotInterruption, ECS's warning."""
        check.text("faults.spot_interruption()", "task_arn", task_arn, optional=False)
        task = find_task(self._world, self._account, task_arn)
        if task.capacity_provider_name != "FARGATE_SPOT":
            raise ECSMockError(
                f"task {task_arn} does not run on FARGATE_SPOT "
                f"(capacity provider {task.capacity_provider_name!r})"
            )
        if task.last_status is TaskStatus.STOPPED:
            return
        self._backend(task).tasks.lifecycle.stop(task, StopCode.SPOT_INTERRUPTION, SPOT_REASON)

    @locked
    def unhealthy(
        self,
        *,
        family: str | None = None,
        container: str | None = None,
        image: str | None = None,
    ) -> None:
        """Make the health checks of matching containers fail from now on.

        Containers that start afterwards and have a `healthCheck` become UNHEALTHY after
        `retries` counted failures (failures inside `startPeriod` do not count), and never
        HEALTHY; a HEALTHY `dependsOn` condition on them is never met. A task whose essential
        container is UNHEALTHY reports `healthStatus` UNHEALTHY; a standalone task keeps
        running (HealthCheck docs).
        """
        check.matching("faults.unhealthy()", family, container, image)
        self._world.behaviour.unhealthy.append(
            Match(family=family, container=container, image=image)
        )

    @locked
    def capacity_unavailable(self, provider: str = "FARGATE", times: int | None = None) -> None:
        """Fargate has no capacity: RunTask answers `failures` for `provider`'s tasks.

        Args:
            provider: "FARGATE" or "FARGATE_SPOT".
            times: how many task launches fail (None: all until `clear()`).
        """
        if provider not in ("FARGATE", "FARGATE_SPOT"):
            raise OptionError(f"provider must be FARGATE or FARGATE_SPOT, not {provider!r}")
        check.count("faults.capacity_unavailable()", "times", times)
        self._world.behaviour.capacity_shortages[provider] = times

    @locked
    def exec_not_connected(
        self,
        *,
        family: str | None = None,
        container: str | None = None,
        image: str | None = None,
        times: int | None = None,
    ) -> None:
        """ECS Exec sessions on matching containers fail: TargetNotConnectedException.

        ECS answers it when the agent cannot reach Session Manager (missing `ssmmessages`
        permissions on the task role, no route to the endpoint, a read-only root file
        system), and for a few seconds after the agent starts.

        Args:
            family: only tasks of this task-definition family (None: any).
            container: only this container name.
            image: only containers of this image.
            times: how many `execute_command` calls fail (None: every one from now on).
        """
        where = "faults.exec_not_connected()"
        check.matching(where, family, container, image)
        check.count(where, "times", times)
        match = Match(family=family, container=container, image=image)
        self._world.behaviour.exec_faults.append(ExecFault(match=match, times=times))

    @locked
    def clear(self) -> None:
        """Drop every fault and container script."""
        self._world.behaviour.clear()

    def _backend(self, task: Task) -> Backend:
        parsed = parse_arn(task.arn)
        assert parsed is not None
        return self._world.backend(parsed.account, parsed.region)
