"""Clusters: status, capacity-provider associations, settings, attachments and counters.

Pure data and rules; `Backend` (model/backend.py) owns the clusters of one account and
region and applies these rules before it changes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ecsmock.clock import Scheduled
from ecsmock.errors import (
    CLUSTER_HAS_INSTANCES,
    CLUSTER_HAS_SERVICES,
    CLUSTER_HAS_TASKS,
    UNASSOCIATED_PROVIDER,
    ClusterContainsCapacityProviderException,
    ClusterContainsContainerInstancesException,
    ClusterContainsServicesException,
    ClusterContainsTasksException,
    InvalidParameterException,
    NamespaceNotFoundException,
)
from ecsmock.model import tags

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
DEFAULT_CLUSTER = "default"
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
CONTAINER_INSIGHTS_VALUES = ("enhanced", "enabled", "disabled")
MAX_STRATEGY_ITEMS = 20
# "Capacity providers per cluster" quota (Amazon ECS service quotas page: 20).
MAX_CLUSTER_PROVIDERS = 20
MAX_WEIGHT = 1000
MAX_BASE = 100_000

# Real texts, quoted from public output:
# - CreateCluster with an existing name and other arguments (hashicorp/terraform#24615).
NOT_IDEMPOTENT = (
    "Arguments on this idempotent request are inconsistent with arguments used in previous "
    "request(s)."
)
# - a `cluster` parameter that is no cluster name (awslabs/amazon-ecs-nodejs-microservices#18).
BAD_CLUSTER_REF = "Cluster must match ^[a-zA-Z0-9\\-_]{{1,255}}$, but was {ref}"
# - CreateCluster naming a provider that does not exist (terraform-aws-modules/
#   terraform-aws-ecs#53; the trailing period is ours, as in ECS's similar texts).
PROVIDER_NOT_FOUND = (
    "The specified capacity provider was not found. Specify a valid capacity provider and "
    "try again."
)
# - a ClusterCapacityProviderAssociations update over the quota
#   (aws-cloudformation/cloudformation-coverage-roadmap#1086).
TOO_MANY_PROVIDERS = "The maximum number of capacity providers per cluster has been exceeded."
# - removing a provider that tasks still use (aws/containers-roadmap#631).
PROVIDER_IN_USE = "The specified capacity provider is in use and cannot be removed."
# - CreateService on a cluster whose default strategy has only zero weights
#   (terraform-aws-modules/terraform-aws-ecs#27). ECS accepts such a strategy on the cluster
#   and fails the RunTask/CreateService that uses it (CapacityProviderStrategyItem.weight).
DEFAULT_STRATEGY_WITHOUT_WEIGHT = (
    "There are no capacity providers with a weight value greater than zero defined in the "
    "default capacity provider strategy. At least one capacity provider must have a weight "
    "value greater than zero specified. Update the cluster's default capacity provider "
    "strategy or specify a valid capacity provider strategy and try again."
)
# ecsmock's wording for a strategy given in the request (no observed text).
STRATEGY_WITHOUT_WEIGHT = (
    "There are no capacity providers with a weight value greater than zero defined in the "
    "capacity provider strategy. At least one capacity provider must have a weight value "
    "greater than zero specified. Specify a valid capacity provider strategy and try again."
)
# - a strategy naming both Fargate and Auto Scaling group providers, from
#   PutClusterCapacityProviders (terraform-aws-modules/terraform-aws-ecs#68); the same text is
#   used for the strategies of RunTask and CreateService [U].
MIXED_STRATEGY = (
    "A capacity provider strategy cannot contain a mix of capacity providers using Auto "
    "Scaling groups and Fargate providers. Specify one or the other and try again."
)
# The ClusterContainsCapacityProviderException shape's doc (no observed text).
CLUSTER_HAS_PROVIDERS = (
    "The cluster contains one or more capacity providers that prevent the requested operation."
)
# The namespace texts: the NamespaceNotFoundException shape's doc, and the rule of the
# `serviceConnectDefaults.namespace` doc (up to 1024 characters, none of > < " /).
NAMESPACE_NOT_FOUND = "The specified namespace wasn't found."
# A setting value ECS does not take, in cluster and account settings alike (terraform-aws-
# modules/terraform-aws-ecs#264, aws/aws-cli#3785); the name variant by analogy [I].
INVALID_SETTING_VALUE = "Invalid setting 'value'"
INVALID_SETTING_NAME = "Invalid setting 'name'"
NAMESPACE_FORBIDDEN = frozenset('<>"/')
MAX_NAMESPACE = 1024


class ClusterStatus(StrEnum):
    """`Cluster.status` values (botocore model)."""

    ACTIVE = "ACTIVE"
    PROVISIONING = "PROVISIONING"
    DEPROVISIONING = "DEPROVISIONING"
    FAILED = "FAILED"
    INACTIVE = "INACTIVE"


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategyItem:
    """One capacity-provider strategy item (weight and base default to 0)."""

    capacity_provider: str
    weight: int = 0
    base: int = 0


@dataclass(slots=True, kw_only=True)
class Attachment:
    """A resource attached to a cluster (`sc` for a Service Connect namespace, `asp`, ...)."""

    id: str
    type: str
    status: str
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class ClusterSpec:
    """What CreateCluster asks for, in model terms (`configuration` is kept as given)."""

    name: str = DEFAULT_CLUSTER
    tags: list[tuple[str, str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    configuration: dict[str, Any] | None = None
    capacity_providers: list[str] = field(default_factory=list)
    default_strategy: list[StrategyItem] = field(default_factory=list)
    namespace: str | None = None

    def same_request(self, other: ClusterSpec) -> bool:
        """Whether `other` asks for the same cluster (tag order does not matter)."""
        return (
            self.name == other.name
            and dict(self.tags) == dict(other.tags)
            and self.settings == other.settings
            and self.configuration == other.configuration
            and self.capacity_providers == other.capacity_providers
            and self.default_strategy == other.default_strategy
            and self.namespace == other.namespace
        )


@dataclass(slots=True, kw_only=True)
class Cluster:
    """An ECS cluster in one account and region.

    The counters are kept up to date by the resources that change them (never recomputed
    by scanning); DeleteCluster reads them.
    """

    name: str
    arn: str
    status: ClusterStatus = ClusterStatus.ACTIVE
    tags: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    configuration: dict[str, Any] | None = None
    service_connect_namespace: str | None = None
    capacity_providers: list[str] = field(default_factory=list)
    default_strategy: list[StrategyItem] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # ACTIVE + DRAINING container instances (`registeredContainerInstancesCount`).
    registered_instances_count: int = 0
    # Tasks whose lastStatus is RUNNING / PENDING (PROVISIONING and ACTIVATING count as
    # pending) / past RUNNING but not yet STOPPED (DEACTIVATING, STOPPING, DEPROVISIONING).
    running_tasks_count: int = 0
    pending_tasks_count: int = 0
    stopping_tasks_count: int = 0
    # ACTIVE services (`activeServicesCount`) and DRAINING ones (which also block deletion).
    active_services_count: int = 0
    draining_services_count: int = 0
    # Cluster-scoped (Managed Instances) capacity providers, which block deletion.
    cluster_providers_count: int = 0
    # Per-launch-type counters for DescribeClusters include=STATISTICS, by statistic name.
    statistics: dict[str, int] = field(default_factory=dict)
    # The CreateCluster request that made it, for CreateCluster's idempotency check.
    request: ClusterSpec | None = None
    purge: Scheduled | None = None
    # An attachment update on the clock (`clusters.attachments`) and when it completes.
    attachment_update: str | None = None
    attachment_timer: Scheduled | None = None

    @property
    def active(self) -> bool:
        """Whether the cluster accepts new work (every status but INACTIVE and FAILED)."""
        return self.status not in (ClusterStatus.INACTIVE, ClusterStatus.FAILED)

    @property
    def attachments_status(self) -> str | None:
        """`attachmentsStatus`: an update in progress, else UPDATE_COMPLETE once attached."""
        if self.attachment_update is not None:
            return self.attachment_update
        return "UPDATE_COMPLETE" if self.attachments else None


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
    """Cluster names are 1-255 letters, digits, hyphens and underscores.

    Raises:
        InvalidParameterException: the name breaks the rule (wording from the
            CreateCluster `clusterName` documentation; ECS's own text was not captured).
    """
    if not NAME_RE.fullmatch(name):
        # [M] the clusterName rule; text [U]
        raise InvalidParameterException(
            "Cluster name must be between 1 and 255 characters and contain only letters "
            "(uppercase and lowercase), numbers, underscores, and hyphens."
        )


def check_ref(ref: str) -> None:
    """A `cluster` parameter is an ARN or a valid cluster name (InvalidParameterException)."""
    if not ref.startswith("arn:") and not NAME_RE.fullmatch(ref):
        # [O] real text (awslabs/amazon-ecs-nodejs-microservices#18)
        raise InvalidParameterException(BAD_CLUSTER_REF.format(ref=ref))


def check_settings(settings: dict[str, str]) -> None:
    """The only cluster setting is containerInsights: enhanced, enabled or disabled [M].

    Raises:
        InvalidParameterException: `Invalid setting 'value'` for another value (real output,
            terraform-aws-modules/terraform-aws-ecs#264) [O]; `Invalid setting 'name'` for
            another name, by analogy [I].
    """
    for name, value in settings.items():
        if name != "containerInsights":
            raise InvalidParameterException(INVALID_SETTING_NAME)
        if value not in CONTAINER_INSIGHTS_VALUES:
            raise InvalidParameterException(INVALID_SETTING_VALUE)


def check_provider_list(names: list[str]) -> None:
    """The capacity providers of a cluster: at most 20, no duplicates."""
    if len(names) > MAX_CLUSTER_PROVIDERS:
        # [O] real text (cloudformation-coverage-roadmap#1086)
        raise InvalidParameterException(TOO_MANY_PROVIDERS)
    if len(set(names)) != len(names):
        # [M] each provider once; text [U]
        raise InvalidParameterException(
            "The specified capacity providers contain duplicates. Specify each capacity "
            "provider once and try again."
        )


def check_strategy(items: list[StrategyItem], associated: list[str]) -> None:
    """Validate a capacity-provider strategy against the cluster's providers.

    An all-zero-weight strategy passes here: ECS accepts it on the cluster and fails the
    RunTask/CreateService that uses it (see `check_usable`). Each refusal says its evidence.
    """
    if len(items) > MAX_STRATEGY_ITEMS:
        # [M] at most 20 strategy items; text [U]
        raise InvalidParameterException(
            f"The capacity provider strategy cannot contain more than {MAX_STRATEGY_ITEMS} "
            "capacity providers."
        )
    for item in items:
        _check_item(item)
    names = [item.capacity_provider for item in items]
    if len(set(names)) != len(names):
        # [M] each provider once in a strategy; text [U]
        raise InvalidParameterException(
            "The capacity provider strategy cannot contain a capacity provider more than once."
        )
    if any(name not in associated for name in names):
        # [M] strategy providers must be associated; text [U]
        raise InvalidParameterException(UNASSOCIATED_PROVIDER)
    if sum(1 for item in items if item.base > 0) > 1:
        # [M] only one item may have a base; text [U]
        raise InvalidParameterException(
            "Only one capacity provider in a capacity provider strategy can have a base "
            "defined. Specify a valid capacity provider strategy and try again."
        )
    # Every provider that is not FARGATE or FARGATE_SPOT uses an Auto Scaling group.
    if len({name in FARGATE_PROVIDERS for name in names}) > 1:
        # [O] real text (terraform-aws-modules/terraform-aws-ecs#68)
        raise InvalidParameterException(MIXED_STRATEGY)


def _check_item(item: StrategyItem) -> None:
    if not 0 <= item.weight <= MAX_WEIGHT:
        # [M] weight 0-1000; text [U]
        raise InvalidParameterException(
            f"The weight of capacity provider '{item.capacity_provider}' must be between 0 "
            f"and {MAX_WEIGHT}."
        )
    if not 0 <= item.base <= MAX_BASE:
        # [M] base 0-100000; text [U]
        raise InvalidParameterException(
            f"The base of capacity provider '{item.capacity_provider}' must be between 0 "
            f"and {MAX_BASE}."
        )


def check_usable(items: list[StrategyItem], *, default: bool) -> None:
    """A strategy used to place tasks needs a provider with a weight above zero.

    For RunTask/CreateService: `default` says whether the cluster's default strategy is
    the one in use (the observed text names it).

    Raises:
        InvalidParameterException: every item has weight 0.
    """
    if items and all(item.weight == 0 for item in items):
        # [O] real text for the default strategy (terraform-aws-modules/terraform-aws-ecs#27); the
        # request's [U]
        raise InvalidParameterException(
            DEFAULT_STRATEGY_WITHOUT_WEIGHT if default else STRATEGY_WITHOUT_WEIGHT
        )


def check_namespace(ref: str | None, region: str, account: str) -> None:
    """A Service Connect namespace: a valid name, or a namespace ARN of this account/region.

    None and "" (UpdateCluster's way to remove the defaults) pass.

    Raises:
        InvalidParameterException: the name is too long or has a forbidden character.
        NamespaceNotFoundException: the ARN is of another account or region, or no
            namespace ARN at all.
    """
    if not ref:
        return
    if ref.startswith("arn:"):
        prefix = f"arn:aws:servicediscovery:{region}:{account}:namespace/"
        if not ref.startswith(prefix) or len(ref) == len(prefix):
            # [M] NamespaceNotFoundException; text from its doc
            raise NamespaceNotFoundException(NAMESPACE_NOT_FOUND)
        return
    if len(ref) > MAX_NAMESPACE or NAMESPACE_FORBIDDEN & set(ref):
        # [M] the namespace doc's rule; text [U]
        raise InvalidParameterException(
            f"The namespace name '{ref[:64]}' is not valid. It can have up to "
            f"{MAX_NAMESPACE} characters and can't include >, <, \" or /."
        )


def check_empty(cluster: Cluster) -> None:
    """DeleteCluster's precondition: nothing left in the cluster.

    Raises:
        ClusterContainsContainerInstancesException: instances are ACTIVE or DRAINING.
        ClusterContainsServicesException: services are ACTIVE or DRAINING.
        ClusterContainsTasksException: tasks are not yet STOPPED.
        ClusterContainsCapacityProviderException: cluster-scoped providers remain.
    """
    # Check order when several apply is unknown; instances, services, tasks [U].
    if cluster.registered_instances_count:
        raise ClusterContainsContainerInstancesException(CLUSTER_HAS_INSTANCES)
    if cluster.active_services_count or cluster.draining_services_count:
        raise ClusterContainsServicesException(CLUSTER_HAS_SERVICES)
    if cluster.running_tasks_count or cluster.pending_tasks_count or cluster.stopping_tasks_count:
        raise ClusterContainsTasksException(CLUSTER_HAS_TASKS)
    if cluster.cluster_providers_count:
        raise ClusterContainsCapacityProviderException(CLUSTER_HAS_PROVIDERS)


def problems(name: str, cluster: Cluster) -> list[str]:
    """Invariant violations of one stored cluster (empty when all hold)."""
    out: list[str] = []
    if cluster.name != name:
        out.append(f"stored under another name {cluster.name}")
    if cluster.status is ClusterStatus.INACTIVE and cluster.purge is None:
        out.append("INACTIVE with no purge scheduled")
    counts = (
        cluster.registered_instances_count,
        cluster.running_tasks_count,
        cluster.pending_tasks_count,
        cluster.stopping_tasks_count,
        cluster.active_services_count,
        cluster.draining_services_count,
        cluster.cluster_providers_count,
    )
    if min(counts) < 0:
        out.append(f"a negative counter {counts}")
    for item in cluster.default_strategy:
        if item.capacity_provider not in cluster.capacity_providers:
            out.append(f"strategy names unassociated provider {item.capacity_provider}")
    if tags.user_count(cluster.tags) > tags.MAX_TAGS:
        out.append("more than 50 user tags")
    return out
