"""Task operations: RunTask, StartTask, StopTask, DescribeTasks, ListTasks."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from ecsmock._stamps import Stamp, stamper
from ecsmock.api._enums import check_enums
from ecsmock.api._params import (
    check_enum,
    describe,
    describe_request,
    instance_refs,
    next_token,
    page_size,
    resume_point,
    with_token,
)
from ecsmock.api._registry import Body, Params, operation, operation_with_body
from ecsmock.api._views import strategy_in, tags_in
from ecsmock.api.task_views import task_view
from ecsmock.api.volume_params import volumes_in
from ecsmock.errors import (
    SERVICE_NOT_FOUND,
    ClusterNotFoundException,
    InvalidParameterException,
    ServiceNotFoundException,
)
from ecsmock.model.backend import Backend
from ecsmock.model.tasks.launch import ContainerOverride, Network, RunRequest

__all__ = ["task_view"]

DESIRED_STATUSES = ("RUNNING", "PENDING", "STOPPED")
LAUNCH_TYPES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
LIST_FILTERS = (
    "family",
    "startedBy",
    "serviceName",
    "launchType",
    "containerInstance",
    "daemonName",
)
MAX_DESCRIBE = 100
MAX_START = 10
STARTED_BY_ALONE = "cannot specify startedBy with other arguments"
# A clientToken's request when the JSON botocore sent is not known: one encoder, what
# json.dumps with these options would build afresh on every call.
_FINGERPRINT = json.JSONEncoder(sort_keys=True, default=str)


def network_in(params: Params) -> Network | None:
    """`networkConfiguration.awsvpcConfiguration` in model terms (None when absent)."""
    config = (params.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if config is None:
        return None
    return Network(
        subnets=list(config.get("subnets", ())),
        security_groups=list(config.get("securityGroups", ())),
        assign_public_ip=config.get("assignPublicIp", "DISABLED"),
    )


def _container_overrides(overrides: dict[str, Any]) -> list[ContainerOverride]:
    return [
        ContainerOverride(
            name=item.get("name"),
            cpu=item.get("cpu"),
            memory=item.get("memory"),
            memory_reservation=item.get("memoryReservation"),
            empty=not item,
        )
        for item in overrides.get("containerOverrides", ())
    ]


def _no_check() -> None:
    pass


def _run_request(params: Params, sent: bytes | None = None) -> RunRequest:
    """RunTask's params in model terms; the model validates them in ECS's order.

    `sent`: the request's JSON as botocore sent it, kept as the clientToken's request.
    """
    token = params.get("clientToken")
    strategy = params.get("capacityProviderStrategy")
    overrides = dict(params.get("overrides") or {})
    volumes = params.get("volumeConfigurations") or []
    return RunRequest(
        cluster=params.get("cluster"),
        task_definition=params["taskDefinition"],
        count=params.get("count", 1),
        launch_type=params.get("launchType"),
        strategy=None if strategy is None else strategy_in(strategy),
        network=network_in(params),
        group=params.get("group"),
        started_by=params.get("startedBy"),
        overrides=overrides,
        overrides_size=len(json.dumps(overrides, separators=(",", ":"))) if overrides else 2,
        container_overrides=_container_overrides(overrides),
        task_cpu=overrides.get("cpu"),
        task_memory=overrides.get("memory"),
        task_role=overrides.get("taskRoleArn"),
        # Stored and echoed on the task, so its enums must hold (botocore does not check);
        # the volume configurations' too (filesystemType, tag propagation).
        check_overrides=(
            (
                lambda: check_enums(
                    "RunTask",
                    {"overrides": overrides, "volumeConfigurations": volumes},
                    InvalidParameterException,
                )
            )
            if overrides or volumes
            else _no_check  # nothing there to be outside an enum
        ),
        tags=tags_in(params.get("tags")),
        propagate_tags=params.get("propagateTags"),
        enable_managed_tags=params.get("enableECSManagedTags", False),
        enable_execute_command=params.get("enableExecuteCommand", False),
        platform_version=params.get("platformVersion"),
        client_token=token,
        placement_strategy=params.get("placementStrategy"),
        placement_constraints=params.get("placementConstraints"),
        volumes=volumes_in(volumes),
        # The same token with other parameters is a conflict (`launch.same_request`).
        # botocore puts a fresh token in every RunTask that has none, so this is kept for
        # every call: its own bytes, never serialised again here.
        request=(sent or _FINGERPRINT.encode(params)) if token is not None else "",
    )


def _failure_view(arn: str | None, reason: str) -> dict[str, str]:
    return {"reason": reason} if arn is None else {"arn": arn, "reason": reason}


@operation_with_body("RunTask", parsed=True)
def run_task(backend: Backend, params: Params, sent: bytes | None) -> Body:
    """RunTask: validate, place, and start 1-10 tasks."""
    result = backend.tasks.run(_run_request(params, sent))
    stamp = stamper(backend.clock)
    return {
        "tasks": [task_view(t, stamp=stamp) for t in result.tasks],
        "failures": [_failure_view(a, r) for a, r in result.failures],
    }


@operation("StartTask", parsed=True)
def start_task(backend: Backend, params: Params) -> Body:
    """StartTask: one task on each listed container instance (1-10), as RunTask validates."""
    refs = instance_refs(params, MAX_START)
    req = _run_request({**params, "launchType": "EC2", "count": len(refs)})
    req.container_instances = list(refs)
    result = backend.tasks.run(req)
    stamp = stamper(backend.clock)
    return {
        "tasks": [task_view(t, stamp=stamp) for t in result.tasks],
        "failures": [_failure_view(a, r) for a, r in result.failures],
    }


@operation("StopTask", parsed=True)
def stop_task(backend: Backend, params: Params) -> Body:
    """StopTask: the stop decision now (desiredStatus STOPPED, stopCode UserInitiated)."""
    task = backend.tasks.stop(params.get("cluster"), params["task"], params.get("reason"))
    return {"task": task_view(task, stamp=stamper(backend.clock))}


@operation("DescribeTasks", parsed=True)
def describe_tasks(backend: Backend, params: Params) -> Body:
    """DescribeTasks: up to 100 ids/ARNs; unknown ones are MISSING failures."""
    refs, include = describe_request(params, "tasks", MAX_DESCRIBE, ("TAGS",), label="taskIds")
    with_tags = "TAGS" in include
    name = backend.cluster(params.get("cluster")).name
    stamp = stamper(backend.clock)
    tasks, failures = describe(
        refs,
        partial(backend.tasks.find, name),  # C-level calls: this runs for up to 100 tasks
        partial(_described, with_tags, stamp),
        lambda ref: backend.arn(f"task/{name}/{ref}"),
    )
    return {"tasks": tasks, "failures": failures}


def _described(with_tags: bool, stamp: Stamp, task: Any) -> Body:
    """A task as DescribeTasks shows it: `tags` always there, empty unless included.

    Without `include: ["TAGS"]` ECS answers `"tags": []` (aws/aws-cli#4500) [O].
    """
    view = task_view(task, with_tags, stamp)
    view.setdefault("tags", [])
    return view


@operation("ListTasks")
def list_tasks(backend: Backend, params: Params) -> Body:
    """ListTasks: every filter, pages of up to 100, read from indexes."""
    cluster = backend.cluster(params.get("cluster"))
    if not cluster.active:
        # [O] `Cluster not found.` (behaviour reference 13)
        raise ClusterNotFoundException("Cluster not found.")
    desired = params.get("desiredStatus", "RUNNING")
    check_enum("desiredStatus", desired, DESIRED_STATUSES)
    filters = {"desiredStatus": desired}
    for name in LIST_FILTERS:
        if params.get(name) is not None:
            filters[name] = params[name]
    if "launchType" in filters:
        check_enum("launchType", filters["launchType"], LAUNCH_TYPES)
    if "startedBy" in filters and len(filters) > 2:
        # ListTasks docs: "When you specify startedBy as the filter, it must be the only
        # filter that you use"; the text is real output (aws/aws-sdk-go-v2#1893, with
        # family or launchType) [O]. desiredStatus, which always applies, may come with it
        # [I].
        raise InvalidParameterException(STARTED_BY_ALONE)
    instance = filters.get("containerInstance")
    if instance is not None and not instance.startswith("arn:"):
        # "The container instance ID or full ARN" (ListTasks docs): indexed by ARN.
        filters["containerInstance"] = backend.container_instances.missing_arn(cluster, instance)
    service = filters.get("serviceName")
    if service is not None and not backend.services.has_service(cluster.name, service):
        raise ServiceNotFoundException(SERVICE_NOT_FOUND)
    # A token carries the creation number of the page's last task: the next page starts
    # right after it in the index, whatever was created or stopped in between.
    size = page_size(params)
    after = resume_point(params, "ListTasks")
    tasks, more = backend.tasks.store.select(cluster.name, filters, after=after, limit=size)
    token = next_token("ListTasks", tasks[-1].seq) if more else None
    return with_token({"taskArns": [t.arn for t in tasks]}, token)
