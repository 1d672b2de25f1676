"""Service deployments and revisions (the 2024 APIs): describe, list, stop."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ecsmock.api._params import check_enum, check_max_items, describe, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api.express_views import managed_resources
from ecsmock.api.service_views import brief_view, revision_view, service_deployment_view
from ecsmock.errors import (
    ConflictException,
    InvalidParameterException,
    ServiceDeploymentNotFoundException,
)
from ecsmock.model.backend import Backend
from ecsmock.model.services.service import Deployment, Revision, Service

MAX_DESCRIBE = 20
DEPLOYMENT_STATUSES = (
    "PENDING",
    "SUCCESSFUL",
    "STOPPED",
    "STOP_REQUESTED",
    "IN_PROGRESS",
    "ROLLBACK_REQUESTED",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_SUCCESSFUL",
    "ROLLBACK_FAILED",
)
STOPPABLE = ("PENDING", "IN_PROGRESS")


def _deployments(service: Service) -> list[Deployment]:
    """Every listed ServiceDeployment of a service, oldest first."""
    every = [*service.finished, *reversed(service.deployments)]
    every.sort(key=lambda d: d.created_at)
    return [d for d in every if d.listed]


def _find_deployment(backend: Backend, arn: str) -> tuple[Service, Deployment] | None:
    for service in backend.services.store.by_key.values():
        for deployment in _deployments(service):
            if deployment.arn == arn:
                return service, deployment
    return None


def _find_revision(backend: Backend, arn: str) -> tuple[Service, Revision] | None:
    for service in backend.services.store.by_key.values():
        for deployment in [*service.finished, *service.deployments]:
            if deployment.revision.arn == arn:
                return service, deployment.revision
    return None


def _batch(params: Params, name: str) -> list[str]:
    refs: list[str] = params[name]
    if not refs:
        # [M] 1-20 ARNs; wording of the observed `Tasks cannot be empty.` [O]
        raise InvalidParameterException(f"{name} cannot be empty.")
    check_max_items(name, refs, MAX_DESCRIBE)
    return refs


@operation("DescribeServiceDeployments")
def describe_service_deployments(backend: Backend, params: Params) -> Body:
    """DescribeServiceDeployments: up to 20 ARNs; unknown ones are MISSING failures."""
    found, failures = describe(
        _batch(params, "serviceDeploymentArns"),
        lambda arn: _find_deployment(backend, arn),
        lambda hit: service_deployment_view(hit[1], hit[0]),
        lambda arn: arn,  # ARNs only: a ref is named as given
    )
    return {"serviceDeployments": found, "failures": failures}


@operation("DescribeServiceRevisions")
def describe_service_revisions(backend: Backend, params: Params) -> Body:
    """DescribeServiceRevisions: up to 20 ARNs; unknown ones are MISSING failures."""
    found, failures = [], []
    seen: set[str] = set()
    for arn in _batch(params, "serviceRevisionArns"):
        hit = _find_revision(backend, arn)
        if hit is None:
            failures.append({"arn": arn, "reason": "MISSING"})
        elif arn not in seen:
            seen.add(arn)
            view = revision_view(hit[1], hit[0])
            managed = managed_resources(backend, hit[0], hit[1])
            if managed is not None:
                view["ecsManagedResources"] = managed
            found.append(view)
    return {"serviceRevisions": found, "failures": failures}


def _in_range(moment: datetime, window: dict[str, Any]) -> bool:
    before, after = window.get("before"), window.get("after")
    stamp = moment.timestamp()
    if after is not None and stamp < _epoch(after):
        return False
    return before is None or stamp <= _epoch(before)


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    return float(value)


@operation("ListServiceDeployments")
def list_service_deployments(backend: Backend, params: Params) -> Body:
    """ListServiceDeployments: newest first, filtered by status and creation time."""
    service = backend.services.get(params.get("cluster"), params["service"])
    statuses = params.get("status") or []
    for status in statuses:
        check_enum("status", status, DEPLOYMENT_STATUSES)
    window = params.get("createdAt") or {}
    found = [
        brief_view(d, service)
        for d in reversed(_deployments(service))
        if (not statuses or d.deployment_status in statuses) and _in_range(d.created_at, window)
    ]
    chunk, token = page(params, found, default=20, scope="ListServiceDeployments")
    return with_token({"serviceDeployments": chunk}, token)


@operation("StopServiceDeployment")
def stop_service_deployment(backend: Backend, params: Params) -> Body:
    """StopServiceDeployment: ROLLBACK (default) or ABORT an ongoing deployment."""
    stop_type = params.get("stopType", "ROLLBACK")
    check_enum("stopType", stop_type, ("ABORT", "ROLLBACK"))
    service, deployment = _deployment_of(backend, params["serviceDeploymentArn"])
    if deployment.deployment_status not in STOPPABLE or deployment is not service.primary:
        # [U] ECS's text for a deployment that is not in progress.
        raise ConflictException("The service deployment is not in a state that can be stopped.")
    backend.services.stop_deployment(service, deployment, rollback=stop_type == "ROLLBACK")
    return {"serviceDeploymentArn": deployment.arn}


def _deployment_of(backend: Backend, arn: str) -> tuple[Service, Deployment]:
    hit = _find_deployment(backend, arn)
    if hit is None:
        # [M]: "The service deploy ARN that you specified ... doesn't exist."; text [U].
        raise ServiceDeploymentNotFoundException("The service deployment does not exist.")
    return hit


@operation("ContinueServiceDeployment")
def continue_service_deployment(backend: Backend, params: Params) -> Body:
    """ContinueServiceDeployment: CONTINUE (default) or ROLLBACK a paused lifecycle hook."""
    action = params.get("action", "CONTINUE")  # "the default action is CONTINUE" [M]
    check_enum("action", action, ("ROLLBACK", "CONTINUE"))
    service, deployment = _deployment_of(backend, params["serviceDeploymentArn"])
    backend.services.staged.hooks.continue_hook(service, deployment, params["hookId"], action)
    return {"serviceDeploymentArn": deployment.arn}
