"""The daemon objects as ECS shows them: DaemonDetail, DaemonRevision, DaemonDeployment.

Shapes of the botocore model [M]; members and defaults as in the API Reference examples
[O] (a SUCCESSFUL deployment: `circuitBreaker` MONITORING_COMPLETE with threshold 10,
`alarms` DISABLED with empty lists, the configuration echoed with its alarms).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from ecsmock.api._registry import Body
from ecsmock.model.backend import Backend
from ecsmock.model.capacity.instance import InstanceStatus
from ecsmock.model.services.daemon import (
    CIRCUIT_BREAKER_THRESHOLD,
    Daemon,
    DaemonDeployment,
    DaemonRevision,
    DeploymentConfig,
)


def _provider_arn(backend: Backend, name: str) -> str:
    return backend.arn(f"capacity-provider/{name}")


def _stamps(out: Body, **stamps: datetime | None) -> Body:
    for key, value in stamps.items():
        if value is not None:
            out[key] = value.timestamp()
    return out


def _deployment_stamps(out: Body, deployment: DaemonDeployment) -> Body:
    return _stamps(
        out,
        createdAt=deployment.created_at,
        startedAt=deployment.started_at,
        stoppedAt=deployment.stopped_at,
        finishedAt=deployment.finished_at,
    )


def config_view(config: DeploymentConfig) -> Body:
    """A DaemonDeploymentConfiguration with its defaults."""
    return {
        "drainPercent": config.drain_percent,
        "alarms": {"alarmNames": list(config.alarm_names), "enable": config.alarms_enabled},
        "bakeTimeInMinutes": config.bake_minutes,
    }


def daemon_view(backend: Backend, daemon: Daemon) -> Body:
    """The DaemonDetail of DescribeDaemon, with the RUNNING tasks per revision."""
    counts = backend.daemons.running_counts(daemon)
    revisions = [daemon.revision] + [
        r for r in daemon.revisions if r.arn in counts and r is not daemon.revision
    ]
    current = []
    for revision in revisions:
        per = counts.get(revision.arn, {})
        names = list(dict.fromkeys([*revision.providers, *per]))
        current.append(
            {
                "arn": revision.arn,
                "capacityProviders": [
                    {"arn": _provider_arn(backend, n), "runningCount": per.get(n, 0)} for n in names
                ],
                "totalRunningCount": sum(per.values()),
            }
        )
    out: Body = {
        "daemonArn": daemon.arn,
        "clusterArn": daemon.cluster_arn,
        "status": str(daemon.status),
        "currentRevisions": current,
        "deploymentArn": daemon.latest.arn,
    }
    return _stamps(out, createdAt=daemon.created_at, updatedAt=daemon.updated_at)


def revision_view(daemon: Daemon, revision: DaemonRevision) -> Body:
    """A DaemonRevision of DescribeDaemonRevisions."""
    images = [
        {
            "containerName": c.name,
            "imageDigest": "sha256:" + hashlib.sha256(c.image.encode()).hexdigest(),
            "image": c.image,
        }
        for c in revision.definition.task.containers
    ]
    return {
        "daemonRevisionArn": revision.arn,
        "clusterArn": daemon.cluster_arn,
        "daemonArn": daemon.arn,
        "daemonTaskDefinitionArn": revision.definition.arn,
        "createdAt": revision.created_at.timestamp(),
        "containerImages": images,
        "propagateTags": revision.propagate_tags,
        "enableECSManagedTags": revision.managed_tags,
        "enableExecuteCommand": revision.execute_command,
    }


def _revision_detail(backend: Backend, daemon: Daemon, revision: DaemonRevision) -> Body:
    running: dict[str, int] = dict.fromkeys(revision.providers, 0)
    draining: dict[str, int] = dict.fromkeys(revision.providers, 0)
    for instance in backend.daemons.instances_of(daemon, revision):
        name = instance.capacity_provider_name or ""
        running.setdefault(name, 0)
        draining.setdefault(name, 0)
        bucket = draining if instance.status is InstanceStatus.DRAINING else running
        bucket[name] += 1
    return {
        "arn": revision.arn,
        "capacityProviders": [
            {
                "arn": _provider_arn(backend, n),
                "runningInstanceCount": running[n],
                "drainingInstanceCount": draining[n],
            }
            for n in running
        ],
        "totalRunningInstanceCount": sum(running.values()),
        "totalDrainingInstanceCount": sum(draining.values()),
    }


def _monitor(deployment: DaemonDeployment, enabled: bool = True) -> str:
    if not enabled:
        return "DISABLED"
    if deployment.tripped:
        return "TRIGGERED"
    return "MONITORING" if deployment.running else "MONITORING_COMPLETE"


def deployment_view(backend: Backend, daemon: Daemon, deployment: DaemonDeployment) -> Body:
    """A DaemonDeployment of DescribeDaemonDeployments."""
    out: Body = {
        "daemonDeploymentArn": deployment.arn,
        "clusterArn": daemon.cluster_arn,
        "status": str(deployment.status),
    }
    if deployment.status_reason is not None:
        out["statusReason"] = deployment.status_reason
    if deployment.target is not None:
        out["targetDaemonRevision"] = _revision_detail(backend, daemon, deployment.target)
    out["sourceDaemonRevisions"] = [
        _revision_detail(backend, daemon, r) for r in deployment.sources
    ]
    out["circuitBreaker"] = {
        "failureCount": deployment.failures,
        "status": _monitor(deployment),
        "threshold": CIRCUIT_BREAKER_THRESHOLD,
    }
    config = deployment.config
    out["alarms"] = {
        "status": _monitor(deployment, config.alarms_enabled),
        "alarmNames": list(config.alarm_names),
        "triggeredAlarmNames": [],
    }
    target = deployment.rollback_target
    if target is not None and deployment.rollback_started_at is not None:
        out["rollback"] = {
            "reason": deployment.status_reason or "",
            "startedAt": deployment.rollback_started_at.timestamp(),
            "rollbackTargetDaemonRevisionArn": target.arn,
            "rollbackCapacityProviders": [_provider_arn(backend, n) for n in target.providers],
        }
    out["deploymentConfiguration"] = config_view(config)
    return _deployment_stamps(out, deployment)


def deployment_summary(daemon: Daemon, deployment: DaemonDeployment) -> Body:
    """A DaemonDeploymentSummary of ListDaemonDeployments."""
    out: Body = {
        "daemonDeploymentArn": deployment.arn,
        "daemonArn": daemon.arn,
        "clusterArn": daemon.cluster_arn,
        "status": str(deployment.status),
    }
    if deployment.status_reason is not None:
        out["statusReason"] = deployment.status_reason
    if deployment.target is not None:
        out["targetDaemonRevisionArn"] = deployment.target.arn
    return _deployment_stamps(out, deployment)
