"""CreateService and UpdateService requests in model terms, and the checks ECS makes.

Behaviour reference 7.1 and 7.2. The API layer reads the params into a `ServiceRequest` or
`ServiceUpdate`; these functions validate in ECS's order and raise its errors before
anything changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecsmock.errors import InvalidParameterException
from ecsmock.model import tags as tag_rules
from ecsmock.model.clusters.cluster import Cluster, StrategyItem
from ecsmock.model.services import service as sv
from ecsmock.model.services.service import DeploymentConfig, Revision, Service
from ecsmock.model.tasks import launch as rules
from ecsmock.model.tasks.definitions import TaskDefinition
from ecsmock.model.tasks.launch import Network
from ecsmock.model.tasks.volumes import LaunchVolume, check_volumes

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend

NAME_RE = re.compile(sv.SERVICE_NAME_RULE)
# [U]: ECS's text for a bad service name was not captured; it states the rule.
BAD_NAME = (
    "Service names can have up to 255 characters and must contain only letters "
    "(uppercase and lowercase), numbers, underscores, and hyphens."
)
# Real output (aws/aws-cdk#6245, terraform-aws-modules/terraform-aws-ecs#278) [O].
EXTERNAL_TD = "TaskDefinition must be blank"
# Real text for CODE_DEPLOY services (AWS re:Post and terraform-provider-aws issues);
# the EXTERNAL variant follows it [U].
CODE_DEPLOY_UPDATE = (
    "Unable to update task definition on services with a CODE_DEPLOY deployment controller. "
    "Use AWS CodeDeploy to trigger a new deployment."
)
EXTERNAL_UPDATE = (
    "Unable to update task definition on services with a EXTERNAL deployment controller. "
    "Use the task set API to update the task definition."
)
NEGATIVE_COUNT = "desiredCount must be greater than or equal to 0."
# ECS Exec needs a task role in the service's task definition: UpdateService's text is real
# output (aws/aws-toolkit-jetbrains#3649); CreateService's was quoted up to its first
# sentence, the rest follows UpdateService's [O][U].
EXEC_ROLE = (
    "The service couldn't be {verb} because a valid taskRoleArn is not being used. Specify a "
    "valid task role in your task definition and try again."
)


@dataclass(slots=True, kw_only=True)
class Launch:
    """Where a service's tasks run: what was asked, as a revision records it."""

    launch_type: str | None = None
    strategy: list[StrategyItem] | None = None
    platform_version: str | None = None
    network: Network | None = None
    network_raw: dict[str, Any] | None = None
    load_balancers: list[dict[str, Any]] | None = None
    service_registries: list[dict[str, Any]] | None = None
    service_connect: dict[str, Any] | None = None
    # volumeConfigurations in model terms, and as given (None: not given).
    volumes: list[LaunchVolume] | None = None
    volumes_raw: list[dict[str, Any]] | None = None


@dataclass(slots=True, kw_only=True)
class ServiceRequest:
    """CreateService in model terms."""

    cluster: str | None
    name: str
    task_definition: str | None = None
    desired_count: int | None = None
    launch: Launch = field(default_factory=Launch)
    scheduling_strategy: str = "REPLICA"
    controller: str = "ECS"
    config: DeploymentConfig = field(default_factory=DeploymentConfig)
    placement_constraints: list[dict[str, Any]] = field(default_factory=list)
    placement_strategy: list[dict[str, Any]] = field(default_factory=list)
    grace: int | None = None
    managed_tags: bool = False
    propagate_tags: str | None = None
    exec_command: bool = False
    az_rebalancing: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)
    client_token: str | None = None
    role_arn: str | None = None
    fingerprint: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class ServiceUpdate:
    """UpdateService in model terms: None leaves a setting as it is."""

    cluster: str | None
    service: str
    task_definition: str | None = None
    desired_count: int | None = None
    launch: Launch = field(default_factory=Launch)
    config: DeploymentConfig | None = None
    placement_constraints: list[dict[str, Any]] | None = None
    placement_strategy: list[dict[str, Any]] | None = None
    grace: int | None = None
    managed_tags: bool | None = None
    propagate_tags: str | None = None
    exec_command: bool | None = None
    az_rebalancing: str | None = None
    force_new_deployment: bool = False


def check_create(backend: Backend, cluster: Cluster, req: ServiceRequest) -> TaskDefinition | None:
    """CreateService's checks after the cluster and the name's uniqueness.

    Returns the task definition the first deployment runs (None for EXTERNAL services).
    """
    if not NAME_RE.fullmatch(req.name):
        # [M] the serviceName rule; text [U]
        raise InvalidParameterException(BAD_NAME)
    if req.scheduling_strategy == "DAEMON" and req.controller != "ECS":
        # [M] DAEMON only with the ECS controller; text [U]
        raise InvalidParameterException(sv.DAEMON_CONTROLLER)
    if req.controller == "EXTERNAL":
        if req.task_definition == "":
            # [O] real text (behaviour reference 7.1)
            raise InvalidParameterException(sv.FAMILY_EMPTY)
        if req.task_definition is not None:
            # [O] aws/aws-cdk#6245, terraform-aws-modules/terraform-aws-ecs#278
            raise InvalidParameterException(EXTERNAL_TD)
    elif not req.task_definition:
        # [M] taskDefinition is required for ECS and CODE_DEPLOY services; text [U]
        raise InvalidParameterException(sv.TASK_DEFINITION_REQUIRED)
    if req.scheduling_strategy == "REPLICA" and req.desired_count is None:
        # [M] desiredCount is required for REPLICA; text [U]
        raise InvalidParameterException(sv.DESIRED_COUNT_REQUIRED)
    if req.desired_count is not None and req.desired_count < 0:
        # [M] desiredCount is not negative; text [U]
        raise InvalidParameterException(NEGATIVE_COUNT)
    sv.check_deployment_config(req.config, req.scheduling_strategy)
    tag_rules.check_tags(req.tags)
    if req.task_definition is None:
        return None
    td = backend.tasks.definitions.runnable(req.task_definition)
    check_exec_role(td, req.exec_command, "created")
    check_launch(cluster, td, req.launch, req.scheduling_strategy)
    backend.outside.check_network(req.launch.network)
    launch_type, strategy = _resolved(cluster, req.launch)
    on = rules.launch_of(launch_type, strategy)
    rules.check_placement(td, req.placement_strategy, req.placement_constraints, on)
    return td


def check_exec_role(td: TaskDefinition, enabled: bool, verb: str) -> None:
    """A service with ECS Exec runs a task definition with a task role."""
    if enabled and not td.task_role:
        # [O] aws/aws-toolkit-jetbrains#3649 (update); the create text's first sentence [O]
        raise InvalidParameterException(EXEC_ROLE.format(verb=verb))


def check_launch(cluster: Cluster, td: TaskDefinition, launch: Launch, scheduling: str) -> None:
    """Launch type or strategy, compatibility, platform version, network, load balancers."""
    launch_type, strategy = rules.resolve_launch(cluster, launch.launch_type, launch.strategy)
    on = rules.launch_of(launch_type, strategy)
    if scheduling == "DAEMON" and on == "FARGATE":
        # [M] DAEMON is not supported on Fargate; text [U]
        raise InvalidParameterException(sv.DAEMON_FARGATE)
    rules.check_compatible(td, on)
    rules.check_platform_version(on, launch.platform_version)
    rules.check_network(td, launch.network)
    check_volumes(td, launch.volumes or [])
    names = {c.name for c in td.containers}
    for lb in launch.load_balancers or ():
        name = lb.get("containerName")
        if name is not None and name not in names:
            # [U] ECS's text when the container is not in the definition.
            raise InvalidParameterException(
                f"The container {name} does not exist in the task definition."
            )


def _resolved(cluster: Cluster, launch: Launch) -> tuple[str | None, list[StrategyItem]]:
    return rules.resolve_launch(cluster, launch.launch_type, launch.strategy)


def revision_of(
    backend: Backend,
    service: Service,
    req: ServiceRequest,
    td: TaskDefinition,
    now: datetime,
) -> Revision:
    """The first ServiceRevision of a service."""
    return resolved_revision(backend, service, td, req.launch)


def resolved_revision(
    backend: Backend, service: Service, td: TaskDefinition, launch: Launch
) -> Revision:
    """What `launch` runs `td` on, resolved in the service's cluster (checked already)."""
    cluster = backend.clusters[service.cluster_name]
    launch_type, strategy = _resolved(cluster, launch)
    version = launch.platform_version
    if version is None and rules.launch_of(launch_type, strategy) == "FARGATE":
        version = "LATEST"
    return Revision(
        arn=_revision_arn(backend, service),
        task_definition=td,
        launch_type=launch_type,
        strategy=strategy,
        platform_version=version,
        platform_family="Linux" if version is not None else None,
        network=launch.network,
        network_raw=launch.network_raw,
        load_balancers=list(launch.load_balancers or []),
        service_registries=list(launch.service_registries or []),
        created_at=backend.clock.now,
        service_connect=launch.service_connect,
        volumes=list(launch.volumes or []),
        volumes_raw=list(launch.volumes_raw or []),
    )


def _revision_arn(backend: Backend, service: Service) -> str:
    return backend.arn(
        f"service-revision/{service.cluster_name}/{service.name}/{backend.ids.digits19()}"
    )


def apply_update(
    backend: Backend, cluster: Cluster, service: Service, upd: ServiceUpdate
) -> Revision | None:
    """Check an UpdateService request, apply its settings; the new revision, if any."""
    current = service.revision
    redeploy = upd.force_new_deployment or _changes_what_runs(upd)
    if service.controller != "ECS" and (redeploy or upd.task_definition is not None):
        # [M] what CODE_DEPLOY/EXTERNAL services may update; CODE_DEPLOY text [O], EXTERNAL's [U]
        raise InvalidParameterException(
            CODE_DEPLOY_UPDATE if service.controller == "CODE_DEPLOY" else EXTERNAL_UPDATE
        )
    if upd.desired_count is not None and upd.desired_count < 0:
        # [M] desiredCount is not negative; text [U]
        raise InvalidParameterException(NEGATIVE_COUNT)
    if upd.config is not None:
        sv.check_deployment_config(upd.config, service.scheduling_strategy)
    revision = None
    if current is not None and redeploy:
        revision = _next_revision(backend, cluster, service, current, upd)
        if revision.same_config(current) and not upd.force_new_deployment:
            revision = None
    target = revision or current
    if target is not None:
        enabled = service.enable_execute_command if upd.exec_command is None else upd.exec_command
        check_exec_role(target.task_definition, enabled, "updated")
    if target is not None and (upd.placement_strategy or upd.placement_constraints):
        rules.check_placement(
            target.task_definition,
            upd.placement_strategy,
            upd.placement_constraints,
            rules.launch_of(target.launch_type, target.strategy),
        )
    _apply_settings(service, upd)
    return revision


def _changes_what_runs(upd: ServiceUpdate) -> bool:
    launch = upd.launch
    return any(
        value is not None
        for value in (
            upd.task_definition,
            launch.strategy,
            launch.platform_version,
            launch.network,
            launch.load_balancers,
            launch.service_registries,
            launch.service_connect,
            # "If set to null, no new deployment is triggered. Otherwise, if this
            # configuration differs from the existing one, it triggers a new deployment."
            # (UpdateService volumeConfigurations docs) [M]
            launch.volumes_raw,
        )
    )


def _next_revision(
    backend: Backend, cluster: Cluster, service: Service, current: Revision, upd: ServiceUpdate
) -> Revision:
    td = (
        backend.tasks.definitions.runnable(upd.task_definition)
        if upd.task_definition is not None
        else current.task_definition
    )
    launch = upd.launch
    merged = Launch(
        launch_type=current.launch_type if launch.strategy is None else None,
        strategy=launch.strategy if launch.strategy is not None else current.strategy,
        platform_version=launch.platform_version or current.platform_version,
        network=launch.network if launch.network is not None else current.network,
        network_raw=launch.network_raw if launch.network is not None else current.network_raw,
        load_balancers=_or(launch.load_balancers, current.load_balancers),
        service_registries=_or(launch.service_registries, current.service_registries),
        service_connect=(
            launch.service_connect
            if launch.service_connect is not None
            else current.service_connect
        ),
        volumes=launch.volumes if launch.volumes is not None else current.volumes,
        volumes_raw=(launch.volumes_raw if launch.volumes_raw is not None else current.volumes_raw),
    )
    check_launch(cluster, td, merged, service.scheduling_strategy)
    backend.outside.check_network(launch.network)
    launch_type, strategy = _resolved(cluster, merged)
    return Revision(
        arn=_revision_arn(backend, service),
        task_definition=td,
        launch_type=launch_type,
        strategy=strategy,
        platform_version=merged.platform_version,
        platform_family=current.platform_family,
        network=merged.network,
        network_raw=merged.network_raw,
        load_balancers=list(merged.load_balancers or []),
        service_registries=list(merged.service_registries or []),
        service_connect=merged.service_connect,
        created_at=backend.clock.now,
        volumes=list(merged.volumes or []),
        volumes_raw=list(merged.volumes_raw or []),
    )


def _or(given: list[dict[str, Any]] | None, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list(given) if given is not None else list(current)


def _apply_settings(service: Service, upd: ServiceUpdate) -> None:
    if upd.desired_count is not None:
        service.desired_count = upd.desired_count
    if upd.config is not None:
        service.config = upd.config
    if upd.placement_constraints is not None:
        service.placement_constraints = upd.placement_constraints
    if upd.placement_strategy is not None:
        service.placement_strategy = upd.placement_strategy
    if upd.grace is not None:
        service.health_check_grace = upd.grace
    if upd.managed_tags is not None:
        service.enable_managed_tags = upd.managed_tags
    if upd.propagate_tags is not None:
        service.propagate_tags = upd.propagate_tags
    if upd.exec_command is not None:
        service.enable_execute_command = upd.exec_command
    if upd.az_rebalancing is not None:
        service.az_rebalancing = upd.az_rebalancing
