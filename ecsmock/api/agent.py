"""Agent-only operations: DiscoverPollEndpoint and the Submit*StateChange(s) calls.

The botocore model documents each of these as "only used by the Amazon ECS agent, and
it is not intended for use outside of the agent" [M]. In ecsmock the simulated agent is
the mock itself: tasks, containers and attachments move on the simulated clock, so these
calls check what they name and acknowledge without changing any state [S]. A test that
wants a container to exit or a task to fail uses the fault injection of `ecs.faults`.

- DiscoverPollEndpoint answers the three endpoints of the region, in the format of the
  discover-poll-endpoint CLI example [O]; the cell numbers (`ecs-a-1`, `ecs-t-1`) are ours
  [U]. A given cluster must exist and a given container instance must be in it [U].
- The Submit* calls need an ACTIVE cluster and, when they name a task, a task of that
  cluster (StopTask's `The referenced task was not found.` [O]). Enum members
  (`protocol`, `managedAgentName`) are checked [M]; the `status` members are free
  strings in the model and are not [U]. The answer is `{"acknowledgment": "ACK"}` [U].
"""

from __future__ import annotations

from ecsmock.api._enums import check_enums
from ecsmock.api._registry import Body, Params, operation
from ecsmock.errors import InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.tasks.ops import TASK_NOT_FOUND

POLL_ENDPOINT = "https://ecs-a-1.{region}.amazonaws.com/"
TELEMETRY_ENDPOINT = "https://ecs-t-1.{region}.amazonaws.com/"
SERVICE_CONNECT_ENDPOINT = "https://ecs-sc.{region}.api.aws"
ACKNOWLEDGMENT = "ACK"


@operation("DiscoverPollEndpoint")
def discover_poll_endpoint(backend: Backend, params: Params) -> Body:
    """DiscoverPollEndpoint: where the agent would poll, after checking what it names."""
    cluster_ref = params.get("cluster")
    instance_ref = params.get("containerInstance")
    if cluster_ref is not None or instance_ref is not None:
        # No cluster with an instance means the `default` cluster, as everywhere [S].
        cluster = backend.cluster(cluster_ref)
        if instance_ref is not None:
            backend.container_instances.require(cluster, instance_ref)
    region = backend.region
    return {
        "endpoint": POLL_ENDPOINT.format(region=region),
        "telemetryEndpoint": TELEMETRY_ENDPOINT.format(region=region),
        "serviceConnectEndpoint": SERVICE_CONNECT_ENDPOINT.format(region=region),
    }


def _acknowledge(backend: Backend, operation_name: str, params: Params) -> Body:
    """Check the enums, the cluster (ACTIVE) and the task if one is named; acknowledge.

    Raises:
        InvalidParameterException: an enum member out of its set, or an unknown task.
        ClusterNotFoundException: the cluster does not exist or is INACTIVE.
    """
    check_enums(operation_name, params, InvalidParameterException)
    cluster = backend.active_cluster(params.get("cluster"))
    task_ref = params.get("task")
    if task_ref is not None and backend.tasks.find(cluster.name, task_ref) is None:
        # [O] StopTask's text for an unknown task (behaviour reference 6.5)
        raise InvalidParameterException(TASK_NOT_FOUND)
    return {"acknowledgment": ACKNOWLEDGMENT}


@operation("SubmitTaskStateChange")
def submit_task_state_change(backend: Backend, params: Params) -> Body:
    """SubmitTaskStateChange: acknowledged; the mock's own agent drives tasks [S]."""
    return _acknowledge(backend, "SubmitTaskStateChange", params)


@operation("SubmitContainerStateChange")
def submit_container_state_change(backend: Backend, params: Params) -> Body:
    """SubmitContainerStateChange: acknowledged; the mock's own agent drives containers."""
    return _acknowledge(backend, "SubmitContainerStateChange", params)


@operation("SubmitAttachmentStateChanges")
def submit_attachment_state_changes(backend: Backend, params: Params) -> Body:
    """SubmitAttachmentStateChanges: acknowledged; the mock's own agent drives attachments."""
    return _acknowledge(backend, "SubmitAttachmentStateChanges", params)
