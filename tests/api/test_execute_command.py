"""ECS Exec through boto3: sessions, the ExecuteCommandAgent, the refusals, and services."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from ecsmock import ECSMock, ExecSession, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"
ARN = f"arn:aws:ecs:{REGION}:123456789012:"
ROLE = "arn:aws:iam::123456789012:role/app-task"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was "
    "run or the execute command agent isn\u2019t running. Wait and try again or run a new task "
    "with execute command enabled and try again."
)
SESSION_ID = re.compile(r"ecs-execute-command-[a-z0-9]{26}")
# Fargate: `<task id>-<10 digits>` (behaviour reference 2).
FARGATE_RUNTIME = re.compile(r"[0-9a-f]{32}-\d{10}")


def fargate(client: Any, family: str = "app", role: str | None = ROLE, **extra: Any) -> None:
    containers = extra.pop("containers", [{"name": "web", "image": "nginx:1"}])
    if role is not None:
        extra["taskRoleArn"] = role
    client.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=containers,
        **extra,
    )


def run(client: Any, family: str = "app", **kw: Any) -> str:
    arn: str = client.run_task(
        cluster="ops",
        taskDefinition=family,
        launchType="FARGATE",
        networkConfiguration=NETWORK,
        **kw,
    )["tasks"][0]["taskArn"]
    return arn


def execute(client: Any, task: str, **kw: Any) -> dict[str, Any]:
    kw.setdefault("cluster", "ops")
    kw.setdefault("command", "/bin/sh")
    kw.setdefault("interactive", True)
    return dict(client.execute_command(task=task, **kw))


def refusal(client: Any, task: str, **kw: Any) -> tuple[str, str]:
    with pytest.raises(client.exceptions.ClientError) as err:
        execute(client, task, **kw)
    error = err.value.response["Error"]
    return error["Code"], error["Message"]


def container(client: Any, arn: str, index: int = 0) -> dict[str, Any]:
    task = client.describe_tasks(cluster="ops", tasks=[arn])["tasks"][0]
    return dict(task["containers"][index])


@pytest.fixture
def ecs() -> Iterator[ECSMock]:
    with mock_ecs(strict=True, start=START) as mock:
        yield mock


@pytest.fixture
def client(ecs: ECSMock) -> Any:
    made = boto3.client("ecs", region_name=REGION)
    made.create_cluster(clusterName="ops")
    fargate(made)
    return made


def test_a_running_task_with_exec_answers_a_session(client: Any, ecs: ECSMock) -> None:
    arn = run(client, enableExecuteCommand=True)
    ecs.advance(60)
    web = container(client, arn)
    answer = execute(client, arn, container="web", command="ls -la /app")
    answer.pop("ResponseMetadata")
    session = answer.pop("session")
    assert answer == {
        "clusterArn": ARN + "cluster/ops",
        "containerArn": web["containerArn"],
        "containerName": "web",
        "interactive": True,
        "taskArn": arn,
    }
    assert SESSION_ID.fullmatch(session["sessionId"])
    url = session["streamUrl"]
    prefix = (
        f"wss://ssmmessages.{REGION}.amazonaws.com/v1/data-channel/{session['sessionId']}"
        "?role=publish_subscribe&cell-number="
    )
    assert url.startswith(prefix)
    # The cell-number and the token: a version header, 32 bytes, zeros, the issue time.
    now = int(ecs.now().timestamp())
    for opaque in (url[len(prefix) :], session["tokenValue"]):
        raw = base64.b64decode(opaque, validate=True)
        assert (raw[:4], raw[36:40], int.from_bytes(raw[40:44], "big")) == (
            b"\x00\x01\x00\x01",
            b"\x00" * 4,
            now,
        )
    assert ecs.exec_sessions == [
        ExecSession(
            session_id=session["sessionId"],
            stream_url=url,
            token_value=session["tokenValue"],
            cluster_arn=ARN + "cluster/ops",
            task_arn=arn,
            container_name="web",
            container_arn=web["containerArn"],
            runtime_id=web["runtimeId"],
            command="ls -la /app",
            started_at=ecs.now(),
            region=REGION,
        )
    ]


def test_sessions_are_seeded_and_each_one_is_new() -> None:
    def sessions(seed: int) -> list[dict[str, str]]:
        with mock_ecs(strict=True, start=START, seed=seed) as ecs:
            made = boto3.client("ecs", region_name=REGION)
            made.create_cluster(clusterName="ops")
            fargate(made)
            arn = run(made, enableExecuteCommand=True)
            ecs.advance(60)
            task_id = arn.rsplit("/", 1)[1]
            return [execute(made, ref)["session"] for ref in (arn, task_id)]

    first, second = sessions(7)
    assert first != second
    assert sessions(7) == [first, second]
    assert sessions(8)[0]["sessionId"] != first["sessionId"]


def test_the_agent_follows_its_container(client: Any, ecs: ECSMock) -> None:
    arn = run(client, enableExecuteCommand=True)
    assert container(client, arn)["managedAgents"] == [
        {"name": "ExecuteCommandAgent", "lastStatus": "PENDING"}
    ]
    assert refusal(client, arn) == ("InvalidParameterException", NOT_ENABLED)
    ecs.advance(60)
    web = container(client, arn)
    assert FARGATE_RUNTIME.fullmatch(web["runtimeId"])
    assert web["runtimeId"].startswith(arn.rsplit("/", 1)[1])
    started = client.describe_tasks(cluster="ops", tasks=[arn])["tasks"][0]["startedAt"]
    assert web["managedAgents"] == [
        {"lastStartedAt": started, "name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}
    ]
    client.stop_task(cluster="ops", task=arn)
    ecs.advance(60)
    assert container(client, arn)["managedAgents"] == [
        {"lastStartedAt": started, "name": "ExecuteCommandAgent", "lastStatus": "STOPPED"}
    ]
    assert refusal(client, arn) == ("InvalidParameterException", NOT_ENABLED)
    assert ecs.exec_sessions == []


def test_without_exec_there_is_no_agent_and_no_session(client: Any, ecs: ECSMock) -> None:
    arn = run(client)
    ecs.advance(60)
    assert "managedAgents" not in container(client, arn)
    assert refusal(client, arn, container="web") == ("InvalidParameterException", NOT_ENABLED)
    assert ecs.exec_sessions == []


def test_refusals_name_what_is_wrong(client: Any, ecs: ECSMock) -> None:
    fargate(
        client,
        "pair",
        containers=[{"name": "web", "image": "nginx:1"}, {"name": "log", "image": "fluent:1"}],
    )
    single = run(client, enableExecuteCommand=True)
    pair = run(client, "pair", enableExecuteCommand=True)
    ecs.advance(60)
    missing = ARN + "task/ops/" + "0" * 32
    assert [
        refusal(client, single, interactive=False),
        refusal(client, "not-a-task-id"),
        refusal(client, single, cluster="nope"),
        refusal(client, missing),
        refusal(client, single, container="db"),
        refusal(client, pair),
    ] == [
        ("InvalidParameterException", "Interactive is the only mode supported currently."),
        ("InvalidParameterException", "task length should be one of [32,36]"),
        ("ClusterNotFoundException", "Cluster not found."),
        ("InvalidParameterException", "The referenced task was not found."),
        ("InvalidParameterException", "The container db was not found in the task."),
        (
            "InvalidParameterException",
            "A container name must be specified for tasks containing multiple containers.",
        ),
    ]
    assert ecs.exec_sessions == []
    # One container: its name may be left out; of two, either may be named.
    assert execute(client, single)["containerName"] == "web"
    assert execute(client, pair, container="log")["containerName"] == "log"
    assert [s.container_name for s in ecs.exec_sessions] == ["web", "log"]


def test_exec_on_run_task_needs_a_task_role(client: Any) -> None:
    fargate(client, "norole", role=None)
    with pytest.raises(client.exceptions.InvalidParameterException):
        run(client, "norole", enableExecuteCommand=True)
    arn = run(client, "norole", enableExecuteCommand=True, overrides={"taskRoleArn": ROLE})
    assert client.describe_tasks(cluster="ops", tasks=[arn])["tasks"][0]["enableExecuteCommand"]


def test_start_task_on_ec2_with_exec(client: Any, ecs: ECSMock) -> None:
    instance = ecs.add_container_instances("ops")[0]
    client.register_task_definition(
        family="batch",
        taskRoleArn=ROLE,
        containerDefinitions=[{"name": "job", "image": "busybox", "memory": 128}],
    )
    arn = client.start_task(
        cluster="ops",
        taskDefinition="batch",
        containerInstances=[instance],
        enableExecuteCommand=True,
    )["tasks"][0]["taskArn"]
    ecs.advance(60)
    job = container(client, arn)
    assert re.fullmatch(r"[0-9a-f]{64}", job["runtimeId"])
    assert job["managedAgents"][0]["lastStatus"] == "RUNNING"
    assert execute(client, arn, command="env")["containerArn"] == job["containerArn"]
    assert ecs.exec_sessions[0].runtime_id == job["runtimeId"]


def test_sessions_of_every_region_oldest_first(ecs: ECSMock) -> None:
    made = {}
    for region in ("us-east-1", REGION):
        made[region] = boto3.client("ecs", region_name=region)
        made[region].create_cluster(clusterName="ops")
        fargate(made[region])
    arns = {r: run(c, enableExecuteCommand=True) for r, c in made.items()}
    ecs.advance(60)
    execute(made[REGION], arns[REGION], command="first")
    ecs.advance(5)
    execute(made["us-east-1"], arns["us-east-1"], command="second")
    assert [(s.region, s.command) for s in ecs.exec_sessions] == [
        (REGION, "first"),
        ("us-east-1", "second"),
    ]
    assert ecs.exec_sessions[1].started_at - ecs.exec_sessions[0].started_at == timedelta(seconds=5)
    assert ecs.exec_sessions[1].stream_url.startswith("wss://ssmmessages.us-east-1.")


# -- services ---------------------------------------------------------------------------


def service(client: Any, **kw: Any) -> dict[str, Any]:
    kw.setdefault("taskDefinition", "app")
    return dict(
        client.create_service(
            cluster="ops",
            serviceName="api",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=NETWORK,
            **kw,
        )["service"]
    )


def task_of(client: Any) -> str:
    arn: str = client.list_tasks(cluster="ops", serviceName="api")["taskArns"][0]
    return arn


def test_create_service_with_exec(client: Any, ecs: ECSMock) -> None:
    assert service(client, enableExecuteCommand=True)["enableExecuteCommand"] is True
    ecs.settle()
    arn = task_of(client)
    assert client.describe_tasks(cluster="ops", tasks=[arn])["tasks"][0]["enableExecuteCommand"]
    assert execute(client, arn, command="ps")["taskArn"] == arn


def test_update_service_enables_exec_for_tasks_started_afterwards(
    client: Any, ecs: ECSMock
) -> None:
    service(client)
    ecs.settle()
    before = task_of(client)
    updated = client.update_service(cluster="ops", service="api", enableExecuteCommand=True)
    assert updated["service"]["enableExecuteCommand"] is True
    assert len(updated["service"]["deployments"]) == 1  # no new deployment
    ecs.settle()
    assert task_of(client) == before
    assert refusal(client, before) == ("InvalidParameterException", NOT_ENABLED)
    # A task the scheduler starts now carries it (here: after the old one stops).
    client.stop_task(cluster="ops", task=before)
    ecs.settle()
    replacement = task_of(client)
    assert replacement != before
    assert execute(client, replacement)["taskArn"] == replacement


def test_force_new_deployment_replaces_tasks_with_exec(client: Any, ecs: ECSMock) -> None:
    service(client)
    ecs.settle()
    before = task_of(client)
    answer = client.update_service(
        cluster="ops", service="api", enableExecuteCommand=True, forceNewDeployment=True
    )
    assert len(answer["service"]["deployments"]) == 2
    ecs.settle()
    after = task_of(client)
    assert after != before
    assert execute(client, after)["taskArn"] == after


def test_a_service_with_exec_needs_a_task_role(client: Any, ecs: ECSMock) -> None:
    fargate(client, "norole", role=None)
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        service(client, taskDefinition="norole", enableExecuteCommand=True)
    assert err.value.response["Error"]["Message"] == (
        "The service couldn't be created because a valid taskRoleArn is not being used. "
        "Specify a valid task role in your task definition and try again."
    )
    service(client, taskDefinition="norole")
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.update_service(cluster="ops", service="api", enableExecuteCommand=True)
    assert err.value.response["Error"]["Message"] == (
        "The service couldn't be updated because a valid taskRoleArn is not being used. "
        "Specify a valid task role in your task definition and try again."
    )
    described = client.describe_services(cluster="ops", services=["api"])["services"][0]
    assert described["enableExecuteCommand"] is False
    # With a task definition that has a role, in the same call, it is accepted.
    answer = client.update_service(
        cluster="ops", service="api", taskDefinition="app", enableExecuteCommand=True
    )
    assert answer["service"]["enableExecuteCommand"] is True
    assert ecs.invariants() == []


def test_an_agent_that_does_not_connect(client: Any, ecs: ECSMock) -> None:
    fargate(
        client,
        "pair",
        containers=[{"name": "web", "image": "nginx:1"}, {"name": "log", "image": "fluent:1"}],
    )
    arn = run(client, "pair", enableExecuteCommand=True)
    ecs.advance(60)
    ecs.faults.exec_not_connected(container="web", times=2)
    not_connected = (
        "TargetNotConnectedException",
        "The execute command failed due to an internal error. Try again later.",
    )
    assert refusal(client, arn, container="web") == not_connected
    assert execute(client, arn, container="log")["containerName"] == "log"
    assert refusal(client, arn, container="web") == not_connected
    assert execute(client, arn, container="web")["containerName"] == "web"  # then it connects
    ecs.faults.exec_not_connected()
    assert refusal(client, arn, container="log") == not_connected
    ecs.faults.clear()
    assert [s.container_name for s in ecs.exec_sessions] == ["log", "web"]
    assert execute(client, arn, container="log")["containerName"] == "log"
