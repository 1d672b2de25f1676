"""Deployment strategies as data: lifecycle stages, hooks, traffic steps, a rollout's state.

Behaviour reference 7.11 (`lifecycleStage`). BLUE_GREEN, LINEAR and CANARY deployments (the
ECS controller's `deploymentConfiguration.strategy`) move through the lifecycle stages of
the botocore model [M]; `services.strategies` runs them on the clock, `services.hooks` runs
their lifecycle hooks. Nothing here schedules anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ecsmock.clock import Scheduled

ROLLING = "ROLLING"
STAGED = ("BLUE_GREEN", "LINEAR", "CANARY")


class Stage(StrEnum):
    """`ServiceDeployment.lifecycleStage` [M], in the order a deployment passes them [D]."""

    RECONCILE_SERVICE = "RECONCILE_SERVICE"
    PRE_SCALE_UP = "PRE_SCALE_UP"
    SCALE_UP = "SCALE_UP"
    POST_SCALE_UP = "POST_SCALE_UP"
    TEST_TRAFFIC_SHIFT = "TEST_TRAFFIC_SHIFT"
    POST_TEST_TRAFFIC_SHIFT = "POST_TEST_TRAFFIC_SHIFT"
    PRODUCTION_TRAFFIC_SHIFT = "PRODUCTION_TRAFFIC_SHIFT"
    POST_PRODUCTION_TRAFFIC_SHIFT = "POST_PRODUCTION_TRAFFIC_SHIFT"
    BAKE_TIME = "BAKE_TIME"
    CLEAN_UP = "CLEAN_UP"


ORDER = tuple(Stage)
# Hooks may also run at PRE_PRODUCTION_TRAFFIC_SHIFT, a hook stage the deployment never
# reports as its lifecycleStage (DeploymentLifecycleHookStage enum [M]); it runs before each
# production traffic step [D], while the deployment shows PRODUCTION_TRAFFIC_SHIFT [I].
PRE_PRODUCTION = "PRE_PRODUCTION_TRAFFIC_SHIFT"
# "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT
# stages" (DeploymentLifecycleHook, API reference) [D].
LAMBDA_ONLY_STAGES = ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")


@dataclass(frozen=True, slots=True, kw_only=True)
class HookSpec:
    """One `deploymentConfiguration.lifecycleHooks` item, in model terms."""

    target_type: str = "AWS_LAMBDA"  # the documented default [M]
    target_arn: str | None = None
    role_arn: str | None = None
    stages: tuple[str, ...] = ()
    details: Any = None
    # DeploymentLifecycleHookTimeoutConfiguration defaults: 1440 minutes, ROLLBACK [D].
    timeout_minutes: int = 1440
    timeout_action: str = "ROLLBACK"


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategySettings:
    """The strategy part of a `deploymentConfiguration`, defaults from the API reference."""

    strategy: str = ROLLING
    bake_minutes: int = 0  # [S] when not given (the model asks for it with BLUE_GREEN)
    step_percent: float = 10.0  # LinearConfiguration defaults [M]
    step_bake_minutes: int = 6
    canary_percent: float = 5.0  # CanaryConfiguration defaults [M]
    canary_bake_minutes: int = 10
    hooks: tuple[HookSpec, ...] = ()

    @property
    def staged(self) -> bool:
        """Whether deployments go stage by stage (BLUE_GREEN, LINEAR, CANARY)."""
        return self.strategy in STAGED

    def hooks_at(self, stage: str) -> list[HookSpec]:
        """The hooks configured at a hook stage, in configuration order."""
        return [hook for hook in self.hooks if stage in hook.stages]


def traffic_steps(settings: StrategySettings) -> list[tuple[float, float]]:
    """The production traffic steps: (green's weight %, seconds to wait after it).

    BLUE_GREEN shifts everything at once. CANARY shifts `canaryPercent`, waits
    `canaryBakeTimeInMinutes`, then shifts the rest [M]. LINEAR shifts `stepPercent` more at
    each step and waits `stepBakeTimeInMinutes` after each, except after reaching 100 % [M]
    (so 25 % takes three waits, as CloudFormation's step count documents) [D].
    """
    if settings.strategy == "CANARY" and settings.canary_percent < 100:
        return [(settings.canary_percent, settings.canary_bake_minutes * 60.0), (100.0, 0.0)]
    if settings.strategy == "LINEAR":
        steps: list[tuple[float, float]] = []
        weight = settings.step_percent
        while weight < 100 - 1e-9:
            steps.append((round(weight, 1), settings.step_bake_minutes * 60.0))
            weight = round(weight + settings.step_percent, 1)
        return [*steps, (100.0, 0.0)]
    return [(100.0, 0.0)]


@dataclass(slots=True, kw_only=True, eq=False)
class HookRun:
    """One execution of a lifecycle hook (a `lifecycleHookDetails` item)."""

    hook_id: str
    spec: HookSpec
    stage: str  # the hook stage it runs at
    status: str  # AWAITING_ACTION (PAUSE) or IN_PROGRESS (AWS_LAMBDA), then a final one
    expires_at: datetime
    timer: Scheduled | None = None  # the timeout, or a Lambda's next invocation
    expiry: Scheduled | None = None
    details: Any = None  # what the last Lambda answer passed on (`hookDetails`)

    @property
    def open(self) -> bool:
        """Whether the hook still decides nothing."""
        return self.status in ("AWAITING_ACTION", "IN_PROGRESS")


ALARM = "ALARM"
STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
# (region, or None for every region; alarm name; new state)
AlarmListener = Callable[[str | None, str, str], None]
# The states of other alarms, e.g. moto's CloudWatch: (region, name) -> state or None.
AlarmReader = Callable[[str, str], str | None]


@dataclass(slots=True)
class AlarmBoard:
    """The state of each named CloudWatch alarm, per region (None: every region)."""

    states: dict[tuple[str | None, str], str] = field(default_factory=dict)
    listeners: list[AlarmListener] = field(default_factory=list)
    reader: AlarmReader | None = None

    def state(self, region: str, name: str) -> str:
        """An alarm's state; INSUFFICIENT_DATA, a new alarm's state, until set [D]."""
        if self.reader is not None:
            found = self.reader(region, name)
            if found is not None:
                return found
        known = self.states.get((region, name)) or self.states.get((None, name))
        return known or "INSUFFICIENT_DATA"

    def set(self, region: str | None, name: str, state: str) -> None:
        """Set an alarm's state (in every region when `region` is None) and tell watchers."""
        if region is None:
            for key in [k for k in self.states if k[1] == name]:
                del self.states[key]
        self.states[(region, name)] = state
        for listener in self.listeners:
            listener(region, name, state)


@dataclass(slots=True, kw_only=True, eq=False)
class AlarmWatch:
    """A deployment's `deploymentConfiguration.alarms`, watched while it runs."""

    names: tuple[str, ...]
    rollback: bool
    # Alarms already in ALARM when the deployment began: ignored until they leave it.
    ignored: set[str] = field(default_factory=set)
    status: str = "MONITORING"  # then TRIGGERED or MONITORING_COMPLETE
    triggered: list[str] = field(default_factory=list)
    bake: Scheduled | None = None  # a rolling deployment's wait after its steady state
    baked: bool = False
    # With an AlarmBoard reader (moto's CloudWatch): the states last read, and the next read.
    seen: dict[str, str] = field(default_factory=dict)
    poll: Scheduled | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class Rollout:
    """Where a staged deployment stands: its stage, its traffic, its hooks."""

    settings: StrategySettings
    stage: Stage | None = None  # None until the scheduler's first pass
    reconcile: bool = False  # more than one revision was ACTIVE when it began
    test_weight: float = 0.0  # the green revision's share of test traffic
    production_weight: float = 0.0  # ... and of production traffic
    step: int = 0
    timer: Scheduled | None = None  # a bake wait
    runs: list[HookRun] = field(default_factory=list)
    # The hooks running now, and what to do once they have all succeeded.
    waiting: list[HookRun] = field(default_factory=list)
    then: Callable[[], None] | None = None
    done: bool = False  # CLEAN_UP finished: the deployment may complete
    stopped: bool = False  # failed, stopped or rolled back: the flow goes no further

    def cancel_timers(self) -> None:
        """Drop the bake wait and every hook's pending action."""
        for item in (self.timer, *(r.timer for r in self.runs), *(r.expiry for r in self.runs)):
            if item is not None:
                item.cancel()
        self.timer = None
