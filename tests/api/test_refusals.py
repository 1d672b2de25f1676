"""Refusals and the evidence each one rests on.

ecsmock refuses a request only where real ECS is known to refuse it: the API reference
says so, or a real error was observed. Each case below names its evidence, with the
confidence tags of the behaviour reference ([M] botocore model, [D] AWS documentation,
[O] observed output, [I] inferred wording); the check in the code carries the same note.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
FARGATE = {
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "app", "image": "nginx"}],
}


@pytest.fixture
def world(client: Any) -> Any:
    """Cluster `default`, a Fargate definition `web` and a service `web` of it."""
    client.create_cluster(clusterName="default")
    client.register_task_definition(family="web", **FARGATE)
    client.create_service(
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=NET,
    )
    return client


Call = Callable[[Any], Any]
CASES: list[tuple[str, Call, str, str]] = [
    # (evidence, call, error code, message)
    (
        "[O] aws/aws-cdk#29619",
        lambda c: c.register_task_definition(family="x", pidMode="host", **FARGATE),
        "ClientException",
        "Tasks using the Fargate launch type do not support pidMode 'host'. The supported "
        "value for pidMode is 'task'.",
    ),
    (
        "[O] cn-terraform/terraform-aws-ecs-fargate#2",
        lambda c: c.register_task_definition(family="x", ipcMode="task", **FARGATE),
        "ClientException",
        "Tasks using the Fargate launch type do not support ipcMode.",
    ),
    (
        "[O] aws/aws-cdk#6245, terraform-aws-modules/terraform-aws-ecs#278",
        lambda c: c.create_service(
            serviceName="ext",
            taskDefinition="web",
            desiredCount=1,
            deploymentController={"type": "EXTERNAL"},
        ),
        "InvalidParameterException",
        "TaskDefinition must be blank",
    ),
    (
        "[O] boto/boto3#2473 (short service ARN)",
        lambda c: c.list_tags_for_resource(resourceArn=ARN + "service/web"),
        "InvalidParameterException",
        "Long arn format must be used for tagging operations",
    ),
    (
        "[O] boto/boto3#2473 (short task ARN)",
        lambda c: c.tag_resource(
            resourceArn=ARN + "task/0123456789abcdef0123456789abcdef",
            tags=[{"key": "a", "value": "b"}],
        ),
        "InvalidParameterException",
        "Long arn format must be used for tagging operations",
    ),
    (
        "[O] terraform-provider-aws#30313",
        lambda c: c.update_service(service="web", taskDefinition="web:latest"),
        "InvalidParameterException",
        "Invalid revision number. Number: latest",
    ),
    (
        "[O] aws/aws-cli#3785",
        lambda c: c.put_account_setting(name="taskLongArnFormat", value="ENABLED"),
        "InvalidParameterException",
        "Invalid setting 'value'",
    ),
    (
        "[O] terraform-aws-modules/terraform-aws-ecs#264",
        lambda c: c.update_cluster(
            cluster="default", settings=[{"name": "containerInsights", "value": "enhaced"}]
        ),
        "InvalidParameterException",
        "Invalid setting 'value'",
    ),
    (
        "[O] aws/aws-sdk-go-v2#1893",
        lambda c: c.list_tasks(startedBy="ci", launchType="FARGATE"),
        "InvalidParameterException",
        "cannot specify startedBy with other arguments",
    ),
    (
        "[O] GetSimpl/cloudlift#138, terraform-provider-aws#26337",
        lambda c: c.run_task(
            taskDefinition="web",
            launchType="FARGATE",
            networkConfiguration=NET,
            placementConstraints=[{"type": "distinctInstance"}],
        ),
        "InvalidParameterException",
        "Placement constraints are not supported with FARGATE launch type.",
    ),
    (
        "[O] gchq/sleeper#3387",
        lambda c: c.describe_container_instances(containerInstances=[]),
        "InvalidParameterException",
        "Container instance cannot be empty.",
    ),
    (
        "[O] nextflow-io/nextflow#1658",
        lambda c: c.describe_container_instances(containerInstances=[" "]),
        "InvalidParameterException",
        "Container instance can not be blank.",
    ),
]


@pytest.mark.parametrize(
    ("evidence", "call", "code", "text"), CASES, ids=[case[0] for case in CASES]
)
def test_refusal(world: Any, evidence: str, call: Call, code: str, text: str) -> None:
    with pytest.raises(world.exceptions.ClientError) as err:
        call(world)
    assert (err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]) == (
        code,
        text,
    )


def test_fargate_pid_mode_task_is_accepted(client: Any) -> None:
    made = client.register_task_definition(family="x", pidMode="task", **FARGATE)
    assert made["taskDefinition"]["pidMode"] == "task"


def test_a_service_arn_names_its_cluster(world: Any, ecs: Any) -> None:
    # Operations that take a service ARN work in its cluster when `cluster` is left out.
    world.create_cluster(clusterName="prod")
    world.create_service(
        cluster="prod",
        serviceName="api",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=NET,
    )
    api = ARN + "service/prod/api"
    assert world.describe_services(services=[api])["services"][0]["serviceArn"] == api
    deployments = world.list_service_deployments(service=api)["serviceDeployments"]
    assert [d["serviceArn"] for d in deployments] == [api]
    assert world.update_service(service=api, desiredCount=2)["service"]["desiredCount"] == 2
    answer = world.delete_service(service=api, force=True)["service"]
    assert (answer["serviceArn"], answer["status"]) == (api, "DRAINING")
    # A bare name still means the `default` cluster.
    with pytest.raises(world.exceptions.ServiceNotFoundException):
        world.update_service(service="api", desiredCount=1)
