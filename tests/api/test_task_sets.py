"""Task sets through a real client: EXTERNAL blue/green, CODE_DEPLOY services, errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecsmock import ECSMock

ACCOUNT = "123456789012"
REGION = "eu-west-1"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d", "subnet-1b2c3d4e"]}}
SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/default/web"
TD_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/"


def _register(client: Any, family: str, image: str) -> None:
    client.register_task_definition(
        family=family,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image}],
    )


@pytest.fixture
def external(ecs: ECSMock, client: Any) -> dict[str, Any]:
    client.create_cluster()
    _register(client, "blue", "app:1")
    _register(client, "green", "app:2")
    service: dict[str, Any] = client.create_service(
        serviceName="web",
        desiredCount=4,
        deploymentController={"type": "EXTERNAL"},
    )["service"]
    return service


def _create_set(client: Any, family: str, scale: float, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = client.create_task_set(
        cluster="default",
        service="web",
        taskDefinition=family,
        launchType="FARGATE",
        networkConfiguration=NETWORK,
        scale={"value": scale, "unit": "PERCENT"},
        **extra,
    )["taskSet"]
    return found


def _sets(client: Any) -> dict[str, dict[str, Any]]:
    sets = client.describe_task_sets(cluster="default", service="web")["taskSets"]
    return {s["taskDefinition"].rsplit("/", 1)[1]: s for s in sets}


def _service(client: Any) -> dict[str, Any]:
    found: dict[str, Any] = client.describe_services(services=["web"])["services"][0]
    return found


def test_an_external_service_starts_without_deployments(external: dict[str, Any]) -> None:
    assert external["deployments"] == []
    assert external["taskSets"] == []
    assert external["deploymentController"] == {"type": "EXTERNAL"}
    assert external["launchType"] == "EC2"
    assert "taskDefinition" not in external
    assert external["desiredCount"] == 4


def test_create_task_set_answers_as_ecs_does(ecs: ECSMock, client: Any, external: Any) -> None:
    task_set = _create_set(client, "blue", 100.0, externalId="deploy-1")
    assert task_set["id"].startswith("ecs-svc/")
    assert len(task_set["id"]) == len("ecs-svc/") + 19
    assert task_set["taskSetArn"] == (
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-set/default/web/{task_set['id']}"
    )
    assert task_set["serviceArn"] == SERVICE_ARN
    assert task_set["status"] == "ACTIVE"  # the first set is not made PRIMARY
    assert task_set["externalId"] == "deploy-1"
    assert "startedBy" not in task_set
    assert task_set["taskDefinition"] == TD_ARN + "blue:1"
    assert (task_set["computedDesiredCount"], task_set["runningCount"]) == (0, 0)
    assert task_set["launchType"] == "FARGATE"
    assert task_set["platformVersion"] == "1.4.0"
    assert task_set["scale"] == {"value": 100.0, "unit": "PERCENT"}
    assert task_set["stabilityStatus"] == "STABILIZING"
    assert task_set["stabilityStatusAt"] == task_set["createdAt"] == ecs.now()
    assert task_set["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == [
        "subnet-0a1b2c3d",
        "subnet-1b2c3d4e",
    ]


def test_computed_desired_count_follows_a_moment_later_rounded_up(
    ecs: ECSMock, client: Any, external: Any
) -> None:
    _create_set(client, "blue", 30.0)
    ecs.advance(1)
    assert _sets(client)["blue:1"]["computedDesiredCount"] == 0
    ecs.advance(1)
    assert _sets(client)["blue:1"]["computedDesiredCount"] == 2  # ceil(4 x 0.3) = ceil(1.2)
    client.update_service(service="web", desiredCount=10)
    ecs.advance(1)
    assert _sets(client)["blue:1"]["computedDesiredCount"] == 3


def test_blue_green_with_task_sets(ecs: ECSMock, client: Any, external: Any) -> None:
    blue = _create_set(client, "blue", 100.0)
    primary = client.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=blue["id"]
    )["taskSet"]
    assert primary["status"] == "PRIMARY"
    ecs.settle()
    sets = _sets(client)
    assert (sets["blue:1"]["runningCount"], sets["blue:1"]["stabilityStatus"]) == (
        4,
        "STEADY_STATE",
    )
    service = _service(client)
    assert service["taskDefinition"] == TD_ARN + "blue:1"
    assert (service["runningCount"], service["pendingCount"]) == (4, 0)
    assert [s["status"] for s in service["taskSets"]] == ["PRIMARY"]

    green = _create_set(client, "green", 0.0)
    ecs.settle()
    assert _sets(client)["green:1"]["runningCount"] == 0
    client.update_task_set(
        cluster="default", service="web", taskSet=green["id"], scale={"value": 100.0}
    )
    ecs.settle()
    sets = _sets(client)
    assert (sets["green:1"]["runningCount"], sets["blue:1"]["runningCount"]) == (4, 4)
    assert _service(client)["runningCount"] == 8

    switched = client.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=green["taskSetArn"]
    )["taskSet"]
    assert switched["status"] == "PRIMARY"
    sets = _sets(client)
    assert (sets["green:1"]["status"], sets["blue:1"]["status"]) == ("PRIMARY", "ACTIVE")
    assert _service(client)["taskDefinition"] == TD_ARN + "green:1"

    client.update_task_set(cluster="default", service="web", taskSet=blue["id"], scale={"value": 0})
    ecs.settle()
    assert _sets(client)["blue:1"]["runningCount"] == 0
    stopped = client.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    tasks = client.describe_tasks(tasks=stopped)["tasks"]
    assert len(tasks) == 4
    assert {t["stopCode"] for t in tasks} == {"ServiceSchedulerInitiated"}
    assert {t["startedBy"] for t in tasks} == {blue["id"]}

    deleted = client.delete_task_set(cluster="default", service="web", taskSet=blue["id"])
    assert deleted["taskSet"]["status"] == "DRAINING"
    assert deleted["taskSet"]["scale"] == {"value": 0.0, "unit": "PERCENT"}
    ecs.settle()
    assert list(_sets(client)) == ["green:1"]
    assert ecs.invariants() == []
    names = [
        e["detail"]["eventName"] for e in ecs.events if e["detail-type"] != "ECS Task State Change"
    ]
    assert names.count("TASKSET_STEADY_STATE") >= 2


def test_task_set_tasks_carry_the_set_id_and_service_group(
    ecs: ECSMock, client: Any, external: Any
) -> None:
    blue = _create_set(client, "blue", 50.0)
    ecs.settle()
    arns = client.list_tasks(serviceName="web")["taskArns"]
    tasks = client.describe_tasks(tasks=arns)["tasks"]
    assert len(tasks) == 2
    assert {(t["startedBy"], t["group"]) for t in tasks} == {(blue["id"], "service:web")}


def test_errors_of_the_task_set_api(ecs: ECSMock, client: Any, external: Any) -> None:
    blue = _create_set(client, "blue", 100.0)
    client.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=blue["id"]
    )
    with pytest.raises(ClientError) as err:
        client.delete_task_set(cluster="default", service="web", taskSet=blue["id"])
    assert err.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(client.exceptions.TaskSetNotFoundException):
        client.update_task_set(
            cluster="default", service="web", taskSet="ecs-svc/1", scale={"value": 5}
        )
    with pytest.raises(client.exceptions.ServiceNotFoundException):
        client.create_task_set(cluster="default", service="nope", taskDefinition="blue")
    for _ in range(4):
        _create_set(client, "green", 0.0)
    with pytest.raises(client.exceptions.InvalidParameterException) as too_many:
        _create_set(client, "green", 0.0)
    assert too_many.value.response["Error"]["Message"] == (
        "5 deployments exist on the service. Unable to create new TaskSet since this exceeds "
        "the maximum limit."
    )
    described = client.describe_task_sets(
        cluster="default", service="web", taskSets=[blue["id"], "ecs-svc/0"]
    )
    assert [s["id"] for s in described["taskSets"]] == [blue["id"]]
    assert described["failures"] == [{"arn": "ecs-svc/0", "reason": "MISSING"}]


def test_task_set_api_on_an_ecs_service_is_refused(ecs: ECSMock, client: Any) -> None:
    client.create_cluster()
    _register(client, "blue", "app:1")
    client.create_service(
        serviceName="web",
        taskDefinition="blue",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=NETWORK,
    )
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_task_set(cluster="default", service="web", taskDefinition="blue")
    assert err.value.response["Error"]["Message"] == (
        "Amazon ECS only supports task set management on services configured to use external "
        "deployment controllers."
    )


def test_an_external_service_refuses_a_task_definition_update(
    ecs: ECSMock, client: Any, external: Any
) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.update_service(service="web", taskDefinition="green")
    updated = client.update_service(service="web", desiredCount=2)["service"]
    assert updated["desiredCount"] == 2


def test_deleting_an_external_service_drains_its_task_sets(
    ecs: ECSMock, client: Any, external: Any
) -> None:
    _create_set(client, "blue", 100.0)
    ecs.settle()
    client.delete_service(service="web", force=True)
    ecs.settle()
    assert _service(client)["status"] == "INACTIVE"
    assert client.list_tasks(serviceName="web")["taskArns"] == []
    ecs.advance(timedelta(hours=2))
    assert ecs.invariants() == []


def test_tags_on_task_sets(ecs: ECSMock, client: Any, external: Any) -> None:
    blue = _create_set(client, "blue", 0.0, tags=[{"key": "color", "value": "blue"}])
    assert blue["tags"] == [{"key": "color", "value": "blue"}]
    client.tag_resource(resourceArn=blue["taskSetArn"], tags=[{"key": "team", "value": "a"}])
    tags = client.list_tags_for_resource(resourceArn=blue["taskSetArn"])["tags"]
    assert tags == [{"key": "color", "value": "blue"}, {"key": "team", "value": "a"}]
    described = client.describe_task_sets(
        cluster="default", service="web", taskSets=[blue["id"]], include=["TAGS"]
    )["taskSets"][0]
    assert described["tags"] == tags


def test_a_code_deploy_service_gets_a_primary_task_set(ecs: ECSMock, client: Any) -> None:
    client.create_cluster()
    _register(client, "blue", "app:1")
    service = client.create_service(
        serviceName="web",
        taskDefinition="blue",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=NETWORK,
        deploymentController={"type": "CODE_DEPLOY"},
    )["service"]
    assert service["deployments"] == []
    (task_set,) = service["taskSets"]
    assert (task_set["status"], task_set["startedBy"]) == ("PRIMARY", "CODE_DEPLOY")
    assert task_set["scale"] == {"value": 100.0, "unit": "PERCENT"}
    ecs.settle()
    assert _service(client)["runningCount"] == 2
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.update_service(service="web", taskDefinition="blue")
    assert err.value.response["Error"]["Message"] == (
        "Unable to update task definition on services with a CODE_DEPLOY deployment "
        "controller. Use AWS CodeDeploy to trigger a new deployment."
    )
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.create_task_set(cluster="default", service="web", taskDefinition="blue")
