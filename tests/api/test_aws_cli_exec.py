"""`aws ecs execute-command` run in-process through the AWS CLI, with a stub plugin.

The CLI checks that `session-manager-plugin` is on PATH (it runs it once without
arguments), calls ExecuteCommand, reads the container's runtimeId with DescribeTasks, and
hands the session to the plugin: the session JSON, the region, `StartSession`, the profile,
the SSM target `ecs:<cluster>_<task id>_<runtimeId>` and the ECS endpoint. The stub records
each call's arguments to a file and exits 0.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from awscli.clidriver import create_clidriver

from ecsmock import ECSMock, mock_ecs

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
REGION = "us-west-2"
NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was "
    "run or the execute command agent isn\u2019t running. Wait and try again or run a new task "
    "with execute command enabled and try again."
)
STUB = """#!{python}
import json, sys
with open({log!r}, "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
"""


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `session-manager-plugin` on PATH that records its arguments; the record's path."""
    log = tmp_path / "plugin-calls.jsonl"
    stub = tmp_path / "session-manager-plugin"
    stub.write_text(STUB.format(python=sys.executable, log=str(log)))
    stub.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return log


@pytest.fixture
def ecs() -> Iterator[ECSMock]:
    with mock_ecs(strict=True, start=START) as mock:
        yield mock


def calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def task(ecs: ECSMock, enable: bool) -> tuple[Any, str]:
    client = boto3.client("ecs", region_name=REGION)
    client.create_cluster(clusterName="ops")
    client.register_task_definition(
        family="app",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        taskRoleArn="arn:aws:iam::123456789012:role/app-task",
        containerDefinitions=[{"name": "web", "image": "nginx:1"}],
    )
    arn: str = client.run_task(
        cluster="ops",
        taskDefinition="app",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}},
        enableExecuteCommand=enable,
    )["tasks"][0]["taskArn"]
    ecs.advance(60)
    return client, arn


def aws(capsys: pytest.CaptureFixture[str], task_id: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = create_clidriver().main(
        [
            "ecs",
            "execute-command",
            "--cluster",
            "ops",
            "--task",
            task_id,
            "--container",
            "web",
            "--interactive",
            "--command",
            "ls",
            "--region",
            REGION,
        ]
    )
    out, err = capsys.readouterr()
    return code, out, err


def test_execute_command_hands_the_session_to_the_plugin(
    ecs: ECSMock, plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, arn = task(ecs, enable=True)
    task_id = arn.rsplit("/", 1)[1]
    runtime_id = client.describe_tasks(cluster="ops", tasks=[arn])["tasks"][0]["containers"][0][
        "runtimeId"
    ]
    assert aws(capsys, task_id) == (0, "", "")
    [session] = ecs.exec_sessions
    assert (session.task_arn, session.container_name, session.command) == (arn, "web", "ls")
    assert calls(plugin) == [
        [],  # the CLI's check that the plugin is installed
        [
            json.dumps(
                {
                    "sessionId": session.session_id,
                    "streamUrl": session.stream_url,
                    "tokenValue": session.token_value,
                }
            ),
            REGION,
            "StartSession",
            "",
            json.dumps({"Target": f"ecs:ops_{task_id}_{runtime_id}"}),
            f"https://ecs.{REGION}.amazonaws.com",
        ],
    ]


def test_execute_command_not_enabled_through_the_cli(
    ecs: ECSMock, plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _client, arn = task(ecs, enable=False)
    code, out, err = aws(capsys, arn.rsplit("/", 1)[1])
    assert (code, out) == (255, "")  # the AWS CLI v1 exit code of a ClientError
    assert err == (
        "\nAn error occurred (InvalidParameterException) when calling the ExecuteCommand "
        f"operation: {NOT_ENABLED}\n"
    )
    assert calls(plugin) == [[]]
    assert ecs.exec_sessions == []
