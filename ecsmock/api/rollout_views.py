"""The staged-deployment members of a ServiceDeployment: stage, hooks, traffic weights."""

from __future__ import annotations

from typing import Any

from ecsmock.model.services.service import Deployment
from ecsmock.model.services.stages import HookRun


def rollout_members(d: Deployment) -> dict[str, Any]:
    """`lifecycleStage` and `lifecycleHookDetails` of a BLUE_GREEN, LINEAR or CANARY one.

    A ROLLING deployment reports no lifecycle stage (kayac/ecspresso#1064, from real
    DescribeServiceDeployments output) [O].
    """
    rollout = d.rollout
    if rollout is None or rollout.stage is None:
        return {}
    out: dict[str, Any] = {"lifecycleStage": str(rollout.stage)}
    if rollout.runs:
        out["lifecycleHookDetails"] = [hook_detail(run) for run in rollout.runs]
    return out


def hook_detail(run: HookRun) -> dict[str, Any]:
    """A DeploymentLifecycleHookDetail; PAUSE hooks have no `targetArn` [M]."""
    out: dict[str, Any] = {"hookId": run.hook_id, "targetType": run.spec.target_type}
    if run.spec.target_type == "AWS_LAMBDA" and run.spec.target_arn:
        out["targetArn"] = run.spec.target_arn
    out["status"] = run.status
    out["expiresAt"] = run.expires_at.timestamp()
    out["timeoutAction"] = run.spec.timeout_action
    return out


def weights(d: Deployment, target: bool) -> dict[str, float]:
    """`requestedTestTrafficWeight` / `requestedProductionTrafficWeight` of a revision summary.

    The target revision has green's share, the source revisions the rest [M]; ROLLING
    deployments shift no traffic and carry neither.
    """
    rollout = d.rollout
    if rollout is None:
        return {}
    test, production = rollout.test_weight, rollout.production_weight
    if not target:
        test, production = 100.0 - test, 100.0 - production
    return {"requestedTestTrafficWeight": test, "requestedProductionTrafficWeight": production}


def alarms_member(d: Deployment) -> dict[str, Any]:
    """A ServiceDeployment's `alarms`: DISABLED (observed), or what is watched [M]."""
    watch = d.alarm_watch
    if watch is None:
        return {"status": "DISABLED"}
    status = watch.status
    if status == "MONITORING" and d.deployment_status not in ("PENDING", "IN_PROGRESS"):
        status = "MONITORING_COMPLETE"  # it ended some other way
    out: dict[str, Any] = {"status": status, "alarmNames": list(watch.names)}
    if watch.triggered:
        out["triggeredAlarmNames"] = list(watch.triggered)
    return out
