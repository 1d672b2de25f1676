"""Amazon ECS Managed Instances capacity providers through a real boto3 client.

ECS launches and retires the container instances itself, on the simulated clock: a
provider is PROVISIONING for 10 s, an instance REGISTERING for 30 s and DEREGISTERING for
30 s (the realistic timing profile).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from managed_world import NETWORK, service

from ecsmock import ECSMock

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)  # the `ecs` fixture's start

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"
PROFILE = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
# Three subnets in three zones (eu-west-1a, b and c).
SUBNETS = ["subnet-aaa", "subnet-bbb", "subnet-ccc"]
DRAINING_REASON = "Task stopped during instance draining"


def template(**extra: Any) -> dict[str, Any]:
    return {
        "ec2InstanceProfileArn": PROFILE,
        "networkConfiguration": {"subnets": SUBNETS, "securityGroups": ["sg-1"]},
        **extra,
    }


def make(client: Any, ecs: ECSMock, name: str = "mi", **config: Any) -> dict[str, Any]:
    """A cluster `web` (if need be) with an ACTIVE Managed Instances provider."""
    if not client.describe_clusters(clusters=["web"])["clusters"]:
        client.create_cluster(clusterName="web")
    made = client.create_capacity_provider(
        name=name,
        cluster="web",
        managedInstancesProvider={
            "infrastructureRoleArn": ROLE,
            "instanceLaunchTemplate": config.pop("instanceLaunchTemplate", template()),
            **config,
        },
    )
    ecs.advance(10)
    return dict(made["capacityProvider"])


def definition(client: Any, cpu: str = "256", memory: str = "512", **extra: Any) -> None:
    client.register_task_definition(
        family="app",
        networkMode="awsvpc",
        requiresCompatibilities=["MANAGED_INSTANCES"],
        cpu=cpu,
        memory=memory,
        containerDefinitions=[{"name": "app", "image": "nginx"}],
        **extra,
    )


def run(client: Any, count: int = 1, provider: str = "mi") -> dict[str, Any]:
    answer: dict[str, Any] = client.run_task(
        cluster="web",
        taskDefinition="app",
        count=count,
        capacityProviderStrategy=[{"capacityProvider": provider, "weight": 1}],
        networkConfiguration=NETWORK,
    )
    return answer


def instances(client: Any, status: str | None = None) -> list[dict[str, Any]]:
    arns = client.list_container_instances(cluster="web", **({"status": status} if status else {}))[
        "containerInstanceArns"
    ]
    if not arns:
        return []
    found: list[dict[str, Any]] = client.describe_container_instances(
        cluster="web", containerInstances=arns
    )["containerInstances"]
    return found


def attribute(instance: dict[str, Any], name: str) -> str | None:
    return next((a.get("value") for a in instance["attributes"] if a["name"] == name), None)


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def code(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Code"])


# -- the provider ---------------------------------------------------------------------------


def test_create_answers_provisioning_then_active_in_its_cluster(client: Any, ecs: ECSMock) -> None:
    client.create_cluster(clusterName="web")
    config = {
        "infrastructureRoleArn": ROLE,
        "instanceLaunchTemplate": template(monitoring="BASIC"),
        "propagateTags": "CAPACITY_PROVIDER",
        "infrastructureOptimization": {"scaleInAfter": 120},
    }
    made = client.create_capacity_provider(
        name="mi", cluster="web", managedInstancesProvider=config, tags=[{"key": "a", "value": "b"}]
    )
    assert made["capacityProvider"] == {
        "capacityProviderArn": ARN + "capacity-provider/mi",
        "name": "mi",
        "cluster": "web",
        "status": "PROVISIONING",
        "managedInstancesProvider": config,
        "updateStatus": "CREATE_IN_PROGRESS",
        "tags": [{"key": "a", "value": "b"}],
        "type": "MANAGED_INSTANCES",
    }
    scoped = client.describe_capacity_providers(cluster="web")["capacityProviders"]
    assert [p["name"] for p in scoped] == ["mi"]
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["capacityProviders"] == []
    ecs.advance(10)
    provider = client.describe_capacity_providers(capacityProviders=["mi"])["capacityProviders"][0]
    assert (provider["status"], provider["updateStatus"]) == ("ACTIVE", "CREATE_COMPLETE")
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["capacityProviders"] == ["mi"]


def test_create_refusals(client: Any, ecs: ECSMock) -> None:
    client.create_cluster(clusterName="web")
    config = {"infrastructureRoleArn": ROLE, "instanceLaunchTemplate": template()}
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_capacity_provider(name="mi", managedInstancesProvider=config)
    assert message(err) == (
        "The cluster parameter is required for Amazon ECS Managed Instances capacity providers."
    )
    with pytest.raises(client.exceptions.ClusterNotFoundException):
        client.create_capacity_provider(name="mi", cluster="nope", managedInstancesProvider=config)
    with pytest.raises(client.exceptions.ClientException) as err:
        client.create_capacity_provider(
            name="mi",
            cluster="web",
            managedInstancesProvider={
                **config,
                "infrastructureOptimization": {"scaleInAfter": 3601},
            },
        )
    assert message(err) == "The scaleInAfter value must be -1 or between 0 and 3600."
    with pytest.raises(client.exceptions.ClientException) as err:
        client.create_capacity_provider(
            name="mi",
            cluster="web",
            managedInstancesProvider=config,
            autoScalingGroupProvider={"autoScalingGroupArn": "my-asg"},
        )
    assert code(err) == "ClientException"
    client.create_capacity_provider(name="mi", cluster="web", managedInstancesProvider=config)
    with pytest.raises(client.exceptions.ClientException) as err:
        client.create_capacity_provider(name="mi", cluster="web", managedInstancesProvider=config)
    assert message(err).startswith("The specified capacity provider already exists.")


def test_cluster_associations(client: Any, ecs: ECSMock) -> None:
    client.create_cluster(clusterName="web")
    client.create_cluster(clusterName="other")
    config = {"infrastructureRoleArn": ROLE, "instanceLaunchTemplate": template()}
    client.create_capacity_provider(name="mi", cluster="web", managedInstancesProvider=config)
    strategy = [{"capacityProvider": "mi", "weight": 1}]
    # Observed while the provider is not yet ACTIVE (hashicorp/terraform-provider-aws#45693).
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(
            cluster="web", capacityProviders=["mi"], defaultCapacityProviderStrategy=strategy
        )
    assert message(err) == (
        "The specified capacity provider 'mi' is not in an ACTIVE state. Specify a valid "
        "capacity provider and try again."
    )
    ecs.advance(10)
    # Omitted or named, it stays the cluster's; another cluster cannot have it.
    cluster = client.put_cluster_capacity_providers(
        cluster="web", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=strategy
    )["cluster"]
    assert cluster["capacityProviders"] == ["FARGATE", "mi"]
    assert cluster["defaultCapacityProviderStrategy"] == [{**strategy[0], "base": 0}]
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(
            cluster="other", capacityProviders=["mi"], defaultCapacityProviderStrategy=[]
        )
    assert message(err) == (
        "Cannot associate Managed Instances capacity provider to clusters using this API."
    )


# -- ECS launches instances for the tasks ---------------------------------------------------


def test_run_task_launches_an_instance_and_the_tasks_wait_for_it(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    definition(client)
    answer = run(client, count=2)
    tasks = answer["tasks"]
    assert answer["failures"] == []
    assert {(t["lastStatus"], t["launchType"], t["capacityProviderName"]) for t in tasks} == {
        ("PROVISIONING", "MANAGED_INSTANCES", "mi")
    }
    # Both tasks fit on one instance: the smallest current general-purpose type.
    [instance] = instances(client)
    assert {t["containerInstanceArn"] for t in tasks} == {instance["containerInstanceArn"]}
    assert instance["status"] == "REGISTERING"
    assert instance["capacityProviderName"] == "mi"
    assert attribute(instance, "ecs.instance-type") == "m7a.medium"
    assert attribute(instance, "ecs.availability-zone") == "eu-west-1a"
    assert (
        client.describe_clusters(clusters=["web"])["clusters"][0][
            "registeredContainerInstancesCount"
        ]
        == 0
    )
    ecs.advance(29)
    arns = [t["taskArn"] for t in tasks]
    assert {t["lastStatus"] for t in client.describe_tasks(cluster="web", tasks=arns)["tasks"]} == {
        "PROVISIONING"
    }
    ecs.settle()
    described = client.describe_tasks(cluster="web", tasks=arns)["tasks"]
    assert {t["lastStatus"] for t in described} == {"RUNNING"}
    # ACTIVE at +40 s (10 s provider, 30 s boot); then 3 + 1.5 + 5 + 1.2 s to RUNNING.
    assert {t["startedAt"] for t in described} == {START + timedelta(seconds=50.7)}
    [instance] = instances(client)
    assert (instance["status"], instance["runningTasksCount"]) == ("ACTIVE", 2)
    registered = {r["name"]: r.get("integerValue") for r in instance["registeredResources"]}
    assert (registered["CPU"], registered["MEMORY"]) == (1024, 3952)
    changes = [
        e["detail"]["status"]
        for e in ecs.events
        if e["detail-type"] == "ECS Container Instance State Change"
    ]
    assert changes[0] == "REGISTERING"
    assert "ACTIVE" in changes


def test_instance_requirements_choose_the_type(client: Any, ecs: ECSMock) -> None:
    requirements = {
        "vCpuCount": {"min": 4},
        "memoryMiB": {"min": 8192, "max": 16384},
        "cpuManufacturers": ["intel"],
        "excludedInstanceTypes": ["c5.*"],
    }
    make(client, ecs, instanceLaunchTemplate=template(instanceRequirements=requirements))
    definition(client)
    run(client)
    assert [attribute(i, "ecs.instance-type") for i in instances(client)] == ["c5d.xlarge"]


def test_an_arm64_definition_gets_a_graviton_instance(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    definition(client, runtimePlatform={"cpuArchitecture": "ARM64"})
    run(client)
    [instance] = instances(client)
    assert attribute(instance, "ecs.instance-type") == "m6g.medium"
    assert attribute(instance, "ecs.cpu-architecture") == "arm64"


def test_a_task_no_instance_type_can_hold_fails(client: Any, ecs: ECSMock) -> None:
    requirements = {"vCpuCount": {"min": 1, "max": 2}, "memoryMiB": {"min": 1024}}
    make(client, ecs, instanceLaunchTemplate=template(instanceRequirements=requirements))
    definition(client, cpu="4096", memory="8192")
    answer = run(client)
    assert answer["tasks"] == []
    assert answer["failures"] == [{"reason": "RESOURCE:CPU"}]
    assert instances(client) == []


def test_ec2_launches_do_not_use_managed_instances(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    definition(client)
    run(client)
    ecs.settle()
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.run_task(
            cluster="web", taskDefinition="app", launchType="EC2", networkConfiguration=NETWORK
        )
    assert message(err) == "No Container Instances were found in your cluster."


def test_a_service_spreads_over_the_zones_of_the_provider(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    definition(client, cpu="1024", memory="2048")
    service(client, 3)
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    found = instances(client)
    assert sorted(attribute(i, "ecs.availability-zone") or "" for i in found) == [
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
    ]
    assert [i["runningTasksCount"] for i in found] == [1, 1, 1]


# -- infrastructure optimization --------------------------------------------------------------


def run_then_stop(client: Any, ecs: ECSMock) -> None:
    """A task runs on a new instance and is stopped: the instance is idle from now on."""
    definition(client)
    [task] = run(client)["tasks"]
    ecs.settle()
    client.stop_task(cluster="web", task=task["taskArn"])
    ecs.settle()


def test_an_idle_instance_is_retired_after_scale_in_after(client: Any, ecs: ECSMock) -> None:
    make(client, ecs, infrastructureOptimization={"scaleInAfter": 60})
    run_then_stop(client, ecs)
    stopped_at = ecs.now()
    ecs.advance_to(stopped_at + timedelta(seconds=59))
    assert [i["status"] for i in instances(client)] == ["ACTIVE"]
    ecs.advance(1)
    [instance] = instances(client)
    assert instance["status"] == "DEREGISTERING"
    ecs.advance(30)
    assert instances(client) == []
    described = client.describe_container_instances(
        cluster="web", containerInstances=[instance["containerInstanceArn"]]
    )["containerInstances"]
    assert described[0]["status"] == "INACTIVE"


def test_scale_in_after_minus_one_keeps_idle_instances(client: Any, ecs: ECSMock) -> None:
    make(client, ecs, infrastructureOptimization={"scaleInAfter": -1})
    definition(client)
    [task] = run(client)["tasks"]
    ecs.settle()
    client.stop_task(cluster="web", task=task["taskArn"])
    ecs.advance(timedelta(days=1))
    assert [i["status"] for i in instances(client)] == ["ACTIVE"]


def test_the_default_scale_in_delay_is_five_minutes(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    run_then_stop(client, ecs)
    ecs.advance(299)
    assert [i["status"] for i in instances(client)] == ["ACTIVE"]
    ecs.advance(1)
    assert [i["status"] for i in instances(client)] == ["DEREGISTERING"]


def test_a_new_task_keeps_an_idle_instance(client: Any, ecs: ECSMock) -> None:
    make(client, ecs, infrastructureOptimization={"scaleInAfter": 60})
    run_then_stop(client, ecs)
    ecs.advance(30)
    [again] = run(client)["tasks"]
    ecs.advance(600)
    [instance] = instances(client)
    assert instance["status"] == "ACTIVE"
    assert again["containerInstanceArn"] == instance["containerInstanceArn"]


# -- auto repair and replacement --------------------------------------------------------------


def test_an_impaired_instance_is_drained_and_replaced(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    definition(client)
    service(client, 1)
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    [first] = instances(client)
    [standalone] = run(client)["tasks"]
    assert standalone["containerInstanceArn"] == first["containerInstanceArn"]
    ecs.settle()
    ecs.set_agent_connected(first["containerInstanceArn"], False)
    # Its replacement is launched at the same instant, before the next call is answered.
    draining, replacement = instances(client)
    assert (draining["status"], replacement["status"]) == ("DRAINING", "REGISTERING")
    assert draining["containerInstanceArn"] == first["containerInstanceArn"]
    ecs.advance(120)
    current = instances(client)
    assert [i["status"] for i in current] == ["ACTIVE"]
    assert current[0]["containerInstanceArn"] != first["containerInstanceArn"]
    assert current[0]["runningTasksCount"] == 1
    stopped = client.describe_tasks(cluster="web", tasks=[standalone["taskArn"]])["tasks"][0]
    assert (stopped["lastStatus"], stopped["stopCode"], stopped["stoppedReason"]) == (
        "STOPPED",
        "TerminationNotice",
        DRAINING_REASON,
    )


def test_auto_repair_disabled_keeps_an_impaired_instance(client: Any, ecs: ECSMock) -> None:
    make(client, ecs, autoRepairConfiguration={"actionsStatus": "DISABLED"})
    definition(client)
    run(client)
    ecs.settle()
    [instance] = instances(client)
    ecs.set_agent_connected(instance["containerInstanceArn"], False)
    ecs.advance(600)
    [instance] = client.describe_container_instances(
        cluster="web",
        containerInstances=[instance["containerInstanceArn"]],
        include=["CONTAINER_INSTANCE_HEALTH"],
    )["containerInstances"]
    assert instance["status"] == "ACTIVE"
    assert instance["healthStatus"]["overallStatus"] == "IMPAIRED"


def test_instances_are_drained_fourteen_days_after_launch(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    definition(client)
    [task] = run(client)["tasks"]
    ecs.settle()
    launched = START + timedelta(seconds=10)
    ecs.advance_to(launched + timedelta(days=14) - timedelta(seconds=1))
    assert [i["status"] for i in instances(client)] == ["ACTIVE"]
    ecs.advance(1)
    assert [i["status"] for i in instances(client)] == ["DRAINING"]
    stopping = client.describe_tasks(cluster="web", tasks=[task["taskArn"]])["tasks"][0]
    assert (stopping["desiredStatus"], stopping["stoppedReason"]) == ("STOPPED", DRAINING_REASON)
    ecs.settle()
    assert instances(client) == []
    changes = [
        e["detail"]["status"]
        for e in ecs.events
        if e["detail-type"] == "ECS Container Instance State Change"
    ]
    assert changes[-3:] == ["DRAINING", "DEREGISTERING", "INACTIVE"]


# -- update and delete ------------------------------------------------------------------------


def test_update_applies_to_instances_launched_afterwards(client: Any, ecs: ECSMock) -> None:
    make(client, ecs, infrastructureOptimization={"scaleInAfter": -1})
    definition(client)
    run(client)
    update = {
        "infrastructureRoleArn": ROLE,
        "instanceLaunchTemplate": {
            "instanceRequirements": {"vCpuCount": {"min": 8}, "memoryMiB": {"min": 1024}}
        },
    }
    answer = client.update_capacity_provider(
        name="mi", cluster="web", managedInstancesProvider=update
    )["capacityProvider"]
    assert answer["updateStatus"] == "UPDATE_IN_PROGRESS"
    assert (
        "instanceRequirements" not in answer["managedInstancesProvider"]["instanceLaunchTemplate"]
    )
    ecs.advance(5)
    shown = client.describe_capacity_providers(capacityProviders=["mi"])["capacityProviders"][0]
    assert shown["updateStatus"] == "UPDATE_COMPLETE"
    assert shown["managedInstancesProvider"] == {
        "infrastructureRoleArn": ROLE,
        "instanceLaunchTemplate": template(
            instanceRequirements={"vCpuCount": {"min": 8}, "memoryMiB": {"min": 1024}}
        ),
        "infrastructureOptimization": {"scaleInAfter": -1},
    }
    definition(client, cpu="2048", memory="4096")
    run(client)
    types = [attribute(i, "ecs.instance-type") for i in instances(client)]
    # With requirements any family may be chosen: c5a.2xlarge has the least memory.
    assert types == ["m7a.medium", "c5a.2xlarge"]


def test_update_refusals(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    client.create_cluster(clusterName="other")
    update = {"infrastructureRoleArn": ROLE, "instanceLaunchTemplate": {}}
    with pytest.raises(client.exceptions.ClientException) as err:
        client.update_capacity_provider(name="mi", cluster="other", managedInstancesProvider=update)
    assert message(err) == (
        "The capacity provider 'mi' is associated with cluster web. Managed Instances capacity "
        "providers can only be changed within their cluster."
    )
    with pytest.raises(client.exceptions.ClientException) as err:
        client.update_capacity_provider(
            name="mi", autoScalingGroupProvider={"managedDraining": "ENABLED"}
        )
    assert (
        message(err) == "The capacity provider 'mi' is not an Auto Scaling group capacity provider."
    )


def test_delete_in_use_fails_then_retires_the_instances(client: Any, ecs: ECSMock) -> None:
    make(client, ecs)
    definition(client)
    service(client, 1)
    ecs.settle()
    failed = client.delete_capacity_provider(capacityProvider="mi")["capacityProvider"]
    assert (failed["status"], failed["updateStatus"], failed["updateStatusReason"]) == (
        "ACTIVE",
        "DELETE_FAILED",
        "The specified capacity provider is in use and cannot be removed.",
    )
    client.delete_service(cluster="web", service="api", force=True)
    ecs.settle()
    [task] = run(client)["tasks"]
    deleting = client.delete_capacity_provider(capacityProvider="mi", cluster="web")
    assert (
        deleting["capacityProvider"]["status"],
        deleting["capacityProvider"]["updateStatus"],
    ) == (
        "DEPROVISIONING",
        "DELETE_IN_PROGRESS",
    )
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["capacityProviders"] == []
    ecs.advance(30)
    assert (
        client.describe_tasks(cluster="web", tasks=[task["taskArn"]])["tasks"][0]["stoppedReason"]
        == DRAINING_REASON
    )
    provider = client.describe_capacity_providers(capacityProviders=["mi"])["capacityProviders"][0]
    assert (provider["status"], provider["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
    assert instances(client) == []
    ecs.settle()
    assert client.delete_cluster(cluster="web")["cluster"]["status"] == "INACTIVE"


def test_a_cluster_with_a_managed_instances_provider_cannot_be_deleted(
    client: Any, ecs: ECSMock
) -> None:
    make(client, ecs)
    with pytest.raises(client.exceptions.ClusterContainsCapacityProviderException) as err:
        client.delete_cluster(cluster="web")
    assert message(err) == (
        "The cluster contains one or more capacity providers that prevent the requested operation."
    )
    client.delete_capacity_provider(capacityProvider=ARN + "capacity-provider/mi")
    with pytest.raises(client.exceptions.ClusterContainsCapacityProviderException):
        client.delete_cluster(cluster="web")
    ecs.advance(15)
    assert client.delete_cluster(cluster="web")["cluster"]["status"] == "INACTIVE"
