"""RunTask: validation in ECS's order, launch-type resolution and capacity-provider split.

Sources: RunTask docs (botocore model) and behaviour reference 6.1-6.3 and 10.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ecsmock.errors import (
    UNASSOCIATED_PROVIDER,
    InvalidParameterException,
    PlatformUnknownException,
)
from ecsmock.model.cluster import FARGATE_PROVIDERS, Cluster, StrategyItem
from ecsmock.model.task import Platform
from ecsmock.model.taskdef import TaskDefinition
from ecsmock.model.tasks import Placement

MAX_COUNT = 10
MAX_SUBNETS = 16
MAX_SECURITY_GROUPS = 5
STARTED_BY_RE = re.compile(r"[A-Za-z0-9_/-]{0,128}")
LAUNCH_TYPES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
FARGATE_PLATFORM_VERSIONS = ("LATEST", "1.4.0", "1.3.0")
CAPACITY_UNAVAILABLE = (
    "Capacity is unavailable at this time. Please try again later or in a different "
    "availability zone"
)
NO_INSTANCES = "No Container Instances were found in your cluster."
BOTH_LAUNCH_AND_STRATEGY = (
    "Specifying both a launch type and capacity provider strategy is not supported. Remove "
    "one and try again."
)
NETWORK_REQUIRED = "Network Configuration must be provided when networkMode 'awsvpc' is specified."


@dataclass(slots=True, kw_only=True)
class RunRequest:
    """What RunTask asks for, in model terms (after the API layer read the params)."""

    cluster: str | None
    task_definition: str
    count: int = 1
    launch_type: str | None = None
    strategy: list[StrategyItem] | None = None
    network: Network | None = None
    group: str | None = None
    started_by: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    tags: list[tuple[str, str]] = field(default_factory=list)
    propagate_tags: str | None = None
    enable_managed_tags: bool = False
    enable_execute_command: bool = False
    platform_version: str | None = None
    client_token: str | None = None
    fingerprint: str = ""


@dataclass(slots=True, kw_only=True)
class Network:
    """awsvpcConfiguration in model terms."""

    subnets: list[str]
    security_groups: list[str] = field(default_factory=list)
    assign_public_ip: str = "DISABLED"


def check_count(count: int) -> None:
    """1 to 10 tasks per call."""
    if count > MAX_COUNT:
        raise InvalidParameterException("Task count can not be greater than 10")
    if count < 1:
        raise InvalidParameterException("Task count must be greater than 0.")


def check_started_by(started_by: str | None) -> None:
    """Up to 128 letters, digits, hyphens, slashes and underscores."""
    if started_by is not None and not STARTED_BY_RE.fullmatch(started_by):
        raise InvalidParameterException(
            "startedBy may contain up to 128 letters (uppercase and lowercase), numbers, "
            "hyphens, forward slashes, and underscores."
        )


def check_network(td: TaskDefinition, network: Network | None) -> None:
    """An awsvpc definition needs a network configuration; other modes take none."""
    if td.awsvpc and network is None:
        raise InvalidParameterException(NETWORK_REQUIRED)
    if network is None:
        return
    if not td.awsvpc:
        raise InvalidParameterException(
            "Network Configuration is not valid for the given networkMode of this task definition."
        )
    if not network.subnets:
        raise InvalidParameterException("subnets can not be empty.")
    if len(network.subnets) > MAX_SUBNETS:
        raise InvalidParameterException(f"subnets can have at most {MAX_SUBNETS} items.")
    if len(network.security_groups) > MAX_SECURITY_GROUPS:
        raise InvalidParameterException(
            f"securityGroups can have at most {MAX_SECURITY_GROUPS} items."
        )
    if network.assign_public_ip not in ("ENABLED", "DISABLED"):
        raise InvalidParameterException(
            f"Invalid value '{network.assign_public_ip}' for assignPublicIp. Valid values: "
            "ENABLED, DISABLED."
        )


def resolve_launch(
    cluster: Cluster, launch_type: str | None, strategy: list[StrategyItem] | None
) -> tuple[str | None, list[StrategyItem]]:
    """Launch type or strategy: never both; neither means the cluster default, else EC2."""
    if launch_type is not None and strategy:
        raise InvalidParameterException(BOTH_LAUNCH_AND_STRATEGY)
    if launch_type is not None:
        if launch_type not in LAUNCH_TYPES:
            raise InvalidParameterException(
                f"Invalid value '{launch_type}' for launchType. Valid values: "
                f"{', '.join(LAUNCH_TYPES)}."
            )
        return launch_type, []
    chosen = strategy or cluster.default_strategy
    if not chosen:
        return "EC2", []
    for item in chosen:
        if item.capacity_provider not in cluster.capacity_providers:
            raise InvalidParameterException(UNASSOCIATED_PROVIDER)
    if all(item.weight == 0 for item in chosen) and not any(i.base for i in chosen):
        raise InvalidParameterException(
            "The capacity provider strategy must have at least one capacity provider with a "
            "weight greater than 0."
        )
    return None, list(chosen)


def check_compatible(td: TaskDefinition, launch_type: str) -> None:
    """The definition must be compatible with the launch type."""
    if launch_type not in td.compatibilities:
        raise InvalidParameterException(
            f"Task definition does not support launch_type {launch_type}."
        )


def check_platform_version(launch_type: str, version: str | None) -> str | None:
    """The Fargate platform version a task reports ("LATEST" is 1.4.0)."""
    if launch_type != "FARGATE":
        if version is not None:
            raise InvalidParameterException(
                "The platform version must be null when specifying an EC2 launch type."
            )
        return None
    if version is None or version == "LATEST":
        return "1.4.0"
    if version not in FARGATE_PLATFORM_VERSIONS:
        raise PlatformUnknownException("The specified platform version does not exist.")
    return version


def split(strategy: list[StrategyItem], count: int, already: dict[str, int]) -> list[str]:
    """Which provider each of `count` new tasks goes to.

    Fill the base provider up to its base, then give each task to the provider furthest
    below its weight share (ties: strategy order). `already` counts tasks placed before.
    """
    placed = dict(already)
    out: list[str] = []
    total_weight = sum(i.weight for i in strategy)
    for _ in range(count):
        target = next(
            (i for i in strategy if i.base and placed.get(i.capacity_provider, 0) < i.base),
            None,
        )
        if target is None and total_weight:
            done = sum(placed.get(i.capacity_provider, 0) for i in strategy) + 1
            target = min(
                (i for i in strategy if i.weight),
                key=lambda i: placed.get(i.capacity_provider, 0) - done * i.weight / total_weight,
            )
        if target is None:
            target = strategy[0]
        placed[target.capacity_provider] = placed.get(target.capacity_provider, 0) + 1
        out.append(target.capacity_provider)
    return out


def fargate_placements(
    td: TaskDefinition,
    providers: list[str | None],
    network: Network | None,
) -> list[Placement]:
    """One Placement per task on Fargate, subnets taken round-robin."""
    subnets = network.subnets if network is not None else []
    out = []
    for i, provider in enumerate(providers):
        subnet = subnets[i % len(subnets)] if subnets else None
        out.append(
            Placement(
                platform=Platform.FARGATE,
                launch_type="FARGATE",
                capacity_provider=provider,
                subnet=subnet,
            )
        )
    return out


def is_fargate_provider(name: str) -> bool:
    """FARGATE and FARGATE_SPOT are the built-in Fargate providers."""
    return name in FARGATE_PROVIDERS
