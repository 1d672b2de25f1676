"""botocore waiters of ECS clients sleep on the simulated clock; other waiters are untouched."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.waiter
import pytest
from botocore.exceptions import WaiterError
from botocore.waiter import WaiterModel, create_waiter_with_client
from moto import mock_aws

import ecsmock
from ecsmock import ECSMock, _patch, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
DELAY, MAX_ATTEMPTS = 60, 100


def waiter_model(expected: str) -> WaiterModel:
    return WaiterModel(
        {
            "version": 2,
            "waiters": {
                "ClusterGone": {
                    "operation": "DescribeClusters",
                    "delay": DELAY,
                    "maxAttempts": MAX_ATTEMPTS,
                    "acceptors": [
                        {
                            "matcher": "pathAll",
                            "argument": "failures[].reason",
                            "expected": expected,
                            "state": "success",
                        }
                    ],
                }
            },
        }
    )


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record real sleeps instead of sleeping (botocore.waiter's only real sleep path)."""
    slept: list[float] = []
    monkeypatch.setattr("ecsmock._patch._time.sleep", slept.append)
    return slept


def describes(ecs: ECSMock) -> int:
    return sum(1 for c in ecs.calls if c.operation == "DescribeClusters")


def test_a_custom_ecs_waiter_runs_on_the_simulated_clock(
    ecs: ECSMock, client: Any, real_sleeps: list[float]
) -> None:
    client.create_cluster(clusterName="gone")
    client.delete_cluster(cluster="gone")  # INACTIVE now, purged one simulated hour later
    waiter = create_waiter_with_client("ClusterGone", waiter_model("MISSING"), client)
    wall = time.perf_counter()
    waiter.wait(clusters=["gone"])
    assert time.perf_counter() - wall < 0.5
    # Polls at 0, 60, ..., 3600 s: the 61st sees MISSING; 60 sleeps of 60 s in between.
    assert describes(ecs) == 61
    assert ecs.now() - START == timedelta(seconds=60 * DELAY)
    assert real_sleeps == []
    assert client.describe_clusters(clusters=["gone"])["failures"][0]["reason"] == "MISSING"


def test_a_waiter_that_never_succeeds_gives_up_in_simulated_time(
    ecs: ECSMock, client: Any, real_sleeps: list[float]
) -> None:
    client.create_cluster(clusterName="stays")
    waiter = create_waiter_with_client("ClusterGone", waiter_model("MISSING"), client)
    wall = time.perf_counter()
    with pytest.raises(WaiterError, match="Max attempts exceeded"):
        waiter.wait(clusters=["stays"])
    assert time.perf_counter() - wall < 1.0
    # botocore polls maxAttempts times and sleeps between polls, not after the last one.
    assert describes(ecs) == MAX_ATTEMPTS
    assert ecs.now() - START == timedelta(seconds=(MAX_ATTEMPTS - 1) * DELAY)
    assert real_sleeps == []


def test_waiter_config_overrides_are_honoured(ecs: ECSMock, client: Any) -> None:
    client.create_cluster(clusterName="stays")
    waiter = create_waiter_with_client("ClusterGone", waiter_model("MISSING"), client)
    with pytest.raises(WaiterError):
        waiter.wait(clusters=["stays"], WaiterConfig={"Delay": 5, "MaxAttempts": 3})
    assert ecs.now() - START == timedelta(seconds=10)


def test_a_waiter_that_succeeds_at_once_does_not_move_the_clock(ecs: ECSMock, client: Any) -> None:
    waiter = create_waiter_with_client("ClusterGone", waiter_model("MISSING"), client)
    waiter.wait(clusters=["never-made"])
    assert ecs.now() == START


def test_the_innermost_mock_is_the_one_whose_clock_moves(client: Any, ecs: ECSMock) -> None:
    waiter = create_waiter_with_client("ClusterGone", waiter_model("NEVER"), client)
    with mock_ecs(start=START) as inner, pytest.raises(WaiterError):
        waiter.wait(clusters=["x"], WaiterConfig={"Delay": 7, "MaxAttempts": 4})
    assert inner.now() - START == timedelta(seconds=21)
    assert ecs.now() == START


def test_sync_wall_clock_follows_a_waiter(real_sleeps: list[float]) -> None:
    with mock_ecs(start=START, sync_wall_clock=True) as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        waiter = create_waiter_with_client("ClusterGone", waiter_model("NEVER"), client)
        with pytest.raises(WaiterError):
            waiter.wait(clusters=["x"], WaiterConfig={"Delay": 30, "MaxAttempts": 3})
        assert ecs.now() == START + timedelta(seconds=60)
        assert datetime.now(UTC) == ecs.now()
        assert time.time() == ecs.now().timestamp()
    assert real_sleeps == []


def test_a_builtin_ecs_waiter_on_a_task(ecs: ECSMock, client: Any) -> None:
    client.create_cluster(clusterName="web")
    client.register_task_definition(
        family="api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    network = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
    run = client.run_task(
        cluster="web", taskDefinition="api", launchType="FARGATE", networkConfiguration=network
    )
    arn = run["tasks"][0]["taskArn"]
    wall = time.perf_counter()
    client.get_waiter("tasks_running").wait(cluster="web", tasks=[arn])
    assert time.perf_counter() - wall < 0.5
    waited = (ecs.now() - START).total_seconds()
    assert waited > 0
    assert waited % 6 == 0  # the tasks_running waiter polls every 6 s
    task = client.describe_tasks(cluster="web", tasks=[arn])["tasks"][0]
    assert task["lastStatus"] == "RUNNING"


def test_a_non_ecs_waiter_really_sleeps(ecs: ECSMock, real_sleeps: list[float]) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="waiter-bucket")
        with pytest.raises(WaiterError):
            s3.get_waiter("object_exists").wait(
                Bucket="waiter-bucket", Key="missing", WaiterConfig={"Delay": 2, "MaxAttempts": 3}
            )
    assert real_sleeps == [2, 2]
    assert ecs.now() == START


def test_an_ecs_waiter_with_no_active_mock_is_left_to_botocore(
    real_sleeps: list[float],
) -> None:
    mock = mock_ecs(start=START).start()
    client = boto3.client("ecs", region_name="eu-west-1")
    waiter = create_waiter_with_client("ClusterGone", waiter_model("NEVER"), client)
    mock.stop()
    assert ecsmock.current() is None
    assert not _patch._is_ecs_waiter(object())
    assert _patch._is_ecs_waiter(waiter)
    # Without a mock the call would go to AWS; check the sleep path only.
    assert botocore.waiter.time.sleep(3) is None
    assert real_sleeps == [3]


def test_the_simulated_sleep_is_per_thread(ecs: ECSMock, real_sleeps: list[float]) -> None:
    _patch._LOCAL.waiting_on = ecs  # as inside an ECS waiter on this thread
    try:
        other = threading.Thread(target=botocore.waiter.time.sleep, args=(4,))
        other.start()
        other.join()
        botocore.waiter.time.sleep(5)
    finally:
        _patch._LOCAL.waiting_on = None
    assert real_sleeps == [4]
    assert ecs.now() - START == timedelta(seconds=5)


def test_the_waiter_module_keeps_the_rest_of_time() -> None:
    assert botocore.waiter.time.monotonic is time.monotonic
    assert botocore.waiter.time.time is time.time
    assert botocore.waiter.Waiter.wait is _patch._wait


def test_a_later_wrapper_of_wait_is_kept_and_not_wrapped_again(
    monkeypatch: pytest.MonkeyPatch, real_sleeps: list[float]
) -> None:
    ours = botocore.waiter.Waiter.wait
    seen: list[str] = []

    def wrapper(self: Any, **kwargs: Any) -> None:
        seen.append(self.name)
        ours(self, **kwargs)

    monkeypatch.setattr(botocore.waiter.Waiter, "wait", wrapper)
    with mock_ecs(start=START) as ecs:  # start() installs again: idempotent
        assert botocore.waiter.Waiter.wait is wrapper
        client = boto3.client("ecs", region_name="eu-west-1")
        waiter = create_waiter_with_client("ClusterGone", waiter_model("NEVER"), client)
        with pytest.raises(WaiterError):
            waiter.wait(clusters=["x"], WaiterConfig={"Delay": 3, "MaxAttempts": 2})
        assert ecs.now() - START == timedelta(seconds=3)
    assert seen == ["ClusterGone"]
    assert real_sleeps == []
