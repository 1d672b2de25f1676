"""Daemon task definitions through a real boto3 client: exact answers, errors, lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ecsmock import ECSMock

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)  # the `ecs` fixture's start
ARN = "arn:aws:ecs:eu-west-1:123456789012:daemon-task-definition/"
ROOT = "arn:aws:iam::123456789012:root"
AGENT = {
    "name": "cloudwatch-agent",
    "image": "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest",
    "memory": 256,
    "cpu": 128,
    "essential": True,
    "environment": [{"name": "USE_DEFAULT_CONFIG", "value": "true"}],
}
NOT_FOUND = "The specified daemon task definition does not exist."


def register(client: Any, family: str = "monitoring-agent", **extra: Any) -> str:
    arn: str = client.register_daemon_task_definition(
        family=family, containerDefinitions=[AGENT], **extra
    )["daemonTaskDefinitionArn"]
    return arn


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def test_register_and_describe_as_the_api_reference_shows(client: Any) -> None:
    arn = register(
        client,
        cpu="128",
        memory="256",
        executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        taskRoleArn="arn:aws:iam::123456789012:role/ecsDaemonTaskRole",
    )
    assert arn == ARN + "monitoring-agent:1"
    described = client.describe_daemon_task_definition(daemonTaskDefinition="monitoring-agent:1")
    assert described["daemonTaskDefinition"] == {
        "daemonTaskDefinitionArn": arn,
        "family": "monitoring-agent",
        "revision": 1,
        "taskRoleArn": "arn:aws:iam::123456789012:role/ecsDaemonTaskRole",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [{**AGENT, "mountPoints": [], "secrets": []}],
        "volumes": [],
        "cpu": "128",
        "memory": "256",
        "status": "ACTIVE",
        "registeredAt": START,
        "registeredBy": ROOT,
    }


def test_revisions_and_references(client: Any) -> None:
    first = register(client)
    second = register(client, volumes=[{"name": "logs", "host": {"sourcePath": "/var/log"}}])
    assert second == ARN + "monitoring-agent:2"
    # A family alone is its latest ACTIVE revision; an ARN or family:revision is exact.
    latest = client.describe_daemon_task_definition(daemonTaskDefinition="monitoring-agent")
    assert latest["daemonTaskDefinition"]["revision"] == 2
    assert latest["daemonTaskDefinition"]["volumes"] == [
        {"name": "logs", "host": {"sourcePath": "/var/log"}}
    ]
    by_arn = client.describe_daemon_task_definition(daemonTaskDefinition=first)
    assert by_arn["daemonTaskDefinition"]["revision"] == 1
    for ref in ("nope", "monitoring-agent:9", "monitoring-agent:x", ARN + "nope:1"):
        with pytest.raises(client.exceptions.ClientException) as err:
            client.describe_daemon_task_definition(daemonTaskDefinition=ref)
        assert message(err) == NOT_FOUND


def test_register_refusals(client: Any) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        register(client, family="bad family")
    assert message(err) == (
        "Family contains invalid characters. Up to 255 letters (uppercase and lowercase), "
        "numbers, underscores, and hyphens are allowed."
    )
    with pytest.raises(client.exceptions.ClientException) as err:
        client.register_daemon_task_definition(family="agent", containerDefinitions=[AGENT, AGENT])
    assert message(err) == "Duplicate container name found: cloudwatch-agent"
    with pytest.raises(client.exceptions.ClientException) as err:
        register(client, family="agent", memory="128")
    assert message(err) == "The sum of all container memory values exceeds the task memory value."
    with pytest.raises(client.exceptions.ClientException) as err:
        register(client, family="agent", taskRoleArn="arn:aws:s3:::bucket")
    assert message(err) == "Role is not valid"
    # Without a task memory, daemon containers may leave memory out.
    client.register_daemon_task_definition(
        family="agent", containerDefinitions=[{"name": "a", "image": "busybox"}]
    )


def test_list_filters_and_orders(client: Any) -> None:
    register(client, family="b-agent")
    register(client, family="a-agent")
    register(client, family="a-agent")
    client.delete_daemon_task_definition(daemonTaskDefinition="a-agent:1")

    def arns(**params: Any) -> list[str]:
        found = client.list_daemon_task_definitions(**params)["daemonTaskDefinitions"]
        return [d["arn"].removeprefix(ARN) for d in found]

    assert arns() == ["a-agent:2", "b-agent:1"]
    assert arns(status="ALL") == ["a-agent:1", "a-agent:2", "b-agent:1"]
    assert arns(status="DELETE_IN_PROGRESS") == ["a-agent:1"]
    assert arns(status="ALL", sort="DESC") == ["b-agent:1", "a-agent:2", "a-agent:1"]
    assert arns(familyPrefix="a-") == ["a-agent:2"]
    assert arns(family="b-agent") == ["b-agent:1"]
    assert arns(status="ALL", revision="LAST_REGISTERED") == ["a-agent:2", "b-agent:1"]
    page = client.list_daemon_task_definitions(status="ALL", maxResults=2)
    assert len(page["daemonTaskDefinitions"]) == 2
    rest = client.list_daemon_task_definitions(status="ALL", nextToken=page["nextToken"])
    assert [d["arn"] for d in rest["daemonTaskDefinitions"]] == [ARN + "b-agent:1"]
    summary = client.list_daemon_task_definitions(status="DELETE_IN_PROGRESS")
    assert summary["daemonTaskDefinitions"] == [
        {
            "arn": ARN + "a-agent:1",
            "registeredAt": START,
            "registeredBy": ROOT,
            "deleteRequestedAt": START,
            "status": "DELETE_IN_PROGRESS",
        }
    ]
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.list_daemon_task_definitions(status="INACTIVE")
    assert message(err) == (
        "Invalid value 'INACTIVE' for status. Valid values: ACTIVE, DELETE_IN_PROGRESS, ALL."
    )


def test_delete_and_the_waiters(client: Any, ecs: ECSMock) -> None:
    arn = register(client)
    client.get_waiter("daemon_task_definition_active").wait(daemonTaskDefinition=arn)
    assert ecs.now() == START
    deleted = client.delete_daemon_task_definition(daemonTaskDefinition="monitoring-agent:1")
    assert deleted["daemonTaskDefinitionArn"] == arn
    shown = client.describe_daemon_task_definition(daemonTaskDefinition=arn)
    assert shown["daemonTaskDefinition"]["status"] == "DELETE_IN_PROGRESS"
    assert shown["daemonTaskDefinition"]["deleteRequestedAt"] == START
    # The family alone names no revision any more.
    with pytest.raises(client.exceptions.ClientException):
        client.describe_daemon_task_definition(daemonTaskDefinition="monitoring-agent")
    with pytest.raises(client.exceptions.ClientException) as err:
        client.delete_daemon_task_definition(daemonTaskDefinition=arn)
    assert message(err) == (
        "The daemon task definition monitoring-agent:1 is not ACTIVE. Only an ACTIVE one can "
        "be deleted."
    )
    # DELETED 10 s later; the waiter polls every 15 s on the simulated clock.
    client.get_waiter("daemon_task_definition_deleted").wait(daemonTaskDefinition=arn)
    assert ecs.now() == START + timedelta(seconds=15)
    shown = client.describe_daemon_task_definition(daemonTaskDefinition=arn)
    assert shown["daemonTaskDefinition"]["status"] == "DELETED"
    # Kept an hour, then forgotten.
    ecs.advance(timedelta(hours=1))
    with pytest.raises(client.exceptions.ClientException):
        client.describe_daemon_task_definition(daemonTaskDefinition=arn)
    assert register(client) == ARN + "monitoring-agent:2"


def test_the_active_waiter_fails_on_a_deleted_definition(client: Any) -> None:
    from botocore.exceptions import WaiterError

    arn = register(client)
    client.delete_daemon_task_definition(daemonTaskDefinition=arn)
    with pytest.raises(WaiterError):
        client.get_waiter("daemon_task_definition_active").wait(daemonTaskDefinition=arn)


def test_tags(client: Any) -> None:
    arn = register(client, tags=[{"key": "team", "value": "obs"}])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "obs"}
    ]
    client.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "prod"}])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "obs"},
        {"key": "env", "value": "prod"},
    ]
