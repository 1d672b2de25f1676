"""The service deployments API through a real boto3 client: ListServiceDeployments,
DescribeServiceDeployments, DescribeServiceRevisions and StopServiceDeployment. Failing
deployments (circuit breaker, throttle) are in test_service_failures.py."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from service_world import NET, describe, register_revisions, stable

from ecsmock import ECSMock
from ecsmock.model.timing import REALISTIC

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
SERVICE_ARN = ARN + "service/default/web"
TD = ARN + "task-definition/"
BREAKER = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster and three revisions of `web` (see service_world)."""
    return register_revisions(client)


def summary(service: dict[str, Any]) -> list[tuple[str, str, str, str, int]]:
    return [
        (d["id"], d["status"], d["taskDefinition"][len(TD) :], d["rolloutState"], d["failedTasks"])
        for d in service["deployments"]
    ]


def service_deployments(client: Any, **kw: Any) -> list[dict[str, Any]]:
    return list(client.list_service_deployments(service="web", **kw)["serviceDeployments"])


def full(client: Any, arn: str) -> dict[str, Any]:
    answer = client.describe_service_deployments(serviceDeploymentArns=[arn])
    return dict(answer["serviceDeployments"][0])


# -- service deployments and revisions --------------------------------------------------


def test_service_deployment_lifecycle(web: Any, ecs: ECSMock) -> None:
    web.create_service(
        serviceName="web",
        taskDefinition="web:1",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=NET,
        deploymentConfiguration=BREAKER,
    )
    [brief] = service_deployments(web)
    arn = brief["serviceDeploymentArn"]
    assert arn.startswith(ARN + "service-deployment/default/web/")
    assert len(arn.rsplit("/", 1)[1]) == 21
    assert (brief["status"], "startedAt" in brief) == ("PENDING", False)
    ecs.advance(REALISTIC.scheduler_delay)
    assert full(web, arn)["status"] == "IN_PROGRESS"
    ecs.settle()
    described = full(web, arn)
    revision = described["targetServiceRevision"]["arn"]
    assert revision.startswith(ARN + "service-revision/default/web/")
    assert described == {
        "serviceDeploymentArn": arn,
        "serviceArn": SERVICE_ARN,
        "clusterArn": ARN + "cluster/default",
        "createdAt": START,
        "startedAt": START + timedelta(seconds=1),
        "finishedAt": ecs.now(),
        "updatedAt": ecs.now(),
        "sourceServiceRevisions": [],
        "targetServiceRevision": {
            "arn": revision,
            "requestedTaskCount": 1,
            "runningTaskCount": 1,
            "pendingTaskCount": 0,
        },
        "status": "SUCCESSFUL",
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "alarms": {"alarmNames": [], "rollback": False, "enable": False},
        },
        "deploymentCircuitBreaker": {
            "status": "MONITORING_COMPLETE",
            "failureCount": 0,
            "threshold": 3,
        },
        "alarms": {"status": "DISABLED"},
    }

    web.update_service(service="web", taskDefinition="web:3")
    second = service_deployments(web)[0]
    assert [b["serviceDeploymentArn"] for b in service_deployments(web)] == [
        second["serviceDeploymentArn"],
        arn,
    ]
    source = full(web, second["serviceDeploymentArn"])["sourceServiceRevisions"]
    assert source == [
        {"arn": revision, "requestedTaskCount": 1, "runningTaskCount": 1, "pendingTaskCount": 0}
    ]
    ecs.settle()
    assert [b["status"] for b in service_deployments(web)] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert service_deployments(web, status=["IN_PROGRESS"]) == []
    window = {"after": START + timedelta(seconds=1)}
    assert [b["serviceDeploymentArn"] for b in service_deployments(web, createdAt=window)] == [
        second["serviceDeploymentArn"]
    ]
    # The first one keeps the counts it finished with, though its task is gone.
    assert full(web, arn)["targetServiceRevision"]["runningTaskCount"] == 1


def test_describe_service_revisions(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, 1)
    [brief] = service_deployments(web)
    revision = brief["targetServiceRevisionArn"]
    ghost = revision[:-1] + ("0" if revision[-1] != "0" else "1")
    answer = web.describe_service_revisions(serviceRevisionArns=[revision, ghost])
    assert answer["failures"] == [{"arn": ghost, "reason": "MISSING"}]
    [found] = answer["serviceRevisions"]
    assert found == {
        "serviceRevisionArn": revision,
        "serviceArn": SERVICE_ARN,
        "clusterArn": ARN + "cluster/default",
        "taskDefinition": TD + "web:1",
        "launchType": "FARGATE",
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-1"],
                "securityGroups": [],
                "assignPublicIp": "DISABLED",
            }
        },
        "loadBalancers": [],
        "serviceRegistries": [],
        # Digests and Service Connect as in the describe-service-revisions CLI example.
        "containerImages": [
            {
                "containerName": "app",
                "imageDigest": "sha256:" + hashlib.sha256(b"nginx:1").hexdigest(),
                "image": "nginx:1",
            }
        ],
        "guardDutyEnabled": False,
        "serviceConnectConfiguration": {"enabled": False},
        "createdAt": START,
    }
    missing = web.describe_service_deployments(
        serviceDeploymentArns=[brief["serviceDeploymentArn"] + "x"]
    )
    assert missing["failures"] == [
        {"arn": brief["serviceDeploymentArn"] + "x", "reason": "MISSING"}
    ]


def test_an_unfinished_deployment_replaced_by_a_newer_one_stops(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, 1)
    web.update_service(service="web", taskDefinition="web:2")
    ecs.advance(5)
    web.update_service(service="web", taskDefinition="web:3")
    newest, replaced, first = service_deployments(web)
    assert (replaced["status"], replaced["statusReason"], replaced["finishedAt"]) == (
        "STOPPED",
        "Replaced by a new service deployment.",
        ecs.now(),
    )
    assert (newest["status"], first["status"]) == ("PENDING", "SUCCESSFUL")
    ecs.settle()
    assert [b["status"] for b in service_deployments(web)] == [
        "SUCCESSFUL",
        "STOPPED",
        "SUCCESSFUL",
    ]


def test_stop_service_deployment_rollback(web: Any, ecs: ECSMock) -> None:
    good = stable(web, ecs, 2)
    web.update_service(service="web", taskDefinition="web:3")
    ecs.advance(30)
    arn = service_deployments(web)[0]["serviceDeploymentArn"]
    answer = web.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    assert answer["serviceDeploymentArn"] == arn
    service = describe(web)
    assert service["taskDefinition"] == TD + "web:1"
    assert service["deployments"][0]["rolloutStateReason"] == (
        f"ECS deployment circuit breaker: rolling back to deploymentId {good}."
    )
    assert full(web, arn)["status"] == "ROLLBACK_IN_PROGRESS"
    ecs.settle()
    described = full(web, arn)
    assert described["status"] == "ROLLBACK_SUCCESSFUL"
    assert (
        described["rollback"]["serviceRevisionArn"]
        == service_deployments(web)[1]["targetServiceRevisionArn"]
    )
    assert [row[2:4] for row in summary(describe(web))] == [("web:1", "COMPLETED")]
    with pytest.raises(web.exceptions.ConflictException):
        web.stop_service_deployment(serviceDeploymentArn=arn)


def test_stop_service_deployment_abort_and_errors(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, 2)
    web.update_service(service="web", taskDefinition="web:3")
    arn = service_deployments(web)[0]["serviceDeploymentArn"]
    web.stop_service_deployment(serviceDeploymentArn=arn, stopType="ABORT")
    ecs.settle()
    brief = service_deployments(web)[0]
    assert (brief["status"], brief["statusReason"]) == (
        "STOPPED",
        "Service deployment stopped by user.",
    )
    service = describe(web)
    assert [row[1:4] for row in summary(service)] == [
        ("PRIMARY", "web:3", "FAILED"),
        ("ACTIVE", "web:1", "COMPLETED"),
    ]
    assert service["deployments"][1]["runningCount"] == 2
    with pytest.raises(web.exceptions.ServiceDeploymentNotFoundException):
        web.stop_service_deployment(
            serviceDeploymentArn=ARN + "service-deployment/default/web/" + "A" * 21
        )
    with pytest.raises(web.exceptions.ConflictException):
        web.stop_service_deployment(serviceDeploymentArn=arn)
