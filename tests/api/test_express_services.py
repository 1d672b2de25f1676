"""Express services (ECS Express Mode) through a real boto3 client: the ECS service behind
one, its tasks on the clock, what ECS provisions, updates, deletion and refusals."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from ecsmock import ECSMock

ACCOUNT = "123456789012"
EXEC = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
INFRA = f"arn:aws:iam::{ACCOUNT}:role/ecsInfrastructureRole"
ARN = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/default/web"
CLUSTER = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/default"
ENDPOINT = re.compile(r"https://we-[0-9a-f]{32}\.ecs\.eu-west-1\.on\.aws")
NET = {"subnets": ["subnet-0a1b2c", "subnet-0d4e5f"], "securityGroups": ["sg-1"]}


def create(client: Any, **kw: Any) -> dict[str, Any]:
    kw.setdefault("serviceName", "web")
    kw.setdefault("primaryContainer", {"image": "nginx:1.27"})
    answer = client.create_express_gateway_service(
        executionRoleArn=EXEC, infrastructureRoleArn=INFRA, **kw
    )
    return dict(answer["service"])


def describe(client: Any, **kw: Any) -> dict[str, Any]:
    return dict(client.describe_express_gateway_service(serviceArn=ARN, **kw)["service"])


def ecs_service(client: Any) -> dict[str, Any]:
    return dict(client.describe_services(cluster="default", services=["web"])["services"][0])


def managed(client: Any, revision: str) -> dict[str, Any]:
    [found] = client.describe_service_revisions(serviceRevisionArns=[revision])["serviceRevisions"]
    return dict(found["ecsManagedResources"])


def error(err: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def test_create_answers_an_active_service_with_the_documented_defaults(
    client: Any, ecs: ECSMock
) -> None:
    made = create(client, tags=[{"key": "team", "value": "web"}], networkConfiguration=NET)
    [config] = made.pop("activeConfigurations")
    assert made == {
        "cluster": CLUSTER,
        "serviceName": "web",
        "serviceArn": ARN,
        "infrastructureRoleArn": INFRA,
        "status": {"statusCode": "ACTIVE"},
        "tags": [{"key": "team", "value": "web"}],
        "createdAt": ecs.now(),
        "updatedAt": ecs.now(),
    }
    [ingress] = config.pop("ingressPaths")
    assert ingress["accessType"] == "PUBLIC"
    assert ENDPOINT.fullmatch(ingress["endpoint"])
    revision = ecs_service(client)["deployments"][0]
    assert config == {
        "serviceRevisionArn": config["serviceRevisionArn"],
        "executionRoleArn": EXEC,
        "cpu": "256",
        "memory": "512",
        "networkConfiguration": NET,
        "healthCheckPath": "/ping",
        "primaryContainer": {
            "image": "nginx:1.27",
            "containerPort": 80,
            "awsLogsConfiguration": {"logGroup": "/aws/ecs/default/web", "logStreamPrefix": "ecs"},
        },
        "scalingTarget": {
            "minTaskCount": 1,
            "maxTaskCount": 20,
            "autoScalingMetric": "AVERAGE_CPU",
            "autoScalingTargetValue": 60,
        },
        "createdAt": ecs.now(),
    }
    assert config["serviceRevisionArn"].startswith(
        f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/default/web/"
    )
    assert revision["taskDefinition"].endswith("task-definition/web:1")


def test_the_service_behind_it_is_an_ecs_managed_fargate_service(client: Any) -> None:
    create(client, networkConfiguration=NET)
    [cluster] = client.describe_clusters(clusters=["default"])["clusters"]
    assert cluster["capacityProviders"] == ["FARGATE"]
    service = ecs_service(client)
    assert (service["status"], service["desiredCount"], service["launchType"]) == (
        "ACTIVE",
        1,
        "FARGATE",
    )
    assert service["resourceManagementType"] == "ECS"
    assert service["networkConfiguration"] == {
        "awsvpcConfiguration": {**NET, "assignPublicIp": "DISABLED"}
    }
    [lb] = service["loadBalancers"]
    assert (lb["containerName"], lb["containerPort"]) == ("Main", 80)
    assert lb["advancedConfiguration"]["roleArn"] == INFRA
    config = service["deploymentConfiguration"]
    assert (config["strategy"], config["bakeTimeInMinutes"]) == ("CANARY", 3)
    assert config["canaryConfiguration"] == {"canaryPercent": 5.0, "canaryBakeTimeInMinutes": 3}
    assert (config["alarms"]["enable"], config["alarms"]["rollback"]) == (True, True)
    listed = client.list_services(cluster="default", resourceManagementType="ECS")
    assert listed["serviceArns"] == [ARN]
    assert client.list_services(resourceManagementType="CUSTOMER")["serviceArns"] == []
    td = client.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert (td["cpu"], td["memory"], td["networkMode"]) == ("256", "512", "awsvpc")
    assert td["runtimePlatform"] == {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}
    [container] = td["containerDefinitions"]
    assert (container["name"], container["image"]) == ("Main", "nginx:1.27")
    assert container["portMappings"] == [{"containerPort": 80, "protocol": "tcp", "hostPort": 80}]
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/aws/ecs/default/web"


def test_its_task_runs_through_the_lifecycle_on_the_clock(client: Any, ecs: ECSMock) -> None:
    create(client, networkConfiguration=NET, scalingTarget={"minTaskCount": 2})
    assert client.list_tasks(cluster="default")["taskArns"] == []
    ecs.advance(1)  # the scheduler's first pass
    arns = client.list_tasks(cluster="default", serviceName="web")["taskArns"]
    tasks = client.describe_tasks(cluster="default", tasks=arns)["tasks"]
    assert [t["lastStatus"] for t in tasks] == ["PROVISIONING", "PROVISIONING"]
    ecs.advance(19.2)
    tasks = client.describe_tasks(cluster="default", tasks=arns)["tasks"]
    assert [t["lastStatus"] for t in tasks] == ["RUNNING", "RUNNING"]
    assert {t["group"] for t in tasks} == {"service:web"}
    assert ecs_service(client)["runningCount"] == 2


def test_what_ecs_provisions_is_active_three_minutes_later(client: Any, ecs: ECSMock) -> None:
    made = create(client, networkConfiguration=NET)
    revision = made["activeConfigurations"][0]["serviceRevisionArn"]
    start = ecs.now()
    resources = managed(client, revision)
    assert resources["ingressPaths"][0]["loadBalancer"]["status"] == "PROVISIONING"
    ecs.advance(180)
    resources = managed(client, revision)
    [ingress] = resources["ingressPaths"]
    assert ingress["loadBalancer"]["status"] == "ACTIVE"
    assert ingress["loadBalancer"]["updatedAt"] == start + timedelta(seconds=180)
    assert ingress["loadBalancer"]["scheme"] == "internet-facing"
    assert ingress["certificate"]["domainName"] == ingress["endpoint"].removeprefix("https://")
    assert [(g["healthCheckPath"], g["port"]) for g in ingress["targetGroups"]] == [
        ("/ping", 80),
        ("/ping", 80),
    ]
    scaling = resources["autoScaling"]
    assert (scaling["scalableTarget"]["minCapacity"], scaling["scalableTarget"]["maxCapacity"]) == (
        1,
        20,
    )
    [policy] = scaling["applicationAutoScalingPolicies"]
    assert (policy["policyType"], policy["metric"], policy["targetValue"]) == (
        "TargetTrackingScaling",
        "ECSServiceAverageCPUUtilization",
        60.0,
    )
    assert resources["logGroups"][0]["logGroupName"] == "/aws/ecs/default/web"
    assert resources["serviceSecurityGroups"] == []  # the request named its own group


def test_a_new_image_rolls_a_canary_deployment(client: Any, ecs: ECSMock) -> None:
    create(client, networkConfiguration=NET)
    ecs.settle()
    first = describe(client)["activeConfigurations"][0]["serviceRevisionArn"]
    start = ecs.now()
    answer = client.update_express_gateway_service(
        serviceArn=ARN, primaryContainer={"image": "nginx:1.28", "containerPort": 8080}
    )["service"]
    target = answer["targetConfiguration"]
    assert target["primaryContainer"]["image"] == "nginx:1.28"
    assert target["serviceRevisionArn"] != first
    assert answer["status"] == {"statusCode": "ACTIVE"}
    described = describe(client)
    [newest, _] = client.list_service_deployments(service="web")["serviceDeployments"]
    assert described["currentDeployment"] == newest["serviceDeploymentArn"]
    images = [c["primaryContainer"]["image"] for c in described["activeConfigurations"]]
    assert images == ["nginx:1.28", "nginx:1.27"]
    ecs.advance(120)
    [deployment] = client.describe_service_deployments(
        serviceDeploymentArns=[newest["serviceDeploymentArn"]]
    )["serviceDeployments"]
    assert deployment["lifecycleStage"] == "PRODUCTION_TRAFFIC_SHIFT"
    assert deployment["targetServiceRevision"]["requestedProductionTrafficWeight"] == 5.0
    ecs.settle()
    assert target["createdAt"] == start
    assert describe(client)["activeConfigurations"] == [target]
    service = ecs_service(client)
    [primary] = service["deployments"]
    assert primary["taskDefinition"].endswith("task-definition/web:2")
    assert service["loadBalancers"][0]["containerPort"] == 8080
    assert ecs.now() - start > timedelta(minutes=6)


def test_a_scaling_change_moves_the_desired_count_without_a_deployment(
    client: Any, ecs: ECSMock
) -> None:
    create(client, networkConfiguration=NET)
    ecs.settle()
    before = describe(client)["activeConfigurations"][0]
    answer = client.update_express_gateway_service(
        serviceArn=ARN, scalingTarget={"minTaskCount": 3, "autoScalingTargetValue": 70}
    )["service"]
    target = answer["targetConfiguration"]
    assert target["serviceRevisionArn"] == before["serviceRevisionArn"]
    assert target["scalingTarget"] == {
        "minTaskCount": 3,
        "maxTaskCount": 20,
        "autoScalingMetric": "AVERAGE_CPU",
        "autoScalingTargetValue": 70,
    }
    assert answer["updatedAt"] == ecs.now()
    assert ecs_service(client)["desiredCount"] == 3
    assert len(client.list_service_deployments(service="web")["serviceDeployments"]) == 1
    ecs.settle()
    assert ecs_service(client)["runningCount"] == 3
    scaling = managed(client, before["serviceRevisionArn"])["autoScaling"]
    assert scaling["scalableTarget"]["minCapacity"] == 3
    assert scaling["applicationAutoScalingPolicies"][0]["targetValue"] == 70.0
    # A lower maximum brings the count down to it.
    client.update_express_gateway_service(
        serviceArn=ARN, scalingTarget={"minTaskCount": 1, "maxTaskCount": 2}
    )
    assert ecs_service(client)["desiredCount"] == 2


def test_an_update_naming_nothing_new_changes_nothing(client: Any, ecs: ECSMock) -> None:
    create(client, networkConfiguration=NET)
    ecs.advance(60)
    config = describe(client)["activeConfigurations"][0]
    answer = client.update_express_gateway_service(
        serviceArn=ARN, primaryContainer={"image": "nginx:1.27"}, healthCheckPath="/ping"
    )["service"]
    assert answer["targetConfiguration"] == config
    assert len(client.list_service_deployments(service="web")["serviceDeployments"]) == 1


def test_delete_drains_then_the_service_is_inactive(client: Any, ecs: ECSMock) -> None:
    made = create(client, networkConfiguration=NET)
    revision = made["activeConfigurations"][0]["serviceRevisionArn"]
    ecs.settle()
    [task] = client.list_tasks(cluster="default", serviceName="web")["taskArns"]
    deleted = client.delete_express_gateway_service(serviceArn=ARN)["service"]
    assert deleted["status"] == {"statusCode": "DRAINING"}
    assert deleted["updatedAt"] == ecs.now()
    assert "tags" not in deleted
    # The service's pass at this instant stops its task: once its tasks are all STOPPING
    # or STOPPED, the service is INACTIVE, and so is the Express service.
    [stopping] = client.describe_tasks(cluster="default", tasks=[task])["tasks"]
    assert (stopping["lastStatus"], stopping["desiredStatus"]) == ("STOPPING", "STOPPED")
    service = ecs_service(client)
    assert (service["status"], service["desiredCount"]) == ("INACTIVE", 0)
    lb = managed(client, revision)["ingressPaths"][0]["loadBalancer"]
    assert (lb["status"], lb["updatedAt"]) == ("DELETED", ecs.now())
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        describe(client)
    assert error(err) == (
        "InvalidParameterException",
        "Cannot call DescribeServiceRevisions for a service that is INACTIVE",
    )
    with pytest.raises(client.exceptions.ServiceNotActiveException) as err:
        client.delete_express_gateway_service(serviceArn=ARN)
    assert error(err) == (
        "ServiceNotActiveException",
        "Cannot perform this operation on a service in INACTIVE status",
    )
    ecs.settle()
    assert client.list_tasks(cluster="default", desiredStatus="RUNNING")["taskArns"] == []
    # The name is free again: a new Express service, with new resources.
    again = create(client, networkConfiguration=NET)
    assert again["status"] == {"statusCode": "ACTIVE"}
    assert (
        again["activeConfigurations"][0]["ingressPaths"]
        != made["activeConfigurations"][0]["ingressPaths"]
    )


def test_a_draining_service_refuses_updates_and_deletes(client: Any, ecs: ECSMock) -> None:
    made = create(client, networkConfiguration=NET)
    revision = made["activeConfigurations"][0]["serviceRevisionArn"]
    client.delete_express_gateway_service(serviceArn=ARN)  # before any task started
    # Nothing to stop: the service drains until the scheduler's next pass, a second later.
    assert describe(client)["status"] == {"statusCode": "DRAINING"}
    assert ecs_service(client)["status"] == "DRAINING"
    lb = managed(client, revision)["ingressPaths"][0]["loadBalancer"]
    assert (lb["status"], lb["updatedAt"]) == ("DEPROVISIONING", ecs.now())
    with pytest.raises(client.exceptions.ServiceNotActiveException) as err:
        client.delete_express_gateway_service(serviceArn=ARN)
    assert error(err) == ("ServiceNotActiveException", "Service is in DRAINING status")
    with pytest.raises(client.exceptions.ServiceNotActiveException) as err:
        client.update_express_gateway_service(serviceArn=ARN, cpu="512", memory="1024")
    assert error(err) == ("ServiceNotActiveException", "Service is in DRAINING status")
    ecs.advance(1)
    assert ecs_service(client)["status"] == "INACTIVE"
    assert client.list_tasks(cluster="default", desiredStatus="STOPPED")["taskArns"] == []


def test_tags_come_with_describe_only_when_asked(client: Any) -> None:
    create(client, tags=[{"key": "team", "value": "web"}], networkConfiguration=NET)
    assert "tags" not in describe(client)
    assert describe(client, include=["TAGS"])["tags"] == [{"key": "team", "value": "web"}]
    assert client.list_tags_for_resource(resourceArn=ARN)["tags"] == [
        {"key": "team", "value": "web"}
    ]


def test_a_service_without_a_name_gets_one(client: Any) -> None:
    answer = client.create_express_gateway_service(
        executionRoleArn=EXEC, infrastructureRoleArn=INFRA, primaryContainer={"image": "nginx"}
    )["service"]
    assert re.fullmatch(r"express-service-[0-9a-f]{12}", answer["serviceName"])
    assert answer["serviceArn"].endswith(f"service/default/{answer['serviceName']}")
    # Without a network configuration: two subnets and the service's own security group.
    network = answer["activeConfigurations"][0]["networkConfiguration"]
    assert len(network["subnets"]) == 2
    [group] = network["securityGroups"]
    resources = managed(client, answer["activeConfigurations"][0]["serviceRevisionArn"])
    assert resources["serviceSecurityGroups"][0]["arn"].endswith(f"security-group/{group}")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"cluster": "nope"},
            ("ClusterNotFoundException", "Cluster not found."),
        ),
        (
            {"healthCheckPath": "health"},
            ("InvalidParameterException", "The health check path must start with a forward slash."),
        ),
        (
            {"cpu": "256", "memory": "4096"},
            ("ClientException", "No Fargate configuration exists for given values."),
        ),
        (
            {"scalingTarget": {"autoScalingMetric": "LATENCY"}},
            (
                "InvalidParameterException",
                "Invalid value 'LATENCY' for scalingTarget.autoScalingMetric. Valid values: "
                "AVERAGE_CPU, AVERAGE_MEMORY, REQUEST_COUNT_PER_TARGET.",
            ),
        ),
        (
            {"serviceName": "no spaces"},
            (
                "InvalidParameterException",
                "Service names can have up to 255 characters and must contain only letters "
                "(uppercase and lowercase), numbers, underscores, and hyphens.",
            ),
        ),
    ],
)
def test_create_refuses_what_ecs_refuses(
    client: Any, ecs: ECSMock, kwargs: dict[str, Any], expected: tuple[str, str]
) -> None:
    with pytest.raises(client.exceptions.ClientError) as err:
        create(client, networkConfiguration=NET, **kwargs)
    assert error(err) == expected
    # Nothing was made: no cluster, no task definition.
    assert client.list_clusters()["clusterArns"] == []
    assert client.list_task_definitions()["taskDefinitionArns"] == []


def test_a_name_in_use_is_refused(client: Any) -> None:
    client.create_cluster()
    client.register_task_definition(
        family="plain",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    client.create_service(
        serviceName="web",
        taskDefinition="plain",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c"]}},
    )
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        create(client, networkConfiguration=NET)
    assert error(err) == ("InvalidParameterException", "Creation of service was not idempotent.")
    # A plain service is not an Express service.
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        describe(client)
    assert error(err) == ("InvalidParameterException", "Resource not found.")
    assert "resourceManagementType" not in ecs_service(client)


@pytest.mark.parametrize("operation", ["describe", "update", "delete"])
def test_an_unknown_service_is_not_found(client: Any, operation: str) -> None:
    call = getattr(client, f"{operation}_express_gateway_service")
    for arn in (ARN, "web", f"arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/default"):
        with pytest.raises(client.exceptions.InvalidParameterException) as err:
            call(serviceArn=arn)
        assert error(err) == ("InvalidParameterException", "Resource not found.")


def test_the_rollback_alarm_rolls_a_faulty_update_back(client: Any, ecs: ECSMock) -> None:
    made = create(client, networkConfiguration=NET)
    first = made["activeConfigurations"][0]
    ecs.settle()
    [alarm_name] = ecs_service(client)["deploymentConfiguration"]["alarms"]["alarmNames"]
    [alarm] = managed(client, first["serviceRevisionArn"])["metricAlarms"]
    assert alarm["arn"] == f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:{alarm_name}"
    client.update_express_gateway_service(serviceArn=ARN, primaryContainer={"image": "bad:1"})
    ecs.advance(120)  # in the canary stage, 5 % of the traffic on the new revision
    ecs.set_alarm_state(alarm_name, "ALARM")
    ecs.settle()
    [newest, _] = client.list_service_deployments(service="web")["serviceDeployments"]
    assert newest["status"] == "ROLLBACK_SUCCESSFUL"
    [config] = describe(client)["activeConfigurations"]
    assert config["primaryContainer"]["image"] == "nginx:1.27"
    [primary] = ecs_service(client)["deployments"]
    assert primary["taskDefinition"].endswith("task-definition/web:1")
    # The next update starts from the configuration rolled back to.
    answer = client.update_express_gateway_service(serviceArn=ARN, cpu="512", memory="1024")
    target = answer["service"]["targetConfiguration"]
    assert (target["primaryContainer"]["image"], target["cpu"]) == ("nginx:1.27", "512")


def test_a_deleted_default_cluster_is_made_again(client: Any) -> None:
    client.create_cluster()
    client.delete_cluster(cluster="default")
    made = create(client, networkConfiguration=NET)
    assert made["cluster"] == CLUSTER
    [cluster] = client.describe_clusters(clusters=["default"])["clusters"]
    assert (cluster["status"], cluster["activeServicesCount"]) == ("ACTIVE", 1)
    # Another deleted cluster is not: it is named, and gone.
    client.create_cluster(clusterName="old")
    client.delete_cluster(cluster="old")
    with pytest.raises(client.exceptions.ClusterNotFoundException):
        create(client, cluster="old", networkConfiguration=NET)
