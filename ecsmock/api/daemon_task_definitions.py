"""Daemon task definitions: Register, Describe, List, DeleteDaemonTaskDefinition(s).

Views follow the DaemonTaskDefinition shape and the API Reference examples [O]: the
containers come back as given, with `mountPoints` and `secrets` defaulting to empty lists,
and `volumes` to an empty list.
"""

from __future__ import annotations

from typing import Any

from ecsmock.api._fresh import fresh
from ecsmock.api._params import check_enum, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in
from ecsmock.api.task_definitions import _container_spec
from ecsmock.model.backend import Backend
from ecsmock.model.services.daemon_definitions import DaemonTaskDefinition
from ecsmock.model.tasks.definitions import TaskDefinitionSpec

LIST_STATUSES = ("ACTIVE", "DELETE_IN_PROGRESS", "ALL")
SORT_ORDERS = ("ASC", "DESC")
REVISION_FILTERS = ("LAST_REGISTERED",)
OPTIONAL = ("taskRoleArn", "executionRoleArn")


def _echo_container(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = fresh(raw)
    for key in ("mountPoints", "secrets"):
        out.setdefault(key, [])
    return out


def _spec(params: Params) -> TaskDefinitionSpec:
    containers = params["containerDefinitions"]
    definition: dict[str, Any] = {"family": params["family"]}
    definition.update({k: params[k] for k in OPTIONAL if k in params})
    definition["containerDefinitions"] = [_echo_container(c) for c in containers]
    definition["volumes"] = fresh(params.get("volumes", []))
    definition.update({k: params[k] for k in ("cpu", "memory") if k in params})
    return TaskDefinitionSpec(
        family=params["family"],
        containers=[_container_spec(c) for c in containers],
        cpu=params.get("cpu"),
        memory=params.get("memory"),
        task_role_arn=params.get("taskRoleArn"),
        execution_role_arn=params.get("executionRoleArn"),
        tags=tags_in(params.get("tags")),
        definition=definition,
    )


def definition_view(found: DaemonTaskDefinition) -> Body:
    """The DaemonTaskDefinition object."""
    given = found.definition
    out: Body = {
        "daemonTaskDefinitionArn": found.arn,
        "family": found.family,
        "revision": found.revision,
    }
    out.update({k: given[k] for k in OPTIONAL if k in given})
    out["containerDefinitions"] = fresh(given["containerDefinitions"])
    out["volumes"] = fresh(given["volumes"])
    out.update({k: given[k] for k in ("cpu", "memory") if k in given})
    out["status"] = str(found.status)
    out["registeredAt"] = found.registered_at.timestamp()
    if found.delete_requested_at is not None:
        out["deleteRequestedAt"] = found.delete_requested_at.timestamp()
    out["registeredBy"] = found.registered_by
    return out


def _summary(found: DaemonTaskDefinition) -> Body:
    out: Body = {
        "arn": found.arn,
        "registeredAt": found.registered_at.timestamp(),
        "registeredBy": found.registered_by,
    }
    if found.delete_requested_at is not None:
        out["deleteRequestedAt"] = found.delete_requested_at.timestamp()
    out["status"] = str(found.status)
    return out


@operation("RegisterDaemonTaskDefinition")
def register_daemon_task_definition(backend: Backend, params: Params) -> Body:
    """RegisterDaemonTaskDefinition: the family's next revision, ACTIVE."""
    made = backend.daemon_definitions.register(_spec(params))
    return {"daemonTaskDefinitionArn": made.arn}


@operation("DescribeDaemonTaskDefinition")
def describe_daemon_task_definition(backend: Backend, params: Params) -> Body:
    """DescribeDaemonTaskDefinition: a family's latest ACTIVE revision, or the one named."""
    found = backend.daemon_definitions.require(params["daemonTaskDefinition"])
    return {"daemonTaskDefinition": definition_view(found)}


@operation("ListDaemonTaskDefinitions")
def list_daemon_task_definitions(backend: Backend, params: Params) -> Body:
    """ListDaemonTaskDefinitions: by family and revision (ACTIVE ones by default)."""
    status = params.get("status", "ACTIVE")
    check_enum("status", status, LIST_STATUSES)
    order = params.get("sort", "ASC")
    check_enum("sort", order, SORT_ORDERS)
    revision = params.get("revision")
    if revision is not None:
        check_enum("revision", revision, REVISION_FILTERS)
    found = backend.daemon_definitions.listing(
        family=params.get("family"),
        prefix=params.get("familyPrefix"),
        last_only=revision is not None,
        status=status,
        descending=order == "DESC",
    )
    chunk, token = page(params, found, scope="ListDaemonTaskDefinitions")
    return with_token({"daemonTaskDefinitions": [_summary(d) for d in chunk]}, token)


@operation("DeleteDaemonTaskDefinition")
def delete_daemon_task_definition(backend: Backend, params: Params) -> Body:
    """DeleteDaemonTaskDefinition: DELETE_IN_PROGRESS, DELETED once no daemon uses it."""
    found = backend.daemon_definitions.delete(params["daemonTaskDefinition"])
    return {"daemonTaskDefinitionArn": found.arn}
