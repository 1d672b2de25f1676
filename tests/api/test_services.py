"""Services through a real boto3 client: the API surface (create, describe, list, tags,
delete, errors). Scheduler scenarios are in test_service_scenarios.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from ecsmock import ECSMock

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
CLUSTER = ARN + "cluster/default"
SERVICE = ARN + "service/default/"
# A bare name's MISSING failure names no cluster (aws-actions/
# amazon-ecs-deploy-task-definition#312, #369).
SHORT_SERVICE = ARN + "service/"
TD = ARN + "task-definition/"
ROLE = "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
NET_ECHO = {
    "awsvpcConfiguration": {
        "subnets": ["subnet-1"],
        "securityGroups": [],
        "assignPublicIp": "DISABLED",
    }
}
DEPLOYMENT_ID = re.compile(r"ecs-svc/\d{19}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
NOT_IDEMPOTENT = "Creation of service was not idempotent."


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster, Fargate `web` (nginx:1, tagged) and EC2-only `job`."""
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
        tags=[{"key": "team", "value": "web"}],
    )
    client.register_task_definition(
        family="job", containerDefinitions=[{"name": "job", "image": "busybox", "memory": 128}]
    )
    return client


def create(client: Any, name: str = "web", **kw: Any) -> dict[str, Any]:
    kw.setdefault("taskDefinition", "web")
    kw.setdefault("desiredCount", 3)
    if kw["taskDefinition"] == "web":
        kw.setdefault("launchType", "FARGATE")
        kw.setdefault("networkConfiguration", NET)
    return dict(client.create_service(serviceName=name, **kw)["service"])


def describe(client: Any, name: str = "web", **kw: Any) -> dict[str, Any]:
    return dict(client.describe_services(services=[name], **kw)["services"][0])


def refused(client: Any, error: str, name: str = "x", **kw: Any) -> str:
    with pytest.raises(getattr(client.exceptions, error)) as err:
        create(client, name, **kw)
    return message(err)


# -- CreateService ---------------------------------------------------------------------


def test_create_service_answer(web: Any, ecs: ECSMock) -> None:
    service = create(web)
    deployment_id = service["deployments"][0]["id"]
    assert DEPLOYMENT_ID.fullmatch(deployment_id)
    assert service == {
        "serviceArn": SERVICE + "web",
        "serviceName": "web",
        "clusterArn": CLUSTER,
        "loadBalancers": [],
        "serviceRegistries": [],
        "status": "ACTIVE",
        "desiredCount": 3,
        "runningCount": 0,
        "pendingCount": 0,
        "launchType": "FARGATE",
        "platformVersion": "LATEST",
        "platformFamily": "Linux",
        "taskDefinition": TD + "web:1",
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "alarms": {"alarmNames": [], "rollback": False, "enable": False},
        },
        "deployments": [
            {
                "id": deployment_id,
                "status": "PRIMARY",
                "taskDefinition": TD + "web:1",
                "desiredCount": 3,
                "pendingCount": 0,
                "runningCount": 0,
                "failedTasks": 0,
                "createdAt": START,
                "updatedAt": START,
                "launchType": "FARGATE",
                "platformVersion": "1.4.0",
                "platformFamily": "Linux",
                "networkConfiguration": NET_ECHO,
                "rolloutState": "IN_PROGRESS",
                "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
            }
        ],
        "roleArn": ROLE,
        "events": [],
        "createdAt": START,
        "placementConstraints": [],
        "placementStrategy": [],
        "networkConfiguration": NET_ECHO,
        "healthCheckGracePeriodSeconds": 0,
        "schedulingStrategy": "REPLICA",
        "deploymentController": {"type": "ECS"},
        "tags": [],  # the tags it was given (create-service CLI example)
        "createdBy": "arn:aws:iam::123456789012:root",
        "enableECSManagedTags": False,
        "propagateTags": "NONE",
        "enableExecuteCommand": False,
        "availabilityZoneRebalancing": "ENABLED",
    }
    # Nothing moves before the scheduler's first pass; DescribeServices shows tags only
    # when asked to.
    assert describe(web, include=["TAGS"]) == service
    assert ecs.invariants() == []


def test_create_service_echoes_what_was_asked(web: Any) -> None:
    # ECS Exec needs a task role: web:2 has one.
    web.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
        taskRoleArn="arn:aws:iam::123456789012:role/web-task",
    )
    service = create(
        web,
        desiredCount=2,
        platformVersion="1.4.0",
        deploymentConfiguration={
            "maximumPercent": 150,
            "minimumHealthyPercent": 50,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
        healthCheckGracePeriodSeconds=30,
        propagateTags="SERVICE",
        enableECSManagedTags=True,
        enableExecuteCommand=True,
        tags=[{"key": "env", "value": "prod"}],
    )
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 150,
        "minimumHealthyPercent": 50,
        "alarms": {"alarmNames": [], "rollback": False, "enable": False},
    }
    assert (service["platformVersion"], service["deployments"][0]["platformVersion"]) == (
        "1.4.0",
        "1.4.0",
    )
    assert (
        service["healthCheckGracePeriodSeconds"],
        service["propagateTags"],
        service["enableECSManagedTags"],
        service["enableExecuteCommand"],
    ) == (30, "SERVICE", True, True)
    assert describe(web, include=["TAGS"])["tags"] == [{"key": "env", "value": "prod"}]
    assert "tags" not in describe(web)


def test_ec2_service_without_awsvpc_has_no_role_and_reports_placement(
    web: Any, ecs: ECSMock
) -> None:
    service = create(web, "batch", taskDefinition="job", desiredCount=1, launchType="EC2")
    assert (service["launchType"], "roleArn" in service, "platformVersion" in service) == (
        "EC2",
        False,
        False,
    )
    ecs.advance(1)
    service = describe(web, "batch")
    assert [e["message"] for e in service["events"]] == [
        "(service batch) was unable to place a task because no container instance met all of "
        "its requirements. Reason: No Container Instances were found in your cluster."
    ]
    assert (service["runningCount"], service["pendingCount"]) == (0, 0)


def test_duplicate_name_is_not_idempotent_and_changes_nothing(web: Any) -> None:
    create(web)
    before = describe(web)
    assert refused(web, "InvalidParameterException", "web", desiredCount=5) == NOT_IDEMPOTENT
    assert describe(web) == before


def test_same_client_token_and_request_returns_the_service(web: Any) -> None:
    first = create(web, clientToken="tok-1")
    assert create(web, clientToken="tok-1") == first
    assert refused(web, "InvalidParameterException", "web", clientToken="tok-2") == NOT_IDEMPOTENT


# -- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "error", "text"),
    [
        (
            {"cluster": "nope"},
            "ClusterNotFoundException",
            "Cluster not found.",
        ),
        (
            {"taskDefinition": "nope", "launchType": "FARGATE", "networkConfiguration": NET},
            "ClientException",
            "TaskDefinition not found.",
        ),
        (
            {"deploymentConfiguration": {"minimumHealthyPercent": 101}},
            "InvalidParameterException",
            "minimumHealthyPercent must be at most 100",
        ),
        (
            {"networkConfiguration": None},
            "InvalidParameterException",
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        ),
        (
            {"schedulingStrategy": "DAEMON", "desiredCount": None},
            "InvalidParameterException",
            "The daemon scheduling strategy is not supported with the FARGATE launch type.",
        ),
        (
            {"launchType": "FARGATE", "capacityProviderStrategy": [{"capacityProvider": "X"}]},
            "InvalidParameterException",
            "Specifying both a launch type and capacity provider strategy is not supported. "
            "Remove one and try again.",
        ),
    ],
    ids=["cluster", "task-definition", "min-healthy", "network", "daemon-fargate", "both"],
)
def test_create_service_errors_change_nothing(
    web: Any, ecs: ECSMock, kw: dict[str, Any], error: str, text: str
) -> None:
    params = {k: v for k, v in kw.items() if v is not None}
    dropped = [k for k, v in kw.items() if v is None]
    base: dict[str, Any] = {
        "taskDefinition": "web",
        "desiredCount": 2,
        "launchType": "FARGATE",
        "networkConfiguration": NET,
    }
    request = {k: v for k, v in {**base, **params}.items() if k not in dropped}
    with pytest.raises(getattr(web.exceptions, error)) as err:
        web.create_service(serviceName="x", **request)
    assert message(err) == text
    ecs.settle()
    assert web.list_services()["serviceArns"] == []
    assert web.list_tasks()["taskArns"] == []
    assert web.describe_clusters(clusters=["default"])["clusters"][0]["activeServicesCount"] == 0
    assert web.describe_services(services=["x"])["failures"] == [
        {"arn": SHORT_SERVICE + "x", "reason": "MISSING"}
    ]


def test_update_service_errors(web: Any) -> None:
    with pytest.raises(web.exceptions.ServiceNotFoundException) as err:
        web.update_service(service="nope", desiredCount=1)
    assert message(err) == "Service not found."
    create(web)
    before = describe(web)
    with pytest.raises(web.exceptions.ClientException) as err:
        web.update_service(service="web", taskDefinition="nope")
    assert message(err) == "TaskDefinition not found."
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.update_service(service="web", deploymentConfiguration={"minimumHealthyPercent": 150})
    assert message(err) == "minimumHealthyPercent must be at most 100"
    with pytest.raises(web.exceptions.ClusterNotFoundException):
        web.update_service(cluster="nope", service="web", desiredCount=1)
    web.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:2"}],
    )
    web.deregister_task_definition(taskDefinition="web:2")
    with pytest.raises(web.exceptions.ClientException) as err:
        web.update_service(service="web", taskDefinition="web:2")
    assert message(err) == "TaskDefinition is inactive"
    assert describe(web) == before


def test_describe_services_limits_and_missing(web: Any) -> None:
    create(web)
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.describe_services(services=[f"s{i}" for i in range(11)])
    assert message(err) == "services can have at most 10 items."
    answer = web.describe_services(services=["web", "ghost", SERVICE + "web", SERVICE + "other"])
    assert [s["serviceName"] for s in answer["services"]] == ["web", "web"]
    assert answer["failures"] == [
        {"arn": SHORT_SERVICE + "ghost", "reason": "MISSING"},
        {"arn": SERVICE + "other", "reason": "MISSING"},
    ]
    with pytest.raises(web.exceptions.ClusterNotFoundException):
        web.describe_services(cluster="nope", services=["web"])


# -- ListServices, tags, ListTasks ------------------------------------------------------


def test_list_services_pages_filters_and_hides_draining(web: Any) -> None:
    for i in range(12):
        create(web, f"s{i:02d}", desiredCount=0)
    create(web, "batch", taskDefinition="job", desiredCount=0, launchType="EC2")
    first = web.list_services()
    assert first["serviceArns"] == [SERVICE + f"s{i:02d}" for i in range(10)]
    second = web.list_services(nextToken=first["nextToken"])
    assert second["serviceArns"] == [SERVICE + "s10", SERVICE + "s11", SERVICE + "batch"]
    assert "nextToken" not in second
    assert web.list_services(launchType="EC2")["serviceArns"] == [SERVICE + "batch"]
    assert len(web.list_services(launchType="FARGATE", maxResults=100)["serviceArns"]) == 12
    assert web.list_services(schedulingStrategy="DAEMON")["serviceArns"] == []
    pages = web.get_paginator("list_services").paginate(schedulingStrategy="REPLICA")
    assert sum(len(p["serviceArns"]) for p in pages) == 13
    web.delete_service(service="s00")
    assert SERVICE + "s00" not in web.list_services(maxResults=100)["serviceArns"]


def test_list_services_by_namespace(client: Any) -> None:
    client.create_cluster(clusterName="mesh", serviceConnectDefaults={"namespace": "shop"})
    client.create_cluster(clusterName="plain")
    client.register_task_definition(
        family="job", containerDefinitions=[{"name": "job", "image": "busybox", "memory": 64}]
    )
    for cluster, name in (("mesh", "cart"), ("mesh", "pay"), ("plain", "cron")):
        client.create_service(
            cluster=cluster, serviceName=name, taskDefinition="job", desiredCount=0
        )
    namespace = client.describe_clusters(clusters=["mesh"])["clusters"][0][
        "serviceConnectDefaults"
    ]["namespace"]
    expected = [ARN + "service/mesh/cart", ARN + "service/mesh/pay"]
    assert client.list_services_by_namespace(namespace="shop")["serviceArns"] == expected
    assert client.list_services_by_namespace(namespace=namespace)["serviceArns"] == expected
    page = client.list_services_by_namespace(namespace="shop", maxResults=1)
    assert (page["serviceArns"], "nextToken" in page) == (expected[:1], True)
    with pytest.raises(client.exceptions.NamespaceNotFoundException):
        client.list_services_by_namespace(namespace="nowhere")


def test_service_tags(web: Any) -> None:
    arn = create(web, tags=[{"key": "env", "value": "prod"}])["serviceArn"]
    web.tag_resource(resourceArn=arn, tags=[{"key": "owner", "value": "me"}])
    web.untag_resource(resourceArn=arn, tagKeys=["env"])
    assert web.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "owner", "value": "me"}]
    assert describe(web, include=["TAGS"])["tags"] == [{"key": "owner", "value": "me"}]


def test_tasks_of_a_service_carry_propagated_and_managed_tags(web: Any, ecs: ECSMock) -> None:
    create(web, "svc", desiredCount=1, propagateTags="SERVICE", tags=[{"key": "env", "value": "p"}])
    create(web, "tdt", desiredCount=1, propagateTags="TASK_DEFINITION", enableECSManagedTags=True)
    create(web, "none", desiredCount=1)
    ecs.advance(1)

    def tags_of(service: str) -> list[dict[str, str]]:
        arns = web.list_tasks(serviceName=service)["taskArns"]
        [task] = web.describe_tasks(tasks=arns, include=["TAGS"])["tasks"]
        return list(task["tags"])

    assert tags_of("svc") == [{"key": "env", "value": "p"}]
    assert tags_of("tdt") == [
        {"key": "team", "value": "web"},
        {"key": "aws:ecs:clusterName", "value": "default"},
        {"key": "aws:ecs:serviceName", "value": "tdt"},
    ]
    assert tags_of("none") == []


def test_list_tasks_by_service_name(web: Any, ecs: ECSMock) -> None:
    create(web, "a", desiredCount=2)
    create(web, "b", desiredCount=1)
    web.run_task(taskDefinition="web", launchType="FARGATE", networkConfiguration=NET)
    ecs.advance(1)
    a_tasks = web.list_tasks(serviceName="a")["taskArns"]
    assert len(a_tasks) == 2
    assert len(web.list_tasks(serviceName="b")["taskArns"]) == 1
    assert len(web.list_tasks()["taskArns"]) == 4
    described = web.describe_tasks(tasks=a_tasks)["tasks"]
    assert {t["group"] for t in described} == {"service:a"}
    with pytest.raises(web.exceptions.ServiceNotFoundException) as err:
        web.list_tasks(serviceName="ghost")
    assert message(err) == "Service not found."


# -- DeleteService ----------------------------------------------------------------------


def test_delete_needs_force_while_scaled(web: Any, ecs: ECSMock) -> None:
    create(web)
    ecs.settle()
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.delete_service(service="web")
    assert message(err) == "The service cannot be stopped while it is scaled above 0."
    assert describe(web)["status"] == "ACTIVE"
    with pytest.raises(web.exceptions.ClusterContainsServicesException) as err:
        web.delete_cluster(cluster="default")
    assert message(err) == "The Cluster cannot be deleted while Services are active."

    deleted = web.delete_service(service="web", force=True)["service"]
    assert (deleted["status"], deleted["desiredCount"], deleted["runningCount"]) == (
        "DRAINING",
        0,
        3,
    )
    assert deleted["deployments"][0]["desiredCount"] == 0
    # The scheduler's pass is due at once: its tasks start stopping, so by the next call the
    # service is INACTIVE (all its tasks STOPPING or STOPPED), at the same instant.
    with pytest.raises(web.exceptions.ServiceNotActiveException) as err:
        web.update_service(service="web", desiredCount=1)
    assert message(err) == "Service was not ACTIVE."
    service = describe(web)
    assert (service["status"], service["desiredCount"], service["runningCount"]) == (
        "INACTIVE",
        0,
        0,
    )
    assert ecs.now() == START + timedelta(seconds=60.2)


def test_a_draining_service_keeps_its_name(web: Any, ecs: ECSMock) -> None:
    create(web, desiredCount=0)
    ecs.settle()
    deleted_at = ecs.now()
    assert web.delete_service(service="web")["service"]["status"] == "DRAINING"
    # Nothing runs: the scheduler's next pass, a second later, makes it INACTIVE.
    assert refused(web, "InvalidParameterException", "web") == NOT_IDEMPOTENT
    with pytest.raises(web.exceptions.ClusterContainsServicesException):
        web.delete_cluster(cluster="default")
    cluster = web.describe_clusters(clusters=["default"])["clusters"][0]
    assert (cluster["activeServicesCount"], web.list_services()["serviceArns"]) == (0, [])
    with pytest.raises(WaiterError, match="DRAINING"):
        web.get_waiter("services_stable").wait(services=["web"])
    assert ecs.now() == deleted_at  # the waiter gave up at once
    ecs.advance(1)
    assert describe(web)["status"] == "INACTIVE"
    assert create(web)["status"] == "ACTIVE"  # an INACTIVE service's name is free again


def test_draining_service_turns_inactive_then_missing(web: Any, ecs: ECSMock) -> None:
    create(web)
    ecs.settle()
    web.delete_service(service="web", force=True)
    deleted_at = ecs.now()  # its tasks start stopping at once: INACTIVE from here
    web.get_waiter("services_inactive").wait(services=["web"])
    assert ecs.now() == deleted_at  # INACTIVE at the waiter's first poll
    service = describe(web)
    assert (service["status"], service["runningCount"], service["desiredCount"]) == (
        "INACTIVE",
        0,
        0,
    )
    stopped = web.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    tasks = web.describe_tasks(tasks=stopped)["tasks"]
    deployment_id = service["deployments"][0]["id"]
    assert {(t["stopCode"], t["stoppedReason"]) for t in tasks} == {
        (
            "ServiceSchedulerInitiated",
            f"Scaling activity initiated by (deployment {deployment_id})",
        )
    }
    with pytest.raises(web.exceptions.ServiceNotFoundException):
        web.delete_service(service="web")
    with pytest.raises(web.exceptions.ServiceNotActiveException):
        web.update_service(service="web", desiredCount=1)
    ecs.advance_to(deleted_at + timedelta(seconds=3599))
    assert describe(web)["status"] == "INACTIVE"
    ecs.advance(2)
    assert web.describe_services(services=["web"])["failures"] == [
        {"arn": SHORT_SERVICE + "web", "reason": "MISSING"}
    ]
    assert ecs.invariants() == []


def test_service_without_tasks_answers_draining_then_turns_inactive(web: Any, ecs: ECSMock) -> None:
    # DRAINING with desired, running and pending all 0 in the answer (aws/aws-cli#1334);
    # INACTIVE follows on the clock, at the scheduler's next pass.
    create(web, desiredCount=0)
    answer = web.delete_service(service="web")["service"]
    assert (answer["status"], answer["desiredCount"]) == ("DRAINING", 0)
    assert (answer["runningCount"], answer["pendingCount"]) == (0, 0)
    assert [d["status"] for d in answer["deployments"]] == ["PRIMARY"]
    assert describe(web)["status"] == "DRAINING"
    assert web.delete_service(service="web")["service"]["status"] == "DRAINING"
    with pytest.raises(web.exceptions.ClusterContainsServicesException):
        web.delete_cluster(cluster="default")
    ecs.advance(1)
    assert describe(web)["status"] == "INACTIVE"
    with pytest.raises(web.exceptions.ServiceNotFoundException):
        web.delete_service(service="web")
    web.delete_cluster(cluster="default")  # nothing ACTIVE or DRAINING is left


def test_name_of_an_inactive_service_can_be_reused(web: Any, ecs: ECSMock) -> None:
    create(web, desiredCount=1)
    ecs.settle()
    web.delete_service(service="web", force=True)
    ecs.settle()
    assert describe(web)["status"] == "INACTIVE"
    again = create(web, desiredCount=2)
    assert (again["status"], again["desiredCount"], again["events"]) == ("ACTIVE", 2, [])
    assert describe(web)["createdAt"] == ecs.now()
    cluster = web.describe_clusters(clusters=["default"])["clusters"][0]
    assert cluster["activeServicesCount"] == 1
    ecs.advance(3601)  # the old one's purge must not take the new one
    assert describe(web)["status"] == "ACTIVE"
    assert ecs.invariants() == []


def test_service_connect_configuration_is_echoed_and_redeploys(web: Any, ecs: ECSMock) -> None:
    connect = {
        "enabled": True,
        "namespace": "web-ns",
        "services": [{"portName": "http", "clientAliases": [{"port": 80}]}],
    }
    service = create(web, serviceConnectConfiguration=connect)
    assert service["deployments"][0]["serviceConnectConfiguration"] == connect
    ecs.settle()
    changed = {**connect, "enabled": False}
    updated = web.update_service(service="web", serviceConnectConfiguration=changed)["service"]
    assert [d["status"] for d in updated["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert updated["deployments"][0]["serviceConnectConfiguration"] == changed
    same = web.update_service(service="web", serviceConnectConfiguration=changed)["service"]
    assert len(same["deployments"]) == 2  # the same configuration again starts nothing


def test_a_daemon_service_computes_its_count_from_container_instances(
    web: Any, ecs: ECSMock
) -> None:
    service = web.create_service(
        serviceName="agent", taskDefinition="job", schedulingStrategy="DAEMON", launchType="EC2"
    )["service"]
    assert (service["schedulingStrategy"], service["desiredCount"]) == ("DAEMON", 0)
    config = service["deploymentConfiguration"]
    assert (config["maximumPercent"], config["minimumHealthyPercent"]) == (100, 0)
    ecs.settle()
    service = describe(web, "agent")
    # No container instance can be registered yet: nothing to run, steady at once.
    assert (service["desiredCount"], service["runningCount"]) == (0, 0)
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
