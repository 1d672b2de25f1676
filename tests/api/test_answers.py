"""Members of answers compared with AWS's documented outputs (AWS CLI examples)."""

from __future__ import annotations

from typing import Any

from ecsmock import ECSMock

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"]}}


def test_create_service_answers_its_tags(client: Any) -> None:
    client.create_cluster()
    client.register_task_definition(
        family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}]
    )
    made = client.create_service(
        serviceName="web",
        taskDefinition="web",
        desiredCount=0,
        tags=[{"key": "team", "value": "web"}],
    )["service"]
    assert made["tags"] == [{"key": "team", "value": "web"}]
    assert "tags" not in client.describe_services(services=["web"])["services"][0]


def test_efs_root_directory_defaults_to_the_root(client: Any) -> None:
    # CircleCI-Public/aws-ecs-orb#105: ECS echoes rootDirectory "/" when none is given.
    volumes = [
        {"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}},
        {"name": "logs", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "rootDirectory": "/l"}},
        {"name": "tmp"},
    ]
    made = client.register_task_definition(
        family="web",
        volumes=volumes,
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}],
    )["taskDefinition"]
    assert made["volumes"] == [
        {"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "rootDirectory": "/"}},
        {"name": "logs", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "rootDirectory": "/l"}},
        {"name": "tmp"},
    ]


def test_start_task_with_awsvpc_gets_its_eni(client: Any, ecs: ECSMock) -> None:
    client.create_cluster()
    arns = ecs.add_container_instances(count=2)
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}],
    )
    tasks = client.start_task(
        taskDefinition="web", containerInstances=arns, networkConfiguration=NET
    )["tasks"]
    assert [t["lastStatus"] for t in tasks] == ["PROVISIONING", "PROVISIONING"]
    assert [(a["type"], a["status"], a["details"]) for t in tasks for a in t["attachments"]] == [
        ("ElasticNetworkInterface", "PRECREATED", [{"name": "subnetId", "value": "subnet-1"}]),
        ("ElasticNetworkInterface", "PRECREATED", [{"name": "subnetId", "value": "subnet-2"}]),
    ]
    ecs.settle()
    running = client.describe_tasks(tasks=[t["taskArn"] for t in tasks])["tasks"]
    assert [(t["lastStatus"], t["attachments"][0]["status"]) for t in running] == [
        ("RUNNING", "ATTACHED"),
        ("RUNNING", "ATTACHED"),
    ]
