"""StopTask, DescribeTasks and ListTasks through a real boto3 client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ecsmock import ECSMock
from ecsmock.model.timing import REALISTIC

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

ACCOUNT_ARN = "arn:aws:ecs:eu-west-1:123456789012:"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
NOT_FOUND = "The referenced task was not found."
# A Fargate task stopped while RUNNING is STOPPED 0.5 s (SIGTERM) + 12 s (ENI) later.
TEARDOWN = REALISTIC.graceful_stop + REALISTIC.deprovisioning[0]
RETENTION = REALISTIC.stopped_task_retention


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


@pytest.fixture
def web(client: Any) -> Any:
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
    )
    return client


def run(client: Any, **kw: Any) -> list[str]:
    kw.setdefault("taskDefinition", "web")
    kw.setdefault("launchType", "FARGATE")
    kw.setdefault("networkConfiguration", NET)
    return [t["taskArn"] for t in client.run_task(**kw)["tasks"]]


def short(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


# -- StopTask --------------------------------------------------------------------------


def test_stop_task_by_id_or_arn(web: Any, ecs: ECSMock) -> None:
    first, second = run(web, count=2)
    ecs.advance(30)
    by_id = web.stop_task(task=short(first))["task"]
    by_arn = web.stop_task(cluster=ACCOUNT_ARN + "cluster/default", task=second, reason="deploy")[
        "task"
    ]
    assert [t["taskArn"] for t in (by_id, by_arn)] == [first, second]
    assert by_id["stoppedReason"] == "Task stopped by user"
    assert by_arn["stoppedReason"] == "deploy"
    for task in (by_id, by_arn):
        assert (task["lastStatus"], task["desiredStatus"], task["stopCode"]) == (
            "RUNNING",
            "STOPPED",
            "UserInitiated",
        )
        assert task["stoppingAt"] == START + timedelta(seconds=30)
        assert task["tags"] == []


def test_stop_twice_keeps_the_first_decision(web: Any, ecs: ECSMock) -> None:
    [arn] = run(web)
    ecs.advance(30)
    web.stop_task(task=arn, reason="first")
    ecs.advance(1)
    again = web.stop_task(task=arn, reason="second")["task"]
    assert (again["stoppedReason"], again["version"]) == ("first", 4)
    assert again["stoppingAt"] == START + timedelta(seconds=30)


def test_stop_reason_limit(web: Any) -> None:
    [arn] = run(web)
    assert web.stop_task(task=arn, reason="r" * 255)["task"]["stoppedReason"] == "r" * 255
    [other] = run(web)
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.stop_task(task=other, reason="r" * 256)
    assert message(err) == "Reason can have at most 255 characters."
    assert web.describe_tasks(tasks=[other])["tasks"][0]["desiredStatus"] == "RUNNING"


@pytest.mark.parametrize(
    "task",
    [
        "0123456789abcdef0123456789abcdef",
        ACCOUNT_ARN + "task/other/0123456789abcdef0123456789abcdef",
    ],
)
def test_stop_unknown_task(web: Any, task: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.stop_task(task=task)
    assert message(err) == NOT_FOUND


def test_stop_task_in_another_cluster_or_region(web: Any) -> None:
    [arn] = run(web)
    web.create_cluster(clusterName="other")
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.stop_task(cluster="other", task=short(arn))
    assert message(err) == NOT_FOUND
    elsewhere = arn.replace("eu-west-1", "us-east-1")
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.stop_task(task=elsewhere)
    assert message(err) == NOT_FOUND
    with pytest.raises(web.exceptions.ClusterNotFoundException):
        web.stop_task(cluster="nope", task=arn)


# -- DescribeTasks -----------------------------------------------------------------------


def test_describe_tasks_limits(web: Any) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.describe_tasks(tasks=[])
    assert message(err) == "Tasks cannot be empty."
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.describe_tasks(tasks=[f"{i:032x}" for i in range(101)])
    assert message(err) == "taskIds can have at most 100 items."
    answer = web.describe_tasks(tasks=[f"{i:032x}" for i in range(100)])
    assert len(answer["failures"]) == 100


def test_describe_tasks_missing_and_found(web: Any) -> None:
    [arn] = run(web)
    ghost = "0123456789abcdef0123456789abcdef"
    ghost_arn = ACCOUNT_ARN + "task/default/fedcba9876543210fedcba9876543210"
    answer = web.describe_tasks(tasks=[ghost, short(arn), ghost_arn])
    assert [t["taskArn"] for t in answer["tasks"]] == [arn]
    assert answer["failures"] == [
        {"arn": ACCOUNT_ARN + "task/default/" + ghost, "reason": "MISSING"},
        {"arn": ghost_arn, "reason": "MISSING"},
    ]


def test_describe_tasks_include_tags(web: Any) -> None:
    [arn] = run(web, tags=[{"key": "k", "value": "v"}])
    # Without include, `"tags": []` (aws/aws-cli#4500).
    assert web.describe_tasks(tasks=[arn])["tasks"][0]["tags"] == []
    tagged = web.describe_tasks(tasks=[arn], include=["TAGS"])["tasks"][0]
    assert tagged["tags"] == [{"key": "k", "value": "v"}]
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.describe_tasks(tasks=[arn], include=["EVERYTHING"])
    assert message(err) == "Invalid value 'EVERYTHING' for include. Valid values: TAGS."


def test_stopped_tasks_stay_visible_for_an_hour(web: Any, ecs: ECSMock) -> None:
    [arn] = run(web)
    ecs.advance(30)
    web.stop_task(task=arn)
    stopped_at = START + timedelta(seconds=30 + TEARDOWN)
    ecs.advance_to(stopped_at)
    assert web.describe_tasks(tasks=[arn])["tasks"][0]["stoppedAt"] == stopped_at
    ecs.advance_to(stopped_at + timedelta(seconds=RETENTION - 1))
    assert web.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED"
    assert web.list_tasks(desiredStatus="STOPPED")["taskArns"] == [arn]
    ecs.advance(1)
    assert web.describe_tasks(tasks=[arn])["failures"] == [{"arn": arn, "reason": "MISSING"}]
    assert web.list_tasks(desiredStatus="STOPPED")["taskArns"] == []
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.stop_task(task=arn)
    assert message(err) == NOT_FOUND


# -- ListTasks ---------------------------------------------------------------------------


def test_list_tasks_by_desired_status(web: Any, ecs: ECSMock) -> None:
    arns = run(web, count=3)
    # A task still PROVISIONING is listed as RUNNING (its desiredStatus).
    assert web.list_tasks()["taskArns"] == arns
    assert web.list_tasks(desiredStatus="RUNNING")["taskArns"] == arns
    web.stop_task(task=arns[2])
    web.stop_task(task=arns[0])
    assert web.list_tasks()["taskArns"] == [arns[1]]
    # Creation order, not stop order.
    assert web.list_tasks(desiredStatus="STOPPED")["taskArns"] == [arns[0], arns[2]]
    # ECS never sets desiredStatus PENDING.
    assert web.list_tasks(desiredStatus="PENDING")["taskArns"] == []
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.list_tasks(desiredStatus="DONE")
    assert (
        message(err)
        == "Invalid value 'DONE' for desiredStatus. Valid values: RUNNING, PENDING, STOPPED."
    )


def test_list_tasks_filters(web: Any) -> None:
    web.register_task_definition(
        family="api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "api", "image": "api:1"}],
    )
    web_tasks = run(web, count=2, startedBy="ci")
    api_task = run(web, taskDefinition="api")
    assert web.list_tasks(family="web")["taskArns"] == web_tasks
    assert web.list_tasks(family="api")["taskArns"] == api_task
    assert web.list_tasks(family="nope")["taskArns"] == []
    assert web.list_tasks(startedBy="ci")["taskArns"] == web_tasks
    assert web.list_tasks(launchType="FARGATE")["taskArns"] == web_tasks + api_task
    assert web.list_tasks(launchType="EC2")["taskArns"] == []
    assert web.list_tasks(family="web", launchType="FARGATE")["taskArns"] == web_tasks
    # Real output (aws/aws-sdk-go-v2#1893); desiredStatus may come with it.
    for other in ({"family": "web"}, {"launchType": "FARGATE"}, {"serviceName": "web"}):
        with pytest.raises(web.exceptions.InvalidParameterException) as err:
            web.list_tasks(startedBy="ci", **other)
        assert message(err) == "cannot specify startedBy with other arguments"
    assert web.list_tasks(startedBy="ci", desiredStatus="STOPPED")["taskArns"] == []
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.list_tasks(launchType="LAMBDA")
    assert message(err) == (
        "Invalid value 'LAMBDA' for launchType. Valid values: EC2, FARGATE, EXTERNAL, "
        "MANAGED_INSTANCES."
    )


def test_list_tasks_per_cluster(web: Any) -> None:
    web.create_cluster(clusterName="other")
    here = run(web)
    there = run(web, cluster="other")
    assert web.list_tasks()["taskArns"] == here
    assert web.list_tasks(cluster="other")["taskArns"] == there
    assert there[0].startswith(ACCOUNT_ARN + "task/other/")
    with pytest.raises(web.exceptions.ClusterNotFoundException):
        web.list_tasks(cluster="nope")


def test_list_tasks_pages(web: Any) -> None:
    arns = run(web, count=10) + run(web, count=5)
    first = web.list_tasks(maxResults=6)
    assert first["taskArns"] == arns[:6]
    second = web.list_tasks(maxResults=6, nextToken=first["nextToken"])
    assert second["taskArns"] == arns[6:12]
    third = web.list_tasks(maxResults=6, nextToken=second["nextToken"])
    assert third["taskArns"] == arns[12:]
    assert "nextToken" not in third
    pages = web.get_paginator("list_tasks").paginate(PaginationConfig={"PageSize": 4})
    assert [a for p in pages for a in p["taskArns"]] == arns
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.list_tasks(maxResults=101)
    assert message(err) == "maxResults must be between 1 and 100, inclusive."
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.list_tasks(nextToken="garbage")
    assert message(err) == "Invalid nextToken. Use the nextToken value from a previous response."


def test_delete_cluster_waits_for_its_tasks_to_stop(web: Any, ecs: ECSMock) -> None:
    [arn] = run(web)
    with pytest.raises(web.exceptions.ClusterContainsTasksException):
        web.delete_cluster(cluster="default")
    ecs.advance(30)
    web.stop_task(task=arn)
    ecs.advance(TEARDOWN - 0.1)
    # DEPROVISIONING still counts.
    with pytest.raises(web.exceptions.ClusterContainsTasksException):
        web.delete_cluster(cluster="default")
    ecs.advance(0.1)
    assert web.delete_cluster(cluster="default")["cluster"]["status"] == "INACTIVE"
    # Its stopped task is still describable there for the rest of the hour.
    assert web.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED"


def test_cluster_counts_follow_the_tasks(web: Any, ecs: ECSMock) -> None:
    def counts() -> tuple[int, int]:
        cluster = web.describe_clusters(clusters=["default"])["clusters"][0]
        return cluster["pendingTasksCount"], cluster["runningTasksCount"]

    arns = run(web, count=3)
    assert counts() == (3, 0)
    ecs.advance(30)
    assert counts() == (0, 3)
    assert web.stop_task(task=arns[0])["task"]["lastStatus"] == "RUNNING"
    # The task starts stopping at the same instant, before the next call is answered.
    assert counts() == (0, 2)


def test_list_tasks_by_an_unknown_service_is_service_not_found(client: Any) -> None:
    client.create_cluster()
    with pytest.raises(client.exceptions.ServiceNotFoundException) as raised:
        client.list_tasks(serviceName="web")
    assert raised.value.response["Error"]["Message"] == "Service not found."


def test_settle_runs_the_teardown_but_not_the_hour_later_purge(web: Any, ecs: ECSMock) -> None:
    (arn,) = run(web)
    ecs.advance(30)
    web.stop_task(task=arn)
    stopped_at = ecs.now() + timedelta(seconds=TEARDOWN)
    ecs.settle()
    assert ecs.now() == stopped_at
    (task,) = web.describe_tasks(tasks=[arn])["tasks"]
    assert (task["lastStatus"], task["stoppedAt"]) == ("STOPPED", stopped_at)
    ecs.advance(RETENTION)
    assert web.describe_tasks(tasks=[arn])["failures"] == [{"arn": arn, "reason": "MISSING"}]
