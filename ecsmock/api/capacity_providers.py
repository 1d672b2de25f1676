"""Capacity-provider operations: Create/Update/Delete/DescribeCapacityProviders.

Auto Scaling group providers (`autoScalingGroupProvider`) and Amazon ECS Managed Instances
providers (`managedInstancesProvider`, cluster-scoped; `ecsmock.api._managed`).
"""

from __future__ import annotations

from typing import Any

from ecsmock.api._managed import managed_in, managed_view, merged
from ecsmock.api._params import check_include, check_max_items, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in, tags_view
from ecsmock.errors import ClientException, InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.capacity.managed import BOTH_KINDS
from ecsmock.model.capacity.provider import (
    NO_ASG,
    AsgSettings,
    AsgUpdate,
    CapacityProvider,
    ManagedScaling,
    ScalingUpdate,
)

PROVIDER_FIELDS = ("TAGS",)
MAX_DESCRIBE = 100
MAX_PAGE = 10
# [U] ecsmock's wording: the `cluster` member is for Managed Instances providers only
# (CreateCapacityProvider docs; terraform-provider-aws refuses it with an Auto Scaling group).
CLUSTER_SCOPED_ONLY = (
    "The cluster parameter can only be specified for Amazon ECS Managed Instances capacity "
    "providers."
)
SCALING_FIELDS = (
    ("status", "status"),
    ("targetCapacity", "target_capacity"),
    ("minimumScalingStepSize", "minimum_scaling_step_size"),
    ("maximumScalingStepSize", "maximum_scaling_step_size"),
    ("instanceWarmupPeriod", "instance_warmup_period"),
)


def provider_view(provider: CapacityProvider, *, with_tags: bool) -> Body:
    """The CapacityProvider object (`tags` always present, empty unless asked for [O])."""
    out: Body = {"capacityProviderArn": provider.arn, "name": provider.name}
    if provider.cluster_name is not None:
        out["cluster"] = provider.cluster_name
    out["status"] = str(provider.status)
    if provider.asg is not None:
        out["autoScalingGroupProvider"] = _asg_view(provider.asg)
    if provider.managed is not None:
        out["managedInstancesProvider"] = managed_view(provider.managed)
    if provider.update_status is not None:
        out["updateStatus"] = str(provider.update_status)
    if provider.update_status_reason is not None:
        out["updateStatusReason"] = provider.update_status_reason
    out["tags"] = tags_view(provider.tags) if with_tags else []
    out["type"] = str(provider.type)
    return out


def _asg_view(settings: AsgSettings) -> Body:
    scaling = settings.managed_scaling
    return {
        "autoScalingGroupArn": settings.auto_scaling_group_arn,
        "managedScaling": {wire: getattr(scaling, attr) for wire, attr in SCALING_FIELDS},
        "managedTerminationProtection": settings.managed_termination_protection,
        "managedDraining": settings.managed_draining,
    }


def _answer(provider: CapacityProvider) -> Body:
    """`{"capacityProvider": ...}` as Create/Update/Delete answer it (tags echoed [I])."""
    return {"capacityProvider": provider_view(provider, with_tags=True)}


def _scaling_in(raw: dict[str, Any] | None) -> dict[str, Any]:
    """The managedScaling members given, by model field name."""
    return {attr: (raw or {})[wire] for wire, attr in SCALING_FIELDS if wire in (raw or {})}


def _asg_in(raw: dict[str, Any]) -> AsgSettings:
    """A CreateCapacityProvider `autoScalingGroupProvider`, defaults filled in."""
    optional = {
        attr: raw[wire]
        for wire, attr in (
            ("managedTerminationProtection", "managed_termination_protection"),
            ("managedDraining", "managed_draining"),
        )
        if wire in raw
    }
    return AsgSettings(
        auto_scaling_group_arn=raw["autoScalingGroupArn"],
        managed_scaling=ManagedScaling(**_scaling_in(raw.get("managedScaling"))),
        **optional,
    )


def _update_in(raw: dict[str, Any]) -> AsgUpdate:
    """An UpdateCapacityProvider `autoScalingGroupProvider` (what is left out stays)."""
    return AsgUpdate(
        managed_scaling=ScalingUpdate(**_scaling_in(raw.get("managedScaling"))),
        managed_termination_protection=raw.get("managedTerminationProtection"),
        managed_draining=raw.get("managedDraining"),
    )


def _one_kind(params: Params) -> dict[str, Any] | None:
    """The managedInstancesProvider given, if any; never with an autoScalingGroupProvider.

    Raises:
        ClientException: both were given [U].
    """
    raw = params.get("managedInstancesProvider")
    if raw is not None and params.get("autoScalingGroupProvider") is not None:
        raise ClientException(BOTH_KINDS)
    return raw


@operation("CreateCapacityProvider")
def create_capacity_provider(backend: Backend, params: Params) -> Body:
    """CreateCapacityProvider: an Auto Scaling group or a Managed Instances provider."""
    managed = _one_kind(params)
    if managed is not None:
        made = backend.capacity_providers.managed.create(
            params["name"], params.get("cluster"), managed_in(managed), tags_in(params.get("tags"))
        )
        return _answer(made)
    if params.get("cluster") is not None:
        # [M] CreateCapacityProvider `cluster` is for Managed Instances providers only; text [U]
        raise InvalidParameterException(CLUSTER_SCOPED_ONLY)
    raw = params.get("autoScalingGroupProvider")
    provider = backend.capacity_providers.create(
        params["name"],
        None if raw is None else _asg_in(raw),
        tags_in(params.get("tags")),
    )
    return _answer(provider)


@operation("UpdateCapacityProvider")
def update_capacity_provider(backend: Backend, params: Params) -> Body:
    """UpdateCapacityProvider: an Auto Scaling group or Managed Instances provider's settings."""
    managed = _one_kind(params)
    ops = backend.capacity_providers
    if managed is not None:
        found = ops.find(params["name"])
        shown = found.managed.shown if found is not None and found.managed is not None else {}
        settings = managed_in(merged(shown, managed))
        return _answer(ops.update_managed(params["name"], params.get("cluster"), settings))
    if params.get("cluster") is not None:
        backend.cluster(params["cluster"])  # must exist; Auto Scaling group ones ignore it
    raw = params.get("autoScalingGroupProvider")
    if raw is None:
        # [M] an Auto Scaling group provider is updated through autoScalingGroupProvider; text [U]
        raise ClientException(NO_ASG)
    return _answer(backend.capacity_providers.update(params["name"], _update_in(raw)))


@operation("DeleteCapacityProvider")
def delete_capacity_provider(backend: Backend, params: Params) -> Body:
    """DeleteCapacityProvider: INACTIVE after a while; DELETE_FAILED while in a cluster."""
    cluster = params.get("cluster")
    if cluster is not None:
        backend.cluster(cluster)  # must exist; Auto Scaling group ones ignore it
    return _answer(backend.capacity_providers.delete(params["capacityProvider"], cluster))


@operation("DescribeCapacityProviders")
def describe_capacity_providers(backend: Backend, params: Params) -> Body:
    """DescribeCapacityProviders: FARGATE, FARGATE_SPOT and the account's own, or those named."""
    refs: list[str] = params.get("capacityProviders") or []
    check_max_items("capacityProviders", refs, MAX_DESCRIBE)
    with_tags = "TAGS" in check_include(params, PROVIDER_FIELDS)
    ops = backend.capacity_providers
    # `cluster` keeps only the providers associated with that cluster (its docs) [I].
    scope = None
    if params.get("cluster") is not None:
        cluster = backend.cluster(params["cluster"])
        scope = set(cluster.capacity_providers)
        # Its Managed Instances providers belong to it whatever their status [I].
        scope |= {p.name for p in ops.by_name.values() if p.cluster_name == cluster.name}
    failures: list[dict[str, str]] = []
    token = None
    if refs:
        # Named providers come in request order, all of them (no pages) [I].
        found: list[CapacityProvider] = []
        for ref in refs:
            provider = ops.find(ref)
            if provider is None or (scope is not None and provider.name not in scope):
                failures.append({"arn": _missing_arn(backend, ref), "reason": "MISSING"})
            else:
                found.append(provider)
    else:
        listed = [p for p in ops.listed() if scope is None or p.name in scope]
        found, token = page(
            params, listed, most=MAX_PAGE, default=MAX_PAGE, scope="DescribeCapacityProviders"
        )
    views = [provider_view(p, with_tags=with_tags) for p in found]
    return with_token({"capacityProviders": views, "failures": failures}, token)


def _missing_arn(backend: Backend, ref: str) -> str:
    return ref if ref.startswith("arn:") else backend.arn(f"capacity-provider/{ref}")
