"""Every public method of the handle is safe to call while other threads call ECS.

The interpreter is made to switch threads every microsecond, so a method that changes the
world without the mock's lock meets a call half-way through (run launchers poll from
threads while the test injects faults).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from ecsmock import ECSMock

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
WORKERS = 4
ROUNDS = 25


@pytest.fixture
def fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _setup(client: Any) -> None:
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="job",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "busybox"}],
    )


def _worker(errors: list[BaseException], arns: list[str]) -> Callable[[], None]:
    def work() -> None:
        client = boto3.client("ecs", region_name="eu-west-1")
        try:
            for _ in range(ROUNDS):
                answer = client.run_task(
                    taskDefinition="job", launchType="FARGATE", networkConfiguration=NET
                )
                assert answer["failures"] == []
                arn = answer["tasks"][0]["taskArn"]
                arns.append(arn)
                client.describe_tasks(tasks=[arn])
                client.list_tasks()
        except BaseException as err:  # reported by the test thread
            errors.append(err)

    return work


def _meddle(ecs: ECSMock, arns: list[str], i: int) -> None:
    """What a test thread does meanwhile: faults, scripts, reads of the world."""
    ecs.faults.crash(family="job", exit_code=i % 256, after=float(i % 7))
    ecs.script_container(container="app", exit_code=0, after=30.0 + i)
    ecs.faults.unhealthy(image=f"image-{i}")
    ecs.faults.image_pull_failure(image=f"other-{i}", times=1)
    if arns:
        ecs.faults.exit_container(arns[-1], "app", 3, after=i % 5)
    ecs.advance(1)
    assert ecs.invariants() == []
    assert all(event["source"] == "aws.ecs" for event in ecs.events)
    assert all(call.operation for call in ecs.calls)
    if i % 10 == 0:
        ecs.faults.clear()


def test_handle_methods_race_no_call(ecs: ECSMock, fast_switching: None) -> None:
    client = boto3.client("ecs", region_name="eu-west-1")
    _setup(client)
    errors: list[BaseException] = []
    arns: list[str] = []
    threads = [threading.Thread(target=_worker(errors, arns)) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    try:
        i = 0
        while any(thread.is_alive() for thread in threads):
            i += 1
            _meddle(ecs, arns, i)
    finally:
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(set(arns)) == WORKERS * ROUNDS
    ecs.settle()  # the clock's heap is intact: it runs to the end
    assert ecs.invariants() == []
    calls = [call for call in ecs.calls if call.operation == "RunTask"]
    assert [call.error for call in calls] == [None] * WORKERS * ROUNDS
