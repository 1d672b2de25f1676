"""Scripted container behaviour and injected faults.

By default a container runs until it is stopped and exits 0 shortly after SIGTERM. Rules
change that per family, container name or image, so batch jobs, crashes, slow shutdowns
and failed image pulls can be tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ecsmock.errors import OptionError
from ecsmock.model.services.stages import AlarmBoard

DEFAULT_PULL_ERROR = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
    "resolve ref {image}: not found"
)
SIGTERM_CHOICES = ("exit", "ignore")
# A lifecycle hook's Lambda stand-in: the invocation payload in, the function's answer out.
HookHandler = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """Which containers a rule applies to (None matches anything)."""

    family: str | None = None
    container: str | None = None
    image: str | None = None

    def __call__(self, family: str, container: str, image: str) -> bool:
        """Whether the rule applies to this container."""
        return (
            (self.family is None or self.family == family)
            and (self.container is None or self.container == container)
            and (self.image is None or self.image == image)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerScript:
    """How a matching container behaves once RUNNING."""

    match: Match
    exit_code: int | None = None
    after: float | None = None
    reason: str | None = None
    on_sigterm: str = "exit"
    sigterm_exit_code: int = 0

    def __post_init__(self) -> None:
        if self.on_sigterm not in SIGTERM_CHOICES:
            raise OptionError(f"on_sigterm must be 'exit' or 'ignore', not {self.on_sigterm!r}")
        if (self.after is None) != (self.exit_code is None):
            raise OptionError("give both exit_code and after (or neither, to run until stopped)")
        if self.after is not None and self.after < 0:
            raise OptionError(f"after must not be negative, got {self.after!r}")


DEFAULT_SCRIPT = ContainerScript(match=Match())


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputScript:
    """What a matching container writes to its log: (seconds after it started, line) each."""

    match: Match
    lines: tuple[tuple[float, str], ...]

    def __post_init__(self) -> None:
        for after, line in self.lines:
            if isinstance(after, bool) or not isinstance(after, int | float) or after < 0:
                raise OptionError(f"each line's time must be seconds >= 0, not {after!r}")
            if not isinstance(line, str):
                raise OptionError(f"each line must be a str, not {line!r}")


@dataclass(slots=True, kw_only=True)
class PullFailure:
    """An image pull that fails (`times` None: every matching pull)."""

    match: Match
    message: str | None = None
    times: int | None = None


@dataclass(slots=True, kw_only=True)
class ExecFault:
    """ECS Exec sessions that cannot reach the agent (`times` None: every matching call)."""

    match: Match
    times: int | None = None


@dataclass(slots=True)
class Behaviour:
    """The rules of one mock: container scripts and pull failures (newest rule wins)."""

    scripts: list[ContainerScript] = field(default_factory=list)
    pull_failures: list[PullFailure] = field(default_factory=list)
    capacity_shortages: dict[str, int | None] = field(default_factory=dict)
    # Containers whose health-check command fails (they become UNHEALTHY, never HEALTHY).
    unhealthy: list[Match] = field(default_factory=list)
    # The test's stand-ins for the Lambda functions of AWS_LAMBDA lifecycle hooks: function
    # ARN, function name or "*" (any function) -> a callable taking the hook's payload.
    hook_handlers: dict[str, HookHandler] = field(default_factory=dict)
    # CloudWatch alarms' states, as deployments with `alarms` see them.
    alarms: AlarmBoard = field(default_factory=AlarmBoard)
    # Load-balancer targets whose health checks fail (services.targets.TargetRule).
    failing_targets: list[Any] = field(default_factory=list)
    # What containers write to their log (read by whatever keeps the logs: moto's Logs).
    outputs: list[OutputScript] = field(default_factory=list)
    # Containers whose ExecuteCommandAgent does not connect (TargetNotConnectedException).
    exec_faults: list[ExecFault] = field(default_factory=list)

    def script_for(self, family: str, container: str, image: str) -> ContainerScript:
        """The newest script matching the container, else the default."""
        for script in reversed(self.scripts):
            if script.match(family, container, image):
                return script
        return DEFAULT_SCRIPT

    def pull_error(self, family: str, container: str, image: str) -> str | None:
        """The error of a failing pull of this container's image, consuming one use."""
        failure = _take(self.pull_failures, family, container, image)
        if failure is None:
            return None
        return failure.message or DEFAULT_PULL_ERROR.format(image=image)

    def output_for(self, family: str, container: str, image: str) -> OutputScript | None:
        """The newest output script matching the container, or None."""
        for script in reversed(self.outputs):
            if script.match(family, container, image):
                return script
        return None

    def exec_unreachable(self, family: str, container: str, image: str) -> bool:
        """Whether an ECS Exec session on this container fails to connect, using one use."""
        return _take(self.exec_faults, family, container, image) is not None

    def failing_health(self, family: str, container: str, image: str) -> bool:
        """Whether the health check of this container fails."""
        return any(match(family, container, image) for match in self.unhealthy)

    def clear(self) -> None:
        """Drop every rule."""
        self.scripts.clear()
        self.pull_failures.clear()
        self.capacity_shortages.clear()
        self.unhealthy.clear()
        self.hook_handlers.clear()
        self.failing_targets.clear()
        self.outputs.clear()
        self.exec_faults.clear()

    def hook_handler(self, function: str) -> HookHandler | None:
        """The handler standing in for a Lambda function (ARN, name, then "*")."""
        name = function.split(":function:", 1)[-1].split(":", 1)[0]
        for key in (function, name, "*"):
            found = self.hook_handlers.get(key)
            if found is not None:
                return found
        return None

    def capacity_short(self, provider: str) -> bool:
        """Whether launching on `provider` (FARGATE, FARGATE_SPOT) fails now, consuming a use."""
        left = self.capacity_shortages.get(provider, 0)
        if left == 0:
            return False
        if left is not None:
            self.capacity_shortages[provider] = left - 1
        return True


Counted = TypeVar("Counted", PullFailure, ExecFault)


def _take(rules: list[Counted], family: str, container: str, image: str) -> Counted | None:
    """The newest rule with uses left matching the container, one use taken (None: none)."""
    for rule in reversed(rules):
        if rule.times == 0 or not rule.match(family, container, image):
            continue
        if rule.times is not None:
            rule.times -= 1
        return rule
    return None
