"""Daemon operations: daemons, their deployments and revisions (Amazon ECS Managed Daemons).

Create/Update/Delete/DescribeDaemon, ListDaemons, Describe/ListDaemonDeployments and
DescribeDaemonRevisions; daemons run on Managed Instances capacity providers only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ecsmock.api._params import batch_refs, check_enum, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in
from ecsmock.api.daemon_views import (
    daemon_view,
    deployment_summary,
    deployment_view,
    revision_view,
)
from ecsmock.model.backend import Backend
from ecsmock.model.services.daemon import (
    DEFAULT_DRAIN_PERCENT,
    MAX_DESCRIBE,
    Daemon,
    DaemonDeployment,
    DaemonRevision,
    DeploymentConfig,
    DeploymentStatus,
)
from ecsmock.model.services.daemon_ops import DaemonRequest

PROPAGATE = ("DAEMON", "NONE")
DEPLOYMENT_STATUSES = tuple(str(s) for s in DeploymentStatus)
MAX_PAGE = 100
DEPLOYMENTS_PAGE = 20  # ListDaemonDeployments' default page (its docs)


def _config_in(raw: dict[str, Any] | None) -> DeploymentConfig | None:
    if raw is None:
        return None
    alarms = raw.get("alarms") or {}
    return DeploymentConfig(
        drain_percent=float(raw.get("drainPercent", DEFAULT_DRAIN_PERCENT)),
        bake_minutes=raw.get("bakeTimeInMinutes", 0),
        alarm_names=tuple(alarms.get("alarmNames", ())),
        alarms_enabled=bool(alarms.get("enable", False)),
    )


def _request(params: Params) -> DaemonRequest:
    propagate = params.get("propagateTags")
    if propagate is not None:
        check_enum("propagateTags", propagate, PROPAGATE)
    return DaemonRequest(
        definition=params["daemonTaskDefinitionArn"],
        providers=list(params["capacityProviderArns"]),
        config=_config_in(params.get("deploymentConfiguration")),
        name=params.get("daemonName", ""),
        cluster=params.get("clusterArn"),
        tags=tags_in(params.get("tags")),
        propagate_tags=propagate,
        managed_tags=params.get("enableECSManagedTags"),
        execute_command=params.get("enableExecuteCommand"),
        client_token=params.get("clientToken"),
    )


def _answer(daemon: Daemon, *, updated: bool) -> Body:
    out: Body = {
        "daemonArn": daemon.arn,
        "status": str(daemon.status),
        "createdAt": daemon.created_at.timestamp(),
    }
    if updated:
        out["updatedAt"] = daemon.updated_at.timestamp()
    out["deploymentArn"] = daemon.latest.arn
    return out


@operation("CreateDaemon")
def create_daemon(backend: Backend, params: Params) -> Body:
    """CreateDaemon: ACTIVE, with a deployment that puts a task on every instance."""
    return _answer(backend.daemons.create(_request(params)), updated=False)


@operation("UpdateDaemon")
def update_daemon(backend: Backend, params: Params) -> Body:
    """UpdateDaemon: a new revision, rolled out by draining and replacing instances."""
    daemon = backend.daemons.update(params["daemonArn"], _request(params))
    return _answer(daemon, updated=True)


@operation("DeleteDaemon")
def delete_daemon(backend: Backend, params: Params) -> Body:
    """DeleteDaemon: DELETE_IN_PROGRESS; a deployment drains its tasks, then it is gone."""
    return _answer(backend.daemons.delete(params["daemonArn"]), updated=True)


@operation("DescribeDaemon")
def describe_daemon(backend: Backend, params: Params) -> Body:
    """DescribeDaemon: its status, latest deployment and RUNNING tasks per revision."""
    return {"daemon": daemon_view(backend, backend.daemons.require(params["daemonArn"]))}


@operation("ListDaemons")
def list_daemons(backend: Backend, params: Params) -> Body:
    """ListDaemons: every daemon, or a cluster's, or those on some capacity providers."""
    found = backend.daemons.listing(
        params.get("clusterArn"), list(params.get("capacityProviderArns") or ())
    )
    chunk, token = page(params, found, most=MAX_PAGE, default=MAX_PAGE, scope="ListDaemons")
    summaries = [
        {
            "daemonArn": d.arn,
            "status": str(d.status),
            "createdAt": d.created_at.timestamp(),
            "updatedAt": d.updated_at.timestamp(),
        }
        for d in chunk
    ]
    return with_token({"daemonSummariesList": summaries}, token)


@operation("DescribeDaemonDeployments")
def describe_daemon_deployments(backend: Backend, params: Params) -> Body:
    """DescribeDaemonDeployments: up to 20; unknown ARNs are MISSING failures."""
    refs = batch_refs(params, "daemonDeploymentArns", MAX_DESCRIBE)
    deployments = backend.daemons.deployments
    found, failures = _described(refs, lambda ref: deployments.get(ref), backend)
    return {"failures": failures, "daemonDeployments": found}


def _created_between(raw: dict[str, datetime] | None) -> tuple[float, float]:
    after = raw.get("after") if raw else None
    before = raw.get("before") if raw else None
    return (
        after.timestamp() if after is not None else float("-inf"),
        before.timestamp() if before is not None else float("inf"),
    )


@operation("ListDaemonDeployments")
def list_daemon_deployments(backend: Backend, params: Params) -> Body:
    """ListDaemonDeployments: a daemon's deployments, newest first, by status and time."""
    statuses = list(params.get("status") or ())
    for status in statuses:
        check_enum("status", status, DEPLOYMENT_STATUSES)
    low, high = _created_between(params.get("createdAt"))
    daemon_arn = params["daemonArn"]
    found = [
        (daemon, d)
        for daemon, d in backend.daemons.deployments.values()
        if daemon.arn == daemon_arn
        and (not statuses or str(d.status) in statuses)
        and low <= d.created_at.timestamp() <= high
    ]
    found.reverse()
    chunk, token = page(
        params, found, most=MAX_PAGE, default=DEPLOYMENTS_PAGE, scope="ListDaemonDeployments"
    )
    return with_token({"daemonDeployments": [deployment_summary(*p) for p in chunk]}, token)


@operation("DescribeDaemonRevisions")
def describe_daemon_revisions(backend: Backend, params: Params) -> Body:
    """DescribeDaemonRevisions: up to 20; unknown ARNs are MISSING failures."""
    refs = batch_refs(params, "daemonRevisionArns", MAX_DESCRIBE)
    revisions = backend.daemons.revisions
    found, failures = _described(refs, lambda ref: revisions.get(ref), None)
    return {"daemonRevisions": found, "failures": failures}


Known = tuple[Daemon, DaemonDeployment] | tuple[Daemon, DaemonRevision] | None


def _described(
    refs: list[str], lookup: Callable[[str], Known], backend: Backend | None
) -> tuple[list[Body], list[Body]]:
    """The views of what `refs` name (deployments with a backend), and MISSING failures."""
    found: list[Body] = []
    failures: list[Body] = []
    for ref in refs:
        known = lookup(ref)
        if known is None:
            failures.append({"arn": ref, "reason": "MISSING"})
        elif isinstance(known[1], DaemonDeployment):
            assert backend is not None
            found.append(deployment_view(backend, known[0], known[1]))
        else:
            found.append(revision_view(known[0], known[1]))
    return found, failures
