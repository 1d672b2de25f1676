"""ECS Exec: ExecuteCommand's checks, the ExecuteCommandAgent, and the sessions opened.

ECS answers ExecuteCommand with a Session Manager session (`sessionId`, `streamUrl`,
`tokenValue`) on the container's ExecuteCommandAgent; the command itself then runs over the
data channel that the session-manager-plugin opens with them, outside the ECS API. So the
model opens the session (seeded values in the shapes ECS gives them) and records it, for a
test to read which commands were asked for where (`ECSMock.exec_sessions`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ecsmock.errors import InvalidParameterException, TargetNotConnectedException
from ecsmock.model.tasks.ops import TASK_NOT_FOUND
from ecsmock.model.tasks.task import Container, Task

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend

# Observed verbatim, typographic apostrophe included (keidarcy/e1s#206,
# fabfuel/ecs-deploy#193): the answer for a task run without enableExecuteCommand and for
# a container whose agent is not (or no longer) running.
NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was "
    "run or the execute command agent isn\u2019t running. Wait and try again or run a new task "
    "with execute command enabled and try again."
)
# Observed when the agent cannot reach Session Manager (aws/aws-cli#6070, aws/aws-cli#8080).
NOT_CONNECTED = "The execute command failed due to an internal error. Try again later."
# Observed for interactive=False (boto/boto3#2822).
ONLY_INTERACTIVE = "Interactive is the only mode supported currently."
# Observed for a task id of another length (Mic-U/ecsher#56).
TASK_LENGTH = "task length should be one of [32,36]"
TASK_ID_LENGTHS = (32, 36)
# ECS's texts for these two were not found in any public output [U]: the wording is ours.
NO_SUCH_CONTAINER = "The container {name} was not found in the task."
NAME_NEEDED = "A container name must be specified for tasks containing multiple containers."
AGENT = "ExecuteCommandAgent"
# The opaque cell-number and token start with this version header, and carry the epoch
# second they were issued at after 32 bytes and four zero bytes (API reference example).
_HEADER = b"\x00\x01\x00\x01"
SESSION_ID_LENGTH = 26


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecSession:
    """One session ExecuteCommand opened: where, which command, and what ECS answered."""

    session_id: str
    stream_url: str
    token_value: str
    cluster_arn: str
    task_arn: str
    container_name: str
    container_arn: str
    runtime_id: str | None
    command: str
    started_at: datetime
    region: str


def agent_status(container: Container) -> str:
    """The ExecuteCommandAgent's lastStatus: it runs while its container runs [O][S].

    Observed RUNNING beside a RUNNING container, its lastStartedAt between the pull and the
    task's startedAt (behaviour reference 2); PENDING before and STOPPED after are ours.
    """
    if container.started_at is None:
        return "PENDING"
    return "STOPPED" if container.exited else "RUNNING"


class ExecOps:
    """ExecuteCommand in one backend, and the sessions it opened (oldest first)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.sessions: list[ExecSession] = []

    def execute(
        self,
        cluster_ref: str | None,
        task_ref: str,
        container_name: str | None,
        command: str,
        interactive: bool,
    ) -> ExecSession:
        """Open a session on a container of a task run with enableExecuteCommand."""
        check_request(task_ref, interactive)
        cluster = self.backend.cluster(cluster_ref)
        task = self.backend.tasks.find(cluster.name, task_ref)
        if task is None:
            # [I] StopTask's observed text (behaviour reference 6.5) for the same lookup
            raise InvalidParameterException(TASK_NOT_FOUND)
        container = pick_container(task, container_name)
        if not task.enable_execute_command or agent_status(container) != "RUNNING":
            # [O] keidarcy/e1s#206, fabfuel/ecs-deploy#193: not enabled, or agent not running
            raise InvalidParameterException(NOT_ENABLED)
        behaviour = self.backend.tasks.lifecycle.behaviour
        if behaviour.exec_unreachable(task.family, container.name, container.spec.image):
            # [O] aws/aws-cli#6070, aws/aws-cli#8080: a test's `faults.exec_not_connected`
            raise TargetNotConnectedException(NOT_CONNECTED)
        session = self._open(task, container, command)
        self.sessions.append(session)
        return session

    def _open(self, task: Task, container: Container, command: str) -> ExecSession:
        ids, region = self.backend.ids, self.backend.region
        session_id = f"ecs-execute-command-{ids.lower_alnum(SESSION_ID_LENGTH)}"
        issued = int(self.backend.clock.now.timestamp())
        cell = _opaque(ids.randbytes(32), issued, ids.randbytes(37))
        return ExecSession(
            session_id=session_id,
            stream_url=(
                f"wss://ssmmessages.{region}.amazonaws.com/v1/data-channel/{session_id}"
                f"?role=publish_subscribe&cell-number={cell}"
            ),
            token_value=_opaque(ids.randbytes(32), issued, ids.randbytes(684)),
            cluster_arn=task.cluster_arn,
            task_arn=task.arn,
            container_name=container.name,
            container_arn=container.arn,
            runtime_id=container.runtime_id,
            command=command,
            started_at=self.backend.clock.now,
            region=region,
        )


def check_request(task_ref: str, interactive: bool) -> None:
    """What ExecuteCommand refuses before looking anything up."""
    if not interactive:
        # [O] boto/boto3#2822; the response docs: "Amazon ECS only supports initiating
        # interactive sessions, so you must specify true for this value." [D]
        raise InvalidParameterException(ONLY_INTERACTIVE)
    if not task_ref.startswith("arn:") and len(task_ref) not in TASK_ID_LENGTHS:
        # [O] Mic-U/ecsher#56 (a bare id of another length)
        raise InvalidParameterException(TASK_LENGTH)


def pick_container(task: Task, name: str | None) -> Container:
    """The container named, or the task's only one (ExecuteCommand `container` docs [D])."""
    if name is None:
        if len(task.containers) != 1:
            # [D] "A container name only needs to be specified for tasks containing
            # multiple containers."; text [U]
            raise InvalidParameterException(NAME_NEEDED)
        return task.containers[0]
    found = task.container(name)
    if found is None:
        # [I] a session needs a container of the task; text [U]
        raise InvalidParameterException(NO_SUCH_CONTAINER.format(name=name))
    return found


def _opaque(head: bytes, issued: int, tail: bytes) -> str:
    """A cell-number or token: header, 32 bytes, zeros, the issue time, the rest (base64)."""
    raw = _HEADER + head + b"\x00\x00\x00\x00" + issued.to_bytes(4, "big") + tail
    return base64.b64encode(raw).decode()
