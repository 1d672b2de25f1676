"""Properties of the simulated clock (pure: no botocore)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecsmock.clock import SimulatedClock
from ecsmock.errors import ClockError

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
Log = list[tuple[int, datetime]]

delays = st.integers(min_value=0, max_value=500)
delay_lists = st.lists(delays, max_size=30)


def recorder(clock: SimulatedClock, log: Log, label: int) -> Callable[[], None]:
    def action() -> None:
        log.append((label, clock.now))

    return action


def scheduled(ds: list[int]) -> tuple[SimulatedClock, Log]:
    clock = SimulatedClock(T0)
    log: Log = []
    for label, d in enumerate(ds):
        clock.schedule(recorder(clock, log, label), after=d)
    return clock, log


@given(delay_lists)
def test_actions_run_in_due_then_insertion_order(ds: list[int]) -> None:
    clock, log = scheduled(ds)
    assert len(clock) == len(ds)
    assert clock.run_until_idle() == len(ds)
    expected = sorted(range(len(ds)), key=lambda i: (ds[i], i))
    assert [label for label, _ in log] == expected
    assert all(at == T0 + timedelta(seconds=ds[label]) for label, at in log)
    assert len(clock) == 0
    assert clock.peek() is None


@given(delay_lists, st.lists(st.integers(min_value=0, max_value=200), max_size=20))
def test_time_never_goes_backwards(ds: list[int], moves: list[int]) -> None:
    clock, log = scheduled(ds)
    seen = [clock.now]
    for i, move in enumerate(moves):
        if i % 3 == 0:
            clock.advance(move)
        elif i % 3 == 1:
            clock.advance_to(clock.now + timedelta(seconds=move))
        else:
            clock.step()
        seen.append(clock.now)
    clock.run_until_idle()
    seen.append(clock.now)
    assert seen == sorted(seen)
    assert [at for _, at in log] == sorted(at for _, at in log)


@given(delay_lists, delays, delays)
def test_two_advances_equal_one(ds: list[int], a: int, b: int) -> None:
    split, split_log = scheduled(ds)
    whole, whole_log = scheduled(ds)
    ran = split.advance(a) + split.advance(timedelta(seconds=b))
    assert ran == whole.advance(a + b)
    assert split_log == whole_log
    assert split.now == whole.now == T0 + timedelta(seconds=a + b)
    assert len(split) == len(whole) == sum(1 for d in ds if d > a + b)


@given(delay_lists, st.data())
def test_cancelled_actions_never_run(ds: list[int], data: st.DataObject) -> None:
    clock = SimulatedClock(T0)
    log: Log = []
    handles = [clock.schedule(recorder(clock, log, i), after=d) for i, d in enumerate(ds)]
    cancel = data.draw(st.sets(st.sampled_from(range(len(ds))) if ds else st.nothing()))
    for i in cancel:
        handles[i].cancel()
        handles[i].cancel()  # twice is harmless
    assert len(clock) == len(ds) - len(cancel)
    clock.run_until_idle()
    assert {label for label, _ in log} == set(range(len(ds))) - cancel
    for handle in handles:  # cancelling after it ran changes nothing
        handle.cancel()
    assert len(clock) == 0


@given(st.lists(st.tuples(delays, delays), max_size=15), delays)
def test_actions_scheduled_by_actions_run_at_the_right_time(
    pairs: list[tuple[int, int]], horizon: int
) -> None:
    clock = SimulatedClock(T0)
    log: list[tuple[str, datetime]] = []

    def parent(label: int, child_delay: int) -> None:
        log.append((f"parent{label}", clock.now))

        def child() -> None:
            log.append((f"child{label}", clock.now))

        clock.schedule(child, after=child_delay)

    for label, (d, child_delay) in enumerate(pairs):
        clock.schedule(functools.partial(parent, label, child_delay), after=d)
    clock.advance(horizon)
    expected_at = {}
    for label, (d, child_delay) in enumerate(pairs):
        expected_at[f"parent{label}"] = T0 + timedelta(seconds=d)
        expected_at[f"child{label}"] = T0 + timedelta(seconds=d + child_delay)
    assert all(at == expected_at[name] for name, at in log)
    end = T0 + timedelta(seconds=horizon)
    assert {name for name, _ in log} == {n for n, at in expected_at.items() if at <= end}


def test_zero_delay_child_runs_after_earlier_insertions_at_the_same_instant() -> None:
    clock = SimulatedClock(T0)
    order: list[str] = []

    def first() -> None:
        order.append("first")
        clock.schedule(lambda: order.append("child"), after=0)

    clock.schedule(first, after=5)
    clock.schedule(lambda: order.append("second"), after=5)
    assert clock.advance(5) == 3
    assert order == ["first", "second", "child"]
    assert clock.now == T0 + timedelta(seconds=5)


def test_schedule_at_an_instant_and_now_is_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    clock = SimulatedClock(datetime(2026, 1, 1, 14, 0, tzinfo=plus_two))
    assert clock.now == T0
    assert clock.now.utcoffset() == timedelta(0)
    ran: list[datetime] = []
    clock.schedule(lambda: ran.append(clock.now), at=datetime(2026, 1, 1, 15, 0, tzinfo=plus_two))
    clock.schedule(lambda: ran.append(clock.now), at=clock.now)  # now itself is allowed
    assert clock.peek() == T0
    clock.advance_to(T0 + timedelta(hours=1))
    assert ran == [T0, T0 + timedelta(hours=1)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"at": T0 - timedelta(microseconds=1)},
        {"after": -1},
        {"after": timedelta(seconds=-0.5)},
        {"after": float("nan")},
        {"after": float("inf")},
        {"after": "5"},
        {"after": True},
        {"at": datetime(2026, 1, 1, 12, 0)},  # noqa: DTZ001  (naive on purpose)
        {},
        {"at": T0, "after": 1},
    ],
)
def test_bad_schedules_raise_clock_error(kwargs: dict[str, object]) -> None:
    clock = SimulatedClock(T0)
    with pytest.raises(ClockError):
        clock.schedule(lambda: None, **kwargs)  # type: ignore[arg-type]
    assert len(clock) == 0


def test_clock_errors_are_value_errors_and_the_clock_never_goes_back() -> None:
    clock = SimulatedClock(T0)
    clock.advance(10)
    with pytest.raises(ValueError, match="never goes backwards"):
        clock.advance_to(T0)
    with pytest.raises(ClockError, match="never goes backwards"):
        clock.advance(-1)
    with pytest.raises(ClockError, match="aware"):
        clock.advance_to(datetime(2030, 1, 1))  # noqa: DTZ001
    with pytest.raises(ClockError, match="aware"):
        SimulatedClock(datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ClockError, match="callable"):
        clock.schedule("not callable", after=1)  # type: ignore[arg-type]
    assert clock.now == T0 + timedelta(seconds=10)


def test_run_until_idle_stops_a_self_rescheduling_action_loudly() -> None:
    clock = SimulatedClock(T0)

    def heartbeat() -> None:
        clock.schedule(heartbeat, after=30)

    clock.schedule(heartbeat, after=30)
    with pytest.raises(ClockError) as caught:
        clock.run_until_idle(max_steps=50)
    message = str(caught.value)
    assert "50 actions" in message
    assert "rescheduling itself" in message
    assert "heartbeat" in message
    assert "advance()" in message
    assert clock.now == T0 + timedelta(seconds=30 * 50)
    # Bounded moves still work, and run exactly what is due.
    assert clock.advance(300) == 10


def test_advance_stops_a_zero_delay_loop_instead_of_hanging() -> None:
    clock = SimulatedClock(T0)

    def spin() -> None:
        clock.schedule(spin, after=0)

    clock.schedule(spin, after=0)
    with pytest.raises(ClockError, match="rescheduling itself"):
        clock.advance(1, max_steps=1000)
    assert clock.now == T0


@pytest.mark.parametrize("max_steps", [-1, 1.5, True])
def test_bad_max_steps(max_steps: object) -> None:
    with pytest.raises(ClockError, match="max_steps"):
        SimulatedClock(T0).run_until_idle(max_steps)  # type: ignore[arg-type]


def test_run_until_idle_with_exactly_max_steps_is_fine() -> None:
    clock, log = scheduled([1, 2, 3])
    assert clock.run_until_idle(max_steps=3) == 3
    assert clock.run_until_idle(max_steps=0) == 0
    assert [label for label, _ in log] == [0, 1, 2]
    assert clock.step() is False


def test_run_due_runs_what_is_due_now_and_what_it_schedules_now_but_nothing_later() -> None:
    clock = SimulatedClock(T0)
    log: Log = []
    assert clock.run_due() == 0  # nothing scheduled
    clock.schedule(recorder(clock, log, 9), after=5)
    assert clock.run_due() == 0  # nothing due yet: the clock stays
    assert clock.now == T0

    def parent() -> None:
        log.append((1, clock.now))
        clock.schedule(recorder(clock, log, 2), after=0)  # due at once: runs in the same call
        clock.schedule(recorder(clock, log, 3), after=1)  # later: stays scheduled

    clock.schedule(parent, after=0)
    cancelled = clock.schedule(recorder(clock, log, 4), after=0)
    cancelled.cancel()
    assert clock.run_due() == 2
    assert log == [(1, T0), (2, T0)]
    assert clock.now == T0
    assert clock.peek() == T0 + timedelta(seconds=1)
    assert clock.run_due() == 0


@given(delay_lists, st.integers(min_value=0, max_value=500))
def test_run_due_is_advance_by_zero(ds: list[int], move: int) -> None:
    (a, log_a), (b, log_b) = scheduled(ds), scheduled(ds)
    a.advance(move)
    b.advance(move)
    for clock in (a, b):
        clock.schedule(lambda: None, after=0)
    assert a.run_due() == b.advance(0)
    assert (a.now, log_a, len(a)) == (b.now, log_b, len(b))


def test_run_due_stops_a_zero_delay_loop_instead_of_hanging() -> None:
    clock = SimulatedClock(T0)

    def spin() -> None:
        clock.schedule(spin, after=0)

    clock.schedule(spin, after=0)
    with pytest.raises(ClockError, match="rescheduling itself"):
        clock.run_due(max_steps=1000)
    assert clock.now == T0
