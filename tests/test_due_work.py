"""Work already due at the current simulated instant is done before every ECS call is
answered (as `advance(0)` does); the clock does not move, and later work stays later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from ecsmock import mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
LIFECYCLE = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"]
TEARDOWN = ["RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]


def fargate(region: str = "eu-west-1") -> Any:
    client = boto3.client("ecs", region_name=region)
    client.create_cluster(clusterName="web")
    client.register_task_definition(
        family="hello",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "busybox"}],
    )
    return client


def run(client: Any) -> dict[str, Any]:
    answer = client.run_task(
        cluster="web", taskDefinition="hello", launchType="FARGATE", networkConfiguration=NETWORK
    )
    return dict(answer["tasks"][0])


def describe(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.describe_tasks(cluster="web", tasks=[arn])["tasks"][0])


def statuses(events: Any) -> list[str]:
    return [
        e["detail"]["lastStatus"] for e in events if e["detail-type"] == "ECS Task State Change"
    ]


def test_instant_tasks_are_running_and_stopped_by_the_next_call() -> None:
    with mock_ecs(timing="instant", strict=True, start=START) as ecs:
        client = fargate()
        answered = run(client)
        # The answer is the task as ECS answers it; its lifecycle is due at once.
        assert (answered["lastStatus"], answered["version"]) == ("PROVISIONING", 1)
        assert statuses(ecs.events) == ["PROVISIONING"]
        task = describe(client, answered["taskArn"])
        assert (task["lastStatus"], task["version"], task["startedAt"]) == ("RUNNING", 3, START)
        assert statuses(ecs.events) == LIFECYCLE

        stopping = client.stop_task(cluster="web", task=answered["taskArn"])["task"]
        assert (stopping["lastStatus"], stopping["desiredStatus"]) == ("RUNNING", "STOPPED")
        task = describe(client, answered["taskArn"])
        assert (task["lastStatus"], task["stopCode"], task["stoppedAt"], task["version"]) == (
            "STOPPED",
            "UserInitiated",
            START,
            5,
        )
        assert statuses(ecs.events) == LIFECYCLE + TEARDOWN
        assert ecs.now() == START  # the clock never moved
        assert [c.at for c in ecs.calls] == [START] * len(ecs.calls)


def test_realistic_work_scheduled_for_later_stays_later() -> None:
    with mock_ecs(strict=True, start=START) as ecs:
        client = fargate()
        arn = run(client)["taskArn"]
        for _ in range(3):
            assert describe(client, arn)["lastStatus"] == "PROVISIONING"
        assert ecs.now() == START
        ecs.advance(4)  # Fargate's PROVISIONING phase
        assert describe(client, arn)["lastStatus"] == "PENDING"

        # The first scheduler pass comes 1 simulated second after CreateService.
        client.create_service(
            cluster="web",
            serviceName="api",
            taskDefinition="hello",
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration=NETWORK,
        )
        service = client.describe_services(cluster="web", services=["api"])["services"][0]
        assert (service["pendingCount"], service["runningCount"]) == (0, 0)
        ecs.advance(1)
        service = client.describe_services(cluster="web", services=["api"])["services"][0]
        assert (service["pendingCount"], service["runningCount"]) == (2, 0)


def test_a_refused_call_still_does_the_due_work_first() -> None:
    with mock_ecs(timing="instant", strict=True, start=START) as ecs:
        client = fargate()
        arn = run(client)["taskArn"]
        with pytest.raises(client.exceptions.ClusterNotFoundException):
            client.describe_tasks(cluster="nowhere", tasks=[arn])
        assert statuses(ecs.events) == LIFECYCLE
        assert ecs.calls[-1].error == "ClusterNotFoundException"


def test_due_work_is_done_per_region_world_before_any_region_answers() -> None:
    # One clock for the world: a call in another region does the due work too.
    with mock_ecs(timing="instant", strict=True, start=START) as ecs:
        arn = run(fargate("eu-west-1"))["taskArn"]
        boto3.client("ecs", region_name="us-east-1").list_clusters()
        assert statuses(ecs.events) == LIFECYCLE
        assert describe(boto3.client("ecs", region_name="eu-west-1"), arn)["version"] == 3


def test_the_handle_runs_nothing_by_itself() -> None:
    with mock_ecs(timing="instant", strict=True, start=START) as ecs:
        arn = run(fargate())["taskArn"]
        assert statuses(ecs.events) == ["PROVISIONING"]  # reading events is no call
        ecs.advance(0)
        assert statuses(ecs.events) == LIFECYCLE
        assert (
            arn
            in boto3.client("ecs", region_name="eu-west-1").list_tasks(cluster="web")["taskArns"]
        )


def scenario() -> tuple[list[Any], list[Any]]:
    with mock_ecs(timing="instant", strict=True, start=START, seed=3) as ecs:
        client = fargate()
        arns = [run(client)["taskArn"] for _ in range(3)]
        client.stop_task(cluster="web", task=arns[1])
        ecs.advance(timedelta(seconds=5))
        described = client.describe_tasks(cluster="web", tasks=arns)["tasks"]
        for task in described:
            task.pop("ResponseMetadata", None)
        return described, list(ecs.events)


def test_same_calls_same_answers() -> None:
    assert scenario() == scenario()
