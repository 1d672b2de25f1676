"""camelCase views of Express services, their configurations and managed resources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ecsmock.api._fresh import fresh
from ecsmock.api._views import tags_view
from ecsmock.model.backend import Backend
from ecsmock.model.services import express as ex
from ecsmock.model.services.express import ExpressConfig, ExpressService
from ecsmock.model.services.express_ids import group_arn, log_group_arn
from ecsmock.model.services.service import Revision, Service


def config_view(config: ExpressConfig, record: ExpressService) -> dict[str, Any]:
    """An ExpressGatewayServiceConfiguration: a revision's settings, defaults filled in."""
    out: dict[str, Any] = {
        "serviceRevisionArn": config.revision_arn,
        "executionRoleArn": config.execution_role,
    }
    if config.task_role is not None:
        out["taskRoleArn"] = config.task_role
    out.update(
        {
            "cpu": config.cpu,
            "memory": config.memory,
            "networkConfiguration": {
                "securityGroups": list(config.security_groups),
                "subnets": list(config.subnets),
            },
            "healthCheckPath": config.health_check_path,
            "primaryContainer": fresh(config.container),
            "scalingTarget": {
                "minTaskCount": config.scaling.min_tasks,
                "maxTaskCount": config.scaling.max_tasks,
                "autoScalingMetric": config.scaling.metric,
                "autoScalingTargetValue": config.scaling.target_value,
            },
            # A public endpoint on the service's own domain [D] (express.py).
            "ingressPaths": [{"accessType": "PUBLIC", "endpoint": record.managed.endpoint}],
        }
    )
    if config.created_at is not None:
        out["createdAt"] = config.created_at.timestamp()
    return out


def express_view(
    record: ExpressService,
    with_tags: bool = False,
    with_deployment: bool = True,
) -> dict[str, Any]:
    """The ECSExpressGatewayService object."""
    service = record.service
    out: dict[str, Any] = {
        "cluster": service.cluster_arn,
        "serviceName": service.name,
        "serviceArn": service.arn,
        "infrastructureRoleArn": record.infrastructure_role,
        "status": {"statusCode": record.status},
    }
    primary = service.primary
    if with_deployment and primary is not None:
        out["currentDeployment"] = primary.arn
    out["activeConfigurations"] = [config_view(c, record) for c in record.active_configs()]
    if with_tags:
        out["tags"] = tags_view(service.tags)
    out["createdAt"] = service.created_at.timestamp()
    out["updatedAt"] = record.updated_at.timestamp()
    return out


def updated_view(record: ExpressService, config: ExpressConfig) -> dict[str, Any]:
    """The UpdatedExpressGatewayService object: the configuration the update asks for."""
    service = record.service
    return {
        "serviceArn": service.arn,
        "cluster": service.cluster_arn,
        "serviceName": service.name,
        "status": {"statusCode": record.status},
        "targetConfiguration": config_view(config, record),
        "createdAt": service.created_at.timestamp(),
        "updatedAt": record.updated_at.timestamp(),
    }


def managed_resources(
    backend: Backend, service: Service, revision: Revision
) -> dict[str, Any] | None:
    """A ServiceRevision's `ecsManagedResources` (None: not an Express service's)."""
    record = backend.express.by_arn.get(service.arn)
    if record is None or record.service is not service:
        return None
    config = record.configs.get(revision.arn)
    if config is None:
        return None
    status, since = record.resource_status(backend.clock.now)
    managed = record.managed
    groups = [_item(group_arn(backend, managed.service_group), status, since)]
    out: dict[str, Any] = {
        "ingressPaths": [_ingress(backend, record, config, status, since)],
        "autoScaling": _scaling(record, config, status, since),
        "metricAlarms": [_item(managed.alarm, status, since)],
        "serviceSecurityGroups": groups if managed.service_group in config.security_groups else [],
    }
    log_group = config.container["awsLogsConfiguration"]["logGroup"]
    if log_group == managed.log_group:
        out["logGroups"] = [
            {**_item(log_group_arn(backend, log_group), status, since), "logGroupName": log_group}
        ]
    return out


def _item(arn: str, status: str, since: datetime) -> dict[str, Any]:
    return {"arn": arn, "status": status, "updatedAt": since.timestamp()}


def _ingress(
    backend: Backend, record: ExpressService, config: ExpressConfig, status: str, since: datetime
) -> dict[str, Any]:
    managed = record.managed
    host = managed.endpoint.removeprefix("https://")
    return {
        "accessType": "PUBLIC",
        "endpoint": managed.endpoint,
        "loadBalancer": {
            **_item(managed.load_balancer, status, since),
            "scheme": "internet-facing",  # the default scheme [M]
            "subnetIds": list(config.subnets),
            "securityGroupIds": [managed.load_balancer_group],
        },
        "loadBalancerSecurityGroups": [
            _item(group_arn(backend, managed.load_balancer_group), status, since)
        ],
        "certificate": {**_item(managed.certificate, status, since), "domainName": host},
        "listener": _item(managed.listener, status, since),
        "rule": _item(managed.rule, status, since),
        "targetGroups": [
            {
                **_item(group, status, since),
                "healthCheckPath": config.health_check_path,
                "healthCheckPort": config.port,
                "port": config.port,
            }
            for group in managed.target_groups
        ],
    }


def _scaling(
    record: ExpressService, config: ExpressConfig, status: str, since: datetime
) -> dict[str, Any]:
    managed = record.managed
    return {
        "scalableTarget": {
            **_item(managed.scalable_target, status, since),
            "minCapacity": config.scaling.min_tasks,
            "maxCapacity": config.scaling.max_tasks,
        },
        "applicationAutoScalingPolicies": [
            {
                **_item(managed.policy, status, since),
                "policyType": "TargetTrackingScaling",
                "targetValue": float(config.scaling.target_value),
                "metric": ex.POLICY_METRICS[config.scaling.metric],
            }
        ],
    }
