"""camelCase views of tasks and their containers (Task and Container shapes).

Shared by the task operations and the "ECS Task State Change" events. Every view is built
fresh; stored JSON (overrides) is copied with `fresh`.
"""

from __future__ import annotations

from typing import Any

from ecsmock._stamps import Stamp, epoch
from ecsmock.api._fresh import fresh
from ecsmock.api._views import tags_view
from ecsmock.model.tasks.exec import AGENT, agent_status
from ecsmock.model.tasks.task import Container, Task


def _eni_view(task: Task) -> list[dict[str, Any]]:
    """The ENI attachment: only `subnetId` until attached (run-task CLI examples)."""
    eni = task.eni
    if eni is None:
        return []
    details: list[dict[str, Any]] = [{"name": "subnetId", "value": eni.subnet_id}]
    if eni.eni_id is not None:
        details += [
            {"name": "networkInterfaceId", "value": eni.eni_id},
            {"name": "macAddress", "value": eni.mac},
            {"name": "privateDnsName", "value": eni.private_dns},
            {"name": "privateIPv4Address", "value": eni.private_ip},
        ]
    return [
        {
            "id": eni.attachment_id,
            "type": "ElasticNetworkInterface",
            "status": eni.status,
            "details": details,
        }
    ]


def _ebs_view(task: Task) -> list[dict[str, Any]]:
    """The EBS volume attachment (start-task CLI example: CREATED, three details) [O].

    Its `volumeId` joins the details once the volume is attached (Attachment docs list
    roleArn, deleteOnTermination, volumeName and volumeId) [D]; its place last is ours [S].
    """
    ebs = task.ebs
    if ebs is None:
        return []
    details = [
        {"name": name, "value": value}
        for name, value in (
            ("roleArn", ebs.role_arn),
            ("volumeName", ebs.volume_name),
            ("deleteOnTermination", "true" if ebs.delete_on_termination else "false"),
            ("volumeId", ebs.volume_id),
        )
        if value is not None
    ]
    return [
        {
            "id": ebs.attachment_id,
            "type": "AmazonElasticBlockStorage",
            "status": ebs.status,
            "details": details,
        }
    ]


def container_view(task: Task, c: Container, stamp: Stamp = epoch) -> dict[str, Any]:
    """The Container object (timestamps made by `stamp`)."""
    out: dict[str, Any] = {
        "containerArn": c.arn,
        "taskArn": task.arn,
        "name": c.name,
        "image": c.spec.image,
        "lastStatus": str(c.last_status),
        "networkInterfaces": [],
        "healthStatus": str(c.health_status),
    }
    if task.enable_execute_command:
        out["managedAgents"] = [_exec_agent(c, stamp)]
    out["cpu"] = str(c.cpu)
    if c.image_digest is not None:
        out["imageDigest"] = c.image_digest
    if c.runtime_id is not None:
        out["runtimeId"] = c.runtime_id
    if c.exit_code is not None:
        out["exitCode"] = c.exit_code
    if c.reason is not None:
        out["reason"] = c.reason
    if c.memory is not None:
        out["memory"] = str(c.memory)
    if c.memory_reservation is not None:
        out["memoryReservation"] = str(c.memory_reservation)
    eni = task.eni
    if eni is not None and eni.private_ip is not None:
        out["networkInterfaces"] = [
            {"attachmentId": eni.attachment_id, "privateIpv4Address": eni.private_ip}
        ]
    if c.started_at is not None:
        # Bridge and host tasks on EC2 bind host ports; awsvpc tasks have none.
        out["networkBindings"] = [
            {"bindIP": "0.0.0.0", "containerPort": port, "hostPort": host, "protocol": proto}
            for name, port, host, proto in task.bindings
            if name == c.name
        ]
    return out


def _exec_agent(c: Container, stamp: Stamp) -> dict[str, Any]:
    """The ECS Exec agent of a container, its members in the order real outputs show.

    Behaviour reference 2 (managedAgents): `lastStartedAt`, `name`, `lastStatus` [O].
    """
    agent: dict[str, Any] = {}
    if c.started_at is not None:
        agent["lastStartedAt"] = stamp(c.started_at)
    agent["name"] = AGENT
    agent["lastStatus"] = agent_status(c)
    return agent


def overrides_view(task: Task) -> dict[str, Any]:
    """The task's overrides, listing every container in `containerOverrides`.

    RunTask responses list each container by name (behaviour reference 6.3); a container
    the request gave an override for shows the request's own item.
    """
    containers = task.definition.containers
    if not task.overrides:  # the usual case: nothing to copy
        return {
            "containerOverrides": [{"name": c.name} for c in containers],
            "inferenceAcceleratorOverrides": [],
        }
    given = fresh(task.overrides)
    items = given.get("containerOverrides", ())
    by_name = {item["name"]: item for item in items if "name" in item}
    given["containerOverrides"] = [by_name.get(c.name, {"name": c.name}) for c in containers]
    given.setdefault("inferenceAcceleratorOverrides", [])
    return dict(given)


def task_view(task: Task, with_tags: bool = True, stamp: Stamp = epoch) -> dict[str, Any]:
    """The Task object as DescribeTasks shows it (`tags` only when asked for).

    Timestamps are made by `stamp`: epoch seconds by default, parsed instants for an
    answer (`ecsmock._stamps.stamper`). Written out member by member (no loops over
    attribute names): DescribeTasks of 100 tasks builds this 100 times.
    """
    stop_code = task.stop_code
    out: dict[str, Any] = {
        "attachments": _eni_view(task) + _ebs_view(task),
        "attributes": [{"name": "ecs.cpu-architecture", "value": task.architecture}],
        "availabilityZone": task.availability_zone,
        "clusterArn": task.cluster_arn,
        "containers": [container_view(task, c, stamp) for c in task.containers],
        "createdAt": stamp(task.created_at),
        "desiredStatus": task.desired_status,
        "enableExecuteCommand": task.enable_execute_command,
        "group": task.group,
        "healthStatus": str(task.health_status),
        "lastStatus": str(task.last_status),
        "launchType": task.launch_type,
        "overrides": overrides_view(task),
        "taskArn": task.arn,
        "taskDefinitionArn": task.definition.arn,
        "version": task.version,
    }
    # The times, in this order.
    if task.connectivity_at is not None:
        out["connectivityAt"] = stamp(task.connectivity_at)
    if task.pull_started_at is not None:
        out["pullStartedAt"] = stamp(task.pull_started_at)
    if task.pull_stopped_at is not None:
        out["pullStoppedAt"] = stamp(task.pull_stopped_at)
    if task.started_at is not None:
        out["startedAt"] = stamp(task.started_at)
    if task.stopping_at is not None:
        out["stoppingAt"] = stamp(task.stopping_at)
    if task.execution_stopped_at is not None:
        out["executionStoppedAt"] = stamp(task.execution_stopped_at)
    if task.stopped_at is not None:
        out["stoppedAt"] = stamp(task.stopped_at)
    if task.connectivity_at is not None:
        out["connectivity"] = "CONNECTED"
    if task.cpu is not None:
        out["cpu"] = task.cpu
    if task.memory is not None:
        out["memory"] = task.memory
    if task.capacity_provider_name is not None:
        out["capacityProviderName"] = task.capacity_provider_name
    if task.container_instance_arn is not None:
        out["containerInstanceArn"] = task.container_instance_arn
    if task.started_by is not None:
        out["startedBy"] = task.started_by
    if stop_code is not None:
        out["stopCode"] = str(stop_code)
    if task.stopped_reason is not None:
        out["stoppedReason"] = task.stopped_reason
    if task.launch_type == "FARGATE":
        out["platformVersion"] = task.platform_version or "1.4.0"
        out["platformFamily"] = "Linux"
        out["ephemeralStorage"] = {"sizeInGiB": 20}
        out["fargateEphemeralStorage"] = {"sizeInGiB": 20}
    if with_tags:
        out["tags"] = tags_view(task.tags)
    return out
