"""Task definitions through a real boto3 client: register, describe, list, deregister, delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ecsmock import ECSMock

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

TD_ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/"
ROLE = "arn:aws:iam::123456789012:role/app"
FARGATE: dict[str, Any] = {
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
}
APP = {"name": "app", "image": "nginx:1"}
SIZED = {"name": "app", "image": "nginx:1", "memory": 128}


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def code(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Code"])


def register(client: Any, family: str = "web", **kw: Any) -> dict[str, Any]:
    kw.setdefault("containerDefinitions", [SIZED])
    answer = client.register_task_definition(family=family, **kw)
    return dict(answer["taskDefinition"])


def refused(client: Any, **kw: Any) -> str:
    kw.setdefault("family", "web")
    with pytest.raises(client.exceptions.ClientException) as err:
        client.register_task_definition(**kw)
    return message(err)


# -- RegisterTaskDefinition ------------------------------------------------------------


def test_register_echoes_the_definition_with_server_defaults(client: Any) -> None:
    answer = client.register_task_definition(
        family="web",
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx:1",
                "memory": 256,
                "portMappings": [{"containerPort": 80}],
            }
        ],
    )
    answer.pop("ResponseMetadata")
    assert answer == {
        "taskDefinition": {
            "taskDefinitionArn": TD_ARN + "web:1",
            "family": "web",
            "containerDefinitions": [
                {
                    "name": "app",
                    "image": "nginx:1",
                    "memory": 256,
                    "cpu": 0,
                    "essential": True,
                    "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
                    "environment": [],
                    "mountPoints": [],
                    "volumesFrom": [],
                }
            ],
            "volumes": [],
            "placementConstraints": [],
            "requiresAttributes": [],
            "revision": 1,
            "status": "ACTIVE",
            "compatibilities": ["EXTERNAL", "EC2"],
            "registeredAt": START,
            "registeredBy": "arn:aws:iam::123456789012:root",
        },
        "tags": [],
    }


def test_register_fargate_definition(client: Any) -> None:
    td = register(
        client,
        containerDefinitions=[
            {"name": "app", "image": "nginx:1", "portMappings": [{"containerPort": 80}]}
        ],
        **FARGATE,
    )
    assert td["networkMode"] == "awsvpc"
    assert td["requiresCompatibilities"] == ["FARGATE"]
    assert (td["cpu"], td["memory"]) == ("256", "512")
    assert td["compatibilities"] == ["EC2", "FARGATE"]
    # awsvpc mappings get hostPort = containerPort.
    assert td["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 80, "hostPort": 80, "protocol": "tcp"}
    ]
    assert td["requiresAttributes"] == [{"name": "ecs.capability.task-eni"}]


def test_cpu_and_memory_units_are_converted(client: Any) -> None:
    td = register(client, **{**FARGATE, "cpu": "1 vCPU", "memory": "2 GB"})
    assert (td["cpu"], td["memory"]) == ("1024", "2048")
    td = register(client, **{**FARGATE, "cpu": ".25 vcpu", "memory": "1GB"})
    assert (td["cpu"], td["memory"]) == ("256", "1024")


def test_tags_come_back_at_the_top_level(client: Any) -> None:
    answer = client.register_task_definition(
        family="web", containerDefinitions=[SIZED], tags=[{"key": "team", "value": "a"}]
    )
    assert answer["tags"] == [{"key": "team", "value": "a"}]
    assert "tags" not in answer["taskDefinition"]


def test_revisions_count_up_and_are_never_reused(client: Any) -> None:
    assert [register(client)["revision"] for _ in range(3)] == [1, 2, 3]
    client.deregister_task_definition(taskDefinition="web:3")
    client.delete_task_definitions(taskDefinitions=["web:3"])
    for rev in ("web:1", "web:2"):
        client.deregister_task_definition(taskDefinition=rev)
    client.delete_task_definitions(taskDefinitions=["web:1", "web:2"])
    assert register(client)["taskDefinitionArn"] == TD_ARN + "web:4"
    assert register(client, family="other")["revision"] == 1


@pytest.mark.parametrize("family", ["", "a b", "web:1", "x" * 256, "ümlaut"])
def test_family_rules(client: Any, family: str) -> None:
    assert refused(client, family=family, containerDefinitions=[SIZED]) == (
        "Family contains invalid characters. Up to 255 letters (uppercase and lowercase), "
        "numbers, underscores, and hyphens are allowed."
    )


def test_family_of_255_characters_is_fine(client: Any) -> None:
    assert register(client, family="F-_9" * 63 + "abc")["revision"] == 1


def test_fargate_needs_awsvpc(client: Any) -> None:
    for mode in ({}, {"networkMode": "bridge"}):
        kw = {**FARGATE, **mode}
        if not mode:
            del kw["networkMode"]
        assert refused(client, containerDefinitions=[APP], **kw) == (
            "Fargate only supports network mode \u2018awsvpc\u2019."
        )


@pytest.mark.parametrize("missing", ["cpu", "memory"])
def test_fargate_needs_cpu_and_memory(client: Any, missing: str) -> None:
    kw = {k: v for k, v in FARGATE.items() if k != missing}
    assert refused(client, containerDefinitions=[APP], **kw) == (
        "Task-level CPU and memory must be specified for tasks using the Fargate launch type."
    )


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("256", "4096"), ("512", "512"), ("1024", "1536"), ("100", "512"), ("8192", "18432")],
)
def test_invalid_fargate_pair(client: Any, cpu: str, memory: str) -> None:
    assert refused(
        client, containerDefinitions=[APP], **{**FARGATE, "cpu": cpu, "memory": memory}
    ) == ("No Fargate configuration exists for given values.")


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("256", "2048"), ("4096", "30720"), ("8192", "61440"), ("16384", "122880")],
)
def test_valid_fargate_pairs(client: Any, cpu: str, memory: str) -> None:
    td = register(client, containerDefinitions=[APP], **{**FARGATE, "cpu": cpu, "memory": memory})
    assert "FARGATE" in td["compatibilities"]


def test_awsvpc_without_a_fargate_size_is_not_fargate_compatible(client: Any) -> None:
    td = register(client, networkMode="awsvpc")
    assert td["compatibilities"] == ["EC2"]


def test_fargate_ecr_image_needs_an_execution_role(client: Any) -> None:
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
    assert refused(client, containerDefinitions=[{"name": "app", "image": image}], **FARGATE) == (
        "Fargate requires task definition to have execution role ARN to support ECR images."
    )
    td = register(
        client,
        containerDefinitions=[{"name": "app", "image": image}],
        executionRoleArn=ROLE,
        **FARGATE,
    )
    assert td["executionRoleArn"] == ROLE


def test_container_rules(client: Any) -> None:
    assert refused(client, containerDefinitions=[SIZED, dict(SIZED)]) == (
        "Duplicate container name found: app"
    )
    assert refused(client, containerDefinitions=[{**SIZED, "essential": False}]) == (
        "A task definition must have at least one essential container."
    )
    assert refused(client, containerDefinitions=[{"name": "", "image": "x", "memory": 1}]) == (
        "Container.name should not be null or empty."
    )
    assert refused(client, containerDefinitions=[{"name": "a", "image": "", "memory": 1}]) == (
        "Container.image should not be null or empty."
    )
    assert refused(client, containerDefinitions=[]) == "Container list cannot be empty."


def test_at_most_ten_containers(client: Any) -> None:
    many = [{"name": f"c{i}", "image": "busybox", "memory": 64} for i in range(11)]
    assert refused(client, containerDefinitions=many) == (
        "Too many containers. A task definition can have at most 10."
    )
    assert register(client, containerDefinitions=many[:10])["revision"] == 1


def test_memory_rules_on_ec2(client: Any) -> None:
    assert refused(client, containerDefinitions=[APP]) == (
        "Invalid setting for container 'app'. At least one of 'memory' or "
        "'memoryReservation' must be specified."
    )
    assert (
        refused(client, containerDefinitions=[{**APP, "memory": 128, "memoryReservation": 128}])
        == "Invalid setting for container 'app'. 'memory' must be greater than 'memoryReservation'."
    )
    assert refused(client, memory="256", containerDefinitions=[{**APP, "memory": 512}]) == (
        "The sum of all container memory values exceeds the task memory value."
    )
    # Either limit will do, and task-level memory alone too.
    register(client, containerDefinitions=[{**APP, "memoryReservation": 64}])
    register(client, memory="512", containerDefinitions=[APP])


@pytest.mark.parametrize("field", ["taskRoleArn", "executionRoleArn"])
@pytest.mark.parametrize(
    "role",
    [
        "arn:aws:iam::123:role/x",
        "arn:aws:s3:::bucket",
        "arn:aws:iam::123456789012:user/u",
        # Another account's role (bradford-hamilton/terraform-ecs-fargate#8).
        "arn:aws:iam::210987654321:role/ecsTaskExecutionRole",
    ],
)
def test_invalid_role(client: Any, field: str, role: str) -> None:
    # `Role is not valid`: real output (bradford-hamilton/terraform-ecs-fargate#8).
    assert refused(client, containerDefinitions=[SIZED], **{field: role}) == "Role is not valid"


@pytest.mark.parametrize("field", ["taskRoleArn", "executionRoleArn"])
def test_a_role_may_be_a_bare_name(client: Any, field: str) -> None:
    # "ECS will fill in the account ID server-side" (aws-actions/
    # amazon-ecs-render-task-definition#19, #77).
    made = register(client, **{field: "app-role"})
    assert made[field] == "arn:aws:iam::123456789012:role/app-role"
    found = client.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert found[field] == "arn:aws:iam::123456789012:role/app-role"


def test_an_empty_role_is_no_role(client: Any) -> None:
    # ecs-deploy sends "" for a role that is not set (fabfuel/ecs-deploy).
    made = register(client, taskRoleArn="", executionRoleArn="")
    assert "taskRoleArn" not in made
    assert "executionRoleArn" not in made
    assert made["requiresAttributes"] == []


def test_depends_on_rules(client: Any) -> None:
    init = {"name": "init", "image": "busybox", "memory": 64}
    essential_init = {**init, "essential": True}
    on = {**SIZED, "dependsOn": [{"containerName": "init", "condition": "COMPLETE"}]}
    assert refused(client, containerDefinitions=[essential_init, on]) == (
        "Container 'app' cannot have a COMPLETE dependency on essential container 'init'."
    )
    ghost = {**SIZED, "dependsOn": [{"containerName": "ghost", "condition": "START"}]}
    assert refused(client, containerDefinitions=[ghost]) == (
        "Container 'app' depends on 'ghost', which is not in the task definition."
    )
    bogus = {**SIZED, "dependsOn": [{"containerName": "init", "condition": "READY"}]}
    assert refused(client, containerDefinitions=[{**init, "essential": False}, bogus]) == (
        "Invalid value 'READY' for containerDefinitions[1].dependsOn[0].condition. Valid "
        "values: START, COMPLETE, SUCCESS, HEALTHY."
    )
    td = register(client, containerDefinitions=[{**init, "essential": False}, on])
    assert td["requiresAttributes"] == [{"name": "ecs.capability.container-ordering"}]


def test_health_check_ranges(client: Any) -> None:
    check = {"command": ["CMD-SHELL", "true"], "interval": 4}
    assert refused(client, containerDefinitions=[{**SIZED, "healthCheck": check}]) == (
        "Invalid healthCheck interval for container 'app': 4. It must be between 5 and 300."
    )
    td = register(
        client, containerDefinitions=[{**SIZED, "healthCheck": {"command": ["CMD", "x"]}}]
    )
    assert td["containerDefinitions"][0]["healthCheck"] == {"command": ["CMD", "x"]}
    assert td["requiresAttributes"] == [{"name": "ecs.capability.container-health-check"}]


def test_network_mode_and_compatibility_values(client: Any) -> None:
    assert refused(client, containerDefinitions=[SIZED], networkMode="overlay") == (
        "Invalid networkMode 'overlay'. Valid values: bridge, host, awsvpc, none."
    )
    assert refused(client, containerDefinitions=[SIZED], requiresCompatibilities=["LAMBDA"]) == (
        "Invalid requiresCompatibilities value 'LAMBDA'."
    )


# -- DescribeTaskDefinition ------------------------------------------------------------


def test_describe_by_family_revision_and_arn(client: Any) -> None:
    for _ in range(3):
        register(client)
    client.deregister_task_definition(taskDefinition="web:3")
    assert client.describe_task_definition(taskDefinition="web")["taskDefinition"]["revision"] == 2
    for ref in ("web:1", TD_ARN + "web:1"):
        assert (
            client.describe_task_definition(taskDefinition=ref)["taskDefinition"]["revision"] == 1
        )
    # An INACTIVE revision is still describable by its number.
    inactive = client.describe_task_definition(taskDefinition="web:3")["taskDefinition"]
    assert (inactive["status"], inactive["deregisteredAt"]) == ("INACTIVE", START)


def test_describe_include_tags(client: Any) -> None:
    register(client, tags=[{"key": "k", "value": "v"}])
    plain = client.describe_task_definition(taskDefinition="web")
    assert "tags" not in plain
    tagged = client.describe_task_definition(taskDefinition="web", include=["TAGS"])
    assert tagged["tags"] == [{"key": "k", "value": "v"}]


@pytest.mark.parametrize(
    "ref",
    [
        "nope",
        "web:9",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
        "arn:aws:ecs:eu-west-1:999999999999:task-definition/web:1",
    ],
)
def test_describe_unknown(client: Any, ref: str) -> None:
    register(client)
    with pytest.raises(client.exceptions.ClientException) as err:
        client.describe_task_definition(taskDefinition=ref)
    assert message(err) == "Unable to describe task definition."


@pytest.mark.parametrize("ref", ["web:latest", "web:x", "web:1}", TD_ARN + "web:latest"])
def test_a_revision_that_is_no_number(client: Any, ref: str) -> None:
    # Real output: terraform-provider-aws#30313, hashicorp/terraform#17746. One parser for
    # every operation that takes a task definition.
    register(client)
    rev = ref.rpartition(":")[2]
    calls: list[Callable[[], Any]] = [
        lambda: client.describe_task_definition(taskDefinition=ref),
        lambda: client.deregister_task_definition(taskDefinition=ref),
        lambda: client.run_task(taskDefinition=ref),
        lambda: client.create_service(serviceName="s", taskDefinition=ref, desiredCount=0),
    ]
    client.create_cluster()
    for call in calls:
        with pytest.raises(client.exceptions.InvalidParameterException) as err:
            call()
        assert message(err) == f"Invalid revision number. Number: {rev}"


def test_family_with_no_active_revision_is_not_describable_by_family(client: Any) -> None:
    register(client)
    client.deregister_task_definition(taskDefinition="web:1")
    with pytest.raises(client.exceptions.ClientException) as err:
        client.describe_task_definition(taskDefinition="web")
    assert message(err) == "Unable to describe task definition."


# -- ListTaskDefinitions / ListTaskDefinitionFamilies ----------------------------------


def test_list_task_definitions_filters_and_sorts(client: Any) -> None:
    for family in ("web", "api", "web", "webapp"):
        register(client, family=family)
    client.deregister_task_definition(taskDefinition="web:1")
    arns = client.list_task_definitions()["taskDefinitionArns"]
    assert arns == [TD_ARN + "api:1", TD_ARN + "web:2", TD_ARN + "webapp:1"]
    desc = client.list_task_definitions(sort="DESC")["taskDefinitionArns"]
    assert desc == list(reversed(arns))
    # familyPrefix is an exact family.
    assert client.list_task_definitions(familyPrefix="web")["taskDefinitionArns"] == [
        TD_ARN + "web:2"
    ]
    inactive = client.list_task_definitions(status="INACTIVE")["taskDefinitionArns"]
    assert inactive == [TD_ARN + "web:1"]
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.list_task_definitions(status="GONE")
    assert message(err) == (
        "Invalid value 'GONE' for status. Valid values: ACTIVE, INACTIVE, DELETE_IN_PROGRESS."
    )


def test_list_task_definitions_pages(client: Any) -> None:
    for _ in range(5):
        register(client)
    first = client.list_task_definitions(maxResults=2)
    assert first["taskDefinitionArns"] == [TD_ARN + "web:1", TD_ARN + "web:2"]
    second = client.list_task_definitions(maxResults=2, nextToken=first["nextToken"])
    assert second["taskDefinitionArns"] == [TD_ARN + "web:3", TD_ARN + "web:4"]
    third = client.list_task_definitions(maxResults=2, nextToken=second["nextToken"])
    assert third["taskDefinitionArns"] == [TD_ARN + "web:5"]
    assert "nextToken" not in third
    pages = client.get_paginator("list_task_definitions").paginate(PaginationConfig={"PageSize": 2})
    assert [a for p in pages for a in p["taskDefinitionArns"]] == [
        TD_ARN + f"web:{i}" for i in range(1, 6)
    ]
    # A token of another listing is refused.
    families = client.list_task_definition_families(maxResults=1)
    register(client, family="zz")
    families = client.list_task_definition_families(maxResults=1)
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.list_task_definitions(nextToken=families["nextToken"])


def test_list_task_definition_families(client: Any) -> None:
    for family in ("web", "webapp", "api", "old"):
        register(client, family=family)
    client.deregister_task_definition(taskDefinition="old:1")
    assert client.list_task_definition_families()["families"] == ["api", "old", "web", "webapp"]
    assert client.list_task_definition_families(familyPrefix="web")["families"] == ["web", "webapp"]
    assert client.list_task_definition_families(status="ACTIVE")["families"] == [
        "api",
        "web",
        "webapp",
    ]
    assert client.list_task_definition_families(status="INACTIVE")["families"] == ["old"]
    # A family whose revisions are all deleted disappears.
    client.delete_task_definitions(taskDefinitions=["old:1"])
    assert client.list_task_definition_families(status="ALL")["families"] == [
        "api",
        "web",
        "webapp",
    ]


# -- DeregisterTaskDefinition / DeleteTaskDefinitions ----------------------------------


def test_deregister(client: Any, ecs: ECSMock) -> None:
    register(client)
    ecs.advance(60)
    td = client.deregister_task_definition(taskDefinition=TD_ARN + "web:1")["taskDefinition"]
    assert (td["status"], td["deregisteredAt"]) == ("INACTIVE", START + timedelta(seconds=60))
    with pytest.raises(client.exceptions.ClientException) as err:
        client.deregister_task_definition(taskDefinition="web")
    assert message(err) == "Revision is missing."
    with pytest.raises(client.exceptions.ClientException) as err:
        client.deregister_task_definition(taskDefinition="web:7")
    assert message(err) == "Unable to describe task definition."


def test_delete_task_definitions(client: Any, ecs: ECSMock) -> None:
    register(client)
    register(client)
    client.deregister_task_definition(taskDefinition="web:1")
    ecs.advance(5)
    answer = client.delete_task_definitions(taskDefinitions=["web:1", "web:2", "web:9"])
    answer.pop("ResponseMetadata")
    deleted = answer["taskDefinitions"]
    assert [(d["taskDefinitionArn"], d["status"]) for d in deleted] == [
        (TD_ARN + "web:1", "DELETE_IN_PROGRESS")
    ]
    assert deleted[0]["deleteRequestedAt"] == START + timedelta(seconds=5)
    assert answer["failures"] == [
        {
            "arn": TD_ARN + "web:2",
            "reason": "The specified task definition is still in ACTIVE status. Please "
            "deregister the target and try again.",
        },
        {"arn": TD_ARN + "web:9", "reason": "Unable to describe task definition."},
    ]
    # Nothing used it: it is gone at once.
    with pytest.raises(client.exceptions.ClientException):
        client.describe_task_definition(taskDefinition="web:1")


def test_delete_limits(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.delete_task_definitions(taskDefinitions=[f"web:{i}" for i in range(11)])
    assert message(err) == "taskDefinitions can have at most 10 items."
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.delete_task_definitions(taskDefinitions=[])
    assert message(err) == "taskDefinitions can not be empty."


def test_deleted_revision_waits_for_its_tasks_to_be_purged(client: Any, ecs: ECSMock) -> None:
    register(client, containerDefinitions=[APP], **FARGATE)
    client.create_cluster(clusterName="default")
    net = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
    arn = client.run_task(taskDefinition="web:1", launchType="FARGATE", networkConfiguration=net)[
        "tasks"
    ][0]["taskArn"]
    client.deregister_task_definition(taskDefinition="web:1")
    client.delete_task_definitions(taskDefinitions=["web:1"])
    # DELETE_IN_PROGRESS: describable, listable, cannot run tasks.
    td = client.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
    assert td["status"] == "DELETE_IN_PROGRESS"
    listed = client.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"]
    assert listed == [TD_ARN + "web:1"]
    assert client.list_task_definition_families()["families"] == ["web"]
    with pytest.raises(client.exceptions.ClientException) as err:
        client.run_task(taskDefinition="web:1", launchType="FARGATE", networkConfiguration=net)
    assert message(err) == "TaskDefinition is inactive"
    client.stop_task(task=arn)
    ecs.advance(60)
    assert client.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED"
    assert client.describe_task_definition(taskDefinition="web:1")["taskDefinition"]["status"] == (
        "DELETE_IN_PROGRESS"
    )
    ecs.advance(3600)
    assert client.describe_tasks(tasks=[arn])["failures"][0]["reason"] == "MISSING"
    with pytest.raises(client.exceptions.ClientException):
        client.describe_task_definition(taskDefinition="web:1")
    assert client.list_task_definition_families()["families"] == []
    assert register(client, containerDefinitions=[APP], **FARGATE)["revision"] == 2


def test_enum_values_inside_the_definition_are_checked(client: Any) -> None:
    assert refused(client, containerDefinitions=[SIZED], pidMode="") == (
        "Invalid value '' for pidMode. Valid values: host, task."
    )
    bad_port = {**SIZED, "portMappings": [{"containerPort": 80, "protocol": "sctp"}]}
    assert refused(client, containerDefinitions=[bad_port]) == (
        "Invalid value 'sctp' for containerDefinitions[0].portMappings[0].protocol. "
        "Valid values: tcp, udp."
    )
    assert client.list_task_definitions()["taskDefinitionArns"] == []
