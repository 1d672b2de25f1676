"""The agent-only operations through a real boto3 client: checks, answers, no changes."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from instance_world import DOCUMENT, RESOURCES

from ecsmock import ECSMock

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
ENDPOINTS = {
    "endpoint": "https://ecs-a-1.eu-west-1.amazonaws.com/",
    "telemetryEndpoint": "https://ecs-t-1.eu-west-1.amazonaws.com/",
    "serviceConnectEndpoint": "https://ecs-sc.eu-west-1.api.aws",
}
ACK = {"acknowledgment": "ACK"}
CLUSTER_NOT_FOUND = "Cluster not found."
CLUSTER_INACTIVE = "The referenced cluster was inactive."
TASK_NOT_FOUND = "The referenced task was not found."
INSTANCE_NOT_FOUND = "The referenced container instance was not found."
ATTACHMENT = f"{ARN}attachment/0b6ad1d9-2a7f-4b1e-9d3c-7a5e1f2c3d4e"


def body(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata")
    return response


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


@pytest.fixture
def web(client: Any) -> Any:
    client.create_cluster(clusterName="web")
    client.register_task_definition(
        family="app",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
    )
    return client


@pytest.fixture
def task(web: Any, ecs: ECSMock) -> str:
    run = web.run_task(
        cluster="web", taskDefinition="app", launchType="FARGATE", networkConfiguration=NET
    )
    ecs.advance(60)
    return str(run["tasks"][0]["taskArn"])


def snapshot(client: Any, ecs: ECSMock, task: str) -> tuple[Any, int]:
    described = client.describe_tasks(cluster="web", tasks=[task])["tasks"]
    return described, len(ecs.events)


# -- DiscoverPollEndpoint --------------------------------------------------------------


def test_discover_poll_endpoint_without_arguments(client: Any) -> None:
    assert body(client.discover_poll_endpoint()) == ENDPOINTS


def test_discover_poll_endpoint_names_the_region(ecs: ECSMock) -> None:
    east = boto3.client("ecs", region_name="us-east-1")
    assert body(east.discover_poll_endpoint()) == {
        "endpoint": "https://ecs-a-1.us-east-1.amazonaws.com/",
        "telemetryEndpoint": "https://ecs-t-1.us-east-1.amazonaws.com/",
        "serviceConnectEndpoint": "https://ecs-sc.us-east-1.api.aws",
    }


def test_discover_poll_endpoint_for_an_instance(web: Any) -> None:
    made = web.register_container_instance(
        cluster="web", instanceIdentityDocument=DOCUMENT, totalResources=RESOURCES
    )
    arn = made["containerInstance"]["containerInstanceArn"]
    for ref in (arn, arn.rsplit("/", 1)[1]):
        answer = web.discover_poll_endpoint(cluster="web", containerInstance=ref)
        assert body(answer) == ENDPOINTS
    assert body(web.discover_poll_endpoint(cluster=ARN + "cluster/web")) == ENDPOINTS


def test_discover_poll_endpoint_errors(web: Any) -> None:
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.discover_poll_endpoint(cluster="nope")
    assert message(err) == CLUSTER_NOT_FOUND
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.discover_poll_endpoint(cluster="web", containerInstance="0" * 32)
    assert message(err) == INSTANCE_NOT_FOUND
    # An instance without a cluster is looked for in `default`, which does not exist here.
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.discover_poll_endpoint(containerInstance="0" * 32)
    assert message(err) == CLUSTER_NOT_FOUND


# -- SubmitTaskStateChange -------------------------------------------------------------


def test_submit_task_state_change_acknowledges_and_changes_nothing(
    web: Any, ecs: ECSMock, task: str
) -> None:
    before = snapshot(web, ecs, task)
    answer = web.submit_task_state_change(
        cluster="web",
        task=task,
        status="STOPPED",
        reason="agent says so",
        containers=[
            {
                "containerName": "app",
                "exitCode": 1,
                "status": "STOPPED",
                "networkBindings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
            }
        ],
        attachments=[{"attachmentArn": ATTACHMENT, "status": "DELETED"}],
        managedAgents=[
            {"containerName": "app", "managedAgentName": "ExecuteCommandAgent", "status": "RUNNING"}
        ],
    )
    assert body(answer) == ACK
    assert snapshot(web, ecs, task) == before
    short = task.rsplit("/", 1)[1]
    assert body(web.submit_task_state_change(cluster="web", task=short)) == ACK
    assert body(web.submit_task_state_change(cluster="web")) == ACK


def test_submit_task_state_change_errors(web: Any, task: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.submit_task_state_change(cluster="web", task="0" * 32, status="RUNNING")
    assert message(err) == TASK_NOT_FOUND
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.submit_task_state_change(cluster="nope", task=task)
    assert message(err) == CLUSTER_NOT_FOUND
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.submit_task_state_change(
            cluster="web",
            task=task,
            containers=[{"networkBindings": [{"protocol": "sctp"}]}],
        )
    assert message(err) == (
        "Invalid value 'sctp' for containers[0].networkBindings[0].protocol. "
        "Valid values: tcp, udp."
    )
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.submit_task_state_change(
            cluster="web",
            task=task,
            managedAgents=[{"containerName": "app", "managedAgentName": "Other", "status": "x"}],
        )
    assert message(err) == (
        "Invalid value 'Other' for managedAgents[0].managedAgentName. "
        "Valid values: ExecuteCommandAgent."
    )


def test_task_of_another_cluster_is_not_found(web: Any, task: str) -> None:
    web.create_cluster(clusterName="other")
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.submit_task_state_change(cluster="other", task=task)
    assert message(err) == TASK_NOT_FOUND


def test_inactive_cluster_is_refused(web: Any) -> None:
    web.create_cluster(clusterName="gone")
    web.delete_cluster(cluster="gone")
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.submit_task_state_change(cluster="gone")
    assert message(err) == CLUSTER_INACTIVE
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.submit_container_state_change(cluster="gone")
    assert message(err) == CLUSTER_INACTIVE
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.submit_attachment_state_changes(cluster="gone", attachments=[])
    assert message(err) == CLUSTER_INACTIVE


# -- SubmitContainerStateChange --------------------------------------------------------


def test_submit_container_state_change(web: Any, ecs: ECSMock, task: str) -> None:
    before = snapshot(web, ecs, task)
    answer = web.submit_container_state_change(
        cluster="web",
        task=task,
        containerName="app",
        runtimeId="abc123",
        status="STOPPED",
        exitCode=137,
        reason="OOM",
        networkBindings=[{"containerPort": 53, "hostPort": 53, "protocol": "udp"}],
    )
    assert body(answer) == ACK
    assert snapshot(web, ecs, task) == before


def test_submit_container_state_change_errors(web: Any, task: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.submit_container_state_change(cluster="web", task="0" * 32, containerName="app")
    assert message(err) == TASK_NOT_FOUND
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.submit_container_state_change(
            cluster="web", task=task, networkBindings=[{"protocol": "TCP"}]
        )
    assert message(err) == (
        "Invalid value 'TCP' for networkBindings[0].protocol. Valid values: tcp, udp."
    )
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.submit_container_state_change(cluster="nope", task=task)
    assert message(err) == CLUSTER_NOT_FOUND


# -- SubmitAttachmentStateChanges ------------------------------------------------------


def test_submit_attachment_state_changes(web: Any, ecs: ECSMock, task: str) -> None:
    before = snapshot(web, ecs, task)
    answer = web.submit_attachment_state_changes(
        cluster="web", attachments=[{"attachmentArn": ATTACHMENT, "status": "ATTACHED"}]
    )
    assert body(answer) == ACK
    assert snapshot(web, ecs, task) == before


def test_submit_attachment_state_changes_errors(web: Any) -> None:
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.submit_attachment_state_changes(
            cluster="nope", attachments=[{"attachmentArn": ATTACHMENT, "status": "ATTACHED"}]
        )
    assert message(err) == CLUSTER_NOT_FOUND
    # No cluster means `default`, which this world does not have.
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.submit_attachment_state_changes(
            attachments=[{"attachmentArn": ATTACHMENT, "status": "ATTACHED"}]
        )
    assert message(err) == CLUSTER_NOT_FOUND
