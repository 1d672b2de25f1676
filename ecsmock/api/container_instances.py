"""Container-instance operations: Register, Deregister, Describe, List, UpdateState, Agent.

Views follow the ContainerInstance shape and the describe-container-instances CLI example:
every Resource carries all numeric fields (`doubleValue` 0.0, `longValue` 0), remaining
PORTS list the ports in use (behaviour reference 9.1-9.2).
"""

from __future__ import annotations

import json
from typing import Any

from ecsmock.api._params import (
    BLANK_INSTANCE,
    NO_INSTANCES,
    check_enum,
    describe,
    describe_request,
    instance_refs,
    page,
    with_token,
)
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in, tags_view
from ecsmock.errors import InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.capacity.instance import ContainerInstance
from ecsmock.model.capacity.instance_ops import Registration

INSTANCE_FIELDS = ("TAGS", "CONTAINER_INSTANCE_HEALTH")
LIST_STATUSES = ("ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED")
MAX_DESCRIBE = 100
MAX_STATE_CHANGE = 10
# [U] ecsmock's wording for an identity document that is not JSON.
BAD_DOCUMENT = "The instance identity document is not valid JSON."


def _number(name: str, value: int) -> Body:
    return {
        "name": name,
        "type": "INTEGER",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": value,
    }


def _ports(name: str, ports: list[str]) -> Body:
    return {
        "name": name,
        "type": "STRINGSET",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": 0,
        "stringSetValue": ports,
    }


def _resources(instance: ContainerInstance, *, remaining: bool) -> list[Body]:
    cpu = instance.remaining_cpu if remaining else instance.registered_cpu
    memory = instance.remaining_memory if remaining else instance.registered_memory
    ports = list(instance.reserved_ports)
    udp = list(instance.reserved_ports_udp)
    if remaining:
        ports += sorted(instance.used_ports - set(ports), key=_port_key)
        udp += sorted(instance.used_ports_udp - set(udp), key=_port_key)
    out = [_number("CPU", cpu), _number("MEMORY", memory)]
    out += [_ports("PORTS", ports), _ports("PORTS_UDP", udp)]
    return out + [dict(r) for r in instance.other_resources]


def _port_key(port: str) -> tuple[int, str]:
    return (int(port), port) if port.isdigit() else (1 << 30, port)


def instance_view(
    instance: ContainerInstance, *, with_tags: bool = True, with_health: bool = False
) -> Body:
    """The ContainerInstance object as DescribeContainerInstances answers it."""
    out: Body = {
        "containerInstanceArn": instance.arn,
        "ec2InstanceId": instance.ec2_instance_id,
        "version": instance.version,
        "versionInfo": dict(instance.version_info),
        "remainingResources": _resources(instance, remaining=True),
        "registeredResources": _resources(instance, remaining=False),
        "status": str(instance.status),
        "agentConnected": instance.agent_connected,
        "runningTasksCount": instance.running_tasks_count,
        "pendingTasksCount": instance.pending_tasks_count,
        "attributes": attributes_view(instance),
        "registeredAt": instance.registered_at.timestamp(),
        "attachments": [],
    }
    if instance.capacity_provider_name is not None:
        out["capacityProviderName"] = instance.capacity_provider_name
    if instance.status_reason is not None:
        out["statusReason"] = instance.status_reason
    if instance.agent_update_status is not None:
        out["agentUpdateStatus"] = str(instance.agent_update_status)
    if with_tags:
        out["tags"] = tags_view(instance.tags)
    if with_health:
        out["healthStatus"] = _health(instance)
    return out


def attributes_view(instance: ContainerInstance) -> list[Body]:
    """`[{"name", "value"?}]`: attributes without a value carry only their name."""
    return [
        {"name": name} if value is None else {"name": name, "value": value}
        for name, value in instance.attributes.items()
    ]


def _health(instance: ContainerInstance) -> Body:
    """healthStatus: the container runtime check (OK while the agent is connected [S])."""
    status = "OK" if instance.agent_connected else "IMPAIRED"
    stamp = instance.registered_at.timestamp()
    return {
        "overallStatus": status,
        "details": [
            {
                "type": "CONTAINER_RUNTIME",
                "status": status,
                "lastUpdated": instance.updated_at.timestamp(),
                "lastStatusChange": stamp,
            }
        ],
    }


# -- RegisterContainerInstance -----------------------------------------------------------


def _registration(params: Params) -> Registration:
    """The request in model terms: the identity document and the total resources."""
    reg = Registration(
        version_info=params.get("versionInfo"),
        tags=dict(tags_in(params.get("tags"))),
        container_instance_arn=params.get("containerInstanceArn"),
        attributes=[(a["name"], a.get("value")) for a in params.get("attributes", [])],
    )
    document = params.get("instanceIdentityDocument")
    if document:
        try:
            identity = json.loads(document)
        except ValueError:
            # [I] ECS reads the identity document (and checks its signature:
            # aws/amazon-ecs-agent#3604); text [U]
            raise InvalidParameterException(BAD_DOCUMENT) from None
        if not isinstance(identity, dict):
            # [I] the identity document is a JSON object; text [U]
            raise InvalidParameterException(BAD_DOCUMENT)
        reg.ec2_instance_id = identity.get("instanceId")
        reg.instance_type = identity.get("instanceType")
        reg.availability_zone = identity.get("availabilityZone")
        reg.ami_id = identity.get("imageId")
        reg.architecture = _architecture(identity.get("architecture"))
    for resource in params.get("totalResources", []):
        _total(reg, resource)
    return reg


def _architecture(value: Any) -> str | None:
    # The identity document says x86_64 or arm64 (EC2 instance identity documents).
    return value if value in ("x86_64", "arm64") else None


def _total(reg: Registration, resource: Body) -> None:
    name = resource.get("name")
    if name == "CPU":
        reg.cpu = int(resource.get("integerValue", 0))
    elif name == "MEMORY":
        reg.memory = int(resource.get("integerValue", 0))
    elif name == "PORTS":
        reg.ports = tuple(resource.get("stringSetValue", []))
    elif name == "PORTS_UDP":
        reg.ports_udp = tuple(resource.get("stringSetValue", []))
    else:
        reg.other_resources.append(dict(resource))


@operation("RegisterContainerInstance")
def register_container_instance(backend: Backend, params: Params) -> Body:
    """RegisterContainerInstance: what the agent calls when an EC2 instance boots."""
    instance = backend.container_instances.register(params.get("cluster"), _registration(params))
    return {"containerInstance": instance_view(instance)}


@operation("DeregisterContainerInstance")
def deregister_container_instance(backend: Backend, params: Params) -> Body:
    """DeregisterContainerInstance: INACTIVE; tasks on it need `force`."""
    instance = backend.container_instances.deregister(
        params.get("cluster"), params["containerInstance"], bool(params.get("force", False))
    )
    return {"containerInstance": instance_view(instance)}


@operation("DescribeContainerInstances")
def describe_container_instances(backend: Backend, params: Params) -> Body:
    """DescribeContainerInstances: up to 100; unknown ones are MISSING failures."""
    refs, include = describe_request(
        params,
        "containerInstances",
        MAX_DESCRIBE,
        INSTANCE_FIELDS,
        empty=NO_INSTANCES,
        blank=BLANK_INSTANCE,
    )
    cluster = backend.active_cluster(params.get("cluster"))
    ops = backend.container_instances
    found, failures = describe(
        refs,
        lambda ref: ops.find(cluster, ref),
        lambda i: instance_view(
            i, with_tags="TAGS" in include, with_health="CONTAINER_INSTANCE_HEALTH" in include
        ),
        lambda ref: ops.missing_arn(cluster, ref),
    )
    return {"containerInstances": found, "failures": failures}


@operation("ListContainerInstances")
def list_container_instances(backend: Backend, params: Params) -> Body:
    """ListContainerInstances: by status and cluster query language `filter`, paginated."""
    cluster = backend.active_cluster(params.get("cluster"))
    status = params.get("status")
    if status is not None:
        check_enum("status", status, LIST_STATUSES)
    instances = backend.container_instances.listing(cluster, status, params.get("filter"))
    chunk, token = page(params, instances, scope=f"ListContainerInstances:{cluster.name}")
    return with_token({"containerInstanceArns": [i.arn for i in chunk]}, token)


@operation("UpdateContainerInstancesState")
def update_container_instances_state(backend: Backend, params: Params) -> Body:
    """UpdateContainerInstancesState: ACTIVE or DRAINING for 1-10 instances."""
    refs = instance_refs(params, MAX_STATE_CHANGE)
    instances, failures = backend.container_instances.set_state(
        params.get("cluster"), refs, params["status"]
    )
    return {
        # With their tags (update-container-instances-state CLI example) [O].
        "containerInstances": [instance_view(i) for i in instances],
        "failures": [{"arn": arn, "reason": reason} for arn, reason in failures],
    }


@operation("UpdateContainerAgent")
def update_container_agent(backend: Backend, params: Params) -> Body:
    """UpdateContainerAgent: agentUpdateStatus PENDING, then on to UPDATED on the clock."""
    instance = backend.container_instances.update_agent(
        params.get("cluster"), params["containerInstance"]
    )
    return {"containerInstance": instance_view(instance, with_tags=False)}
