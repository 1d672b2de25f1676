"""Express services (Amazon ECS Express Mode): Create, Update, Delete and Describe.

The model (`services.express_ops`) makes an ordinary ECS service of each; this module reads
the requests, builds the service's task definition from the primary container (one
container, `awsvpc` on Fargate, Linux on x86_64: "Task definition defaults", Developer
Guide) [D], and builds the answers.
"""

from __future__ import annotations

from typing import Any

from ecsmock.api._enums import check_enums
from ecsmock.api._fresh import fresh
from ecsmock.api._params import check_enum
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in
from ecsmock.api.express_views import express_view, updated_view
from ecsmock.api.task_definitions import _spec
from ecsmock.errors import InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.services import express as ex
from ecsmock.model.services.express import ExpressConfig, Scaling
from ecsmock.model.services.express_ops import ExpressRequest, ExpressUpdate, SpecMaker
from ecsmock.model.tasks.definitions import TaskDefinitionSpec

# The container definition members an ExpressGatewayContainer passes on as they are.
PASSED_ON = ("command", "environment", "secrets", "repositoryCredentials")


def _spec_maker(backend: Backend) -> SpecMaker:
    def spec_of(name: str, config: ExpressConfig) -> TaskDefinitionSpec:
        return _spec(task_definition_params(backend.region, name, config))

    return spec_of


def task_definition_params(region: str, name: str, config: ExpressConfig) -> Params:
    """RegisterTaskDefinition's request for an Express service's configuration.

    The family is the service's name and the container is `Main` [S]; the log group is
    created on first use (`awslogs-create-group`), as ECS makes the service's own.
    """
    given = config.container
    logs = given["awsLogsConfiguration"]
    container: dict[str, Any] = {
        "name": ex.CONTAINER_NAME,
        "image": given["image"],
        "essential": True,
        "portMappings": [{"containerPort": config.port, "protocol": "tcp"}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": logs["logGroup"],
                "awslogs-region": region,
                "awslogs-stream-prefix": logs["logStreamPrefix"],
                "awslogs-create-group": "true",
            },
        },
    }
    container.update({key: fresh(given[key]) for key in PASSED_ON if key in given})
    params: Params = {
        "family": name,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": config.cpu,
        "memory": config.memory,
        "executionRoleArn": config.execution_role,
        "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
        "containerDefinitions": [container],
    }
    if config.task_role is not None:
        params["taskRoleArn"] = config.task_role
    return params


def _scaling(raw: dict[str, Any] | None) -> Scaling:
    return Scaling().over(raw or {})


def _network(params: Params) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    raw = params.get("networkConfiguration")
    if raw is None:
        return None, None
    subnets, groups = raw.get("subnets"), raw.get("securityGroups")
    return (
        None if not subnets else tuple(subnets),
        None if not groups else tuple(groups),
    )


@operation("CreateExpressGatewayService")
def create_express_gateway_service(backend: Backend, params: Params) -> Body:
    """CreateExpressGatewayService: the task definition, the service, ECS's resources."""
    check_enums("CreateExpressGatewayService", params, InvalidParameterException)
    subnets, groups = _network(params)
    config = ExpressConfig(
        execution_role=params["executionRoleArn"],
        task_role=params.get("taskRoleArn"),
        cpu=params.get("cpu", ex.DEFAULT_CPU),
        memory=params.get("memory", ex.DEFAULT_MEMORY),
        subnets=subnets or (),
        security_groups=groups or (),
        health_check_path=params.get("healthCheckPath", ex.DEFAULT_HEALTH_CHECK_PATH),
        container=fresh(params["primaryContainer"]),
        scaling=_scaling(params.get("scalingTarget")),
    )
    request = ExpressRequest(
        cluster=params.get("cluster"),
        name=params.get("serviceName"),
        infrastructure_role=params["infrastructureRoleArn"],
        config=config,
        tags=tags_in(params.get("tags")),
    )
    record = backend.express.create(request, _spec_maker(backend))
    # The service deployment is not named yet in the answer (hashicorp/terraform-provider-
    # aws's express service: "not returned immediately in Create response") [O].
    return {"service": express_view(record, with_tags=True, with_deployment=False)}


@operation("UpdateExpressGatewayService")
def update_express_gateway_service(backend: Backend, params: Params) -> Body:
    """UpdateExpressGatewayService: a new revision, or new scaling bounds."""
    check_enums("UpdateExpressGatewayService", params, InvalidParameterException)
    subnets, groups = _network(params)
    container = params.get("primaryContainer")
    update = ExpressUpdate(
        service_arn=params["serviceArn"],
        execution_role=params.get("executionRoleArn"),
        task_role=params.get("taskRoleArn"),
        cpu=params.get("cpu"),
        memory=params.get("memory"),
        subnets=subnets,
        security_groups=groups,
        health_check_path=params.get("healthCheckPath"),
        container=None if container is None else fresh(container),
        scaling=fresh(params.get("scalingTarget")),
    )
    record, config = backend.express.update(update, _spec_maker(backend))
    return {"service": updated_view(record, config)}


@operation("DeleteExpressGatewayService")
def delete_express_gateway_service(backend: Backend, params: Params) -> Body:
    """DeleteExpressGatewayService: DRAINING now, INACTIVE once its tasks stop."""
    record = backend.express.delete(params["serviceArn"])
    return {"service": express_view(record)}


@operation("DescribeExpressGatewayService")
def describe_express_gateway_service(backend: Backend, params: Params) -> Body:
    """DescribeExpressGatewayService: status, configurations, tags on request."""
    include = params.get("include") or []
    for name in include:
        check_enum("include", name, ("TAGS",))
    record = backend.express.described(params["serviceArn"])
    return {"service": express_view(record, with_tags="TAGS" in include)}
