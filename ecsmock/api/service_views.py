"""camelCase views of services, deployments, service deployments and revisions."""

from __future__ import annotations

from typing import Any

from ecsmock.api._fresh import fresh
from ecsmock.api._views import strategy_view, tags_view
from ecsmock.api.rollout_views import alarms_member, rollout_members, weights
from ecsmock.model.services.service import SERVICE_ROLE as _ROLE
from ecsmock.model.services.service import (
    Deployment,
    DeploymentConfig,
    Revision,
    RolloutState,
    Service,
    TaskCounts,
    breaker_threshold,
)
from ecsmock.model.services.task_set import TaskSet
from ecsmock.model.tasks.task import image_digest

# What a Fargate platform version asked as LATEST resolves to on Linux (spec 7.1).
LATEST_LINUX = "1.4.0"


def config_view(config: DeploymentConfig) -> dict[str, Any]:
    """`deploymentConfiguration` as ECS echoes it: breaker and alarms always present."""
    out: dict[str, Any] = {
        "deploymentCircuitBreaker": {
            "enable": config.circuit_breaker,
            "rollback": config.rollback,
        },
        "maximumPercent": config.maximum_percent,
        "minimumHealthyPercent": config.minimum_healthy_percent,
        "alarms": fresh(config.alarms),
    }
    out.update(fresh(config.extra))
    return out


def launch_view(revision: Revision, resolved: bool) -> dict[str, Any]:
    """Launch type or strategy, platform and network of a revision, as ECS echoes them.

    `resolved`: deployments and task sets show the platform version LATEST resolves to.
    """
    out: dict[str, Any] = {}
    _launch(out, revision, resolved)
    return out


def _launch(out: dict[str, Any], revision: Revision, resolved: bool) -> None:
    if revision.launch_type is not None:
        out["launchType"] = revision.launch_type
    else:
        out["capacityProviderStrategy"] = strategy_view(revision.strategy)
    version = revision.platform_version
    if version is not None:
        out["platformVersion"] = LATEST_LINUX if resolved and version == "LATEST" else version
        out["platformFamily"] = revision.platform_family or "Linux"
    if revision.network_raw is not None:
        out["networkConfiguration"] = fresh(revision.network_raw)


def deployment_view(d: Deployment, service: Service) -> dict[str, Any]:
    """One item of `service.deployments`."""
    running, pending = d.counts()
    out: dict[str, Any] = {
        "id": d.id,
        "status": str(d.status),
        "taskDefinition": d.revision.task_definition.arn,
        "desiredCount": d.desired_count,
        "pendingCount": pending,
        "runningCount": running,
        "failedTasks": d.failed_tasks,
        "createdAt": d.created_at.timestamp(),
        "updatedAt": d.updated_at.timestamp(),
    }
    _launch(out, d.revision, resolved=True)
    if service.controller == "ECS":
        out["rolloutState"] = str(d.rollout_state)
        out["rolloutStateReason"] = d.rollout_reason
    if d.revision.service_connect is not None:
        out["serviceConnectConfiguration"] = fresh(d.revision.service_connect)
    if d.revision.volumes_raw:
        # As given (update-service CLI example's deployments) [O].
        out["volumeConfigurations"] = fresh(d.revision.volumes_raw)
    return out


def service_view(service: Service, with_tags: bool = False) -> dict[str, Any]:
    """The Service object (CreateService, UpdateService, DescribeServices, ...)."""
    revision = service.revision
    running, pending = service.counts()
    out: dict[str, Any] = {
        "serviceArn": service.arn,
        "serviceName": service.name,
        "clusterArn": service.cluster_arn,
        "loadBalancers": fresh(revision.load_balancers) if revision else [],
        "serviceRegistries": fresh(revision.service_registries) if revision else [],
        "status": str(service.status),
        "desiredCount": service.desired_count,
        "runningCount": running,
        "pendingCount": pending,
    }
    if revision is not None:
        _launch(out, revision, resolved=False)
        out.pop("networkConfiguration", None)
        out["taskDefinition"] = revision.task_definition.arn
    elif service.controller == "EXTERNAL":
        out["launchType"] = "EC2"
    out["deploymentConfiguration"] = config_view(service.config)
    out["deployments"] = [deployment_view(d, service) for d in service.deployments]
    if service.controller != "ECS":
        sets = [s for s in service.task_sets if isinstance(s, TaskSet)]
        out["taskSets"] = [task_set_view(s, service) for s in sets]
    if _uses_service_role(service):
        out["roleArn"] = service.role_arn or _ROLE.format(account=service.arn.split(":")[4])
    out["events"] = [
        {"id": e.id, "createdAt": e.created_at.timestamp(), "message": e.message}
        for e in service.events
    ]
    out["createdAt"] = service.created_at.timestamp()
    out["placementConstraints"] = fresh(service.placement_constraints)
    out["placementStrategy"] = fresh(service.placement_strategy)
    if revision is not None and revision.network_raw is not None:
        out["networkConfiguration"] = fresh(revision.network_raw)
    out["healthCheckGracePeriodSeconds"] = service.health_check_grace
    out["schedulingStrategy"] = service.scheduling_strategy
    out["deploymentController"] = {"type": service.controller}
    if with_tags:
        out["tags"] = tags_view(service.tags)
    out["createdBy"] = service.created_by
    out["enableECSManagedTags"] = service.enable_managed_tags
    out["propagateTags"] = service.propagate_tags
    out["enableExecuteCommand"] = service.enable_execute_command
    out["availabilityZoneRebalancing"] = service.az_rebalancing
    if service.managed_by is not None:
        out["resourceManagementType"] = service.managed_by  # an Express service: "ECS"
    return out


def _uses_service_role(service: Service) -> bool:
    """ECS shows the service-linked role when awsvpc, load balancers or EXTERNAL are used."""
    revision = service.revision
    if service.role_arn is not None or service.controller == "EXTERNAL":
        return True
    return revision is not None and (
        revision.network_raw is not None or bool(revision.load_balancers)
    )


def revision_view(revision: Revision, service: Service) -> dict[str, Any]:
    """A ServiceRevision (DescribeServiceRevisions)."""
    out: dict[str, Any] = {
        "serviceRevisionArn": revision.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "taskDefinition": revision.task_definition.arn,
    }
    _launch(out, revision, resolved=True)
    out["loadBalancers"] = fresh(revision.load_balancers)
    out["serviceRegistries"] = fresh(revision.service_registries)
    # Each image with the digest it resolved to, and Service Connect as `{"enabled": false}`
    # when the revision has none (describe-service-revisions CLI example) [O].
    out["containerImages"] = [
        {"containerName": c.name, "imageDigest": image_digest(c.image), "image": c.image}
        for c in revision.task_definition.containers
    ]
    out["guardDutyEnabled"] = False
    connect = revision.service_connect
    out["serviceConnectConfiguration"] = {"enabled": False} if connect is None else fresh(connect)
    if revision.volumes_raw:
        out["volumeConfigurations"] = fresh(revision.volumes_raw)
    out["createdAt"] = revision.created_at.timestamp()
    return out


def revision_ref(revision: Revision, counts: TaskCounts) -> dict[str, Any]:
    """A ServiceRevisionSummary: a revision and its (requested, running, pending) tasks."""
    requested, running, pending = counts
    return {
        "arn": revision.arn,
        "requestedTaskCount": requested,
        "runningTaskCount": running,
        "pendingTaskCount": pending,
    }


def service_deployment_view(d: Deployment, service: Service) -> dict[str, Any]:
    """A ServiceDeployment (DescribeServiceDeployments)."""
    out: dict[str, Any] = {
        "serviceDeploymentArn": d.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": d.created_at.timestamp(),
        "updatedAt": d.updated_at.timestamp(),
        "sourceServiceRevisions": [
            {**revision_ref(r, counts), **weights(d, target=False)}
            for r, counts in d.source_revisions
        ],
        "targetServiceRevision": {**revision_ref(d.revision, d.task_counts()), **weights(d, True)},
        "status": d.deployment_status,
        "deploymentConfiguration": config_view(d.config),
        "deploymentCircuitBreaker": _breaker_view(d),
        "alarms": alarms_member(d),
    }
    for key, value in (
        ("startedAt", d.started_at),
        ("finishedAt", d.finished_at),
        ("stoppedAt", d.stopped_at),
    ):
        if value is not None:
            out[key] = value.timestamp()
    if d.status_reason is not None:
        out["statusReason"] = d.status_reason
    out.update(rollout_members(d))
    if d.rollback_started_at is not None and d.rollback_of is None:
        out["rollback"] = {
            "reason": d.status_reason or "",
            "startedAt": d.rollback_started_at.timestamp(),
        }
        if d.rollback_target is not None:
            out["rollback"]["serviceRevisionArn"] = d.rollback_target
    return out


def _breaker_view(d: Deployment) -> dict[str, Any]:
    if not d.config.circuit_breaker:
        return {"status": "DISABLED", "failureCount": d.failed_tasks, "threshold": 0}
    if d.rollout_state is RolloutState.FAILED:
        status = "TRIGGERED"
    elif d.rollout_state is RolloutState.COMPLETED:
        status = "MONITORING_COMPLETE"
    else:
        status = "MONITORING"
    return {
        "status": status,
        "failureCount": d.failed_tasks,
        "threshold": breaker_threshold(d.task_counts()[0]),
    }


def brief_view(d: Deployment, service: Service) -> dict[str, Any]:
    """A ServiceDeploymentBrief (ListServiceDeployments)."""
    out: dict[str, Any] = {
        "serviceDeploymentArn": d.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": d.created_at.timestamp(),
        "targetServiceRevisionArn": d.revision.arn,
        "status": d.deployment_status,
    }
    if d.started_at is not None:
        out["startedAt"] = d.started_at.timestamp()
    if d.finished_at is not None:
        out["finishedAt"] = d.finished_at.timestamp()
    if d.status_reason is not None:
        out["statusReason"] = d.status_reason
    return out


def task_set_view(task_set: TaskSet, service: Service, with_tags: bool = False) -> dict[str, Any]:
    """The TaskSet object."""
    running, pending = task_set.counts()
    out: dict[str, Any] = {
        "id": task_set.id,
        "taskSetArn": task_set.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
    }
    if task_set.started_by is not None:
        out["startedBy"] = task_set.started_by
    if task_set.external_id is not None:
        out["externalId"] = task_set.external_id
    out.update(
        {
            "status": str(task_set.set_status),
            "taskDefinition": task_set.revision.task_definition.arn,
            "computedDesiredCount": task_set.desired_count,
            "pendingCount": pending,
            "runningCount": running,
            "createdAt": task_set.created_at.timestamp(),
            "updatedAt": task_set.updated_at.timestamp(),
        }
    )
    out.update(launch_view(task_set.revision, resolved=True))
    out["loadBalancers"] = fresh(task_set.revision.load_balancers)
    out["serviceRegistries"] = fresh(task_set.revision.service_registries)
    out["scale"] = {"value": float(task_set.scale), "unit": "PERCENT"}
    out["stabilityStatus"] = str(task_set.stability)
    if task_set.stability_at is not None:
        out["stabilityStatusAt"] = task_set.stability_at.timestamp()
    out["tags"] = tags_view(task_set.tags) if with_tags else []
    return out
