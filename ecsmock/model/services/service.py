"""Services and their deployments: data, rules and ECS's texts.

Behaviour reference section 7. A service holds its deployments newest first (the PRIMARY
is `deployments[0]`); each deployment tracks its own tasks in three insertion-ordered
buckets (pending or not yet healthy, healthy, stopping) so the scheduler's decisions cost
what they change, not what the service holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ecsmock.clock import Scheduled
from ecsmock.errors import InvalidParameterException
from ecsmock.model.clusters.cluster import StrategyItem
from ecsmock.model.services.stages import AlarmWatch, Rollout, StrategySettings
from ecsmock.model.services.strategy_rules import check_staging
from ecsmock.model.tasks.definitions import TaskDefinition
from ecsmock.model.tasks.launch import Network
from ecsmock.model.tasks.task import Task
from ecsmock.model.tasks.volumes import LaunchVolume

SERVICE_NAME_RULE = "[A-Za-z0-9_-]{1,255}"
NOT_IDEMPOTENT = "Creation of service was not idempotent."
NOT_ACTIVE = "Service was not ACTIVE."
SCALED_ABOVE_ZERO = "The service cannot be stopped while it is scaled above 0."
# Where ECS's text was not captured (spec open question 8), the wording is ours [U].
DESIRED_COUNT_REQUIRED = "The desired count must be specified for a REPLICA service."
TASK_DEFINITION_REQUIRED = "Task Definition can not be blank."
FAMILY_EMPTY = "Family should not be null or empty."
DAEMON_FARGATE = "The daemon scheduling strategy is not supported with the FARGATE launch type."
DAEMON_CONTROLLER = (
    "The daemon scheduling strategy is only supported with the ECS deployment controller."
)
DAEMON_MAX_PERCENT = "The maximumPercent must be 100 for a service using the DAEMON strategy."
MIN_HEALTHY_RANGE = "minimumHealthyPercent must be at most 100"
MAX_PERCENT_LOW = "maximumPercent must be greater than or equal to 100"
SERVICE_ROLE = "arn:aws:iam::{account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
MAX_EVENTS = 100
# Scheduler-stop reasons (behaviour reference 3).
SCALING_REASON = "Scaling activity initiated by (deployment {deployment})"
HEALTH_REASON = "Task failed container health checks"


class ServiceStatus(StrEnum):
    """`Service.status`."""

    ACTIVE = "ACTIVE"
    DRAINING = "DRAINING"
    INACTIVE = "INACTIVE"


class DeploymentStatus(StrEnum):
    """`Deployment.status`."""

    PRIMARY = "PRIMARY"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class RolloutState(StrEnum):
    """`Deployment.rolloutState`."""

    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@dataclass(slots=True, kw_only=True)
class DeploymentConfig:
    """`deploymentConfiguration` in model terms (the rest is echoed as given)."""

    maximum_percent: int = 200
    minimum_healthy_percent: int = 100
    circuit_breaker: bool = False
    rollback: bool = False
    alarms: dict[str, Any] = field(
        default_factory=lambda: {"alarmNames": [], "rollback": False, "enable": False}
    )
    extra: dict[str, Any] = field(default_factory=dict)
    # strategy, bake time, linear/canary settings and lifecycle hooks (also echoed in extra)
    staging: StrategySettings = field(default_factory=StrategySettings)

    def lower(self, desired: int) -> int:
        """The fewest healthy tasks a deployment may leave running."""
        return math.ceil(desired * self.minimum_healthy_percent / 100)

    def upper(self, desired: int) -> int:
        """The most tasks (old and new, not stopping) a deployment may have."""
        return math.floor(desired * self.maximum_percent / 100)


@dataclass(slots=True, kw_only=True)
class Revision:
    """What a deployment runs: the configuration snapshot of a ServiceRevision."""

    arn: str
    task_definition: TaskDefinition
    launch_type: str | None
    strategy: list[StrategyItem]
    platform_version: str | None  # as asked ("LATEST" by default on Fargate)
    platform_family: str | None
    network: Network | None
    network_raw: dict[str, Any] | None
    load_balancers: list[dict[str, Any]]
    service_registries: list[dict[str, Any]]
    created_at: datetime
    service_connect: dict[str, Any] | None = None  # serviceConnectConfiguration, echoed
    # volumeConfigurations: in model terms (`tasks.volumes`), and as given (echoed).
    volumes: list[LaunchVolume] = field(default_factory=list)
    volumes_raw: list[dict[str, Any]] = field(default_factory=list)

    def same_config(self, other: Revision) -> bool:
        """Whether a new deployment would run exactly this."""
        return (
            self.task_definition is other.task_definition
            and self.launch_type == other.launch_type
            and self.strategy == other.strategy
            and self.platform_version == other.platform_version
            and self.network_raw == other.network_raw
            and self.load_balancers == other.load_balancers
            and self.service_registries == other.service_registries
            and self.service_connect == other.service_connect
            and self.volumes_raw == other.volumes_raw
        )

    @property
    def volume(self) -> LaunchVolume | None:
        """The EBS volume each task of this revision gets (the one managed volume)."""
        return next((v for v in self.volumes if v.managed), None)


# (requestedTaskCount, runningTaskCount, pendingTaskCount) of a ServiceRevisionSummary.
TaskCounts = tuple[int, int, int]


@dataclass(slots=True, kw_only=True, eq=False)  # identity: deployments are entities
class Deployment:
    """One deployment of a service: a revision and the tasks started for it."""

    id: str
    arn: str  # the ServiceDeployment ARN
    revision: Revision
    status: DeploymentStatus
    desired_count: int
    created_at: datetime
    updated_at: datetime
    # The task count the deployment asked for while PRIMARY: its ServiceDeployment's
    # requestedTaskCount and the base of its circuit-breaker threshold.
    requested_count: int = 0
    rollout_state: RolloutState = RolloutState.IN_PROGRESS
    rollout_reason: str = ""
    failed_tasks: int = 0
    # Stage 1 of the circuit breaker ends when a task of the deployment reaches RUNNING.
    reached_running: bool = False
    # Tasks not yet stopping: not yet healthy (pending, or RUNNING within the grace) and
    # healthy; then tasks stopping but not yet STOPPED.
    starting: dict[str, Task] = field(default_factory=dict)
    healthy: dict[str, Task] = field(default_factory=dict)
    stopping: dict[str, Task] = field(default_factory=dict)
    # ServiceDeployment bookkeeping (DescribeServiceDeployments). The source revisions
    # with their (requested, running, pending) task counts when the deployment began.
    source_revisions: list[tuple[Revision, TaskCounts]] = field(default_factory=list)
    # The target's counts frozen when the deployment finished: the service deployment docs
    # say the revision's running count is "the number of running tasks when the
    # deployment completed".
    final_counts: TaskCounts | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    stopped_at: datetime | None = None
    deployment_status: str = "PENDING"
    status_reason: str | None = None
    rollback_of: str | None = None  # the revision ARN a rollback returns to
    rollback_target: str | None = None  # on the deployment rolled back: that ARN
    rollback_started_at: datetime | None = None
    # A rollback runs inside the failed deployment's ServiceDeployment: not listed itself.
    listed: bool = True
    config: DeploymentConfig = field(default_factory=DeploymentConfig)
    rollout: Rollout | None = None  # BLUE_GREEN, LINEAR and CANARY deployments
    alarm_watch: AlarmWatch | None = None  # with deploymentConfiguration.alarms enabled
    alternate: bool = False  # in its load balancers' alternate target groups

    @property
    def live(self) -> int:
        """Tasks not stopping."""
        return len(self.starting) + len(self.healthy)

    def live_tasks(self) -> list[Task]:
        """The tasks not stopping, starting ones first."""
        return [*self.starting.values(), *self.healthy.values()]

    def counts(self) -> tuple[int, int]:
        """(runningCount, pendingCount) over the deployment's tasks not yet STOPPED."""
        running = pending = 0
        for bucket in (self.starting, self.healthy, self.stopping):
            for task in bucket.values():
                status = task.last_status
                if status == "RUNNING":
                    running += 1
                elif status in ("PROVISIONING", "PENDING", "ACTIVATING"):
                    pending += 1
        return running, pending

    def task_counts(self) -> TaskCounts:
        """(requested, running, pending): a ServiceRevisionSummary's counts, frozen once over."""
        if self.final_counts is not None:
            return self.final_counts
        running, pending = self.counts()
        return (self.requested_count, running, pending)

    def freeze_counts(self) -> None:
        """The deployment finished: its ServiceDeployment keeps the counts of this moment."""
        if self.final_counts is None:
            self.final_counts = self.task_counts()

    def holds_tasks(self) -> bool:
        """Whether any task of the deployment is not yet STOPPED."""
        return bool(self.starting or self.healthy or self.stopping)


@dataclass(slots=True)
class ServiceEvent:
    """One entry of `service.events`."""

    id: str
    created_at: datetime
    message: str


@dataclass(slots=True, kw_only=True, eq=False)  # identity: services are entities
class Service:
    """A service of a cluster."""

    name: str
    arn: str
    cluster_name: str
    cluster_arn: str
    created_at: datetime
    created_by: str
    desired_count: int
    scheduling_strategy: str
    controller: str
    config: DeploymentConfig
    request: dict[str, Any]  # the CreateService request, for clientToken idempotency
    client_token: str | None = None
    status: ServiceStatus = ServiceStatus.ACTIVE
    revision: Revision | None = None  # what the service asks for now
    deployments: list[Deployment] = field(default_factory=list)
    finished: list[Deployment] = field(default_factory=list)  # dropped from `deployments`
    events: list[ServiceEvent] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    placement_constraints: list[dict[str, Any]] = field(default_factory=list)
    placement_strategy: list[dict[str, Any]] = field(default_factory=list)
    health_check_grace: int = 0
    enable_managed_tags: bool = False
    propagate_tags: str = "NONE"
    enable_execute_command: bool = False
    az_rebalancing: str = "ENABLED"
    role_arn: str | None = None
    managed_by: str | None = None  # resourceManagementType: "ECS" for an Express service
    # Scheduler state.
    steady: bool = False
    launch_failures: int = 0  # consecutive tasks that stopped before RUNNING
    hold_until: datetime | None = None  # throttled: no launches before then
    # The last placement-failure event, not repeated until the cause changes.
    placement_failure: str | None = None
    pending_pass: Scheduled | None = None
    purge: Scheduled | None = None
    last_completed: Revision | None = None
    last_completed_id: str | None = None
    # EXTERNAL and CODE_DEPLOY services: their task sets (services.task_set.TaskSet), oldest first.
    task_sets: list[Deployment] = field(default_factory=list)

    @property
    def primary(self) -> Deployment | None:
        """The PRIMARY deployment (None for services without deployments)."""
        return self.deployments[0] if self.deployments else None

    @property
    def active(self) -> bool:
        """Whether the service is ACTIVE."""
        return self.status is ServiceStatus.ACTIVE

    def counts(self) -> tuple[int, int]:
        """(runningCount, pendingCount) summed over the deployments and task sets."""
        running = pending = 0
        for deployment in (*self.deployments, *self.task_sets):
            r, p = deployment.counts()
            running += r
            pending += p
        return running, pending

    def add_event(self, event_id: str, now: datetime, message: str) -> None:
        """Record a service event (newest first, the last 100 kept)."""
        self.events.insert(0, ServiceEvent(event_id, now, message))
        del self.events[MAX_EVENTS:]


def breaker_threshold(desired: int) -> int:
    """Failed tasks that trip the circuit breaker: min(200, max(3, ceil(D / 2)))."""
    return min(200, max(3, math.ceil(0.5 * desired)))


def check_deployment_config(config: DeploymentConfig, strategy: str) -> None:
    """MinimumHealthyPercent 0-100; maximumPercent at least 100 (exactly 100 for DAEMON).

    Then the strategy's settings (`services.strategy_rules`).
    """
    if config.minimum_healthy_percent > 100:
        # [M] minimumHealthyPercent 0-100; text [U]
        raise InvalidParameterException(MIN_HEALTHY_RANGE)
    if config.minimum_healthy_percent < 0:
        # [M] minimumHealthyPercent 0-100; text [U]
        raise InvalidParameterException("minimumHealthyPercent must be at least 0")
    if strategy == "DAEMON":
        if config.maximum_percent != 100:
            # [M] DAEMON services take maximumPercent 100; text [U]
            raise InvalidParameterException(DAEMON_MAX_PERCENT)
    elif config.maximum_percent < 100:
        # [M] maximumPercent at least 100; text [U]
        raise InvalidParameterException(MAX_PERCENT_LOW)
    check_staging(config.staging)


def started_message(name: str, tasks: list[Task]) -> str:
    """`(service web) has started 2 tasks: (task a) (task b).`."""
    ids = " ".join(f"(task {t.id})" for t in tasks)
    return f"(service {name}) has started {len(tasks)} tasks: {ids}."


def stopped_message(name: str, tasks: list[Task]) -> str:
    """`(service web) has stopped 1 running tasks: (task a).`."""
    ids = " ".join(f"(task {t.id})" for t in tasks)
    return f"(service {name}) has stopped {len(tasks)} running tasks: {ids}."


def steady_message(name: str) -> str:
    """`(service web) has reached a steady state.`."""
    return f"(service {name}) has reached a steady state."


def completed_message(name: str, deployment_id: str) -> str:
    """`(service web) (deployment ecs-svc/...) deployment completed.`."""
    return f"(service {name}) (deployment {deployment_id}) deployment completed."


def failed_message(name: str, deployment_id: str) -> str:
    """`(service web) (deployment ecs-svc/...) deployment failed: tasks failed to start.`."""
    return (
        f"(service {name}) (deployment {deployment_id}) deployment failed: tasks failed to start."
    )


def rollback_message(name: str, deployment_id: str) -> str:
    """`(service web) rolling back to deployment ecs-svc/....`."""
    return f"(service {name}) rolling back to deployment {deployment_id}."


def unhealthy_message(name: str, task_id: str) -> str:
    """`(service web) (task a) failed container health checks.`."""
    return f"(service {name}) (task {task_id}) failed container health checks."


def throttled_message(name: str) -> str:
    """`(service web) is unable to consistently start tasks successfully.`."""
    return f"(service {name}) is unable to consistently start tasks successfully."


def deadlock_message(name: str) -> str:
    """The event when minimumHealthyPercent and maximumPercent leave no room to move."""
    return (
        f"(service {name}) was unable to stop or start tasks during a deployment because of "
        "the service deployment configuration. Update the minimumHealthyPercent or "
        "maximumPercent value and try again."
    )


def in_progress_reason(deployment_id: str) -> str:
    """`ECS deployment ecs-svc/... in progress.`."""
    return f"ECS deployment {deployment_id} in progress."


def completed_reason(deployment_id: str) -> str:
    """`ECS deployment ecs-svc/... completed.`."""
    return f"ECS deployment {deployment_id} completed."


FAILED_REASON = "ECS deployment circuit breaker: tasks failed to start."
# The statusReason of a service deployment a newer one replaced before it finished
# (real list-service-deployments output quoted in kayac/ecspresso#929).
REPLACED_REASON = "Replaced by a new service deployment."


def rollback_reason(deployment_id: str) -> str:
    """The rolloutStateReason of a circuit-breaker rollback deployment."""
    return f"ECS deployment circuit breaker: rolling back to deploymentId {deployment_id}."
