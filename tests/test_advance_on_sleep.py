"""`advance_on_sleep`: `time.sleep(n)` and `asyncio.sleep(n)` advance the simulated clock by
`n` seconds while the mock is active, in every thread, and are the real ones again after."""

from __future__ import annotations

import asyncio
import concurrent.futures
import subprocess
import sys
import threading
import time
import types
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ecsmock import mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
# Kept in a tuple: a module global bound to them would be swapped too while a mock is active.
REAL = (time.sleep, asyncio.sleep)
REAL_SLEEP, REAL_ASYNC_SLEEP = REAL
WALL_CLOCK = (time.perf_counter,)  # freezegun freezes `time.perf_counter` itself


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_time_sleep_advances_the_clock_by_its_length() -> None:
    began = time.perf_counter()
    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        time.sleep(600)
        assert ecs.now() == at(600)
        time.sleep(0.25)
        time.sleep(0)
        time.sleep(True)  # a bool is an int to time.sleep
        assert ecs.now() == at(601.25)
        # Without sync_wall_clock the wall clock is left alone.
        assert abs(datetime.now(UTC) - START) > timedelta(days=1)
    assert time.perf_counter() - began < 5
    assert time.sleep is REAL_SLEEP
    assert asyncio.sleep is REAL_ASYNC_SLEEP


def test_due_work_runs_during_a_sleep() -> None:
    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        ran: list[datetime] = []
        ecs.world.clock.schedule(lambda: ran.append(ecs.now()), after=30)
        time.sleep(29.5)
        assert ran == []
        time.sleep(0.5)
        assert ran == [at(30)]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-1, ValueError, "sleep length must be non-negative"),
        (float("nan"), ValueError, "Invalid value NaN (not a number)"),
        ("1", TypeError, "'str' object cannot be interpreted as an integer"),
        (None, TypeError, "'NoneType' object cannot be interpreted as an integer"),
    ],
)
def test_a_value_time_sleep_refuses_is_refused_the_same(
    value: Any, error: type[Exception], message: str
) -> None:
    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        with pytest.raises(error) as raised:
            time.sleep(value)
        assert str(raised.value) == message
        assert ecs.now() == START


def test_without_the_option_sleeps_are_real() -> None:
    with mock_ecs(start=START) as ecs:
        assert time.sleep is REAL_SLEEP
        began = time.perf_counter()
        time.sleep(0.05)
        assert time.perf_counter() - began >= 0.05
        assert ecs.now() == START


def test_the_innermost_mock_decides() -> None:
    with mock_ecs(advance_on_sleep=True, start=START) as outer:
        with mock_ecs(start=START) as inner:
            began = time.perf_counter()
            time.sleep(0.05)  # the inner mock does not advance on sleep: a real one
            assert time.perf_counter() - began >= 0.05
            assert (outer.now(), inner.now()) == (START, START)
        time.sleep(5)
        assert (outer.now(), inner.now()) == (at(5), START)
        with mock_ecs(advance_on_sleep=True, start=START) as second:
            time.sleep(7)
            assert (outer.now(), second.now()) == (at(5), at(7))
        assert time.sleep is not REAL[0]  # the outer one is still active
        assert REAL_SLEEP is time.sleep  # this module's own global was swapped too
    assert time.sleep is REAL[0]


def test_references_in_loaded_modules_are_swapped_and_put_back() -> None:
    module = types.ModuleType("waits_by_itself")
    exec("from time import sleep\nfrom asyncio import sleep as nap\n", module.__dict__)
    sys.modules[module.__name__] = module
    try:
        with mock_ecs(advance_on_sleep=True, start=START) as ecs:
            module.sleep(60)
            asyncio.run(module.nap(30))
            assert ecs.now() == at(90)
            # A module imported while the mock is active binds the replacements.
            late = types.ModuleType("imported_meanwhile")
            exec("from time import sleep\n", late.__dict__)
            sys.modules[late.__name__] = late
            late.sleep(10)
            assert ecs.now() == at(100)
        assert (module.sleep, module.nap, late.sleep) == (
            REAL_SLEEP,
            REAL_ASYNC_SLEEP,
            REAL_SLEEP,
        )
    finally:
        sys.modules.pop("waits_by_itself", None)
        sys.modules.pop("imported_meanwhile", None)


def test_a_reference_kept_outside_a_module_namespace_still_sleeps_for_real() -> None:
    # The documented limit: only module globals (and the time/asyncio modules) are found.
    kept = {"sleep": time.sleep}
    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        began = time.perf_counter()
        kept["sleep"](0.05)
        assert time.perf_counter() - began >= 0.05
        assert ecs.now() == START


def test_a_rebinding_made_while_active_is_kept() -> None:
    module = types.ModuleType("rebinds_its_sleep")
    exec("from time import sleep\n", module.__dict__)
    sys.modules[module.__name__] = module
    try:

        def mine(seconds: float) -> None:
            pass

        with mock_ecs(advance_on_sleep=True, start=START):
            module.sleep = mine  # type: ignore[attr-defined]
        assert module.sleep is mine
    finally:
        del sys.modules[module.__name__]


@pytest.mark.parametrize("sync_wall_clock", [False, True])
def test_the_standard_librarys_own_polling_sleeps_for_real(sync_wall_clock: bool) -> None:
    # `Popen.wait(timeout=...)` polls with `time.sleep`: advancing instead would spin, race
    # the simulated clock ahead, and (with a frozen monotonic clock) time out at once.
    with mock_ecs(advance_on_sleep=True, sync_wall_clock=sync_wall_clock, start=START) as ecs:
        began = WALL_CLOCK[0]()
        done = subprocess.run([sys.executable, "-c", "import time; time.sleep(0.3)"], timeout=60)
        assert done.returncode == 0
        assert WALL_CLOCK[0]() - began >= 0.3
        assert ecs.now() == START


def test_a_sleep_handed_to_a_thread_or_an_executor_is_the_users_own() -> None:
    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        thread = threading.Thread(target=time.sleep, args=(20,))
        thread.start()
        thread.join(timeout=10)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(time.sleep, 30).result(timeout=10)

        async def in_the_loop() -> None:
            await asyncio.get_running_loop().run_in_executor(None, time.sleep, 40)
            await asyncio.gather(asyncio.sleep(50), asyncio.sleep(60))

        asyncio.run(in_the_loop())
        assert ecs.now() == at(200)


def test_each_thread_sleeps_advance_the_clock_one_after_another() -> None:
    # Two threads sleeping 10 s three times each: six sleeps, 60 simulated seconds; each
    # thread sees at least its 10 s pass across each of its sleeps.
    seen: dict[str, list[timedelta]] = {"a": [], "b": []}
    barrier = threading.Barrier(2)

    def sleeper(name: str, ecs: Any) -> None:
        barrier.wait(timeout=10)
        for _ in range(3):
            before = ecs.now()
            time.sleep(10)
            seen[name].append(ecs.now() - before)

    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        threads = [threading.Thread(target=sleeper, args=(n, ecs)) for n in seen]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert ecs.now() == at(60)
    assert all(len(spans) == 3 for spans in seen.values())
    assert all(span >= timedelta(seconds=10) for spans in seen.values() for span in spans)


def test_a_sleep_never_waits_on_a_thread_that_is_not_sleeping() -> None:
    release = threading.Event()
    busy = threading.Thread(target=release.wait, args=(30,), daemon=True)
    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        busy.start()  # blocked on an event, not sleeping
        began = time.perf_counter()
        time.sleep(3600)
        assert time.perf_counter() - began < 5
        assert ecs.now() == at(3600)
        release.set()
    busy.join(timeout=10)


def test_asyncio_sleep_advances_and_yields_to_the_loop() -> None:
    order: list[str] = []

    async def waiter() -> str:
        order.append("waiter sleeps")
        result = await asyncio.sleep(45, result="woke")
        order.append("waiter wakes")
        return result

    async def other() -> None:
        order.append("other runs")

    async def main() -> str:
        task = asyncio.create_task(waiter())
        await asyncio.sleep(0)  # let the waiter start
        await other()
        return await task

    with mock_ecs(advance_on_sleep=True, start=START) as ecs:
        began = time.perf_counter()
        assert asyncio.run(main()) == "woke"
        assert time.perf_counter() - began < 5
        assert ecs.now() == at(45)
        asyncio.run(asyncio.sleep(-5))  # asyncio takes a negative delay as 0
        assert ecs.now() == at(45)
    assert order == ["waiter sleeps", "other runs", "waiter wakes"]


def test_the_wall_clock_follows_the_sleeps_with_sync_wall_clock() -> None:
    with mock_ecs(advance_on_sleep=True, sync_wall_clock=True, start=START) as ecs:
        first = (datetime.now(UTC), time.time(), time.monotonic())
        time.sleep(90)
        assert datetime.now(UTC) == ecs.now() == at(90)
        assert time.time() - first[1] == 90
        assert time.monotonic() - first[2] == 90

        async def loop_time() -> float:
            loop = asyncio.get_running_loop()
            before = loop.time()
            await asyncio.sleep(120)
            return loop.time() - before

        # asyncio's event loop keeps the real monotonic clock.
        assert asyncio.run(loop_time()) < 5
        assert datetime.now(UTC) == at(210)


def test_the_decorator_carries_the_option() -> None:
    @mock_ecs(advance_on_sleep=True, start=START)
    def waits() -> datetime:
        from ecsmock import current

        time.sleep(12)
        mock = current()
        assert mock is not None
        return mock.now()

    assert waits() == at(12)
    assert time.sleep is REAL_SLEEP
