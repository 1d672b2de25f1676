"""The time the code under test sees while a mock is active: its wall clock and its sleeps.

`sync_wall_clock` freezes the wall clock (through freezegun) at the simulated time and moves
it whenever the simulated clock moves. `advance_on_sleep` makes ``time.sleep(n)`` and
``asyncio.sleep(n)`` advance the simulated clock by ``n`` seconds instead of waiting.

A C function such as ``time.sleep`` cannot be changed in place, so while at least one
mock with `advance_on_sleep` is active, ``time.sleep`` and ``asyncio.sleep`` are replaced
in their modules, and so is every reference to them that a loaded module keeps among its
globals (``from time import sleep``, even one made before ecsmock was imported), the way
freezegun finds the time functions. Modules imported meanwhile bind the replacements.
Everything is put back when the last such mock stops. A reference kept anywhere else (a
local variable, a closure, a default argument, an object's attribute, a
`functools.partial`) made before the mock started still sleeps for real.

The replacements ask the innermost active mock at each call: with `advance_on_sleep` it
advances its clock, under its lock, by the sleep's own length (one sleep after another, in
whichever thread or task); otherwise they sleep for real. pytest's own modules, asyncio's
internals and ecsmock keep the real functions, and a ``time.sleep`` called from the
standard library's own polling (`subprocess`, `multiprocessing`) sleeps for real.
"""

from __future__ import annotations

import math
import operator
import sys
import threading
import time
from collections.abc import Callable, Container, Coroutine, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecsmock import _patch

if TYPE_CHECKING:
    from ecsmock._mock import ECSMock
    from ecsmock._options import Options

# A replacement carries the function it stands in for (found again by a later import of
# ecsmock, which must never take a replacement for the real function).
_REAL = "_ecsmock_real"
# Modules whose references to the sleeps are left alone: pytest's, asyncio's event loop
# internals, ecsmock's own.
_KEEP_REAL = ("ecsmock", "_pytest", "pytest", "pluggy", "asyncio.", "freezegun")
# Callers whose sleeps stay real even through ``time.sleep``: the standard library modules
# that poll with it while they wait for a process or a worker
# (`subprocess.Popen.wait(timeout=...)` would otherwise spin, the simulated clock racing
# ahead), and pytest. A sleep passed to a thread or an executor (whose caller is
# `threading` or `concurrent.futures`) is the user's own, and advances the clock.
_REAL_FOR = ("subprocess", "multiprocessing", "asyncore", "_pytest", "pytest", "pluggy")
# Modules that keep the real time functions under `sync_wall_clock`: pytest times the tests.
# (freezegun's own `ignore` would not do: it looks for them up the stack of every caller,
# and a test function is always a few frames below pytest's.)
_KEEP_REAL_TIME = ("_pytest", "pluggy")


def _real(func: Any) -> Any:
    return getattr(func, _REAL, func)


REAL_SLEEP: Callable[[float], None] = _real(time.sleep)


def _sleeper() -> ECSMock | None:
    mock = _patch.current()
    return mock if mock is not None and mock.options.advance_on_sleep else None


def _seconds(value: object) -> float | None:
    """How long ``time.sleep(value)`` waits; None for a value it refuses (it raises)."""
    if isinstance(value, float):
        return value if math.isfinite(value) and value >= 0 else None
    try:
        whole = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None
    return float(whole) if whole >= 0 else None


def _for_real(caller: Any) -> bool:
    name = caller.f_globals.get("__name__") if caller is not None else None
    return isinstance(name, str) and name.startswith(_REAL_FOR)


def sleep(seconds: float) -> None:
    """``time.sleep`` under `advance_on_sleep`: the simulated clock moves, nobody waits."""
    mock = _sleeper()
    length = None if mock is None else _seconds(seconds)
    if mock is None or length is None or _for_real(sys._getframe(1)):
        REAL_SLEEP(seconds)  # no such mock, a value the real sleep refuses, or a caller
        return  # of the standard library's that waits for something real
    # No real `sleep(0)` to give the GIL away: it costs milliseconds on a busy machine,
    # and other threads get their turn at the interpreter's switch interval anyway.
    mock.advance(length)


setattr(sleep, _REAL, REAL_SLEEP)


async def async_sleep(delay: float, result: Any = None) -> Any:
    """``asyncio.sleep`` under `advance_on_sleep`: the clock moves; the task still yields."""
    mock = _sleeper()
    real = _real_async_sleep()
    finite = isinstance(delay, int | float) and math.isfinite(delay)
    # No caller check here: a coroutine run as a task has asyncio's frames as its caller,
    # and asyncio's own internals sleep through `asyncio.tasks.sleep`, never replaced.
    if mock is not None and finite:
        mock.advance(max(float(delay), 0.0))
        delay = 0  # one turn of the event loop, as `await asyncio.sleep(0)`
    return await real(delay, result)


def _real_async_sleep() -> Callable[..., Coroutine[Any, Any, Any]]:
    # asyncio is imported only once a mock with `advance_on_sleep` starts.
    real: Callable[..., Coroutine[Any, Any, Any]] | None = getattr(async_sleep, _REAL, None)
    if real is None:
        import asyncio

        real = _real(asyncio.sleep)
        setattr(async_sleep, _REAL, real)
    assert real is not None
    return real


class _Swapped:
    """The replacements in place: what was changed where, to put it back."""

    def __init__(self) -> None:
        self.users = 0
        self.changes: list[tuple[dict[str, Any], str, Any, Any]] = []
        self.modules: set[str] = set()


_LOCK = threading.Lock()
_SWAPPED = _Swapped()


def _namespace(module: Any) -> dict[str, Any] | None:
    try:
        found = vars(module)
    except TypeError:  # not a module: something put another object in sys.modules
        return None
    return found if type(found) is dict else None


def _references(
    names: Iterable[str], ids: Container[int]
) -> Iterator[tuple[dict[str, Any], str, Any]]:
    """Where the globals of the modules `names` hold a value whose id is in `ids`."""
    for name in names:
        module = sys.modules.get(name)
        namespace = None if module is None else _namespace(module)
        if namespace is not None:
            for key, value in list(namespace.items()):
                if id(value) in ids:
                    yield namespace, key, value


def _swap(names: list[str], swaps: dict[int, Any], changes: list[Any]) -> None:
    """In the globals of the modules `names`, replace each value whose id is in `swaps`."""
    kept = (name for name in names if not name.startswith(_KEEP_REAL))
    for namespace, key, value in _references(kept, swaps):
        new = namespace[key] = swaps[id(value)]
        changes.append((namespace, key, value, new))


def acquire() -> None:
    """One more active mock with `advance_on_sleep`: the first puts the replacements in."""
    with _LOCK:
        _SWAPPED.users += 1
        if _SWAPPED.users > 1:
            return
        swaps = {id(REAL_SLEEP): sleep, id(_real_async_sleep()): async_sleep}
        changes: list[Any] = []
        _swap(list(sys.modules), swaps, changes)  # `time` and `asyncio` themselves too
        _SWAPPED.changes = changes
        _SWAPPED.modules = set(sys.modules)


def release() -> None:
    """One active mock with `advance_on_sleep` fewer: the last puts the real functions back."""
    with _LOCK:
        _SWAPPED.users -= 1
        if _SWAPPED.users > 0:
            return
        for namespace, key, old, new in reversed(_SWAPPED.changes):
            if namespace.get(key) is new:  # unless someone has rebound it since
                namespace[key] = old
        # Modules imported meanwhile bound the replacements: they get the real functions.
        fresh = [name for name in list(sys.modules) if name not in _SWAPPED.modules]
        _swap(fresh, {id(sleep): REAL_SLEEP, id(async_sleep): _real_async_sleep()}, [])
        _SWAPPED.changes, _SWAPPED.modules = [], set()


def _real_time_in(prefixes: tuple[str, ...]) -> list[tuple[dict[str, Any], str, Any]]:
    """Where the modules named `prefixes` keep the time functions freezegun replaces."""
    import datetime as dt

    reals = {id(dt.datetime), id(dt.date)}
    reals |= {id(getattr(time, name)) for name in _TIME_FUNCTIONS if hasattr(time, name)}
    names = [name for name in list(sys.modules) if name.startswith(prefixes)]
    return list(_references(names, reals))


_TIME_FUNCTIONS = (
    "time",
    "time_ns",
    "monotonic",
    "monotonic_ns",
    "perf_counter",
    "perf_counter_ns",
    "localtime",
    "gmtime",
    "strftime",
)


class UserTime:
    """What one mock does to the time the user's code sees, from `start` to `stop`."""

    def __init__(self) -> None:
        self._freezer: Any = None
        self._frozen: Any = None
        self._sleeps = False

    def start(self, options: Options, now: datetime) -> None:
        """Freeze the wall clock at `now` (`sync_wall_clock`); swap the sleeps in."""
        if options.sync_wall_clock:
            import freezegun

            # Tick-less: the user's wall clock moves only when the simulated one does.
            # asyncio keeps the real monotonic clock, or every `await asyncio.sleep(...)`
            # would hang.
            self._freezer = freezegun.freeze_time(now, real_asyncio=True)
            kept = _real_time_in(_KEEP_REAL_TIME)
            self._frozen = self._freezer.start()
            for namespace, key, value in kept:
                namespace[key] = value
        if options.advance_on_sleep:
            acquire()
            self._sleeps = True

    def follow(self, now: datetime) -> None:
        """The simulated clock is at `now`: so is the frozen wall clock."""
        if self._frozen is not None:
            self._frozen.move_to(now)

    def stop(self) -> None:
        """Put the real wall clock and sleeps back (as far as this mock goes)."""
        if self._sleeps:
            self._sleeps = False
            release()
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = self._frozen = None
