"""Clusters: status, capacity-provider associations, settings and counters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ecsmock.clock import Scheduled
from ecsmock.errors import UNASSOCIATED_PROVIDER, InvalidParameterException

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
CONTAINER_INSIGHTS_VALUES = ("enhanced", "enabled", "disabled")
MAX_STRATEGY_ITEMS = 20
MAX_WEIGHT = 1000
MAX_BASE = 100_000


class ClusterStatus(StrEnum):
    """`Cluster.status` values (botocore model)."""

    ACTIVE = "ACTIVE"
    PROVISIONING = "PROVISIONING"
    DEPROVISIONING = "DEPROVISIONING"
    FAILED = "FAILED"
    INACTIVE = "INACTIVE"


@dataclass(slots=True, kw_only=True)
class StrategyItem:
    """One capacity-provider strategy item."""

    capacity_provider: str
    weight: int = 0
    base: int = 0


@dataclass(slots=True, kw_only=True)
class Cluster:
    """An ECS cluster in one account and region."""

    name: str
    arn: str
    status: ClusterStatus = ClusterStatus.ACTIVE
    tags: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    configuration: dict[str, Any] | None = None
    service_connect_namespace: str | None = None
    capacity_providers: list[str] = field(default_factory=list)
    default_strategy: list[StrategyItem] = field(default_factory=list)
    registered_instances_count: int = 0
    running_tasks_count: int = 0
    pending_tasks_count: int = 0
    active_services_count: int = 0
    # Per-launch-type counters for DescribeClusters include=STATISTICS, kept up to date by
    # the resources that change them (never recomputed by scanning).
    statistics: dict[str, int] = field(default_factory=dict)
    purge: Scheduled | None = None

    @property
    def active(self) -> bool:
        """Whether the cluster accepts new work (every status but INACTIVE and FAILED)."""
        return self.status not in (ClusterStatus.INACTIVE, ClusterStatus.FAILED)


STATISTIC_NAMES = (
    "runningEC2TasksCount",
    "runningFargateTasksCount",
    "pendingEC2TasksCount",
    "pendingFargateTasksCount",
    "activeEC2ServiceCount",
    "activeFargateServiceCount",
    "drainingEC2ServiceCount",
    "drainingFargateServiceCount",
)


def check_name(name: str) -> None:
    """Cluster names are 1-255 letters, digits, hyphens and underscores."""
    if not NAME_RE.fullmatch(name):
        raise InvalidParameterException(
            "Cluster name must be between 1 and 255 characters and contain only letters "
            "(uppercase and lowercase), numbers, underscores, and hyphens."
        )


def check_settings(settings: dict[str, str]) -> None:
    """The only cluster setting is containerInsights: enhanced, enabled or disabled."""
    for name, value in settings.items():
        if name != "containerInsights":
            raise InvalidParameterException(
                f"Invalid cluster setting name '{name}'. Valid names: containerInsights."
            )
        if value not in CONTAINER_INSIGHTS_VALUES:
            raise InvalidParameterException(
                f"Invalid value '{value}' for cluster setting containerInsights. "
                "Valid values: enhanced, enabled, disabled."
            )


def check_strategy(items: list[StrategyItem], associated: list[str]) -> None:
    """Validate a default capacity-provider strategy against the associated providers."""
    if len(items) > MAX_STRATEGY_ITEMS:
        raise InvalidParameterException(
            f"The capacity provider strategy cannot contain more than {MAX_STRATEGY_ITEMS} items."
        )
    seen: set[str] = set()
    for item in items:
        if not 0 <= item.weight <= MAX_WEIGHT:
            raise InvalidParameterException(
                f"The capacity provider strategy weight must be between 0 and {MAX_WEIGHT}."
            )
        if not 0 <= item.base <= MAX_BASE:
            raise InvalidParameterException(
                f"The capacity provider strategy base must be between 0 and {MAX_BASE}."
            )
        if item.capacity_provider in seen:
            raise InvalidParameterException(
                "The capacity provider strategy cannot contain duplicate capacity providers."
            )
        seen.add(item.capacity_provider)
        if item.capacity_provider not in associated:
            raise InvalidParameterException(UNASSOCIATED_PROVIDER)
    if sum(1 for item in items if item.base > 0) > 1:
        raise InvalidParameterException(
            "You can only specify a base value for one capacity provider in a capacity "
            "provider strategy."
        )
    if items and all(item.weight == 0 for item in items):
        raise InvalidParameterException(
            "The capacity provider strategy must have at least one capacity provider with a "
            "weight greater than 0."
        )
