"""An Express service beside moto: its task's ENI in moto's EC2, its log group made in
moto's CloudWatch Logs (the service's own, `awslogs-create-group`), a missing subnet refused."""

from __future__ import annotations

from typing import Any

import pytest

from ecsmock import ECSMock
from with_moto.world import client, default_subnet

ROLE = "arn:aws:iam::123456789012:role/"


def create(ecs_client: Any, subnets: list[str], groups: list[str]) -> dict[str, Any]:
    # Beside moto, the network is given: ecsmock makes nothing in moto's EC2 itself.
    answer = ecs_client.create_express_gateway_service(
        serviceName="web",
        executionRoleArn=ROLE + "ecsTaskExecutionRole",
        infrastructureRoleArn=ROLE + "ecsInfrastructureRole",
        primaryContainer={"image": "nginx:1.28"},
        networkConfiguration={"subnets": subnets, "securityGroups": groups},
    )
    return dict(answer["service"])


def test_an_express_service_runs_in_moto_s_vpc(aws: ECSMock) -> None:
    ecs_client, ec2 = client("ecs"), client("ec2")
    found = default_subnet(ec2)
    subnet = found["SubnetId"]
    [group] = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [found["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    create(ecs_client, [subnet], [group["GroupId"]])
    aws.settle()
    [task_arn] = ecs_client.list_tasks(serviceName="web")["taskArns"]
    [task] = ecs_client.describe_tasks(tasks=[task_arn])["tasks"]
    assert task["lastStatus"] == "RUNNING"
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=[details["networkInterfaceId"]])[
        "NetworkInterfaces"
    ]
    assert eni["SubnetId"] == subnet
    assert [g["GroupId"] for g in eni["Groups"]] == [group["GroupId"]]
    groups = client("logs").describe_log_groups(logGroupNamePrefix="/aws/ecs/default/web")
    assert [g["logGroupName"] for g in groups["logGroups"]] == ["/aws/ecs/default/web"]


def test_a_subnet_moto_lacks_is_refused_before_anything_is_made(aws: ECSMock) -> None:
    ecs_client = client("ecs")
    with pytest.raises(ecs_client.exceptions.InvalidParameterException) as err:
        create(ecs_client, ["subnet-00000000000000000"], [])
    assert "The subnet ID 'subnet-00000000000000000' does not exist" in str(err.value)
    assert ecs_client.list_clusters()["clusterArns"] == []
    assert ecs_client.list_task_definitions()["taskDefinitionArns"] == []
