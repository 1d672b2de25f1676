"""Task operations: RunTask, StartTask, StopTask, DescribeTasks, ListTasks."""

from __future__ import annotations

import json
from typing import Any

from ecsmock.api._fresh import fresh
from ecsmock.api._params import check_enum, check_max_items, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import strategy_in, tags_in, tags_view
from ecsmock.api.task_definitions import epoch
from ecsmock.errors import ClusterNotFoundException, InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.run import Network, RunRequest
from ecsmock.model.task import Container, Task

MAX_OVERRIDES_JSON = 8192
DESIRED_STATUSES = ("RUNNING", "PENDING", "STOPPED")
LAUNCH_TYPES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
LIST_FILTERS = ("family", "startedBy", "serviceName", "launchType", "containerInstance")


def _eni_view(task: Task) -> list[dict[str, Any]]:
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


def container_view(task: Task, c: Container) -> dict[str, Any]:
    """The Container object."""
    out: dict[str, Any] = {
        "containerArn": c.arn,
        "taskArn": task.arn,
        "name": c.name,
        "image": c.spec.image,
        "lastStatus": str(c.last_status),
        "networkInterfaces": [],
        "healthStatus": "UNKNOWN",
        "cpu": str(c.cpu),
    }
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
        # Host port bindings come with container instances; awsvpc tasks have none.
        out["networkBindings"] = []
    return out


_TIMES = (
    ("connectivityAt", "connectivity_at"),
    ("pullStartedAt", "pull_started_at"),
    ("pullStoppedAt", "pull_stopped_at"),
    ("startedAt", "started_at"),
    ("stoppingAt", "stopping_at"),
    ("executionStoppedAt", "execution_stopped_at"),
    ("stoppedAt", "stopped_at"),
)


def task_view(task: Task, with_tags: bool = True) -> dict[str, Any]:
    """The Task object as DescribeTasks shows it."""
    out: dict[str, Any] = {
        "attachments": _eni_view(task),
        "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
        "availabilityZone": task.availability_zone,
        "clusterArn": task.cluster_arn,
        "containers": [container_view(task, c) for c in task.containers],
        "createdAt": epoch(task.created_at),
        "desiredStatus": task.desired_status,
        "enableExecuteCommand": task.enable_execute_command,
        "group": task.group,
        "healthStatus": "UNKNOWN",
        "lastStatus": str(task.last_status),
        "launchType": task.launch_type,
        "overrides": fresh(task.overrides),
        "taskArn": task.arn,
        "taskDefinitionArn": task.definition.arn,
        "version": task.version,
    }
    for key, attr in _TIMES:
        moment = getattr(task, attr)
        if moment is not None:
            out[key] = epoch(moment)
    if task.connectivity_at is not None:
        out["connectivity"] = "CONNECTED"
    _optional(task, out)
    if with_tags:
        out["tags"] = tags_view(task.tags)
    return out


def _optional(task: Task, out: dict[str, Any]) -> None:
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
    if task.stop_code is not None:
        out["stopCode"] = str(task.stop_code)
    if task.stopped_reason is not None:
        out["stoppedReason"] = task.stopped_reason
    if task.launch_type == "FARGATE":
        out["platformVersion"] = task.platform_version or "1.4.0"
        out["platformFamily"] = "Linux"
        out["ephemeralStorage"] = {"sizeInGiB": 20}
        out["fargateEphemeralStorage"] = {"sizeInGiB": 20}


def _overrides(params: Params, backend_names: list[str]) -> dict[str, Any]:
    """The overrides echo: every container listed by name (RunTask response [O])."""
    given = dict(params.get("overrides") or {})
    if len(json.dumps(given)) > MAX_OVERRIDES_JSON:
        raise InvalidParameterException(
            f"Container Overrides length must be at most {MAX_OVERRIDES_JSON}"
        )
    by_name = {}
    for item in given.get("containerOverrides", ()):
        name = item.get("name")
        if name not in backend_names:
            raise InvalidParameterException(
                f"Override for container named {name} is not a container in the TaskDefinition."
            )
        by_name[name] = item
    given["containerOverrides"] = [by_name.get(n, {"name": n}) for n in backend_names]
    given.setdefault("inferenceAcceleratorOverrides", [])
    return given


def _network(params: Params) -> Network | None:
    config = (params.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if config is None:
        return None
    return Network(
        subnets=list(config.get("subnets", ())),
        security_groups=list(config.get("securityGroups", ())),
        assign_public_ip=config.get("assignPublicIp", "DISABLED"),
    )


def _run_request(backend: Backend, params: Params) -> RunRequest:
    td = backend.tasks.definitions.find(params["taskDefinition"])
    names = [c.name for c in td.containers] if td is not None else []
    strategy = params.get("capacityProviderStrategy")
    return RunRequest(
        cluster=params.get("cluster"),
        task_definition=params["taskDefinition"],
        count=params.get("count", 1),
        launch_type=params.get("launchType"),
        strategy=None if strategy is None else strategy_in(strategy),
        network=_network(params),
        group=params.get("group"),
        started_by=params.get("startedBy"),
        overrides=_overrides(params, names) if td is not None else {},
        tags=tags_in(params.get("tags")),
        propagate_tags=params.get("propagateTags"),
        enable_managed_tags=params.get("enableECSManagedTags", False),
        enable_execute_command=params.get("enableExecuteCommand", False),
        platform_version=params.get("platformVersion"),
        client_token=params.get("clientToken"),
        fingerprint=json.dumps(
            {k: v for k, v in params.items() if k != "clientToken"}, sort_keys=True, default=str
        ),
    )


def _failure_view(arn: str | None, reason: str) -> dict[str, str]:
    return {"reason": reason} if arn is None else {"arn": arn, "reason": reason}


@operation("RunTask")
def run_task(backend: Backend, params: Params) -> Body:
    """RunTask: validate, place, and start 1-10 tasks."""
    backend.active_cluster(params.get("cluster"))
    result = backend.tasks.run(_run_request(backend, params))
    return {
        "tasks": [task_view(t) for t in result.tasks],
        "failures": [_failure_view(a, r) for a, r in result.failures],
    }


@operation("StartTask")
def start_task(backend: Backend, params: Params) -> Body:
    """StartTask: one task per listed container instance (EC2/EXTERNAL only)."""
    cluster = backend.active_cluster(params.get("cluster"))
    refs = params["containerInstances"]
    if not refs:
        raise InvalidParameterException("containerInstances can not be empty.")
    check_max_items("containerInstances", refs, 10)
    backend.tasks.definitions.runnable(params["taskDefinition"])
    failures = []
    for ref in refs:
        arn = (
            ref
            if ref.startswith("arn:")
            else backend.arn(f"container-instance/{cluster.name}/{ref}")
        )
        failures.append({"arn": arn, "reason": "MISSING"})
    return {"tasks": [], "failures": failures}


@operation("StopTask")
def stop_task(backend: Backend, params: Params) -> Body:
    """StopTask: the stop decision now (desiredStatus STOPPED, stopCode UserInitiated)."""
    task = backend.tasks.stop(params.get("cluster"), params["task"], params.get("reason"))
    return {"task": task_view(task)}


@operation("DescribeTasks")
def describe_tasks(backend: Backend, params: Params) -> Body:
    """DescribeTasks: up to 100 ids/ARNs; unknown ones are MISSING failures."""
    refs = params["tasks"]
    if not refs:
        raise InvalidParameterException("Tasks cannot be empty.")
    check_max_items("taskIds", refs, 100)
    include = params.get("include", [])
    for name in include:
        check_enum("include", name, ("TAGS",))
    cluster = backend.cluster(params.get("cluster"))
    with_tags = "TAGS" in include
    tasks, failures = [], []
    for ref in refs:
        task = backend.tasks.find(cluster.name, ref)
        if task is None:
            arn = ref if ref.startswith("arn:") else backend.arn(f"task/{cluster.name}/{ref}")
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            tasks.append(task_view(task, with_tags))
    return {"tasks": tasks, "failures": failures}


@operation("ListTasks")
def list_tasks(backend: Backend, params: Params) -> Body:
    """ListTasks: every filter, pages of up to 100, newest filters from indexes."""
    cluster = backend.cluster(params.get("cluster"))
    if not cluster.active:
        raise ClusterNotFoundException("Cluster not found.")
    desired = params.get("desiredStatus", "RUNNING")
    check_enum("desiredStatus", desired, DESIRED_STATUSES)
    filters = {"desiredStatus": desired}
    for name in LIST_FILTERS:
        if params.get(name) is not None:
            filters[name] = params[name]
    if "launchType" in filters:
        check_enum("launchType", filters["launchType"], LAUNCH_TYPES)
    if "startedBy" in params and len(filters) > 2:
        raise InvalidParameterException(
            "startedBy cannot be combined with other filters except desiredStatus."
        )
    tasks = list(backend.tasks.store.select(cluster.name, filters))
    chunk, token = page(params, [t.arn for t in tasks])
    return with_token({"taskArns": chunk}, token)
