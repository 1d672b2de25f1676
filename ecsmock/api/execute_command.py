"""ECS Exec: ExecuteCommand."""

from __future__ import annotations

from ecsmock.api._registry import Body, Params, operation
from ecsmock.model.backend import Backend


@operation("ExecuteCommand")
def execute_command(backend: Backend, params: Params) -> Body:
    """ExecuteCommand: a Session Manager session on a container's ExecuteCommandAgent.

    The answer's members in the order of the API reference's example.
    """
    session = backend.ecs_exec.execute(
        params.get("cluster"),
        params["task"],
        params.get("container"),
        params["command"],
        params["interactive"],
    )
    return {
        "clusterArn": session.cluster_arn,
        "containerArn": session.container_arn,
        "containerName": session.container_name,
        "interactive": True,
        "session": {
            "sessionId": session.session_id,
            "streamUrl": session.stream_url,
            "tokenValue": session.token_value,
        },
        "taskArn": session.task_arn,
    }
