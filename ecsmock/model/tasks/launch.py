"""RunTask: validation in ECS's order, launch-type resolution and capacity-provider split.

Sources: RunTask docs (botocore model) and behaviour reference 6.1-6.3 and 10.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecsmock.errors import (
    UNASSOCIATED_PROVIDER,
    InvalidParameterException,
    PlatformUnknownException,
)
from ecsmock.model.capacity import placement_rules
from ecsmock.model.capacity.placement_rules import Constraint, Strategy
from ecsmock.model.clusters import cluster as cl
from ecsmock.model.clusters.cluster import FARGATE_PROVIDERS, Cluster, StrategyItem
from ecsmock.model.tasks.definitions import TaskDefinition
from ecsmock.model.tasks.store import Placement
from ecsmock.model.tasks.task import Platform
from ecsmock.model.tasks.volumes import LaunchVolume

MAX_COUNT = 10
MAX_SUBNETS = 16
MAX_SECURITY_GROUPS = 5
MAX_STARTED_BY = 128
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
MAX_OVERRIDES = 8192
# Real text for constraints (GetSimpl/cloudlift#138, terraform-provider-aws#26337) [O];
# the strategies' by analogy [I].
FARGATE_CONSTRAINTS = "Placement constraints are not supported with FARGATE launch type."
FARGATE_STRATEGIES = "Placement strategies are not supported with FARGATE launch type."
# RunTask with enableExecuteCommand and no task role (boto/boto3#3173, real output).
EXEC_NEEDS_ROLE = (
    "The execute command failed because a valid task role is not being used. Specify a valid "
    "task role in your task definition or as a task override and try again."
)
PROPAGATE_SERVICE = (
    "The propagateTags parameter cannot be SERVICE for tasks that are not part of a service."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerOverride:
    """One `containerOverrides` item in model terms (the sizes it changes)."""

    name: str | None
    cpu: int | None = None
    memory: int | None = None
    memory_reservation: int | None = None
    empty: bool = False


def _nothing() -> None:
    return None


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
    # The request's `overrides` as given (AWS names are data here, echoed back on the
    # task), its JSON size, the container items in model terms, and the task-level sizes
    # and role it overrides.
    overrides: dict[str, Any] = field(default_factory=dict)
    overrides_size: int = 0
    container_overrides: list[ContainerOverride] = field(default_factory=list)
    task_cpu: str | None = None
    task_memory: str | None = None
    task_role: str | None = None
    # The API layer's checks of the overrides' own values, run in the overrides' turn.
    check_overrides: Callable[[], None] = _nothing
    tags: list[tuple[str, str]] = field(default_factory=list)
    propagate_tags: str | None = None
    enable_managed_tags: bool = False
    enable_execute_command: bool = False
    platform_version: str | None = None
    client_token: str | None = None
    # The request as JSON (clientToken and all), compared by `same_request` when the token
    # comes again.
    request: str | bytes = ""
    # placementStrategy / placementConstraints as given (EC2 only).
    placement_strategy: list[dict[str, Any]] | None = None
    placement_constraints: list[dict[str, Any]] | None = None
    # StartTask: the container instances named, one task on each.
    container_instances: list[str] | None = None
    # volumeConfigurations (`tasks.volumes`).
    volumes: list[LaunchVolume] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Network:
    """awsvpcConfiguration in model terms."""

    subnets: list[str]
    security_groups: list[str] = field(default_factory=list)
    assign_public_ip: str = "DISABLED"


def eni_settings(network: Network | None) -> tuple[tuple[str, ...], bool]:
    """What an awsvpc task's ENI takes from the request: security groups, a public IP."""
    if network is None:
        return (), False
    return tuple(network.security_groups), network.assign_public_ip == "ENABLED"


def same_request(first: str | bytes, second: str | bytes) -> bool:
    """Whether two RunTask requests (JSON) are the same values but for their clientToken."""
    if first == second:
        return True
    a, b = json.loads(first), json.loads(second)
    a.pop("clientToken", None)
    b.pop("clientToken", None)
    return bool(a == b)


def check_count(count: int) -> None:
    """1 to 10 tasks per call."""
    if count > MAX_COUNT:
        # [O] real text (behaviour reference 6.1)
        raise InvalidParameterException("Task count can not be greater than 10")
    if count < 1:
        # [M] count 1-10; text [U]
        raise InvalidParameterException("Task count must be greater than 0.")


def check_started_by(started_by: str | None) -> None:
    """At most 128 characters (RunTask `startedBy` docs).

    The docs also name a character set (letters, digits, hyphens, slashes, underscores),
    which ECS does not enforce: `ecs-deploy run` sends `startedBy="ECS Deploy"` and its
    tasks run [O]. So only the length is checked; the text is ecsmock's [U].
    """
    if started_by is not None and len(started_by) > MAX_STARTED_BY:
        raise InvalidParameterException(f"startedBy can have at most {MAX_STARTED_BY} characters.")


Sizes = tuple[int, int | None, int | None]


def check_overrides(td: TaskDefinition, req: RunRequest) -> dict[str, Sizes]:
    """Overrides: at most 8192 characters of JSON; every item names a container of `td`.

    Returns the container sizes (cpu, memory, memoryReservation) the overrides change.
    """
    req.check_overrides()
    if req.overrides_size > MAX_OVERRIDES:
        # [M] overrides: up to 8192 characters; text [U]
        raise InvalidParameterException(
            f"Container Overrides length must be at most {MAX_OVERRIDES}"
        )
    specs = {c.name: c for c in td.containers}
    sizes: dict[str, Sizes] = {}
    for item in req.container_overrides:
        if item.name is None:
            if item.empty:
                continue
            # [M] the container name is required with an override; text [U]
            raise InvalidParameterException("Container override name must be specified.")
        spec = specs.get(item.name)
        if spec is None:
            # [M] an override names a container of the definition; text [U]
            raise InvalidParameterException(
                f"Override for container named {item.name} is not a container in the "
                "TaskDefinition."
            )
        sizes[item.name] = (
            spec.cpu if item.cpu is None else item.cpu,
            spec.memory if item.memory is None else item.memory,
            spec.memory_reservation if item.memory_reservation is None else item.memory_reservation,
        )
    return sizes


def check_request_tags(td: TaskDefinition, req: RunRequest) -> None:
    """Tag propagation from a service only for service tasks; ECS Exec needs a task role."""
    if req.propagate_tags == "SERVICE":
        # [M] propagateTags SERVICE is for service tasks; text [U]
        raise InvalidParameterException(PROPAGATE_SERVICE)
    if req.enable_execute_command and not (td.task_role or req.task_role):
        # [O] real text (boto/boto3#3173)
        raise InvalidParameterException(EXEC_NEEDS_ROLE)


def check_network(td: TaskDefinition, network: Network | None) -> None:
    """An awsvpc definition needs a network configuration; other modes take none."""
    if td.awsvpc and network is None:
        # [O] real text (behaviour reference 6.1)
        raise InvalidParameterException(NETWORK_REQUIRED)
    if network is None:
        return
    if not td.awsvpc:
        # [M] not supported for other network modes; text [U]
        raise InvalidParameterException(
            "Network Configuration is not valid for the given networkMode of this task definition."
        )
    check_awsvpc(network)


def check_awsvpc(network: Network) -> None:
    """An awsvpcConfiguration's subnets, security groups and public IP setting."""
    if not network.subnets:
        # [M] at least one subnet; text [U]
        raise InvalidParameterException("subnets can not be empty.")
    if len(network.subnets) > MAX_SUBNETS:
        # [M] up to 16 subnets; text [U]
        raise InvalidParameterException(f"subnets can have at most {MAX_SUBNETS} items.")
    if len(network.security_groups) > MAX_SECURITY_GROUPS:
        # [M] up to 5 security groups; text [U]
        raise InvalidParameterException(
            f"securityGroups can have at most {MAX_SECURITY_GROUPS} items."
        )
    if network.assign_public_ip not in ("ENABLED", "DISABLED"):
        # [M] the AssignPublicIp enum; text [U]
        raise InvalidParameterException(
            f"Invalid value '{network.assign_public_ip}' for assignPublicIp. Valid values: "
            "ENABLED, DISABLED."
        )


def resolve_launch(
    cluster: Cluster, launch_type: str | None, strategy: list[StrategyItem] | None
) -> tuple[str | None, list[StrategyItem]]:
    """Launch type or strategy: never both; neither means the cluster default, else EC2."""
    if launch_type is not None and strategy:
        # [O] real text (behaviour reference 6.1)
        raise InvalidParameterException(BOTH_LAUNCH_AND_STRATEGY)
    if launch_type is not None:
        if launch_type not in LAUNCH_TYPES:
            # [M] the LaunchType enum; text [U]
            raise InvalidParameterException(
                f"Invalid value '{launch_type}' for launchType. Valid values: "
                f"{', '.join(LAUNCH_TYPES)}."
            )
        return launch_type, []
    if strategy:
        # A request's own strategy follows the cluster-strategy rules (weights, bases,
        # providers associated with the cluster).
        cl.check_strategy(strategy, cluster.capacity_providers)
        cl.check_usable(strategy, default=False)
        return None, list(strategy)
    if not cluster.default_strategy:
        return "EC2", []
    for item in cluster.default_strategy:
        if item.capacity_provider not in cluster.capacity_providers:
            # [M] strategy providers must be associated; text [U]
            raise InvalidParameterException(UNASSOCIATED_PROVIDER)
    cl.check_usable(cluster.default_strategy, default=True)
    return None, list(cluster.default_strategy)


def check_compatible(td: TaskDefinition, launch_type: str) -> None:
    """The definition must be compatible with the launch type."""
    if launch_type not in td.compatibilities:
        # [O] real text (behaviour reference 6.1)
        raise InvalidParameterException(
            f"Task definition does not support launch_type {launch_type}."
        )


def check_platform_version(launch_type: str, version: str | None) -> str | None:
    """The Fargate platform version a task reports ("LATEST" is 1.4.0)."""
    if launch_type != "FARGATE":
        if version is not None:
            # [M] platformVersion is for Fargate; text [U]
            raise InvalidParameterException(
                "The platform version must be null when specifying an EC2 launch type."
            )
        return None
    if version is None or version == "LATEST":
        return "1.4.0"
    if version not in FARGATE_PLATFORM_VERSIONS:
        # [M] PlatformUnknownException; text from its doc [U]
        raise PlatformUnknownException("The specified platform version does not exist.")
    return version


def check_placement(
    td: TaskDefinition,
    strategy: list[dict[str, Any]] | None,
    constraints: list[dict[str, Any]] | None,
    on: str,
) -> tuple[list[Strategy], list[Constraint]]:
    """Placement strategies and constraints (RunTask, CreateService, UpdateService).

    At most 5 strategies and 10 constraints counting the definition's; none for a launch
    `on` Fargate, which places by subnet only ("Amazon ECS task placement": not supported
    for tasks hosted on Fargate) [D], with ECS's text for constraints [O].

    Returns:
        The strategies, and the constraints with the definition's after them.
    """
    if not strategy and not constraints and not td.definition.get("placementConstraints"):
        return [], []  # the usual RunTask: nothing given, nothing to check
    strategies = placement_rules.strategies_in(strategy)
    own = placement_rules.constraints_in(constraints)
    if own and on == "FARGATE":
        raise InvalidParameterException(FARGATE_CONSTRAINTS)
    if strategies and on == "FARGATE":
        raise InvalidParameterException(FARGATE_STRATEGIES)
    definition = placement_rules.definition_constraints(td)
    placement_rules.check_constraint_total(own, definition)
    return strategies, own + definition


def split(strategy: list[StrategyItem], count: int, already: dict[str, int]) -> list[str]:
    """Which provider each of `count` new tasks goes to.

    CapacityProviderStrategyItem docs: the base is satisfied first, then "additional tasks
    are distributed according to weight ratios" (weights 1 and 4: 1 task on A for every 4
    on B). So the base provider is filled up to its base, then each further task goes to
    the provider whose share of the tasks beyond the base is furthest below its weight
    share (ties: strategy order). `already` counts tasks placed before (a service's).
    """
    placed = dict(already)
    total_weight = sum(i.weight for i in strategy)
    out: list[str] = []
    for _ in range(count):
        target = next(
            (i for i in strategy if i.base and placed.get(i.capacity_provider, 0) < i.base),
            None,
        )
        if target is None and total_weight:
            extra = {
                i.capacity_provider: placed.get(i.capacity_provider, 0) - i.base for i in strategy
            }
            done = sum(max(0, n) for n in extra.values()) + 1
            target = min(
                (i for i in strategy if i.weight),
                key=lambda i: extra[i.capacity_provider] - done * i.weight / total_weight,
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


def launch_of(launch_type: str | None, strategy: list[StrategyItem]) -> str:
    """What a resolved launch runs on.

    Its launch type; else FARGATE for a strategy of Fargate providers, EC2 for one of
    Auto Scaling group providers (the two never mix in one strategy).
    """
    if launch_type is not None:
        return launch_type
    if strategy and not all(is_fargate_provider(i.capacity_provider) for i in strategy):
        return "EC2"
    return "FARGATE"


def is_fargate_provider(name: str) -> bool:
    """FARGATE and FARGATE_SPOT are the built-in Fargate providers."""
    return name in FARGATE_PROVIDERS
