"""The event log behind `ecs.events`: snapshots taken when things happen, dicts on demand.

A task passes through eight or nine states; building the EventBridge dict of each one as
it happens would cost more than the transitions themselves. The log keeps a snapshot of
the task (its own fields and its containers', as they were) and builds the dict the first
time the event is read, so a run that never looks at `ecs.events` pays almost nothing.

Event ids come from the log's own seeded generator, drawn in the order the events were
recorded (the n-th event recorded gets the n-th id) but only when one is first needed:
the same seed and calls give the same ids whether or when the events are read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, overload

from ecsmock._ids import IdGenerator
from ecsmock.model.tasks.task import Container, EbsVolume, Eni, Task

Event = dict[str, Any]
Builder = Callable[[], Event]
# Builds an event given its id.
Pending = Callable[[str], Event]


def _copier(kind: Any, then: str = "", **helpers: Any) -> Callable[[Any], Any]:
    """A shallow copy of a slotted dataclass instance, written out slot by slot.

    `then`: source lines run on the copy (`new`) before it is returned, with `helpers`.
    """
    lines = ["def copy(obj):", "    new = _new(_kind)"]
    lines += [f"    new.{name} = obj.{name}" for name in kind.__slots__]
    lines += [then, "    return new"] if then else ["    return new"]
    scope: dict[str, Any] = {"_new": object.__new__, "_kind": kind, **helpers}
    exec("\n".join(lines), scope)  # generated from the class's own slots
    copy: Callable[[Any], Any] = scope["copy"]
    return copy


# The task's own slots, then its containers, ENI and EBS volume, copied in one call.
_snapshot: Callable[[Task], Task] = _copier(
    Task,
    "    new.containers = [_container(c) for c in obj.containers]\n"
    "    if obj.eni is not None:\n"
    "        new.eni = _eni(obj.eni)\n"
    "    if obj.ebs is not None:\n"
    "        new.ebs = _ebs(obj.ebs)",
    _container=_copier(Container),
    _eni=_copier(Eni),
    _ebs=_copier(EbsVolume),
)


def snapshot(task: Task) -> Task:
    """The task as it is now, detached from later changes (tags are left out of events)."""
    return _snapshot(task)


class EventLog(Sequence[Event]):
    """`ecs.events`: EventBridge-shaped dicts, oldest first, built when first read.

    Args:
        limit: keep only the newest `limit` events (None: all). A long simulation (days of
            services replacing tasks) otherwise holds every event it ever made.
        lock: the mock's lock: events are appended while calls are answered on other
            threads, and read from the test's.
        ids: where event ids come from (one id per event recorded, in order).
    """

    def __init__(
        self,
        limit: int | None = None,
        lock: threading.RLock | None = None,
        ids: IdGenerator | None = None,
    ) -> None:
        self._items: list[Event | Pending] = []
        self._limit = limit
        self._lock = lock or threading.RLock()
        self._ids = ids or IdGenerator(0)
        # Ids drawn so far (the events at absolute positions below it have theirs), and
        # those drawn for events not built yet, by absolute position.
        self._drawn = 0
        self._held: dict[int, str] = {}
        # Events forgotten so far (dropped over the limit, drained or cleared).
        self.forgotten = 0
        # Told of each new event as it is recorded, with a way to build its dict (the moto
        # bridge puts it on EventBridge then); None: nobody listens.
        self.tap: Callable[[Builder], None] | None = None

    @property
    def limit(self) -> int | None:
        """The most events kept (the oldest are forgotten first), or None for no limit."""
        return self._limit

    def add(self, build: Pending) -> None:
        """Record an event whose dict `build(event_id)` makes when it is first read."""
        self._items.append(build)
        self._recorded()

    def add_now(self, build: Pending) -> None:
        """Record an event built at once (from state that is not kept)."""
        self._items.append(build)
        self._built(len(self._items) - 1)
        self._recorded()

    def _id_at(self, position: int) -> str:
        """The id of the event at an absolute position (drawing the ids before it first)."""
        held = self._held.pop(position, None)
        if held is not None:
            return held
        items, forgotten, draw = self._items, self.forgotten, self._ids.uuid
        while self._drawn < position:
            earlier = self._drawn
            self._drawn += 1
            event_id = draw()
            i = earlier - forgotten
            if i >= 0 and callable(items[i]):  # not built yet: keep its id for then
                self._held[earlier] = event_id
        self._drawn += 1
        return draw()

    def _recorded(self) -> None:
        if self.tap is not None:
            newest = len(self._items) - 1
            self.tap(lambda: self._built(newest))
        if self._limit is not None and len(self._items) > 2 * self._limit + 64:
            self._trim()

    def _trim(self) -> None:
        # Amortised: the list grows to about twice the limit, then loses its oldest half.
        extra = len(self._items) - (self._limit or 0)
        if self._limit is not None and extra > 0:
            del self._items[:extra]
            self.forgotten += extra
            self._forget_held()

    def _forget_held(self) -> None:
        if self._held:
            self._held = {p: i for p, i in self._held.items() if p >= self.forgotten}

    def clear(self) -> None:
        """Forget every event."""
        with self._lock:
            self.forgotten += len(self._items)
            self._items.clear()
            self._held.clear()

    def drain(self) -> list[Event]:
        """Every event held, oldest first, and forget them (for long simulations)."""
        with self._lock:
            self._trim()
            out = [self._built(i) for i in range(len(self._items))]
            self.forgotten += len(self._items)
            self._items.clear()
            self._held.clear()
            return out

    def _built(self, i: int) -> Event:
        item = self._items[i]
        if callable(item):
            item = self._items[i] = item(self._id_at(self.forgotten + i))
        return item

    def _get(self, i: int) -> Event:
        with self._lock:
            self._trim()
            if -len(self._items) <= i < 0:  # from the end: its absolute position counts
                i += len(self._items)
            return self._built(i)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            with self._lock:
                self._trim()
                return [self._built(i) for i in range(*index.indices(len(self._items)))]
        return self._get(index)

    def __len__(self) -> int:
        with self._lock:
            self._trim()
            return len(self._items)

    def __iter__(self) -> Iterator[Event]:
        # By absolute position, so events forgotten meanwhile (another thread's calls push
        # old ones over the limit) do not shift the iteration; it ends where the log ended
        # when it began.
        with self._lock:
            self._trim()
            position = self.forgotten
            end = position + len(self._items)
        while position < end:
            with self._lock:
                self._trim()
                i = max(position - self.forgotten, 0)
                if i >= len(self._items):
                    return
                event = self._built(i)
                position = self.forgotten + i + 1
            yield event

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EventLog | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventLog({list(self)!r})"


def task_event_builder(
    build: Callable[[Task, str, str, str, datetime], Event],
    task: Task,
    account: str,
    region: str,
    now: datetime,
) -> Pending:
    """A builder of the task's state-change event as the task is now."""
    frozen = snapshot(task)
    return lambda event_id: build(frozen, event_id, account, region, now)
