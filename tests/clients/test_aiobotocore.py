"""aiobotocore's ECS clients against ecsmock: calls, errors, paginators and waiters.

aiobotocore builds on botocore's sessions and event hooks, so its ECS clients are answered
like botocore's; its waiters sleep between polls through their own `_sleep`, which runs on
the simulated clock for an ECS client while a mock is active, with the default options.
Each test runs its coroutine with `asyncio.run`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiobotocore.session import get_session
from aiobotocore.waiter import create_waiter_with_client
from botocore.exceptions import ClientError, WaiterError
from botocore.waiter import WaiterModel

from ecsmock import ECSMock, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
# The bound for a waiter with the default options; in practice a few hundredths.
WALL = 2.0
T = TypeVar("T")


@pytest.fixture
def ecs() -> Iterator[ECSMock]:
    with mock_ecs(strict=True, start=START) as mock:
        yield mock


@asynccontextmanager
async def ecs_client() -> AsyncIterator[Any]:
    async with get_session().create_client("ecs", region_name="eu-west-1") as client:
        yield client


def run(test: Callable[[Any], Awaitable[T]]) -> T:
    """Run `test(client)` with an aiobotocore ECS client, in a fresh event loop."""

    async def main() -> T:
        async with ecs_client() as client:
            return await test(client)

    return asyncio.run(main())


async def fargate(client: Any, count: int = 1) -> list[str]:
    """A cluster `web`, a Fargate definition `web`, and `count` tasks of it; their ARNs."""
    await client.create_cluster(clusterName="web")
    await client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1.27"}],
    )
    answer = await client.run_task(
        cluster="web",
        taskDefinition="web",
        launchType="FARGATE",
        count=count,
        networkConfiguration=NETWORK,
    )
    return [task["taskArn"] for task in answer["tasks"]]


def test_calls_are_answered_with_real_types(ecs: ECSMock) -> None:
    async def test(client: Any) -> None:
        [arn] = await fargate(client)
        [task] = (await client.describe_tasks(cluster="web", tasks=[arn]))["tasks"]
        assert (task["lastStatus"], task["createdAt"]) == ("PROVISIONING", START)
        assert isinstance(task["createdAt"], datetime)
        with pytest.raises(ClientError) as raised:
            await client.describe_tasks(cluster="nowhere", tasks=[arn])
        assert raised.value.response["Error"] == {
            "Code": "ClusterNotFoundException",
            "Message": "Cluster not found.",
        }
        assert isinstance(raised.value, client.exceptions.ClusterNotFoundException)

    run(test)
    assert [c.operation for c in ecs.calls] == [
        "CreateCluster",
        "RegisterTaskDefinition",
        "RunTask",
        "DescribeTasks",
        "DescribeTasks",
    ]


def test_paginators(ecs: ECSMock) -> None:
    async def test(client: Any) -> tuple[list[int], list[str], list[str]]:
        arns = await fargate(client, count=5)
        paginator = client.get_paginator("list_tasks")
        pages = [
            page
            async for page in paginator.paginate(cluster="web", PaginationConfig={"PageSize": 2})
        ]
        listed = [arn for page in pages for arn in page["taskArns"]]
        return [len(page["taskArns"]) for page in pages], sorted(listed), sorted(arns)

    sizes, listed, made = run(test)
    assert sizes == [2, 2, 1]
    assert listed == made


def test_tasks_running_and_tasks_stopped_wait_on_the_simulated_clock(ecs: ECSMock) -> None:
    async def test(client: Any) -> list[tuple[datetime, float]]:
        arns = await fargate(client, count=2)
        marks = []
        began = time.perf_counter()
        await client.get_waiter("tasks_running").wait(cluster="web", tasks=arns)
        marks.append((ecs.now(), time.perf_counter() - began))
        tasks = (await client.describe_tasks(cluster="web", tasks=arns))["tasks"]
        assert {t["lastStatus"] for t in tasks} == {"RUNNING"}
        await client.stop_task(cluster="web", task=arns[0])
        began = time.perf_counter()
        await client.get_waiter("tasks_stopped").wait(cluster="web", tasks=arns[:1])
        marks.append((ecs.now(), time.perf_counter() - began))
        [stopped] = (await client.describe_tasks(cluster="web", tasks=arns[:1]))["tasks"]
        assert (stopped["lastStatus"], stopped["stopCode"]) == ("STOPPED", "UserInitiated")
        assert stopped["stoppedAt"] - stopped["stoppingAt"] == timedelta(seconds=12.5)
        return marks

    (running_at, running_wall), (stopped_at, stopped_wall) = run(test)
    # RUNNING 19.2 s after run_task: the waiter's look at 24 s (it looks every 6 s) sees it.
    assert running_at == START + timedelta(seconds=24)
    # STOPPED 12.5 s after stop_task: the waiter's look at 18 s sees it.
    assert stopped_at == running_at + timedelta(seconds=18)
    assert running_wall < WALL
    assert stopped_wall < WALL


def test_a_waiter_that_never_succeeds_gives_up_in_simulated_time(ecs: ECSMock) -> None:
    async def test(client: Any) -> str:
        [arn] = await fargate(client)
        with pytest.raises(WaiterError) as raised:
            await client.get_waiter("tasks_stopped").wait(
                cluster="web", tasks=[arn], WaiterConfig={"Delay": 60, "MaxAttempts": 10}
            )
        return str(raised.value)

    began = time.perf_counter()
    assert "Max attempts exceeded" in run(test)
    assert time.perf_counter() - began < WALL
    assert ecs.now() == START + timedelta(seconds=60 * 9)  # nine sleeps between ten looks


def test_the_waiter_still_yields_to_the_event_loop(ecs: ECSMock) -> None:
    async def test(client: Any) -> int:
        arns = await fargate(client)
        turns = 0
        done = False

        async def beside() -> None:
            nonlocal turns
            while not done:
                turns += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(beside())
        await client.get_waiter("tasks_running").wait(cluster="web", tasks=arns)
        done = True
        await task
        return turns

    assert run(test) >= 4  # one turn per sleep at least: it slept 4 times
    assert ecs.now() == START + timedelta(seconds=24)


def test_a_waiter_of_another_service_sleeps_for_real(ecs: ECSMock) -> None:
    model = WaiterModel(
        {
            "version": 2,
            "waiters": {
                "QueueThere": {
                    "delay": 1,
                    "operation": "GetQueueUrl",
                    "maxAttempts": 2,
                    "acceptors": [
                        {"expected": "x", "matcher": "path", "state": "success", "argument": "a"}
                    ],
                }
            },
        }
    )

    async def main() -> float:
        async with get_session().create_client("sqs", region_name="eu-west-1") as sqs:
            waiter = create_waiter_with_client("QueueThere", model, sqs)
            began = time.perf_counter()
            await waiter._sleep(0.05)  # the sleep between two polls
            return time.perf_counter() - began

    assert asyncio.run(main()) >= 0.05
    assert ecs.now() == START


def test_with_advance_on_sleep_a_waiter_advances_once_per_sleep() -> None:
    with mock_ecs(strict=True, start=START, advance_on_sleep=True) as ecs:

        async def test(client: Any) -> None:
            arns = await fargate(client)
            await client.get_waiter("tasks_running").wait(cluster="web", tasks=arns)

        run(test)
        assert ecs.now() == START + timedelta(seconds=24)


# aiobotocore imported (and a client made) before ecsmock: its waiter is patched at import.
BEFORE_ECSMOCK = """
import asyncio
import sys

from aiobotocore.session import get_session

assert "ecsmock" not in sys.modules
from ecsmock import mock_ecs


async def main():
    async with get_session().create_client("ecs", region_name="eu-west-1") as client:
        await client.create_cluster(clusterName="web")
        await client.register_task_definition(
            family="web",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx"}],
        )
        answer = await client.run_task(
            cluster="web",
            taskDefinition="web",
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}},
        )
        arns = [task["taskArn"] for task in answer["tasks"]]
        waiter = client.get_waiter("tasks_stopped")
        config = {"Delay": 100, "MaxAttempts": 3}  # 200 s of real sleeps, if they were real
        await waiter.wait(cluster="web", tasks=arns, WaiterConfig=config)


with mock_ecs() as ecs:
    began = ecs.now()
    try:
        asyncio.run(main())
    except Exception as err:  # the task keeps running: the waiter gives up
        print(type(err).__name__, (ecs.now() - began).total_seconds())
"""


def test_aiobotocore_imported_before_ecsmock() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    env["PYTHONPATH"] = str(root)
    done = subprocess.run(
        [sys.executable, "-c", BEFORE_ECSMOCK],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["WaiterError", "200.0"]
