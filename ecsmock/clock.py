"""A discrete-event simulated clock.

The clock knows nothing of ECS: it keeps a heap of actions due at simulated instants and
runs them in order. Ties are broken by insertion order, so the same calls always give the
same sequence of events. The clock never reads the wall clock and never goes backwards.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ecsmock.errors import ClockError

Action = Callable[[], None]

DEFAULT_MAX_STEPS = 100_000
# `advance` counts actions per window of simulated time: a long span of ordinary work
# (weeks of services replacing tasks) never trips the guard, work that reschedules itself
# without the clock moving on does.
RUNAWAY_WINDOW = timedelta(seconds=1)
_ZERO = timedelta(0)
# The longest delay in seconds `schedule` takes without the general checks (the most a
# timedelta holds); longer, odd or bad ones go through `_as_delta`.
_FAST_MAX = 999_999_999 * 86_400.0


@dataclass(slots=True)
class Scheduled:
    """A handle on an action scheduled on the clock; `cancel()` drops it."""

    due: datetime
    seq: int
    action: Action = field(compare=False)
    cancelled: bool = field(default=False, compare=False)
    background: bool = field(default=False, compare=False)
    owner: SimulatedClock | None = field(default=None, compare=False, repr=False)

    def cancel(self) -> None:
        """Cancel the action; cancelling twice, or after it ran, does nothing."""
        if not self.cancelled and not self.background and self.owner is not None:
            self.owner._foreground -= 1
        self.cancelled = True


def _as_delta(delta: float | timedelta) -> timedelta:
    if isinstance(delta, timedelta):
        return delta
    if isinstance(delta, bool) or not isinstance(delta, int | float):
        raise ClockError(f"a delay is seconds (int or float) or a timedelta, not {delta!r}")
    if not math.isfinite(delta):
        raise ClockError(f"a delay must be a finite number of seconds, not {delta!r}")
    try:
        return timedelta(seconds=delta)
    except OverflowError:
        raise ClockError(f"a delay of {delta!r} seconds is too long for a datetime") from None


def _as_instant(when: datetime, what: str) -> datetime:
    if not isinstance(when, datetime):
        raise ClockError(f"{what} needs a datetime, not {when!r}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise ClockError(f"{what} needs an aware datetime (give it a tzinfo), not {when!r}")
    # Kept in UTC so that every instant the model stamps reads the same way.
    return when.astimezone(UTC)


def _later(now: datetime, delta: timedelta) -> datetime:
    try:
        return now + delta
    except OverflowError:
        raise ClockError(f"{delta} from {now.isoformat()} is past the year 9999") from None


def _check_max_steps(max_steps: int) -> None:
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 0:
        raise ClockError(f"max_steps must be a non-negative int, not {max_steps!r}")


def _describe(item: Scheduled) -> str:
    action = item.action
    name = getattr(action, "__qualname__", None) or repr(action)
    return f"{name} due at {item.due.isoformat()}"


class SimulatedClock:
    """Simulated time: an event heap of (due, seq, action).

    The heap holds ``(due, seq, Scheduled)`` tuples: they compare in C (an instant, then
    the insertion number, never equal), where comparing the handles themselves would call
    Python code a dozen times per push or pop.

    Args:
        start: the aware datetime the clock starts at (kept in UTC).

    Raises:
        ClockError: `start` is naive or not a datetime.
    """

    def __init__(self, start: datetime) -> None:
        self._now = _as_instant(start, "the clock's start")
        self._heap: list[tuple[datetime, int, Scheduled]] = []
        self._seq = 0
        self._foreground = 0

    @property
    def now(self) -> datetime:
        """The current simulated instant (aware, UTC)."""
        return self._now

    def __len__(self) -> int:
        """The number of pending (not cancelled) actions."""
        return sum(1 for _, _, item in self._heap if not item.cancelled)

    def schedule(
        self,
        action: Action,
        *,
        at: datetime | None = None,
        after: float | timedelta | None = None,
        background: bool = False,
    ) -> Scheduled:
        """Schedule `action` at an instant or after a delay; returns a cancellable handle.

        Args:
            action: a callable taking no arguments.
            at: the aware instant to run it at (not before now).
            after: a delay in seconds or a timedelta (not negative).
            background: housekeeping (e.g. forgetting a stopped task after an hour) that
                `run_until_idle` does not wait for; `advance` runs it when due as usual.

        Raises:
            ClockError: neither or both of `at`/`after` given, a negative or non-finite
                delay, a naive instant, or an instant in the past.
        """
        if (at is None) == (after is None):
            raise ClockError("schedule() takes exactly one of at= or after=")
        if not callable(action):
            raise ClockError(f"schedule() needs a callable action, not {action!r}")
        if (type(after) is float or type(after) is int) and 0 <= after <= _FAST_MAX:
            # The usual case, a plain number of seconds (NaN fails the test: checked below).
            due = _later(self._now, timedelta(seconds=after)) if after else self._now
        elif after is not None:
            delta = _as_delta(after)
            if delta < _ZERO:
                raise ClockError(f"cannot schedule {delta} in the past; delays are >= 0")
            due = _later(self._now, delta)
        else:
            assert at is not None
            due = _as_instant(at, "schedule(at=...)")
            if due < self._now:
                raise ClockError(
                    f"cannot schedule at {due.isoformat()}, before now ({self._now.isoformat()})"
                )
        self._seq += 1
        item = Scheduled(due, self._seq, action, False, background, self)
        if not background:
            self._foreground += 1
        heapq.heappush(self._heap, (due, self._seq, item))
        return item

    def _drop_cancelled(self) -> None:
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)

    def peek(self) -> datetime | None:
        """When the next pending action is due, or None when nothing is scheduled."""
        self._drop_cancelled()
        return self._heap[0][0] if self._heap else None

    def step(self) -> bool:
        """Run the next pending action, moving time to its instant; False when idle."""
        self._drop_cancelled()
        if not self._heap:
            return False
        due, _, item = heapq.heappop(self._heap)
        self._fire(due, item)
        return True

    def _fire(self, due: datetime, item: Scheduled) -> None:
        """Run a popped action at its instant (time never goes back)."""
        if due > self._now:
            self._now = due
        if not item.background:
            self._foreground -= 1
        item.cancelled = True  # a handle of an action that ran cancels nothing
        item.action()

    def advance_to(self, when: datetime, max_steps: int = DEFAULT_MAX_STEPS) -> int:
        """Run everything due up to and including `when`, then set the clock to it.

        Args:
            when: the aware instant to move to (not before now).
            max_steps: the most actions to run within any one simulated second (a guard
                against work that keeps rescheduling itself without the clock moving on;
                a long span of ordinary work never reaches it).

        Returns:
            The number of actions run.

        Raises:
            ClockError: `when` is before now, or naive; or `max_steps` actions ran within
                one simulated second and more are still due by `when`.
        """
        target = _as_instant(when, "advance_to()")
        if target < self._now:
            raise ClockError(
                f"the clock never goes backwards: {target.isoformat()} is before "
                f"{self._now.isoformat()}"
            )
        _check_max_steps(max_steps)
        return self._run_to(target, max_steps)

    def _run_to(self, target: datetime, max_steps: int) -> int:
        # `peek` and `step` in one loop (this runs before every call the mock answers).
        heap = self._heap
        pop, fire = heapq.heappop, self._fire
        ran = window_ran = 0
        window_end = _later(self._now, RUNAWAY_WINDOW)
        while heap:
            due, _, item = heap[0]
            if item.cancelled:
                pop(heap)
                continue
            if due > target:
                break
            if due >= window_end:
                window_end, window_ran = _later(due, RUNAWAY_WINDOW), 0
            elif window_ran >= max_steps:
                raise self._busy(max_steps, f"within one second, before {target.isoformat()}")
            pop(heap)
            fire(due, item)
            ran += 1
            window_ran += 1
        self._now = target
        return ran

    def run_due(self, max_steps: int = DEFAULT_MAX_STEPS) -> int:
        """Run everything due at or before now, and what that schedules for now; time stays.

        The same as ``advance(0)``, at the cost of one comparison when nothing is due.

        Returns:
            The number of actions run.

        Raises:
            ClockError: see `advance_to`.
        """
        heap = self._heap
        if not heap or heap[0][0] > self._now:
            return 0
        _check_max_steps(max_steps)
        return self._run_to(self._now, max_steps)

    def advance(self, delta: float | timedelta, max_steps: int = DEFAULT_MAX_STEPS) -> int:
        """Move the clock on by `delta` (seconds or timedelta), running what falls due.

        Returns:
            The number of actions run.

        Raises:
            ClockError: `delta` is negative or not finite, or see `advance_to`.
        """
        step = _as_delta(delta)
        if step < timedelta(0):
            raise ClockError(f"the clock never goes backwards: advance({delta!r}) is negative")
        return self.advance_to(_later(self._now, step), max_steps)

    @property
    def busy(self) -> bool:
        """Whether a foreground (not housekeeping) action is pending."""
        return self._foreground > 0

    def run_until_idle(self, max_steps: int = DEFAULT_MAX_STEPS) -> int:
        """Run actions, in order, until no foreground action is pending.

        Background actions due before the last foreground one run on the way; those due
        later stay scheduled (they run when time is advanced past them).

        Returns:
            The number of actions run.

        Raises:
            ClockError: `max_steps` actions ran and more are pending (something keeps
                rescheduling itself).
        """
        _check_max_steps(max_steps)
        ran = 0
        while self._foreground > 0:
            if ran >= max_steps:
                raise self._busy(max_steps, "and still not idle")
            self.step()
            ran += 1
        return ran

    def _busy(self, max_steps: int, where: str) -> ClockError:
        self._drop_cancelled()
        nxt = _describe(self._heap[0][2]) if self._heap else "nothing"
        return ClockError(
            f"the clock ran {max_steps} actions {where} (now {self._now.isoformat()}; "
            f"next: {nxt}); something keeps rescheduling itself. Use advance() to move "
            "time by a bounded amount, or raise max_steps."
        )
