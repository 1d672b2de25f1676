"""Code that waits by itself follows a rollout of ten simulated minutes in a moment of real
time, with `advance_on_sleep=True, sync_wall_clock=True`: `time.sleep` in the main thread
or a worker thread, a `sleep` bound by `from time import sleep` before ecsmock was
imported, and `asyncio.sleep`; each gives up on a `datetime.now()` deadline."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from rollout import (
    POLLS,
    ROLLOUT,
    WAITED,
    finished_at,
    start_rollout,
    wait_with_asyncio_sleep,
    wait_with_time_sleep,
)

from ecsmock import mock_ecs

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
# The bound is 2 s; the machine running the suite may be busy, so the figure is
# checked against it, with every run in practice far below (about 0.3 s).
WALL = 2.0


def waiting_mock() -> Any:
    return mock_ecs(advance_on_sleep=True, sync_wall_clock=True, start=START, strict=True)


def test_time_sleep_and_a_datetime_deadline_follow_a_ten_minute_rollout() -> None:
    began = time.perf_counter()
    with waiting_mock() as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        updated = start_rollout(client, ecs)
        looks = wait_with_time_sleep(client)
        assert looks == POLLS
        assert ecs.now() - updated == WAITED
        assert finished_at(client) - updated == ROLLOUT
        assert datetime.now(UTC) == ecs.now()  # the deadline was read on the simulated clock
    assert time.perf_counter() - began < WALL


def test_a_worker_thread_that_polls() -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def worker(client: Any) -> None:
        try:
            results.append(wait_with_time_sleep(client))
        except BaseException as err:  # reported by the main thread
            errors.append(err)

    began = time.perf_counter()
    with waiting_mock() as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        updated = start_rollout(client, ecs)
        thread = threading.Thread(target=worker, args=(client,), daemon=True)
        thread.start()
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert (results, errors) == ([POLLS], [])
        assert ecs.now() - updated == WAITED
    assert time.perf_counter() - began < WALL


def test_asyncio_sleep_follows_the_rollout_and_still_yields() -> None:
    async def main(client: Any) -> tuple[int, int]:
        turns = 0
        done = False

        async def other_task() -> None:
            nonlocal turns
            while not done:
                turns += 1
                await asyncio.sleep(0)

        beside = asyncio.create_task(other_task())
        looks = await wait_with_asyncio_sleep(client)
        done = True
        await beside
        return looks, turns

    began = time.perf_counter()
    with waiting_mock() as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        updated = start_rollout(client, ecs)
        looks, turns = asyncio.run(main(client))
        assert looks == POLLS
        # Each of the 41 sleeps gave the other task its turn, as `asyncio.sleep` does.
        assert turns >= POLLS - 1
        assert ecs.now() - updated == WAITED
    assert time.perf_counter() - began < WALL


# The script binds `sleep` and `perf_counter` before anything else is imported.
EARLY_BOUND = """
from time import perf_counter, sleep

import sys
from datetime import UTC, datetime, timedelta

assert "ecsmock" not in sys.modules
import json

import boto3
import rollout

from ecsmock import mock_ecs


def wait(client):
    deadline = datetime.now(UTC) + timedelta(minutes=20)
    looks = 0
    while datetime.now(UTC) < deadline:
        looks += 1
        if rollout.rolled_out(client):
            return looks
        sleep(rollout.POLL)
    raise TimeoutError("the rollout did not complete in time")


began = perf_counter()
start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
with mock_ecs(advance_on_sleep=True, sync_wall_clock=True, start=start, strict=True) as ecs:
    client = boto3.client("ecs", region_name="eu-west-1")
    updated = rollout.start_rollout(client, ecs)
    looks = wait(client)
    waited = (ecs.now() - updated).total_seconds()
wall = perf_counter() - began
print(json.dumps({"looks": looks, "waited": waited, "wall": wall, "real": sleep.__module__}))
"""


def test_a_sleep_bound_before_ecsmock_was_imported() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)]),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    done = subprocess.run(
        [sys.executable, "-c", EARLY_BOUND],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert (answer["looks"], answer["waited"]) == (POLLS, WAITED.total_seconds())
    assert answer["wall"] < WALL
    assert answer["real"] == "time"  # the script's `sleep` is the real one again
