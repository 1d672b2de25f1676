"""Long simulations: weeks of simulated time in one `advance`, with events kept bounded."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from ecsmock import ClockError, ECSMock, OptionError, SimulatedClock, mock_ecs

START = datetime(2026, 1, 1, tzinfo=UTC)
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
SERVICES = 50
CRASHING = range(0, SERVICES, 25)  # exit 1 four hours after they start
UNHEALTHY = range(5, SERVICES, 25)  # health checks fail: replaced by their service
HEALTH = {"command": ["CMD", "true"], "interval": 300, "retries": 10, "timeout": 5}


def _fleet(client: Any, ecs: ECSMock) -> None:
    client.create_cluster(clusterName="default")
    for i in range(SERVICES):
        client.register_task_definition(
            family=f"svc{i}",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "app:1", "healthCheck": HEALTH}],
        )
        client.create_service(
            serviceName=f"svc{i}",
            taskDefinition=f"svc{i}",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=NET,
        )
    for i in CRASHING:
        ecs.faults.crash(family=f"svc{i}", exit_code=1, after=4 * 3600)
    for i in UNHEALTHY:
        ecs.faults.unhealthy(family=f"svc{i}")


def test_thirty_days_of_fifty_services_in_one_advance() -> None:
    with mock_ecs(start=START, max_events=500) as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        _fleet(client, ecs)
        ecs.advance(timedelta(days=30))
        assert ecs.now() == START + timedelta(days=30)
        assert ecs.invariants() == []
        assert len(ecs.events) == 500
        assert ecs.events.forgotten > 10_000
        services = client.describe_services(services=[f"svc{i}" for i in range(10)])
        counts = {s["serviceName"]: s["runningCount"] for s in services["services"]}
        assert counts == {f"svc{i}": 1 for i in range(10)}
        # The crashing service replaced its task every four hours or so, for 30 days.
        messages = [e["message"] for e in services["services"][0]["events"]]
        assert len([m for m in messages if "has started 1 tasks" in m]) > 30
        assert ecs.events[-1]["time"] <= "2026-01-31T00:00:00Z"


def test_a_month_of_periodic_work_is_not_a_runaway() -> None:
    clock = SimulatedClock(START)
    ran: list[int] = []

    def heartbeat(i: int) -> Callable[[], None]:
        def beat() -> None:
            ran.append(i)
            clock.schedule(beat, after=900)

        return beat

    for i in range(SERVICES):
        clock.schedule(heartbeat(i), after=i + 1)
    assert clock.advance(timedelta(days=30)) == SERVICES * 4 * 24 * 30  # 144,000 actions
    assert clock.now == START + timedelta(days=30)


def test_the_guard_still_stops_work_that_never_lets_the_clock_move() -> None:
    clock = SimulatedClock(START)

    def spin() -> None:
        clock.schedule(spin, after=timedelta(microseconds=10))  # a runaway too

    clock.schedule(spin, after=3600)
    with pytest.raises(ClockError, match="within one second"):
        clock.advance(timedelta(days=30), max_steps=10_000)
    assert START + timedelta(hours=1) <= clock.now <= START + timedelta(hours=1, seconds=10)


def test_advance_takes_a_higher_guard_for_dense_work() -> None:
    clock = SimulatedClock(START)
    for i in range(3000):
        clock.schedule(lambda: None, after=1 + i / 10_000)  # 3,000 actions in 0.3 s
    with pytest.raises(ClockError):
        clock.advance(10, max_steps=2000)
    assert clock.advance(10, max_steps=5000) == 1000
    with mock_ecs(start=START) as ecs:
        ecs.advance(timedelta(days=1), max_steps=10)
        ecs.advance_to(START + timedelta(days=2), max_steps=10)
        assert ecs.now() == START + timedelta(days=2)


def test_events_drain_and_limit() -> None:
    with mock_ecs(start=START, max_events=3, timing="instant") as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        client.create_cluster(clusterName="default")
        client.register_task_definition(
            family="job",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "busybox"}],
        )
        arn = client.run_task(taskDefinition="job", launchType="FARGATE", networkConfiguration=NET)[
            "tasks"
        ][0]["taskArn"]
        ecs.settle()
        kept = [event["detail"]["lastStatus"] for event in ecs.events]
        assert kept == ["DEACTIVATING", "STOPPING", "DEPROVISIONING"] or len(kept) == 3
        assert ecs.events.limit == 3
        drained = ecs.events.drain()
        assert [e["detail"]["taskArn"] for e in drained] == [arn] * 3
        assert len(ecs.events) == 0
    with mock_ecs(timing="instant") as ecs:
        assert ecs.events.limit is None
    with pytest.raises(OptionError, match="max_events"):
        mock_ecs(max_events=-1)


def _one_mock(client: Any, day: int) -> None:
    with mock_ecs(timing="instant", start=START + timedelta(days=day)) as ecs:
        client.create_cluster(clusterName="default")
        client.register_task_definition(
            family="job",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "busybox"}],
        )
        arn = client.run_task(taskDefinition="job", launchType="FARGATE", networkConfiguration=NET)[
            "tasks"
        ][0]["taskArn"]
        ecs.advance(5)
        client.describe_tasks(tasks=[arn])
        client.list_tasks()
        ecs.advance(timedelta(hours=2))


def test_nothing_outlives_a_mock() -> None:
    # One client for every mock: botocore's own per-client caches stay out of the count.
    client = boto3.client("ecs", region_name="eu-west-1")
    for day in range(50):
        _one_mock(client, day)
    tracemalloc.start()
    try:
        for day in range(50, 150):  # bounded caches and the allocator's free lists fill
            _one_mock(client, day)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for day in range(150, 350):  # each mock at instants of its own
            _one_mock(client, day)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Without a leak 27-40 KB stay (botocore's validation and serialisation caches of the
    # one client, and what the last mocks' objects hold until the next collection); the
    # leak this guards against kept about 5 KB per mock, 1 MB over these 200.
    assert grown < 100_000, f"{grown} bytes kept after 200 mocks"
