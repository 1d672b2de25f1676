"""awsvpc tasks' ENIs in moto's EC2, and the subnets and security groups ECS checks there."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from ecsmock import ECSMock, mock_ecs
from with_moto.world import (
    ACCOUNT,
    REGION,
    SESSION,
    START,
    awsvpc,
    client,
    default_subnet,
    describe,
    mocks,
    run_web,
    web,
)

SUBNET_MISSING = (
    "Error retrieving subnet information for [subnet-0a1b2c3d, {real}]: The subnet ID "
    "'subnet-0a1b2c3d' does not exist (ErrorCode: InvalidSubnetID.NotFound)"
)
GROUP_MISSING = (
    "Error retrieving security group information for [{real}, sg-0badc0ffee]: The security "
    "group 'sg-0badc0ffee' does not exist (ErrorCode: InvalidGroup.NotFound)"
)


def eni_details(task: dict[str, Any]) -> dict[str, str]:
    return {d["name"]: d["value"] for d in task["attachments"][0]["details"]}


def enis(ec2: Any, eni_id: str) -> list[dict[str, Any]]:
    found = ec2.describe_network_interfaces(
        Filters=[{"Name": "network-interface-id", "Values": [eni_id]}]
    )
    return found["NetworkInterfaces"]  # type: ignore[no-any-return]


def eni_of(ecs_client: Any, ec2: Any, arn: str) -> dict[str, Any]:
    return enis(ec2, eni_details(describe(ecs_client, arn))["networkInterfaceId"])[0]


def test_a_fargate_task_has_its_eni_in_ec2_until_it_is_stopped(
    both: ECSMock, ecs_client: Any, ec2: Any
) -> None:
    subnet = default_subnet(ec2)
    group = ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    web(ecs_client)
    task = run_web(ecs_client, awsvpc(subnet["SubnetId"], [group], public=True))
    assert task["availabilityZone"] == subnet["AvailabilityZone"] == "eu-west-1a"
    both.advance(60)
    task = describe(ecs_client, task["taskArn"])
    details = eni_details(task)
    eni = SESSION.resource("ec2").NetworkInterface(details["networkInterfaceId"])
    assert eni.subnet_id == subnet["SubnetId"]
    assert eni.availability_zone == task["availabilityZone"]
    assert eni.private_ip_address == details["privateIPv4Address"]
    assert task["containers"][0]["networkInterfaces"][0]["privateIpv4Address"] == (
        eni.private_ip_address
    )
    assert eni.private_ip_address.startswith("172.31.")  # in the subnet, 172.31.0.0/20
    assert eni.mac_address == details["macAddress"]
    assert eni.private_dns_name == details["privateDnsName"]
    assert [g["GroupId"] for g in eni.groups] == [group]
    assert eni.association_attribute["PublicIp"].startswith("54.")
    assert eni.description == (
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/{task['attachments'][0]['id']}"
    )
    assert (eni.status, eni.requester_managed, eni.interface_type) == (
        "in-use",
        True,
        "interface",
    )

    ecs_client.stop_task(cluster="web", task=task["taskArn"])
    both.advance(5)
    assert describe(ecs_client, task["taskArn"])["lastStatus"] == "DEPROVISIONING"
    assert len(enis(ec2, eni.id)) == 1  # released with the task's last step
    both.advance(60)
    assert describe(ecs_client, task["taskArn"])["lastStatus"] == "STOPPED"
    assert enis(ec2, eni.id) == []


def test_without_a_public_ip_or_groups_the_eni_has_the_vpc_default_group(
    aws: ECSMock, ecs_client: Any, ec2: Any
) -> None:
    subnet = default_subnet(ec2)
    web(ecs_client)
    arn = run_web(ecs_client, awsvpc(subnet["SubnetId"]))["taskArn"]
    aws.advance(60)
    made = eni_of(ecs_client, ec2, arn)
    default = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [subnet["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]
    assert [g["GroupId"] for g in made["Groups"]] == [default]
    assert "Association" not in made


def test_a_run_launcher_reads_the_public_ip_and_tags_the_eni(
    aws: ECSMock, ecs_client: Any, ec2: Any
) -> None:
    """What run launchers do: wait for RUNNING, read the ENI back from EC2, tag it."""
    web(ecs_client)
    arn = run_web(ecs_client, awsvpc(default_subnet(ec2)["SubnetId"], public=True))["taskArn"]
    ecs_client.get_waiter("tasks_running").wait(cluster="web", tasks=[arn])
    eni_id = eni_details(describe(ecs_client, arn))["networkInterfaceId"]
    eni = SESSION.resource("ec2").NetworkInterface(eni_id)
    eni.create_tags(Tags=[{"Key": "run", "Value": "nightly"}])
    found = enis(ec2, eni_id)[0]
    assert found["TagSet"] == [{"Key": "run", "Value": "nightly"}]
    assert found["Association"]["PublicIp"] == eni.association_attribute["PublicIp"]


def test_service_tasks_get_enis_with_the_services_network(
    aws: ECSMock, ecs_client: Any, ec2: Any
) -> None:
    group = ec2.create_security_group(GroupName="api", Description="api")["GroupId"]
    web(ecs_client)
    ecs_client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition="web",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=awsvpc(default_subnet(ec2)["SubnetId"], [group]),
    )
    aws.advance(120)
    arns = ecs_client.list_tasks(cluster="web", serviceName="api")["taskArns"]
    tasks = ecs_client.describe_tasks(cluster="web", tasks=arns)["tasks"]
    ids = sorted(eni_details(t)["networkInterfaceId"] for t in tasks)
    made = ec2.describe_network_interfaces(NetworkInterfaceIds=ids)["NetworkInterfaces"]
    assert sorted(m["NetworkInterfaceId"] for m in made) == ids
    assert {g["GroupId"] for m in made for g in m["Groups"]} == {group}
    assert len({m["PrivateIpAddress"] for m in made}) == 2


def test_a_subnet_or_group_ec2_lacks_is_refused_as_ecs_refuses_it(
    both: ECSMock, ecs_client: Any, ec2: Any
) -> None:
    group = ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    web(ecs_client)
    real = default_subnet(ec2)["SubnetId"]
    bad_subnet = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d", real]}}
    with pytest.raises(ClientError) as run_err:
        run_web(ecs_client, bad_subnet)
    assert run_err.value.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": SUBNET_MISSING.format(real=real),
    }
    service = {"cluster": "web", "serviceName": "api", "taskDefinition": "web"}
    with pytest.raises(ClientError) as service_err:
        ecs_client.create_service(
            **service,
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=awsvpc(real, [group, "sg-0badc0ffee"]),
        )
    assert service_err.value.response["Error"]["Message"] == GROUP_MISSING.format(real=group)
    assert ecs_client.list_services(cluster="web")["serviceArns"] == []
    ecs_client.create_service(
        **service, desiredCount=1, launchType="FARGATE", networkConfiguration=awsvpc(real)
    )
    with pytest.raises(ClientError) as update_err:
        ecs_client.update_service(cluster="web", service="api", networkConfiguration=bad_subnet)
    assert update_err.value.response["Error"]["Message"] == SUBNET_MISSING.format(real=real)


def test_with_checks_off_a_subnet_moto_lacks_is_accepted_without_an_eni() -> None:
    with mocks(moto_checks=False) as ecs:
        ecs_client = client("ecs")
        web(ecs_client)
        arn = run_web(ecs_client, awsvpc("subnet-0a1b2c3d", ["sg-0badc0ffee"]))["taskArn"]
        ecs.advance(60)
        task = describe(ecs_client, arn)
        assert task["lastStatus"] == "RUNNING"
        assert enis(client("ec2"), eni_details(task)["networkInterfaceId"]) == []
        assert eni_details(task)["privateIPv4Address"].startswith("10.0.")  # ecsmock's own


def test_with_checks_off_a_real_subnet_still_gets_the_eni() -> None:
    with mocks(moto_checks=False) as ecs:
        ec2 = client("ec2")
        real = default_subnet(ec2)
        ecs_client = client("ecs")
        web(ecs_client)
        arn = run_web(ecs_client, awsvpc(real["SubnetId"], ["sg-0badc0ffee"]))["taskArn"]
        ecs.advance(60)
        assert eni_of(ecs_client, ec2, arn)["AvailabilityZone"] == real["AvailabilityZone"]


def test_a_task_started_before_moto_is_left_alone_when_it_stops() -> None:
    with mock_ecs(strict=True, start=START) as ecs:
        ecs_client = client("ecs")
        web(ecs_client)
        arn = run_web(ecs_client, awsvpc("subnet-0a1b2c3d"))["taskArn"]
        ecs.advance(60)
        with mock_aws():
            ecs_client.stop_task(cluster="web", task=arn)
            ecs.advance(60)
            assert describe(ecs_client, arn)["lastStatus"] == "STOPPED"
            assert client("ec2").describe_network_interfaces()["NetworkInterfaces"] == []
