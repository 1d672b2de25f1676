"""Test helpers for deployments: what AWS does through Lambda, CloudWatch and ELB.

`ecs.set_hook_handler(...)` stands in for the Lambda function of an AWS_LAMBDA lifecycle
hook; `ecs.set_alarm_state(...)` sets a CloudWatch alarm's state, now or at a simulated
instant; `ecs.set_target_health(...)` makes load-balancer health checks fail (or pass
again). Bad arguments raise `DeploymentHelperError` naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ecsmock._faults import find_task
from ecsmock._ids import parse_arn
from ecsmock.errors import ECSMockError
from ecsmock.model.services.stages import STATES
from ecsmock.model.services.targets import TargetRule

if TYPE_CHECKING:
    import threading

    from ecsmock._options import Options
    from ecsmock.model.world import World


class DeploymentHelperError(ECSMockError, ValueError):
    """A deployment helper was given an argument it cannot use (the text names it)."""


HookHandler = Callable[[dict[str, Any]], Any]


class DeploymentHelpers:
    """The `ECSMock` handle's deployment helpers (a mixin of `ECSMock`)."""

    _lock: threading.RLock
    options: Options

    if TYPE_CHECKING:

        @property
        def world(self) -> World:
            """The simulated world."""

    def set_hook_handler(self, function: str, handler: HookHandler | None) -> None:
        """Answer the AWS_LAMBDA lifecycle hooks whose `hookTargetArn` is `function`.

        ECS invokes the hook's Lambda function with a payload (`serviceArn`,
        `targetServiceRevisionArn`, `testTrafficWeights`, `productionTrafficWeights`,
        `lifecycleStage` and `hookDetails`) and reads `hookStatus` (`SUCCEEDED`, `FAILED` or
        `IN_PROGRESS`), `callBackDelay` and `hookDetails` from its answer; `handler` is
        called the same way, in simulated time. A handler that raises, or answers anything
        else, fails the hook (the deployment rolls back). Hooks whose function has no
        handler succeed.

        Args:
            function: a Lambda function ARN, its name, or "*" for every function.
            handler: the stand-in; None removes the one registered for `function`.
        """
        if not isinstance(function, str) or not function:
            raise DeploymentHelperError(
                f"function must be a Lambda function ARN, a name or '*', not {function!r}"
            )
        if handler is not None and not callable(handler):
            raise DeploymentHelperError(f"handler must be callable or None, not {handler!r}")
        with self._lock:
            handlers = self.world.behaviour.hook_handlers
            if handler is None:
                handlers.pop(function, None)
            else:
                handlers[function] = handler

    def set_alarm_state(
        self,
        alarm_name: str,
        state: str,
        *,
        at: datetime | None = None,
        after: float | timedelta | None = None,
        region: str | None = None,
    ) -> None:
        """Set a CloudWatch alarm's state, now or at a simulated instant.

        A deployment whose `deploymentConfiguration.alarms` names the alarm (enabled) fails
        when the alarm goes into ALARM while it is watched, and rolls back with `rollback`.
        Alarms start INSUFFICIENT_DATA.

        Args:
            alarm_name: the alarm's name, as `alarmNames` gives it.
            state: "OK", "ALARM" or "INSUFFICIENT_DATA".
            at: an aware datetime, not in the simulated past: change then.
            after: seconds or a timedelta from now: change then (not with `at`).
            region: only this region's alarm of that name (None: every region).
        """
        if not isinstance(alarm_name, str) or not alarm_name:
            raise DeploymentHelperError(
                f"alarm_name must be a non-empty string, not {alarm_name!r}"
            )
        if state not in STATES:
            raise DeploymentHelperError(f"state must be one of {', '.join(STATES)}, not {state!r}")
        if region is not None and (not isinstance(region, str) or not region):
            raise DeploymentHelperError(f"region must be a region name or None, not {region!r}")
        with self._lock:
            board = self.world.behaviour.alarms
            when = self._when(at, after)
            if when is None:
                board.set(region, alarm_name, state)
            else:
                self.world.clock.schedule(lambda: board.set(region, alarm_name, state), at=when)

    def _when(self, at: datetime | None, after: float | timedelta | None) -> datetime | None:
        """The instant `at` or `after` names (None: now), checked."""
        now = self.world.clock.now
        if at is not None and after is not None:
            raise DeploymentHelperError("give at or after, not both")
        if at is not None:
            if not isinstance(at, datetime) or at.tzinfo is None:
                raise DeploymentHelperError(f"at must be an aware datetime, not {at!r}")
            if at < now:
                raise DeploymentHelperError(f"at {at.isoformat()} is before the simulated now")
            return at
        if after is None:
            return None
        if isinstance(after, bool) or not isinstance(after, int | float | timedelta):
            raise DeploymentHelperError(f"after must be seconds or a timedelta, not {after!r}")
        delta = after if isinstance(after, timedelta) else timedelta(seconds=after)
        if delta < timedelta(0):
            raise DeploymentHelperError(f"after must not be negative, not {after!r}")
        return now + delta

    def set_target_health(
        self,
        state: str,
        *,
        task: str | None = None,
        family: str | None = None,
        target_group: str | None = None,
    ) -> None:
        """Make load-balancer health checks fail ("unhealthy") or pass ("healthy") again.

        With `task`, that task's targets (it must be RUNNING in a service with a target
        group); otherwise the targets of every task of `family` (None: any) in
        `target_group` (None: any), now and from now on. A target whose checks fail is
        unhealthy 60 simulated seconds later (two failed checks 30 s apart); then, after
        the service's `healthCheckGracePeriodSeconds`, the service replaces its task.

        Args:
            state: "unhealthy" (checks fail) or "healthy" (they pass again).
            task: a task ARN.
            family: a task definition family (without `task`).
            target_group: a target group ARN (without `task`).
        """
        if state not in ("healthy", "unhealthy"):
            raise DeploymentHelperError(f"state must be 'healthy' or 'unhealthy', not {state!r}")
        failing = state == "unhealthy"
        with self._lock:
            if task is not None:
                if family is not None or target_group is not None:
                    raise DeploymentHelperError("give task, or family and target_group, not both")
                self._task_targets(task, failing)
                return
            rules = self.world.behaviour.failing_targets
            rule = TargetRule(family=family, group=target_group)
            if failing:
                rules.append(rule)
            else:
                rules[:] = [r for r in rules if not _covers(rule, r)]
            for backend in self.world.backends.values():
                backend.services.targets.set_failing(None, failing)

    def _task_targets(self, task_arn: str, failing: bool) -> None:
        try:
            found = find_task(self.world, self.options.account_id, task_arn)
        except ECSMockError as err:
            raise DeploymentHelperError(f"task: {err}") from None
        parsed = parse_arn(found.arn)
        assert parsed is not None
        backend = self.world.backend(parsed.account, parsed.region)
        targets = backend.services.targets
        if not targets.states(found):
            raise DeploymentHelperError(
                f"task {task_arn} has no load-balancer targets: it is not RUNNING in a "
                "service whose load balancers name a target group"
            )
        targets.set_failing(found, failing)


def _covers(cleared: TargetRule, rule: TargetRule) -> bool:
    """Whether clearing `cleared` removes `rule` (None clears any value)."""
    return (cleared.family is None or cleared.family == rule.family) and (
        cleared.group is None or cleared.group == rule.group
    )
