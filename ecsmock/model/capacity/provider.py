"""Capacity providers: data, statuses and the rules of their settings.

Behaviour reference 10. The built-ins FARGATE and FARGATE_SPOT exist in every account and
region, are ACTIVE, have no `autoScalingGroupProvider` and can only be associated with
clusters. Auto Scaling group (EC2_AUTOSCALING) providers are made by the user; their
operations and lifecycle are in `capacity.provider_ops`. Managed Instances providers
(`capacity.managed`) belong to one cluster; `capacity.managed_provider` has their lifecycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from enum import StrEnum
from typing import Any

from ecsmock.clock import Scheduled
from ecsmock.errors import ClientException
from ecsmock.model import tags
from ecsmock.model.capacity.managed import ManagedSettings

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
RESERVED_PREFIXES = ("aws", "ecs", "fargate")
MAX_ASG_REF = 1600  # the ResourceName pattern of the Auto Scaling API [I]
ASG_ARN_RE = re.compile(
    r"arn:aws:autoscaling:(?P<region>[^:]+):(?P<account>\d{12}):autoScalingGroup:"
    r"[^:]+:autoScalingGroupName/(?P<name>.+)"
)
ON_OFF = ("ENABLED", "DISABLED")
# Managed scaling limits (ManagedScaling shapes [M]); botocore checks only the minimums.
TARGET_CAPACITY = (1, 100)
STEP_SIZE = (1, 10_000)
WARMUP = (0, 10_000)
# [S] The update and delete durations are `TimingProfile.provider_update` / `provider_delete`
# (terraform-provider-aws's sweeper log, #13740, deletes one provider about every 16 s,
# waiter polls included; updates are taken to be quicker).
# [S] How long an INACTIVE provider stays describable (as long as a deleted cluster).
INACTIVE_PROVIDER_TTL = timedelta(hours=1)

# Observed texts (ClientException unless said otherwise):
# - aws/aws-cdk#29151, aws/aws-cdk#36584 (the exception code was not shown [U]).
BAD_NAME = (
    "The specified capacity provider name is invalid. Up to 255 characters are allowed, "
    "including letters (upper and lowercase), numbers, underscores, and hyphens. The name "
    'cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.'
)
# - aws/containers-roadmap#688, hashicorp/terraform-provider-aws#11358.
ALREADY_EXISTS = (
    "The specified capacity provider already exists. To change the configuration of an "
    "existing capacity provider, update the capacity provider."
)
# - aws/containers-roadmap#632.
ASG_IN_USE = (
    "The specified Auto Scaling group ARN is already being used by another capacity "
    "provider. Specify a unique Auto Scaling group ARN and try again."
)
# - quoted in terraform-provider-aws's capacity_provider.go (DeleteCapacityProvider).
NOT_FOUND = (
    "The specified capacity provider does not exist. Specify a valid name or ARN and try again."
)
# - the updateStatusReason of DELETE_FAILED (hashicorp/terraform-provider-aws#48156).
ASSOCIATED = (
    "The capacity provider cannot be deleted because it is associated with cluster: {cluster}. "
    "Remove the capacity provider from the cluster and try again."
)
# - PutClusterCapacityProviders, InvalidParameterException (terraform-provider-aws#45693).
NOT_ACTIVE = (
    "The specified capacity provider '{name}' is not in an ACTIVE state. Specify a valid "
    "capacity provider and try again."
)
# [U] ecsmock's wording where ECS's text was not captured.
RESERVED = "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be {verb}."
NO_ASG = "An autoScalingGroupProvider must be specified for the capacity provider."
BAD_ASG = (
    "The specified Auto Scaling group '{ref}' is not valid. Specify the name or the ARN of an "
    "Auto Scaling group in this account and Region."
)
BEING_UPDATED = (
    "The capacity provider '{name}' is being updated. Wait for the update to complete and "
    "try again."
)
DELETE_UNDER_WAY = "The capacity provider '{name}' is being deleted."
BEING_DELETED = (
    "The specified capacity provider '{name}' is being deleted. Specify a valid capacity "
    "provider and try again."
)
IN_OTHER_CLUSTER = (
    "The specified capacity provider '{name}' is already associated with cluster {cluster}. "
    "A capacity provider using an Auto Scaling group can be associated with one cluster only."
)
OUT_OF_RANGE = "The {what} must be between {low} and {high}."
STEP_ORDER = (
    "The minimum scaling step size must be less than or equal to the maximum scaling step size."
)
BAD_ENUM = "Invalid value '{value}' for {what}. Valid values: ENABLED, DISABLED."


class ProviderStatus(StrEnum):
    """`CapacityProvider.status` (botocore model)."""

    PROVISIONING = "PROVISIONING"
    ACTIVE = "ACTIVE"
    DEPROVISIONING = "DEPROVISIONING"
    INACTIVE = "INACTIVE"


class UpdateStatus(StrEnum):
    """`CapacityProvider.updateStatus` (botocore model)."""

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_COMPLETE = "CREATE_COMPLETE"
    CREATE_FAILED = "CREATE_FAILED"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETE_COMPLETE = "DELETE_COMPLETE"
    DELETE_FAILED = "DELETE_FAILED"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    UPDATE_COMPLETE = "UPDATE_COMPLETE"
    UPDATE_FAILED = "UPDATE_FAILED"


class ProviderType(StrEnum):
    """`CapacityProvider.type` (botocore model)."""

    EC2_AUTOSCALING = "EC2_AUTOSCALING"
    MANAGED_INSTANCES = "MANAGED_INSTANCES"
    FARGATE = "FARGATE"
    FARGATE_SPOT = "FARGATE_SPOT"


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagedScaling:
    """Managed scaling settings, with ECS's defaults (create-capacity-provider example [O]).

    `status` defaults to DISABLED [U].
    """

    status: str = "DISABLED"
    target_capacity: int = 100
    minimum_scaling_step_size: int = 1
    maximum_scaling_step_size: int = 10_000
    instance_warmup_period: int = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class AsgSettings:
    """An `autoScalingGroupProvider`: the group (ARN or name, as given) and how it is managed.

    managedTerminationProtection is off by default (AutoScalingGroupProvider docs [M]);
    managedDraining is on by default (Developer Guide, "managed instance draining" [D]).
    """

    auto_scaling_group_arn: str
    managed_scaling: ManagedScaling = field(default_factory=ManagedScaling)
    managed_termination_protection: str = "DISABLED"
    managed_draining: str = "ENABLED"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScalingUpdate:
    """A `managedScaling` of UpdateCapacityProvider: None keeps the current value [I]."""

    status: str | None = None
    target_capacity: int | None = None
    minimum_scaling_step_size: int | None = None
    maximum_scaling_step_size: int | None = None
    instance_warmup_period: int | None = None

    def applied_to(self, current: ManagedScaling) -> ManagedScaling:
        """`current` with the values this update gives."""
        changes: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }
        return replace(current, **changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class AsgUpdate:
    """An `AutoScalingGroupProviderUpdate`; fields left out keep their values [I]."""

    managed_scaling: ScalingUpdate = field(default_factory=ScalingUpdate)
    managed_termination_protection: str | None = None
    managed_draining: str | None = None

    def applied_to(self, current: AsgSettings) -> AsgSettings:
        """`current` with this update's values."""
        return replace(
            current,
            managed_scaling=self.managed_scaling.applied_to(current.managed_scaling),
            managed_termination_protection=_given(
                self.managed_termination_protection, current.managed_termination_protection
            ),
            managed_draining=_given(self.managed_draining, current.managed_draining),
        )


def _given(new: str | None, current: str) -> str:
    return current if new is None else new


@dataclass(slots=True, kw_only=True)
class CapacityProvider:
    """A capacity provider of one account and region: built-in, ASG or Managed Instances."""

    name: str
    arn: str
    type: ProviderType
    status: ProviderStatus = ProviderStatus.ACTIVE
    update_status: UpdateStatus | None = None
    update_status_reason: str | None = None
    asg: AsgSettings | None = None
    # A Managed Instances provider's settings and the cluster it belongs to.
    managed: ManagedSettings | None = None
    cluster_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # The settings an update in progress will apply, and the timer of that update, of a
    # creation or of a deletion in progress; the purge of an INACTIVE provider.
    pending: AsgSettings | ManagedSettings | None = None
    timer: Scheduled | None = None
    purge: Scheduled | None = None

    @property
    def builtin(self) -> bool:
        """Whether this is FARGATE or FARGATE_SPOT."""
        return self.type in (ProviderType.FARGATE, ProviderType.FARGATE_SPOT)

    @property
    def busy(self) -> bool:
        """Whether a creation, an update or a deletion is in progress."""
        return self.update_status in (
            UpdateStatus.CREATE_IN_PROGRESS,
            UpdateStatus.UPDATE_IN_PROGRESS,
            UpdateStatus.DELETE_IN_PROGRESS,
        )


def check_name(name: str) -> None:
    """1-255 letters, digits, `_` and `-`, not beginning with aws, ecs or fargate (any case).

    Raises:
        ClientException: the name breaks the rule (CreateCapacityProvider `name` docs [M]).
    """
    if not NAME_RE.fullmatch(name) or name.lower().startswith(RESERVED_PREFIXES):
        raise ClientException(BAD_NAME)


def asg_key(ref: str) -> str:
    """The Auto Scaling group name an ARN or a name refers to (what must be unique)."""
    match = ASG_ARN_RE.fullmatch(ref)
    return match["name"] if match else ref


def check_asg(settings: AsgSettings, region: str, account: str) -> None:
    """The group reference and the managed settings of an Auto Scaling group provider.

    The group may be given by ARN or by name (AutoScalingGroupProvider docs [M]; accepted
    since 2020, aws/containers-roadmap#631). Groups themselves are not modelled.

    Raises:
        ClientException: a malformed ARN or one of another account or region, an empty or
            overlong name, or a managed setting out of range or not ENABLED/DISABLED [U].
    """
    ref = settings.auto_scaling_group_arn
    match = ASG_ARN_RE.fullmatch(ref)
    if ref.startswith("arn:"):
        valid = match is not None and (match["region"], match["account"]) == (region, account)
    else:
        valid = 0 < len(ref) <= MAX_ASG_REF
    if not valid:
        raise ClientException(BAD_ASG.format(ref=ref[:256]))
    check_managed(settings)


def check_managed(settings: AsgSettings) -> None:
    """Managed scaling, termination protection and draining values.

    Raises:
        ClientException: a value out of its model range or not ENABLED/DISABLED [U].
    """
    _enum("managedTerminationProtection", settings.managed_termination_protection)
    _enum("managedDraining", settings.managed_draining)
    scaling = settings.managed_scaling
    _enum("managedScaling.status", scaling.status)
    _range("targetCapacity", scaling.target_capacity, TARGET_CAPACITY)
    _range("minimumScalingStepSize", scaling.minimum_scaling_step_size, STEP_SIZE)
    _range("maximumScalingStepSize", scaling.maximum_scaling_step_size, STEP_SIZE)
    _range("instanceWarmupPeriod", scaling.instance_warmup_period, WARMUP)
    if scaling.minimum_scaling_step_size > scaling.maximum_scaling_step_size:
        raise ClientException(STEP_ORDER)


def _enum(what: str, value: str) -> None:
    if value not in ON_OFF:
        # [M] the enum of the AutoScalingGroupProvider member; text [U]
        raise ClientException(BAD_ENUM.format(value=value, what=what))


def _range(what: str, value: int, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if not low <= value <= high:
        # [M] the member's documented range; text [U]
        raise ClientException(OUT_OF_RANGE.format(what=what, low=low, high=high))


def problems(name: str, provider: CapacityProvider) -> list[str]:
    """Invariant violations of one stored Auto Scaling group provider (empty when all hold)."""
    out: list[str] = []
    if provider.name != name or provider.builtin:
        out.append("stored under another name, or a built-in")
    inactive = provider.status is ProviderStatus.INACTIVE
    if inactive != (provider.update_status is UpdateStatus.DELETE_COMPLETE):
        out.append(f"status {provider.status} with updateStatus {provider.update_status}")
    if inactive and provider.purge is None:
        out.append("INACTIVE with no purge scheduled")
    if provider.busy != (provider.timer is not None):
        out.append(f"{provider.update_status} without its timer (or a timer without it)")
    updating = provider.update_status is UpdateStatus.UPDATE_IN_PROGRESS
    if updating != (provider.pending is not None):
        out.append("pending settings outside an update")
    if tags.user_count(provider.tags) > tags.MAX_TAGS:
        out.append("more than 50 user tags")
    return out
