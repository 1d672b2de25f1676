"""Service operations: CreateService, UpdateService, DeleteService, Describe/List."""

from __future__ import annotations

import json
from typing import Any

from ecsmock.api._enums import check_enums
from ecsmock.api._fresh import fresh
from ecsmock.api._params import describe, describe_request, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import strategy_in, tags_in
from ecsmock.api.deployment_params import staging_in
from ecsmock.api.service_views import service_view
from ecsmock.api.tasks import network_in
from ecsmock.api.volume_params import volumes_in
from ecsmock.errors import InvalidParameterException, NamespaceNotFoundException
from ecsmock.model.backend import Backend
from ecsmock.model.services.rules import Launch, ServiceRequest, ServiceUpdate
from ecsmock.model.services.service import DeploymentConfig, Service

MAX_DESCRIBE = 10
SCHEDULING = ("REPLICA", "DAEMON")
CONTROLLERS = ("ECS", "CODE_DEPLOY", "EXTERNAL")
PROPAGATE = ("TASK_DEFINITION", "SERVICE", "NONE")
CONFIG_KEYS = ("deploymentCircuitBreaker", "maximumPercent", "minimumHealthyPercent", "alarms")


def config_in(raw: dict[str, Any] | None, base: DeploymentConfig) -> DeploymentConfig:
    """`deploymentConfiguration` over `base`: what is given replaces, the rest stays."""
    raw = raw or {}
    breaker = raw.get("deploymentCircuitBreaker")
    alarms = raw.get("alarms")
    extra = {**base.extra, **{k: fresh(v) for k, v in raw.items() if k not in CONFIG_KEYS}}
    return DeploymentConfig(
        maximum_percent=raw.get("maximumPercent", base.maximum_percent),
        minimum_healthy_percent=raw.get("minimumHealthyPercent", base.minimum_healthy_percent),
        circuit_breaker=breaker["enable"] if breaker else base.circuit_breaker,
        rollback=breaker["rollback"] if breaker else base.rollback,
        alarms=(
            {"alarmNames": [], "rollback": False, "enable": False, **fresh(alarms)}
            if alarms is not None
            else fresh(base.alarms)
        ),
        extra=extra,
        staging=staging_in(raw, base.staging),
    )


def default_config(scheduling: str) -> DeploymentConfig:
    """REPLICA 200/100, DAEMON 100/0 (DeploymentConfiguration docs)."""
    if scheduling == "DAEMON":
        return DeploymentConfig(maximum_percent=100, minimum_healthy_percent=0)
    return DeploymentConfig()


def launch_in(params: Params) -> Launch:
    """Launch type or strategy, platform, network, load balancers and registries."""
    strategy = params.get("capacityProviderStrategy")
    raw_network = params.get("networkConfiguration")
    volumes = params.get("volumeConfigurations")
    return Launch(
        launch_type=params.get("launchType"),
        strategy=None if strategy is None else strategy_in(strategy),
        platform_version=params.get("platformVersion"),
        network=network_in(params),
        network_raw=None if raw_network is None else _network_echo(raw_network),
        load_balancers=fresh(params.get("loadBalancers")),
        service_registries=fresh(params.get("serviceRegistries")),
        service_connect=fresh(params.get("serviceConnectConfiguration")),
        volumes=None if volumes is None else volumes_in(volumes),
        volumes_raw=fresh(volumes),
    )


def _network_echo(raw: dict[str, Any]) -> dict[str, Any]:
    config = fresh(raw.get("awsvpcConfiguration") or {})
    config.setdefault("securityGroups", [])
    config.setdefault("assignPublicIp", "DISABLED")
    return {"awsvpcConfiguration": config}


def _check_common(operation_name: str, params: Params) -> None:
    check_enums(operation_name, params, InvalidParameterException)


@operation("CreateService")
def create_service(backend: Backend, params: Params) -> Body:
    """CreateService: validate, create, and let the scheduler start the first deployment."""
    _check_common("CreateService", params)
    scheduling = params.get("schedulingStrategy", "REPLICA")
    controller = (params.get("deploymentController") or {}).get("type", "ECS")
    request = ServiceRequest(
        cluster=params.get("cluster"),
        name=params["serviceName"],
        task_definition=params.get("taskDefinition"),
        desired_count=params.get("desiredCount"),
        launch=launch_in(params),
        scheduling_strategy=scheduling,
        controller=controller,
        config=config_in(params.get("deploymentConfiguration"), default_config(scheduling)),
        placement_constraints=fresh(params.get("placementConstraints", [])),
        placement_strategy=fresh(params.get("placementStrategy", [])),
        grace=params.get("healthCheckGracePeriodSeconds"),
        managed_tags=params.get("enableECSManagedTags", False),
        propagate_tags=params.get("propagateTags"),
        exec_command=params.get("enableExecuteCommand", False),
        az_rebalancing=params.get("availabilityZoneRebalancing"),
        tags=tags_in(params.get("tags")),
        client_token=params.get("clientToken"),
        role_arn=params.get("role"),
        fingerprint=json.loads(json.dumps(params, sort_keys=True, default=str)),
    )
    # The answer carries the tags the service was given (create-service CLI example) [O].
    return {"service": service_view(backend.services.create(request), with_tags=True)}


@operation("UpdateService")
def update_service(backend: Backend, params: Params) -> Body:
    """UpdateService: settings now; a new deployment when what runs changes."""
    _check_common("UpdateService", params)
    service = backend.services.get(params.get("cluster"), params["service"])
    raw_config = params.get("deploymentConfiguration")
    update = ServiceUpdate(
        cluster=params.get("cluster"),
        service=params["service"],
        task_definition=params.get("taskDefinition"),
        desired_count=params.get("desiredCount"),
        launch=launch_in(params),
        config=None if raw_config is None else config_in(raw_config, service.config),
        placement_constraints=fresh(params.get("placementConstraints")),
        placement_strategy=fresh(params.get("placementStrategy")),
        grace=params.get("healthCheckGracePeriodSeconds"),
        managed_tags=params.get("enableECSManagedTags"),
        propagate_tags=params.get("propagateTags"),
        exec_command=params.get("enableExecuteCommand"),
        az_rebalancing=params.get("availabilityZoneRebalancing"),
        force_new_deployment=params.get("forceNewDeployment", False),
    )
    return {"service": service_view(backend.services.update(update))}


@operation("DeleteService")
def delete_service(backend: Backend, params: Params) -> Body:
    """DeleteService: DRAINING with desiredCount 0 (`force` for a scaled service)."""
    service = backend.services.delete(
        params.get("cluster"), params["service"], params.get("force", False)
    )
    return {"service": service_view(service)}


@operation("DescribeServices")
def describe_services(backend: Backend, params: Params) -> Body:
    """DescribeServices: up to 10 names/ARNs; unknown ones are MISSING failures."""
    refs, include = describe_request(params, "services", MAX_DESCRIBE, ("TAGS",))
    cluster_ref = backend.services.cluster_for(params.get("cluster"), refs[0])
    name = backend.cluster(cluster_ref).name
    services, failures = describe(
        refs,
        lambda ref: backend.services.find(name, ref),
        lambda service: service_view(service, "TAGS" in include),
        # A bare name's failure names no cluster: `service/<name>` (aws-actions/
        # amazon-ecs-deploy-task-definition#312, #369) [O].
        lambda ref: backend.arn(f"service/{ref}"),
    )
    return {"services": services, "failures": failures}


def _matches(service: Service, params: Params) -> bool:
    launch_type = params.get("launchType")
    if launch_type is not None:
        revision = service.revision
        if revision is None or revision.launch_type != launch_type:
            return False
    managed_by = params.get("resourceManagementType")
    if managed_by is not None and (service.managed_by or "CUSTOMER") != managed_by:
        return False
    scheduling = params.get("schedulingStrategy")
    return scheduling is None or service.scheduling_strategy == scheduling


@operation("ListServices")
def list_services(backend: Backend, params: Params) -> Body:
    """ListServices: the cluster's ACTIVE services, 10 a page by default."""
    _check_common("ListServices", params)
    cluster = backend.cluster(params.get("cluster"))
    found = [s.arn for s in backend.services.listed(cluster) if _matches(s, params)]
    chunk, token = page(params, found, default=10, scope="ListServices")
    return with_token({"serviceArns": chunk}, token)


@operation("ListServicesByNamespace")
def list_services_by_namespace(backend: Backend, params: Params) -> Body:
    """ListServicesByNamespace: ACTIVE services in the named Service Connect namespace.

    A service is in the namespace of its cluster's Service Connect defaults; the namespace
    is named by name or ARN.
    """
    ref = params["namespace"]
    known = backend.cluster_ops.namespaces
    arn = known.get(ref) or (ref if ref in known.values() else None)
    if arn is None:
        # [M] NamespaceNotFoundException: the namespace does not exist; text [U]
        raise NamespaceNotFoundException("Namespace not found.")
    found = [
        s.arn
        for (cluster_name, _), s in backend.services.store.by_key.items()
        if s.active and _namespace_of(backend, cluster_name) == arn
    ]
    chunk, token = page(params, found, default=10, scope="ListServicesByNamespace")
    return with_token({"serviceArns": chunk}, token)


def _namespace_of(backend: Backend, cluster_name: str) -> str | None:
    cluster = backend.clusters.get(cluster_name)
    return None if cluster is None else cluster.service_connect_namespace
