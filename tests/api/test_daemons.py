"""Daemons on Managed Instances through a real boto3 client: tasks, deployments, waiters.

The Managed Instances provider `mi` is ACTIVE 10 s after the start; an instance boots for
30 s; a daemon task (bridge-like, no ENI) is RUNNING 7.7 s after its instance is ACTIVE.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import WaiterError
from managed_world import NETWORK, service

from ecsmock import ECSMock

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)  # the `ecs` fixture's start
PREFIX = "arn:aws:ecs:eu-west-1:123456789012:"
CLUSTER = PREFIX + "cluster/web"
PROVIDER = PREFIX + "capacity-provider/mi"
DAEMON = PREFIX + "daemon/web/logs"
DEPLOYMENT_RE = re.compile(re.escape(PREFIX + "daemon-deployment/web/logs/") + "[A-Za-z0-9]{16}")
REVISION_RE = re.compile(re.escape(PREFIX + "daemon-revision/web/logs/") + r"\d{19}")


def provider(client: Any, ecs: ECSMock, name: str = "mi") -> None:
    if not client.describe_clusters(clusters=["web"])["clusters"]:
        client.create_cluster(clusterName="web")
    client.create_capacity_provider(
        name=name,
        cluster="web",
        managedInstancesProvider={
            "infrastructureRoleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole",
            "instanceLaunchTemplate": {
                "ec2InstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/p",
                "networkConfiguration": {"subnets": ["subnet-aaa"]},
            },
        },
    )
    ecs.advance(10)


def agent(client: Any, image: str = "agent:1") -> str:
    arn: str = client.register_daemon_task_definition(
        family="agent",
        cpu="128",
        memory="256",
        containerDefinitions=[{"name": "agent", "image": image}],
    )["daemonTaskDefinitionArn"]
    return arn


def app(client: Any) -> None:
    client.register_task_definition(
        family="app",
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )


def daemon(client: Any, definition: str, **extra: Any) -> dict[str, Any]:
    made: dict[str, Any] = client.create_daemon(
        daemonName="logs",
        clusterArn="web",
        daemonTaskDefinitionArn=definition,
        capacityProviderArns=[PROVIDER],
        **extra,
    )
    return made


def deployment(client: Any, arn: str) -> dict[str, Any]:
    found: dict[str, Any] = client.describe_daemon_deployments(daemonDeploymentArns=[arn])[
        "daemonDeployments"
    ][0]
    return found


def tasks(client: Any, **filters: Any) -> list[dict[str, Any]]:
    arns = client.list_tasks(cluster="web", **filters)["taskArns"]
    if not arns:
        return []
    found: list[dict[str, Any]] = client.describe_tasks(cluster="web", tasks=arns)["tasks"]
    return found


def instance_arns(client: Any) -> list[str]:
    arns: list[str] = client.list_container_instances(cluster="web")["containerInstanceArns"]
    return arns


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


# -- create and the first tasks -------------------------------------------------------------


def test_create_answers_active_and_its_deployment(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    made = daemon(client, agent(client))
    made.pop("ResponseMetadata")
    assert made == {
        "daemonArn": DAEMON,
        "status": "ACTIVE",
        "createdAt": START + timedelta(seconds=10),
        "deploymentArn": made["deploymentArn"],
    }
    assert DEPLOYMENT_RE.fullmatch(made["deploymentArn"])
    assert deployment(client, made["deploymentArn"])["status"] == "PENDING"
    client.get_waiter("daemon_active").wait(daemonArn=DAEMON)
    client.get_waiter("daemon_deployment_successful").wait(
        daemonDeploymentArns=[made["deploymentArn"]]
    )
    # No instance to replace: SUCCESSFUL as soon as it starts (1 s), seen at the first poll.
    assert ecs.now() == START + timedelta(seconds=25)
    found = deployment(client, made["deploymentArn"])
    revision = found["targetDaemonRevision"]["arn"]
    assert REVISION_RE.fullmatch(revision)
    assert found == {
        "daemonDeploymentArn": made["deploymentArn"],
        "clusterArn": CLUSTER,
        "status": "SUCCESSFUL",
        "statusReason": "Deployment completed successfully.",
        "targetDaemonRevision": {
            "arn": revision,
            "capacityProviders": [
                {"arn": PROVIDER, "runningInstanceCount": 0, "drainingInstanceCount": 0}
            ],
            "totalRunningInstanceCount": 0,
            "totalDrainingInstanceCount": 0,
        },
        "sourceDaemonRevisions": [],
        "circuitBreaker": {"failureCount": 0, "status": "MONITORING_COMPLETE", "threshold": 10},
        "alarms": {"status": "DISABLED", "alarmNames": [], "triggeredAlarmNames": []},
        "deploymentConfiguration": {
            "drainPercent": 25.0,
            "alarms": {"alarmNames": [], "enable": False},
            "bakeTimeInMinutes": 0,
        },
        "createdAt": START + timedelta(seconds=10),
        "startedAt": START + timedelta(seconds=11),
        "finishedAt": START + timedelta(seconds=11),
    }


def test_the_daemon_task_starts_first_on_a_new_instance(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    made = daemon(client, agent(client))
    ecs.advance(1)
    app(client)
    [task] = client.run_task(
        cluster="web",
        taskDefinition="app",
        capacityProviderStrategy=[{"capacityProvider": "mi", "weight": 1}],
        networkConfiguration=NETWORK,
    )["tasks"]
    ecs.settle()
    [daemon_task] = tasks(client, daemonName="logs")
    assert daemon_task["startedBy"] == "daemon/logs"
    assert daemon_task["group"] == "daemon:logs"
    assert daemon_task["launchType"] == "MANAGED_INSTANCES"
    assert daemon_task["taskDefinitionArn"] == PREFIX + "daemon-task-definition/agent:1"
    assert daemon_task["containerInstanceArn"] == task["containerInstanceArn"]
    # Instance ACTIVE at +41 s; the daemon task RUNNING 7.7 s later; only then the app task
    # leaves PROVISIONING (3 s), and it is RUNNING 7.7 s after that.
    assert daemon_task["createdAt"] == START + timedelta(seconds=41)
    assert daemon_task["startedAt"] == START + timedelta(seconds=48.7)
    [started] = client.describe_tasks(cluster="web", tasks=[task["taskArn"]])["tasks"]
    assert started["connectivityAt"] == START + timedelta(seconds=51.7)
    assert started["startedAt"] == START + timedelta(seconds=59.4)
    [instance] = client.describe_container_instances(
        cluster="web", containerInstances=instance_arns(client)
    )["containerInstances"]
    assert instance["runningTasksCount"] == 2
    remaining = {r["name"]: r.get("integerValue") for r in instance["remainingResources"]}
    assert (remaining["CPU"], remaining["MEMORY"]) == (1024 - 128 - 256, 3952 - 256 - 512)
    described = client.describe_daemon(daemonArn=DAEMON)["daemon"]
    assert described == {
        "daemonArn": DAEMON,
        "clusterArn": CLUSTER,
        "status": "ACTIVE",
        "currentRevisions": [
            {
                "arn": deployment(client, made["deploymentArn"])["targetDaemonRevision"]["arn"],
                "capacityProviders": [{"arn": PROVIDER, "runningCount": 1}],
                "totalRunningCount": 1,
            }
        ],
        "deploymentArn": made["deploymentArn"],
        "createdAt": START + timedelta(seconds=10),
        "updatedAt": START + timedelta(seconds=10),
    }


def test_a_stopped_daemon_task_gets_its_instance_replaced(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    daemon(client, agent(client))
    app(client)
    service(client, 1)
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    [first] = instance_arns(client)
    [daemon_task] = tasks(client, daemonName="logs")
    client.stop_task(cluster="web", task=daemon_task["taskArn"])
    assert client.list_container_instances(cluster="web", status="DRAINING")[
        "containerInstanceArns"
    ] == [first]
    # The service's task moves once its replacement is healthy; the instance then goes.
    ecs.advance(240)
    [second] = instance_arns(client)
    assert second != first
    assert [t["containerInstanceArn"] for t in tasks(client, serviceName="api")] == [second]
    assert [t["containerInstanceArn"] for t in tasks(client, daemonName="logs")] == [second]


# -- deployments ----------------------------------------------------------------------------


def test_creating_on_existing_instances_drains_and_replaces_them(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    app(client)
    client.register_task_definition(
        family="big",
        networkMode="awsvpc",
        cpu="1024",
        memory="2048",
        containerDefinitions=[{"name": "big", "image": "nginx"}],
    )
    service(client, 2, "big")
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    old = instance_arns(client)
    assert len(old) == 2
    made = daemon(client, agent(client), deploymentConfiguration={"drainPercent": 50.0})
    ecs.advance(1)
    running = deployment(client, made["deploymentArn"])
    assert running["status"] == "IN_PROGRESS"
    # Half the instances at a time: one DRAINING, the other not yet.
    draining = client.list_container_instances(cluster="web", status="DRAINING")
    assert draining["containerInstanceArns"] == old[:1]
    client.get_waiter("daemon_deployment_successful").wait(
        daemonDeploymentArns=[made["deploymentArn"]], WaiterConfig={"MaxAttempts": 40}
    )
    ecs.settle()  # the last replaced instance finishes terminating
    new = instance_arns(client)
    assert not set(new) & set(old)
    on = {t["containerInstanceArn"] for t in tasks(client, daemonName="logs")}
    assert on == set(new)
    done = deployment(client, made["deploymentArn"])["targetDaemonRevision"]
    assert (done["totalRunningInstanceCount"], done["totalDrainingInstanceCount"]) == (2, 0)


def test_update_rolls_a_new_revision_and_stops_the_deployment_under_way(
    client: Any, ecs: ECSMock
) -> None:
    provider(client, ecs)
    app(client)
    service(client, 1)
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    first = daemon(client, agent(client), tags=[{"key": "team", "value": "obs"}])
    second_definition = agent(client, "agent:2")
    updated = client.update_daemon(
        daemonArn=DAEMON,
        daemonTaskDefinitionArn=second_definition,
        capacityProviderArns=["mi"],
        propagateTags="DAEMON",
    )
    assert updated["updatedAt"] == ecs.now()
    assert updated["deploymentArn"] != first["deploymentArn"]
    stopped = deployment(client, first["deploymentArn"])
    assert (stopped["status"], stopped["stoppedAt"]) == ("STOPPED", ecs.now())
    client.get_waiter("daemon_deployment_successful").wait(
        daemonDeploymentArns=[updated["deploymentArn"]]
    )
    [daemon_task] = tasks(client, daemonName="logs")
    assert daemon_task["taskDefinitionArn"] == second_definition
    listed = client.list_daemon_deployments(daemonArn=DAEMON)["daemonDeployments"]
    assert [(d["daemonDeploymentArn"], d["status"]) for d in listed] == [
        (updated["deploymentArn"], "SUCCESSFUL"),
        (first["deploymentArn"], "STOPPED"),
    ]
    only = client.list_daemon_deployments(daemonArn=DAEMON, status=["STOPPED"])
    assert [d["daemonDeploymentArn"] for d in only["daemonDeployments"]] == [first["deploymentArn"]]
    revision_arn = deployment(client, updated["deploymentArn"])["targetDaemonRevision"]["arn"]
    [revision] = client.describe_daemon_revisions(daemonRevisionArns=[revision_arn])[
        "daemonRevisions"
    ]
    assert revision == {
        "daemonRevisionArn": revision_arn,
        "clusterArn": CLUSTER,
        "daemonArn": DAEMON,
        "daemonTaskDefinitionArn": second_definition,
        "createdAt": updated["updatedAt"],
        "containerImages": [
            {
                "containerName": "agent",
                "imageDigest": revision["containerImages"][0]["imageDigest"],
                "image": "agent:2",
            }
        ],
        "propagateTags": "DAEMON",
        "enableECSManagedTags": False,
        "enableExecuteCommand": False,
    }
    assert re.fullmatch("sha256:[0-9a-f]{64}", revision["containerImages"][0]["imageDigest"])
    tagged = client.describe_tasks(cluster="web", tasks=[daemon_task["taskArn"]], include=["TAGS"])
    assert tagged["tasks"][0]["tags"] == [{"key": "team", "value": "obs"}]


def test_the_circuit_breaker_rolls_back(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    app(client)
    service(client, 1)
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    first = daemon(client, agent(client))
    client.get_waiter("daemon_deployment_successful").wait(
        daemonDeploymentArns=[first["deploymentArn"]]
    )
    good = deployment(client, first["deploymentArn"])["targetDaemonRevision"]["arn"]
    ecs.faults.image_pull_failure(image="agent:broken")
    updated = client.update_daemon(
        daemonArn=DAEMON,
        daemonTaskDefinitionArn=agent(client, "agent:broken"),
        capacityProviderArns=["mi"],
    )
    with pytest.raises(WaiterError):
        client.get_waiter("daemon_deployment_successful").wait(
            daemonDeploymentArns=[updated["deploymentArn"]],
            WaiterConfig={"Delay": 15, "MaxAttempts": 100},
        )
    ecs.settle()
    rolled = deployment(client, updated["deploymentArn"])
    assert rolled["status"] == "ROLLBACK_SUCCESSFUL"
    assert rolled["circuitBreaker"] == {"failureCount": 10, "status": "TRIGGERED", "threshold": 10}
    assert rolled["rollback"]["rollbackTargetDaemonRevisionArn"] == good
    assert rolled["rollback"]["rollbackCapacityProviders"] == [PROVIDER]
    current = client.describe_daemon(daemonArn=DAEMON)["daemon"]["currentRevisions"]
    assert [(r["arn"], r["totalRunningCount"]) for r in current] == [(good, 1)]
    assert [t["lastStatus"] for t in tasks(client, serviceName="api")] == ["RUNNING"]


# -- delete ---------------------------------------------------------------------------------


def test_delete_drains_the_daemon_away(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    app(client)
    service(client, 1)
    definition = agent(client)
    made = daemon(client, definition)
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    client.delete_daemon_task_definition(daemonTaskDefinition=definition)
    deleting = client.delete_daemon(daemonArn=DAEMON)
    assert (deleting["status"], deleting["updatedAt"]) == ("DELETE_IN_PROGRESS", ecs.now())
    with pytest.raises(client.exceptions.DaemonNotActiveException):
        client.update_daemon(
            daemonArn=DAEMON, daemonTaskDefinitionArn=definition, capacityProviderArns=["mi"]
        )
    with pytest.raises(client.exceptions.DaemonNotActiveException):
        client.delete_daemon(daemonArn=DAEMON)
    with pytest.raises(WaiterError):
        client.get_waiter("daemon_active").wait(daemonArn=DAEMON)
    client.get_waiter("daemon_deployment_successful").wait(
        daemonDeploymentArns=[deleting["deploymentArn"]]
    )
    assert "targetDaemonRevision" not in deployment(client, deleting["deploymentArn"])
    with pytest.raises(client.exceptions.DaemonNotFoundException) as err:
        client.describe_daemon(daemonArn=DAEMON)
    assert message(err) == "The specified daemon was not found."
    assert client.list_daemons()["daemonSummariesList"] == []
    assert tasks(client, daemonName="logs") == []
    assert [t["lastStatus"] for t in tasks(client, serviceName="api")] == ["RUNNING"]
    # The definition it held goes DELETED now; the deployments stay readable.
    client.get_waiter("daemon_task_definition_deleted").wait(daemonTaskDefinition=definition)
    assert deployment(client, made["deploymentArn"])["status"] == "SUCCESSFUL"


def test_the_provider_cannot_be_deleted_while_a_daemon_uses_it(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    daemon(client, agent(client))
    failed = client.delete_capacity_provider(capacityProvider="mi")["capacityProvider"]
    assert (failed["updateStatus"], failed["updateStatusReason"]) == (
        "DELETE_FAILED",
        "The specified capacity provider is in use and cannot be removed.",
    )


# -- listing and refusals -------------------------------------------------------------------


def test_list_and_describe_missing(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    provider(client, ecs, "other")
    made = daemon(client, agent(client))
    client.create_daemon(
        daemonName="metrics",
        clusterArn=CLUSTER,
        daemonTaskDefinitionArn="agent:1",
        capacityProviderArns=["other"],
    )
    listed = client.list_daemons(clusterArn="web")["daemonSummariesList"]
    assert listed == [
        {
            "daemonArn": DAEMON,
            "status": "ACTIVE",
            "createdAt": START + timedelta(seconds=20),
            "updatedAt": START + timedelta(seconds=20),
        },
        {
            "daemonArn": PREFIX + "daemon/web/metrics",
            "status": "ACTIVE",
            "createdAt": START + timedelta(seconds=20),
            "updatedAt": START + timedelta(seconds=20),
        },
    ]
    by_provider = client.list_daemons(capacityProviderArns=[PREFIX + "capacity-provider/other"])
    assert [d["daemonArn"] for d in by_provider["daemonSummariesList"]] == [
        PREFIX + "daemon/web/metrics"
    ]
    page = client.list_daemons(maxResults=1)
    assert len(page["daemonSummariesList"]) == 1
    assert "nextToken" in page
    missing = PREFIX + "daemon-deployment/web/logs/nope"
    answer = client.describe_daemon_deployments(
        daemonDeploymentArns=[made["deploymentArn"], missing]
    )
    assert answer["failures"] == [{"arn": missing, "reason": "MISSING"}]
    assert len(answer["daemonDeployments"]) == 1
    with pytest.raises(WaiterError):
        client.get_waiter("daemon_deployment_stopped").wait(daemonDeploymentArns=[missing])
    revision = PREFIX + "daemon-revision/web/logs/1"
    assert client.describe_daemon_revisions(daemonRevisionArns=[revision])["failures"] == [
        {"arn": revision, "reason": "MISSING"}
    ]


def test_create_refusals(client: Any, ecs: ECSMock) -> None:
    provider(client, ecs)
    definition = agent(client)
    client.create_capacity_provider(
        name="asg", autoScalingGroupProvider={"autoScalingGroupArn": "my-asg"}
    )
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_daemon(
            daemonName="logs",
            clusterArn="web",
            daemonTaskDefinitionArn=definition,
            capacityProviderArns=["asg"],
        )
    assert message(err) == (
        "The capacity provider 'asg' is not an ACTIVE Amazon ECS Managed Instances capacity "
        "provider of cluster web. ECS Managed Daemons is only supported for Amazon ECS Managed "
        "Instances Capacity Providers."
    )
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        daemon(client, definition, deploymentConfiguration={"drainPercent": 150.0})
    assert message(err) == "drainPercent must be between 0.0 and 100.0."
    with pytest.raises(client.exceptions.ClusterNotFoundException):
        client.create_daemon(
            daemonName="logs",
            clusterArn="nope",
            daemonTaskDefinitionArn=definition,
            capacityProviderArns=["mi"],
        )
    with pytest.raises(client.exceptions.ClientException) as err:
        daemon(client, "agent:9")
    assert message(err) == "The specified daemon task definition does not exist."
    first = daemon(client, definition, clientToken="token-1")
    again = daemon(client, definition, clientToken="token-1")
    assert again["deploymentArn"] == first["deploymentArn"]
    with pytest.raises(client.exceptions.ClientException) as err:
        daemon(client, definition)
    assert message(err) == "A daemon named logs already exists in cluster web."
    with pytest.raises(client.exceptions.DaemonNotFoundException):
        client.describe_daemon(daemonArn=PREFIX + "daemon/web/nope")
