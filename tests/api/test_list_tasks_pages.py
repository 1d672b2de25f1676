"""ListTasks pages cost what they return: a page reads its tasks, not every match.

The store counts the tasks a listing looks at (`TaskStore.examined`); each page of a walk
through hundreds of tasks looks at no more than the page and one task past it.
"""

from __future__ import annotations

from typing import Any

import pytest

from ecsmock import ECSMock
from ecsmock.model.tasks.store import TaskStore

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}


@pytest.fixture
def many(client: Any) -> Any:
    client.create_cluster(clusterName="default")
    for family in ("web", "worker"):
        client.register_task_definition(
            family=family,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx:1"}],
        )
    return client


def run(client: Any, family: str, times: int) -> list[str]:
    arns: list[str] = []
    for _ in range(times):
        tasks = client.run_task(
            taskDefinition=family, count=10, launchType="FARGATE", networkConfiguration=NET
        )["tasks"]
        arns += [t["taskArn"] for t in tasks]
    return arns


def store(ecs: ECSMock) -> TaskStore:
    return ecs.world.backend("123456789012", "eu-west-1").tasks.store


def walk(client: Any, ecs: ECSMock, size: int, **filters: Any) -> tuple[list[str], list[int]]:
    """Every page of a listing: the ARNs in order and the tasks each page looked at."""
    arns: list[str] = []
    examined: list[int] = []
    token = None
    while True:
        before = store(ecs).examined
        kwargs = {"maxResults": size, **filters}
        if token is not None:
            kwargs["nextToken"] = token
        answer = client.list_tasks(**kwargs)
        examined.append(store(ecs).examined - before)
        arns += answer["taskArns"]
        token = answer.get("nextToken")
        if token is None:
            return arns, examined


def test_each_page_of_eight_hundred_tasks_looks_at_the_page_and_one_more(
    many: Any, ecs: ECSMock
) -> None:
    web = run(many, "web", 40)
    worker = run(many, "worker", 40)
    arns, examined = walk(many, ecs, 100)
    assert arns == web + worker  # creation order, nothing twice, nothing left out
    assert examined == [101] * 7 + [100]
    # one filter more: read from the smaller index (the family's), page by page
    arns, examined = walk(many, ecs, 50, family="worker")
    assert arns == worker
    assert examined == [51] * 7 + [50]


def test_a_page_after_tasks_stopped_in_between_resumes_where_the_last_ended(
    many: Any, ecs: ECSMock
) -> None:
    arns = run(many, "web", 3)
    first = many.list_tasks(maxResults=10)
    assert first["taskArns"] == arns[:10]
    for arn in arns[:5] + arns[10:12]:  # some listed already, some not yet
        many.stop_task(task=arn)
    second = many.list_tasks(maxResults=10, nextToken=first["nextToken"])
    assert second["taskArns"] == arns[12:22]
    third = many.list_tasks(maxResults=10, nextToken=second["nextToken"])
    assert third["taskArns"] == arns[22:]
    assert "nextToken" not in third


def test_stopped_tasks_list_in_creation_order_whatever_order_they_stopped_in(
    many: Any, ecs: ECSMock
) -> None:
    arns = run(many, "web", 2)
    for arn in reversed(arns[::3]):
        many.stop_task(task=arn)
    arns_stopped, examined = walk(many, ecs, 3, desiredStatus="STOPPED")
    assert arns_stopped == arns[::3]
    assert examined == [4, 4, 1]
    running, _ = walk(many, ecs, 100)
    assert running == [a for i, a in enumerate(arns) if i % 3]


def test_an_exact_last_page_has_no_token_and_an_empty_listing_none(many: Any, ecs: ECSMock) -> None:
    empty = many.list_tasks(family="web")
    assert empty["taskArns"] == []
    assert "nextToken" not in empty
    arns = run(many, "web", 2)
    first = many.list_tasks(maxResults=10)
    second = many.list_tasks(maxResults=10, nextToken=first["nextToken"])
    assert first["taskArns"] + second["taskArns"] == arns
    assert "nextToken" not in second
