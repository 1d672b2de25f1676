"""A discrete-event simulated clock.

The clock knows nothing of ECS: it keeps a heap of actions due at simulated instants and
runs them in order. Ties are broken by insertion order, so the same calls always give the
same sequence of events. The clock never reads the wall clock and never goes backwards.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ecsmock.errors import ClockError

Action = Callable[[], None]

DEFAULT_MAX_STEPS = 100_000


@dataclass(order=True, slots=True)
class Scheduled:
    """A handle on an action scheduled on the clock; `cancel()` drops it."""

    due: datetime
    seq: int
    action: Action = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        """Cancel the action; cancelling twice, or after it ran, does nothing."""
        self.cancelled = True


def _as_delta(delta: float | timedelta) -> timedelta:
    if isinstance(delta, timedelta):
        return delta
    if isinstance(delta, bool) or not isinstance(delta, int | float):
        raise ClockError(f"a delay is seconds (int or float) or a timedelta, not {delta!r}")
    return timedelta(seconds=delta)


class SimulatedClock:
    """Simulated time: an event heap of (due, seq, action).

    Args:
        start: the aware datetime the clock starts at.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ClockError("the clock's start must be an aware datetime (give it a tzinfo)")
        self._now = start
        self._heap: list[Scheduled] = []
        self._seq = 0
        self._live = 0

    @property
    def now(self) -> datetime:
        """The current simulated instant (aware)."""
        return self._now

    def __len__(self) -> int:
        """The number of pending (not cancelled) actions."""
        self._drop_cancelled()
        return sum(1 for item in self._heap if not item.cancelled)

    def schedule(
        self,
        action: Action,
        *,
        at: datetime | None = None,
        after: float | timedelta | None = None,
    ) -> Scheduled:
        """Schedule `action` at an instant or after a delay; returns a cancellable handle.

        Raises:
            ClockError: neither or both of `at`/`after` given, a negative delay, or an
                instant in the past.
        """
        if (at is None) == (after is None):
            raise ClockError("schedule() takes exactly one of at= or after=")
        if after is not None:
            delta = _as_delta(after)
            if delta < timedelta(0):
                raise ClockError(f"cannot schedule {delta} in the past; delays are >= 0")
            due = self._now + delta
        else:
            assert at is not None
            if at.tzinfo is None:
                raise ClockError("schedule(at=...) needs an aware datetime")
            if at < self._now:
                raise ClockError(f"cannot schedule at {at.isoformat()}, before now")
            due = at
        self._seq += 1
        item = Scheduled(due, self._seq, action)
        heapq.heappush(self._heap, item)
        return item

    def _drop_cancelled(self) -> None:
        heap = self._heap
        while heap and heap[0].cancelled:
            heapq.heappop(heap)

    def peek(self) -> datetime | None:
        """When the next pending action is due, or None when nothing is scheduled."""
        self._drop_cancelled()
        return self._heap[0].due if self._heap else None

    def step(self) -> bool:
        """Run the next pending action, moving time to its instant; False when idle."""
        self._drop_cancelled()
        if not self._heap:
            return False
        item = heapq.heappop(self._heap)
        self._now = max(self._now, item.due)
        item.cancelled = True
        item.action()
        return True

    def advance_to(self, when: datetime) -> int:
        """Run everything due up to and including `when`, then set the clock to it.

        Returns:
            The number of actions run.

        Raises:
            ClockError: `when` is before now, or naive.
        """
        if when.tzinfo is None:
            raise ClockError("advance_to() needs an aware datetime")
        if when < self._now:
            raise ClockError(
                f"the clock never goes backwards: {when.isoformat()} is before "
                f"{self._now.isoformat()}"
            )
        ran = 0
        while True:
            due = self.peek()
            if due is None or due > when:
                break
            self.step()
            ran += 1
        self._now = when
        return ran

    def advance(self, delta: float | timedelta) -> int:
        """Move the clock on by `delta` (seconds or timedelta), running what falls due."""
        step = _as_delta(delta)
        if step < timedelta(0):
            raise ClockError(f"the clock never goes backwards: advance({delta!r}) is negative")
        return self.advance_to(self._now + step)

    def run_until_idle(self, max_steps: int = DEFAULT_MAX_STEPS) -> int:
        """Run actions until none is pending.

        Raises:
            ClockError: more than `max_steps` actions ran (something keeps rescheduling).
        """
        ran = 0
        while self.step():
            ran += 1
            if ran >= max_steps and self.peek() is not None:
                raise ClockError(
                    f"the clock was still busy after {max_steps} steps (now "
                    f"{self._now.isoformat()}); something keeps rescheduling itself. Use "
                    "advance() to move time by a bounded amount, or raise max_steps."
                )
        return ran
