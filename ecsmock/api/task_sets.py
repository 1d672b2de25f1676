"""Task-set operations of services with the EXTERNAL deployment controller.

CreateTaskSet, DescribeTaskSets, UpdateTaskSet, DeleteTaskSet, UpdateServicePrimaryTaskSet.
"""

from __future__ import annotations

from ecsmock.api._enums import check_enums
from ecsmock.api._params import check_enum, check_include
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in
from ecsmock.api.service_views import task_set_view
from ecsmock.api.services import launch_in
from ecsmock.errors import InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.services.task_set_ops import TaskSetRequest


def _scale(params: Params) -> float:
    raw = params.get("scale") or {}
    if "unit" in raw:
        check_enum("scale.unit", raw["unit"], ("PERCENT",))
    return float(raw.get("value", 100.0))


@operation("CreateTaskSet")
def create_task_set(backend: Backend, params: Params) -> Body:
    """CreateTaskSet: an ACTIVE set of an EXTERNAL service, sized a moment later."""
    check_enums("CreateTaskSet", params, InvalidParameterException)
    request = TaskSetRequest(
        cluster=params["cluster"],
        service=params["service"],
        task_definition=params["taskDefinition"],
        launch=launch_in(params),
        scale=_scale(params),
        external_id=params.get("externalId"),
        client_token=params.get("clientToken"),
        tags=tags_in(params.get("tags")),
    )
    task_set = backend.task_sets.create(request)
    service = backend.services.get(params["cluster"], params["service"])
    return {"taskSet": task_set_view(task_set, service, with_tags=True)}


@operation("DescribeTaskSets")
def describe_task_sets(backend: Backend, params: Params) -> Body:
    """DescribeTaskSets: all of the service's sets, or the listed ones (MISSING failures)."""
    with_tags = "TAGS" in check_include(params, ("TAGS",))
    service = backend.task_sets.managed(params["cluster"], params["service"], writing=False)
    refs = params.get("taskSets")
    if refs is None:
        sets = backend.task_sets.of(service)
        return {"taskSets": [task_set_view(s, service, with_tags) for s in sets], "failures": []}
    found, missing = backend.task_sets.describe(service, refs)
    return {
        "taskSets": [task_set_view(s, service, with_tags) for s in found],
        "failures": [{"arn": ref, "reason": "MISSING"} for ref in missing],
    }


@operation("UpdateTaskSet")
def update_task_set(backend: Backend, params: Params) -> Body:
    """UpdateTaskSet: a new scale; computedDesiredCount follows a moment later."""
    task_set = backend.task_sets.update(
        params["cluster"], params["service"], params["taskSet"], _scale(params)
    )
    service = backend.services.get(params["cluster"], params["service"])
    return {"taskSet": task_set_view(task_set, service)}


@operation("UpdateServicePrimaryTaskSet")
def update_service_primary_task_set(backend: Backend, params: Params) -> Body:
    """UpdateServicePrimaryTaskSet: the set becomes PRIMARY, the previous one ACTIVE."""
    task_set = backend.task_sets.make_primary(
        params["cluster"], params["service"], params["primaryTaskSet"]
    )
    service = backend.services.get(params["cluster"], params["service"])
    return {"taskSet": task_set_view(task_set, service)}


@operation("DeleteTaskSet")
def delete_task_set(backend: Backend, params: Params) -> Body:
    """DeleteTaskSet: DRAINING at scale 0 (`force` for a primary or scaled set)."""
    task_set = backend.task_sets.delete(
        params["cluster"], params["service"], params["taskSet"], params.get("force", False)
    )
    service = backend.services.get(params["cluster"], params["service"])
    return {"taskSet": task_set_view(task_set, service)}
