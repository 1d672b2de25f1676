"""`mock_ecs` and the `ECSMock` handle: activation, options and the simulated world."""

from __future__ import annotations

import functools
import inspect
import threading
import unittest
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar, overload

from ecsmock import _patch
from ecsmock import _publish as publish
from ecsmock._deployments import DeploymentHelpers
from ecsmock._events import EventLog
from ecsmock._faults import Faults, OutputHelpers, script_container
from ecsmock._ids import IdGenerator
from ecsmock._instances import InstanceHelpers
from ecsmock._moto.alarms import attach as attach_moto_alarms
from ecsmock._moto.bridge import attach as attach_moto
from ecsmock._options import CallRecord, Options, default_start
from ecsmock._sessions import SessionHelpers
from ecsmock._timeline import LINES, Timeline
from ecsmock._user_time import UserTime
from ecsmock.api import PARSED, REGISTRY, TakesSent
from ecsmock.clock import DEFAULT_MAX_STEPS
from ecsmock.errors import (
    ECSMockError,
    NotActiveError,
    OptionError,
    ServerException,
    ServiceError,
    UnsupportedOperationError,
)
from ecsmock.model.backend import Backend
from ecsmock.model.timing import TimingProfile, resolve
from ecsmock.model.world import World

F = TypeVar("F", bound=Callable[..., Any])
# Told of every mock started from now on (the pytest plugin's, one per running test).
WATCHERS: list[Callable[[ECSMock], None]] = []


class ECSMock(InstanceHelpers, DeploymentHelpers, OutputHelpers, SessionHelpers):
    """An isolated simulated ECS, active between `start()` and `stop()`.

    Use it as a decorator, a context manager, or with explicit `start()`/`stop()`. Every
    activation is a fresh world. See `mock_ecs` for the options.
    """

    def __init__(self, **options: Any) -> None:
        self.options = Options.of(options)
        self.timing = resolve(self.options.timing)
        self._lock = threading.RLock()
        self._world: World | None = None
        self._active = False
        self._user_time = UserTime()
        self.calls: list[CallRecord] = []

    # -- activation -----------------------------------------------------------------------

    def start(self) -> ECSMock:
        """Activate a fresh world; the innermost active mock answers ECS calls."""
        if self._active:
            raise NotActiveError("this mock is already active; stop() it first")
        _patch.install()
        self._new_world()
        _patch.refresh_boto3_default_session()
        self._user_time.start(self.options, self.now())
        _patch.push(self)
        self._active = True
        for watcher in WATCHERS:
            watcher(self)
        return self

    def _new_world(self) -> None:
        start = self.options.start or default_start()
        self._world = World(seed=self.options.seed, start=start, timing=self.timing)
        self._world.events = EventLog(
            self.options.max_events, self._lock, IdGenerator(self.options.seed ^ 0xE7E7)
        )
        self._timeline = Timeline(self._lock)
        self._world.on_new_backend = self._wire_backend
        attach_moto(self._world, self.options.moto_checks)
        attach_moto_alarms(self._world, self.options.account_id)
        self._request_ids = IdGenerator(self.options.seed ^ 0x5EED)
        self.calls = []
        self.faults = Faults(self._world, self.options.account_id, self._lock)

    def _wire_backend(self, backend: Backend) -> None:
        publish.wire(backend, self.world, self._timeline)

    def stop(self) -> None:
        """Deactivate; the world stays readable (`events`, `calls`, `now()`)."""
        if not self._active:
            return
        _patch.pop(self)
        self._active = False
        self._user_time.stop()

    def __enter__(self) -> ECSMock:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()  # returns None: an exception raised in the block propagates unchanged

    @property
    def active(self) -> bool:
        """Whether this mock is answering calls now."""
        return self._active

    # -- decorator ------------------------------------------------------------------------

    def __call__(self, target: F) -> F:
        """Decorate a function, coroutine function or class: a fresh world per call."""
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        return self._decorate_function(target)

    def _fresh(self) -> ECSMock:
        return ECSMock(**{name: getattr(self.options, name) for name in Options.__slots__})

    def _decorate_function(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._fresh():
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return func(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        if issubclass(cls, unittest.TestCase):
            # Cover setUp, the test and tearDown with one fresh world per test.
            original = cls.setUp
            fresh = self._fresh

            @functools.wraps(original)
            def set_up(case: unittest.TestCase) -> None:
                mock = fresh().start()
                case.addCleanup(mock.stop)
                original(case)

            cls.setUp = set_up  # type: ignore[method-assign,assignment]
            return cls
        for name, attr in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(attr):
                setattr(cls, name, self._decorate_function(attr))
        return cls

    # -- the handle -----------------------------------------------------------------------

    @property
    def world(self) -> World:
        """The simulated world (raises `NotActiveError` before the first `start()`)."""
        if self._world is None:
            raise NotActiveError(
                "this mock has not been started: use it as a decorator, "
                "in a `with` block, or call start()"
            )
        return self._world

    @property
    def events(self) -> EventLog:
        """EventBridge-shaped events (a sequence of dicts), oldest first.

        With `max_events`, only the newest are kept; `events.drain()` returns them and
        forgets them, for long simulations that look at events as they go.
        """
        events: EventLog = self.world.events
        return events

    def now(self) -> datetime:
        """The simulated time (aware, UTC)."""
        return self.world.clock.now

    def advance(self, delta: float | timedelta, max_steps: int = DEFAULT_MAX_STEPS) -> None:
        """Move simulated time on by seconds or a timedelta, running everything due.

        `ClockError` if more than `max_steps` actions fall within one simulated second
        (work that keeps rescheduling itself); spans of weeks are fine.
        """
        with self._lock:
            self.world.clock.advance(delta, max_steps)
            self._follow_clock()

    def advance_to(self, when: datetime, max_steps: int = DEFAULT_MAX_STEPS) -> None:
        """Move simulated time to `when`, running everything due (see `advance`)."""
        with self._lock:
            self.world.clock.advance_to(when, max_steps)
            self._follow_clock()

    def settle(self, max_steps: int = DEFAULT_MAX_STEPS) -> None:
        """Run until nothing but housekeeping is scheduled.

        Every task transition, container exit and scheduler step still pending runs, in
        order; what only forgets old state (stopped tasks and deleted clusters purged an
        hour later) is left for `advance` to reach. `ClockError` if it does not end within
        `max_steps` actions.
        """
        with self._lock:
            try:
                self.world.clock.run_until_idle(max_steps)
            finally:
                self._follow_clock()

    def reset(self) -> None:
        """Throw the world away and start a fresh one (same options)."""
        with self._lock:
            self._new_world()
            self._follow_clock()

    def invariants(self) -> list[str]:
        """Violations of the model's invariants (empty when the state is consistent)."""
        with self._lock:
            return self.world.invariants()

    def script_container(
        self,
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
        """Script how matching containers behave once RUNNING (newest rule wins).

        Args:
            family: only tasks of this task-definition family (None: any).
            container: only containers of this name.
            image: only containers of this image.
            exit_code: exit with this code `after` seconds after RUNNING (with `after`;
                neither: run until stopped). An essential container exiting stops the task
                with `EssentialContainerExited`.
            after: simulated seconds (or a timedelta) after the container started.
            reason: the container's `reason` when it exits.
            on_sigterm: "exit" (exit `sigterm_exit_code` shortly after SIGTERM) or "ignore"
                (killed with 137 at the container's stopTimeout, default 30 s).
            sigterm_exit_code: the exit code on a graceful SIGTERM exit.
        """
        with self._lock:
            script_container(
                self.world,
                family=family,
                container=container,
                image=image,
                exit_code=exit_code,
                after=after,
                reason=reason,
                on_sigterm=on_sigterm,
                sigterm_exit_code=sigterm_exit_code,
            )

    def timeline(self, limit: int = LINES) -> str:
        """What happened, one line each, oldest first, at most the newest `limit` lines.

        The calls answered, task state changes, services' EventBridge events and service
        event messages, each line starting with the simulated time (HH:MM:SS). The pytest
        plugin attaches this text to the report of a failing test.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise OptionError(f"timeline: limit must be an int >= 1, not {limit!r}")
        if self._world is None:
            return ""
        return self._timeline.text(limit)

    def _record(self, line: list[Any], call: CallRecord) -> None:
        self.calls.append(call)
        self._timeline.answered(line, call)

    def _follow_clock(self) -> None:
        self._user_time.follow(self.world.clock.now)

    # -- answering ------------------------------------------------------------------------

    def _answer(
        self,
        operation_model: Any,
        params: dict[str, Any],
        region: str,
        timestamp_parser: Callable[[Any], Any] | None = None,
        sent: bytes | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        """Answer one call: `params` as the client built them, `sent` its JSON body (if known)."""
        from ecsmock import _wire as wire  # botocore is imported only once a client calls

        name = operation_model.name
        handler = REGISTRY.get(name)
        if handler is None:
            raise UnsupportedOperationError(
                f"ecsmock does not model the ECS operation {name} yet. Supported: "
                f"{', '.join(sorted(REGISTRY))}."
            )
        with self._lock:
            world = self.world
            key = (self.options.account_id, region)
            backend = world.backends.get(key) or world.backend(*key)
            # Work already due (a task `timing="instant"` moves on at once) is done before
            # any call is answered; the clock does not move.
            world.clock.run_due()
            request_id = self._request_ids.uuid()
            now = world.clock.now
            line = self._timeline.call(name, params, now)
            try:
                if type(handler) is TakesSent:
                    body = handler.with_sent(backend, params, sent)
                else:
                    body = handler(backend, params)
            except ServiceError as err:
                self._record(line, CallRecord(name, region, params, now, err.code))
                return wire.error(operation_model, err, request_id, now, region)
            except ECSMockError:
                raise  # library misuse or a feature not modelled: say so, never a 500
            except Exception:
                if self.options.strict:
                    raise
                fault = ServerException("Service encountered an unexpected error.")
                self._record(line, CallRecord(name, region, params, now, fault.code))
                return wire.error(operation_model, fault, request_id, now, region)
            parsed = name in PARSED
            if self.options.strict:
                wire.validate(operation_model, body, parsed)
            self._record(line, CallRecord(name, region, params, now, None))
            return wire.success(
                operation_model, body, request_id, now, region, timestamp_parser, parsed
            )


@overload
def mock_ecs(target: F, /) -> F: ...
@overload
def mock_ecs(
    *,
    seed: int = ...,
    account_id: str = ...,
    start: datetime | None = ...,
    timing: str | TimingProfile = ...,
    sync_wall_clock: bool = ...,
    advance_on_sleep: bool = ...,
    strict: bool = ...,
    max_events: int | None = ...,
    moto_checks: bool = ...,
) -> ECSMock: ...
def mock_ecs(target: Any = None, /, **options: Any) -> Any:
    """Mock Amazon ECS for every botocore/boto3 client in the process.

    Bare (`@mock_ecs`) it decorates a function, coroutine function or class; called with
    options it returns an `ECSMock`, usable as a decorator or a context manager.

    Args:
        target: the function or class, when used bare.
        **options: `seed` (int, default 0), `account_id` (12 digits), `start` (aware
            datetime; default the wall-clock now at activation, truncated to the second),
            `timing` ("realistic", "instant" or a `TimingProfile`), `sync_wall_clock`
            (keep `datetime.now()` equal to the simulated clock through freezegun),
            `advance_on_sleep` (`time.sleep(n)` and `asyncio.sleep(n)` advance the
            simulated clock by `n` seconds instead of waiting, in every thread),
            `strict` (validate every response against the botocore output shape),
            `max_events` (keep only the newest events in `ecs.events`; None: all),
            `moto_checks` (beside moto's `mock_aws`: refuse what moto's state lacks, such
            as subnets, secrets or images; False keeps only what ecsmock writes there).
    """
    mock = ECSMock(**options)
    if target is None:
        return mock
    if not callable(target):
        raise OptionError("mock_ecs takes a function or class, or keyword options only")
    return mock(target)


def current() -> ECSMock | None:
    """The innermost active mock, or None."""
    return _patch.current()
