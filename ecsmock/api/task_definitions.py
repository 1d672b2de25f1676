"""Task-definition operations: register, describe, list, deregister, delete."""

from __future__ import annotations

from typing import Any

from ecsmock._stamps import epoch
from ecsmock.api._enums import check_enums
from ecsmock.api._fresh import fresh
from ecsmock.api._params import check_enum, check_max_items, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in, tags_view
from ecsmock.errors import ClientException, InvalidParameterException, ServiceError
from ecsmock.model.backend import Backend
from ecsmock.model.tasks.definition_rules import ContainerSpec, HealthCheckSpec
from ecsmock.model.tasks.definitions import TaskDefinition, TaskDefinitionSpec

TD_STATUSES = ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS")
FAMILY_STATUSES = ("ACTIVE", "INACTIVE", "ALL")
MODEL_CHECKED = ("networkMode", "requiresCompatibilities")


def _health_check(raw: dict[str, Any] | None) -> HealthCheckSpec | None:
    if raw is None:
        return None
    return HealthCheckSpec(
        interval=raw.get("interval", 30),
        timeout=raw.get("timeout", 5),
        retries=raw.get("retries", 3),
        start_period=raw.get("startPeriod", 0),
    )


def _container_spec(raw: dict[str, Any]) -> ContainerSpec:
    return ContainerSpec(
        name=raw.get("name", ""),
        image=raw.get("image", ""),
        essential=raw.get("essential", True),
        cpu=raw.get("cpu", 0),
        memory=raw.get("memory"),
        memory_reservation=raw.get("memoryReservation"),
        stop_timeout=raw.get("stopTimeout"),
        start_timeout=raw.get("startTimeout"),
        depends_on=[(d["containerName"], d["condition"]) for d in raw.get("dependsOn", ())],
        health_check=_health_check(raw.get("healthCheck")),
        port_mappings=fresh(list(raw.get("portMappings", ()))),
        log_driver=(raw.get("logConfiguration") or {}).get("logDriver"),
    )


def _echo_container(raw: dict[str, Any], awsvpc: bool) -> dict[str, Any]:
    """The container definition as ECS echoes it, server defaults filled in."""
    out: dict[str, Any] = fresh(raw)
    out.setdefault("cpu", 0)
    out.setdefault("essential", True)
    ports = []
    for mapping in raw.get("portMappings", ()):
        port = fresh(mapping)
        if awsvpc and "containerPort" in port:
            port.setdefault("hostPort", port["containerPort"])
        port.setdefault("protocol", "tcp")
        ports.append(port)
    out["portMappings"] = ports
    for key in ("environment", "mountPoints", "volumesFrom"):
        out.setdefault(key, [])
    return out


def _requires_attributes(params: Params) -> list[dict[str, str]]:
    """Capabilities the definition needs, as ECS lists them in `requiresAttributes` [I]."""
    names: list[str] = []
    execution_role = bool(params.get("executionRoleArn"))
    for c in params["containerDefinitions"]:
        log = (c.get("logConfiguration") or {}).get("logDriver")
        if log == "awslogs":
            names += [
                "com.amazonaws.ecs.capability.logging-driver.awslogs",
                "com.amazonaws.ecs.capability.docker-remote-api.1.19",
            ]
            if execution_role:
                names.append("ecs.capability.execution-role-awslogs")
        if ".dkr.ecr." in c.get("image", "") and execution_role:
            names += [
                "com.amazonaws.ecs.capability.ecr-auth",
                "ecs.capability.execution-role-ecr-pull",
            ]
        if "healthCheck" in c:
            names.append("ecs.capability.container-health-check")
        if c.get("dependsOn"):
            names.append("ecs.capability.container-ordering")
    if params.get("taskRoleArn"):
        names.append("com.amazonaws.ecs.capability.task-iam-role")
    if params.get("networkMode") == "awsvpc":
        names.append("ecs.capability.task-eni")
    return [{"name": n} for n in dict.fromkeys(names)]


def _spec(params: Params) -> TaskDefinitionSpec:
    containers = params["containerDefinitions"]
    awsvpc = params.get("networkMode") == "awsvpc"
    # A deep copy: the caller may reuse or edit its request; the definition must not move.
    definition = {k: fresh(v) for k, v in params.items() if k != "tags"}
    definition["containerDefinitions"] = [_echo_container(c, awsvpc) for c in containers]
    definition.setdefault("volumes", [])
    for volume in definition["volumes"]:
        efs = volume.get("efsVolumeConfiguration")
        if efs is not None:
            # Echoed with the file system's root when none is given
            # (CircleCI-Public/aws-ecs-orb#105) [O].
            efs.setdefault("rootDirectory", "/")
    definition.setdefault("placementConstraints", [])
    definition["requiresAttributes"] = _requires_attributes(params)
    return TaskDefinitionSpec(
        family=params["family"],
        containers=[_container_spec(c) for c in containers],
        network_mode=params.get("networkMode"),
        requires_compatibilities=list(params.get("requiresCompatibilities", ())),
        cpu=params.get("cpu"),
        memory=params.get("memory"),
        task_role_arn=params.get("taskRoleArn"),
        execution_role_arn=params.get("executionRoleArn"),
        tags=tags_in(params.get("tags")),
        definition=definition,
    )


def task_definition_view(td: TaskDefinition) -> dict[str, Any]:
    """The TaskDefinition object."""
    out: dict[str, Any] = {
        "taskDefinitionArn": td.arn,
        **fresh(td.definition),
        "family": td.family,
        "revision": td.revision,
        "status": str(td.status),
        "compatibilities": list(td.compatibilities),
        "registeredAt": epoch(td.registered_at),
        "registeredBy": td.registered_by,
    }
    if td.cpu_units is not None:
        out["cpu"] = str(td.cpu_units)
    if td.memory_mib is not None:
        out["memory"] = str(td.memory_mib)
    if td.deregistered_at is not None:
        out["deregisteredAt"] = epoch(td.deregistered_at)
    if td.delete_requested_at is not None:
        out["deleteRequestedAt"] = epoch(td.delete_requested_at)
    return out


@operation("RegisterTaskDefinition")
def register_task_definition(backend: Backend, params: Params) -> Body:
    """RegisterTaskDefinition: a new revision of the family."""
    # networkMode and requiresCompatibilities have their own checks and texts in the model.
    check_enums("RegisterTaskDefinition", params, ClientException, skip=MODEL_CHECKED)
    td = backend.tasks.definitions.register(_spec(params), backend.clock.now)
    return {"taskDefinition": task_definition_view(td), "tags": tags_view(td.tags)}


@operation("DescribeTaskDefinition")
def describe_task_definition(backend: Backend, params: Params) -> Body:
    """DescribeTaskDefinition: by family (latest ACTIVE), family:revision or ARN."""
    include = params.get("include", [])
    for name in include:
        check_enum("include", name, ("TAGS",))
    td = backend.tasks.definitions.find(params["taskDefinition"])
    if td is None:
        # [O] real text (behaviour reference 4.2)
        raise ClientException("Unable to describe task definition.")
    out: Body = {"taskDefinition": task_definition_view(td)}
    if "TAGS" in include:
        out["tags"] = tags_view(td.tags)
    return out


@operation("ListTaskDefinitions")
def list_task_definitions(backend: Backend, params: Params) -> Body:
    """ListTaskDefinitions: exact family filter, status (default ACTIVE), sort, pages."""
    status = params.get("status", "ACTIVE")
    check_enum("status", status, TD_STATUSES)
    sort = params.get("sort", "ASC")
    check_enum("sort", sort, ("ASC", "DESC"))
    # familyPrefix is an exact family here (behaviour reference 4.4).
    chosen = [
        td.arn for td in backend.tasks.definitions.listing(status, params.get("familyPrefix"))
    ]
    if sort == "DESC":
        chosen.reverse()
    chunk, token = page(params, chosen, scope="ListTaskDefinitions")
    return with_token({"taskDefinitionArns": chunk}, token)


@operation("ListTaskDefinitionFamilies")
def list_task_definition_families(backend: Backend, params: Params) -> Body:
    """ListTaskDefinitionFamilies: prefix filter; ACTIVE, INACTIVE or ALL families."""
    status = params.get("status", "ALL")
    check_enum("status", status, FAMILY_STATUSES)
    prefix = params.get("familyPrefix", "")
    names = []
    for name, family in sorted(backend.tasks.definitions.families.items()):
        if not name.startswith(prefix) or not family.revisions:
            continue
        if status == "ALL" or (status == "ACTIVE") == (family.active > 0):
            names.append(name)
    chunk, token = page(params, names, scope="ListTaskDefinitionFamilies")
    return with_token({"families": chunk}, token)


@operation("DeregisterTaskDefinition")
def deregister_task_definition(backend: Backend, params: Params) -> Body:
    """DeregisterTaskDefinition: ACTIVE -> INACTIVE (a revision is required)."""
    td = backend.tasks.definitions.deregister(params["taskDefinition"], backend.clock.now)
    return {"taskDefinition": task_definition_view(td)}


@operation("DeleteTaskDefinitions")
def delete_task_definitions(backend: Backend, params: Params) -> Body:
    """DeleteTaskDefinitions: 1-10 INACTIVE revisions -> DELETE_IN_PROGRESS; failures."""
    refs = params["taskDefinitions"]
    if not refs:
        # [M] 1-10 references; text [U]
        raise InvalidParameterException("taskDefinitions can not be empty.")
    check_max_items("taskDefinitions", refs, 10)
    done: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    for ref in refs:
        try:
            td = backend.tasks.definitions.delete(ref, backend.clock.now)
        except ServiceError as err:
            arn = ref if ref.startswith("arn:") else backend.arn(f"task-definition/{ref}")
            failures.append({"arn": arn, "reason": err.message})
            continue
        done.append(task_definition_view(td))
    return {"taskDefinitions": done, "failures": failures}
