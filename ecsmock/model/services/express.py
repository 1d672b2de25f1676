"""Express services (Amazon ECS Express Mode): what one is made of, its defaults and texts.

An Express service is an ordinary ECS service that ECS made and manages
(`resourceManagementType` ECS), plus what ECS provisions around it: an Application Load
Balancer with an HTTPS listener, a listener rule and two target groups, an ACM certificate
for the service's URL, security groups, an Application Auto Scaling scalable target and
target-tracking policy, a CloudWatch alarm that rolls back faulty deployments, and a log
group ("Resources created by Amazon ECS Express Mode services", Developer Guide) [D]. Each
ServiceRevision of the service carries one `ExpressConfig`: the configuration
DescribeExpressGatewayService lists in `activeConfigurations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ecsmock.model.services.service import Service, ServiceStatus

# The defaults the API reference gives (CreateExpressGatewayService, ExpressGatewayContainer,
# ExpressGatewayScalingTarget) [M]; the scaling bounds are the provider documentation's
# (pulumi_aws ExpressGatewayServiceScalingTarget: "Defaults to 1" / "Defaults to 20") [D].
DEFAULT_CPU = "256"
DEFAULT_MEMORY = "512"
DEFAULT_HEALTH_CHECK_PATH = "/ping"
DEFAULT_PORT = 80
DEFAULT_STREAM_PREFIX = "ecs"
DEFAULT_MIN_TASKS = 1
DEFAULT_MAX_TASKS = 20
DEFAULT_METRIC = "AVERAGE_CPU"
DEFAULT_TARGET_VALUE = 60
# The ECS side of the service: its container and how it deploys. An update is a canary
# deployment: 5 % of the traffic, 3 minutes of bake time, then all of it and 3 more minutes
# before the old tasks go ("Updating an Amazon ECS Express Mode service") [D].
CONTAINER_NAME = "Main"  # [S] the task definition's one container
CANARY_PERCENT = 5.0
CANARY_BAKE_MINUTES = 3
BAKE_MINUTES = 3
# The Application Auto Scaling policy's metric for each ExpressGatewayServiceScalingMetric
# (ManagedApplicationAutoScalingPolicy.metric) [M].
POLICY_METRICS = {
    "AVERAGE_CPU": "ECSServiceAverageCPUUtilization",
    "AVERAGE_MEMORY": "ECSServiceAverageMemoryUtilization",
    "REQUEST_COUNT_PER_TARGET": "ALBRequestCountPerTarget",
}

# Texts of ECS's refusals. Observed in part (the substrings hashicorp/terraform-provider-aws
# matches in internal/service/ecs/express_gateway_service.go, and the aws-cli's express
# monitor tests) [O]; the rest of each text is ours [U].
NOT_FOUND = "Resource not found."
INACTIVE = "Cannot perform this operation on a service in INACTIVE status"
DRAINING = "Service is in DRAINING status"
DESCRIBE_INACTIVE = "Cannot call DescribeServiceRevisions for a service that is INACTIVE"
BAD_HEALTH_PATH = "The health check path must start with a forward slash."


@dataclass(frozen=True, slots=True, kw_only=True)
class Scaling:
    """ExpressGatewayScalingTarget, defaults filled in."""

    min_tasks: int = DEFAULT_MIN_TASKS
    max_tasks: int = DEFAULT_MAX_TASKS
    metric: str = DEFAULT_METRIC
    target_value: int = DEFAULT_TARGET_VALUE

    def clamp(self, count: int) -> int:
        """A desired count brought within [min, max], as the scalable target keeps it.

        Never below 0, whatever bounds were given (they are not refused, express.py).
        """
        return max(0, self.min_tasks, min(count, max(self.max_tasks, self.min_tasks)))

    def over(self, given: dict[str, Any]) -> Scaling:
        """This target with what an ExpressGatewayScalingTarget gives put over it."""
        return Scaling(
            min_tasks=given.get("minTaskCount", self.min_tasks),
            max_tasks=given.get("maxTaskCount", self.max_tasks),
            metric=given.get("autoScalingMetric", self.metric),
            target_value=given.get("autoScalingTargetValue", self.target_value),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpressConfig:
    """One configuration of an Express service (an ExpressGatewayServiceConfiguration).

    `container` is the ExpressGatewayContainer as ECS echoes it: as given, with its port and
    its log configuration filled in.
    """

    execution_role: str
    task_role: str | None
    cpu: str
    memory: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    health_check_path: str
    container: dict[str, Any]
    scaling: Scaling
    revision_arn: str = ""
    created_at: datetime | None = None

    def runs_same(self, other: ExpressConfig) -> bool:
        """Whether tasks of `other` would run exactly as this one's (scaling aside)."""
        mine = replace(self, scaling=other.scaling, revision_arn="", created_at=None)
        return mine == replace(other, revision_arn="", created_at=None)

    def same_task(self, other: ExpressConfig) -> bool:
        """Whether `other` needs no new task definition."""
        return (
            self.execution_role == other.execution_role
            and self.task_role == other.task_role
            and self.cpu == other.cpu
            and self.memory == other.memory
            and self.container == other.container
        )

    @property
    def port(self) -> int:
        """The container port the load balancer sends traffic to."""
        return int(self.container.get("containerPort", DEFAULT_PORT))


@dataclass(frozen=True, slots=True, kw_only=True)
class Managed:
    """The identifiers of what ECS provisioned for one Express service."""

    endpoint: str
    load_balancer: str
    listener: str
    rule: str
    target_groups: tuple[str, str]
    certificate: str
    load_balancer_group: str  # security group ids
    service_group: str
    scalable_target: str
    policy: str
    alarm: str
    alarm_name: str
    log_group: str  # the log group ECS makes for a container that names none


@dataclass(slots=True, kw_only=True, eq=False)
class ExpressService:
    """An Express service: the ECS service behind it and what ECS provisioned for it."""

    service: Service
    infrastructure_role: str
    managed: Managed
    ready_at: datetime  # when the provisioned resources are ACTIVE
    updated_at: datetime
    configs: dict[str, ExpressConfig] = field(default_factory=dict)  # by revision ARN
    deleted_at: datetime | None = None

    @property
    def status(self) -> str:
        """ExpressGatewayServiceStatusCode: the ECS service's (ACTIVE, DRAINING, INACTIVE)."""
        return str(self.service.status)

    def current(self) -> ExpressConfig:
        """The configuration the service asks for now: its revision's, else the newest.

        After a rollback, the service's revision is the one rolled back to.
        """
        revision = self.service.revision
        found = None if revision is None else self.configs.get(revision.arn)
        return found or next(reversed(self.configs.values()))

    def active_configs(self) -> list[ExpressConfig]:
        """`activeConfigurations`: those of the revisions the deployments run, newest first."""
        seen: list[ExpressConfig] = []
        for deployment in self.service.deployments:
            config = self.configs.get(deployment.revision.arn)
            if config is not None and config not in seen:
                seen.append(config)
        return seen or [self.current()]

    def resource_status(self, now: datetime) -> tuple[str, datetime]:
        """ManagedResourceStatus of the provisioned resources, and when it began.

        PROVISIONING until `ready_at`, then ACTIVE; DEPROVISIONING while the service drains
        after DeleteExpressGatewayService, DELETED once it is INACTIVE [S].
        """
        status = self.service.status
        if status is ServiceStatus.ACTIVE:
            if now < self.ready_at:
                return "PROVISIONING", self.service.created_at
            return "ACTIVE", self.ready_at
        when = self.deleted_at or self.updated_at
        return ("DEPROVISIONING" if status is ServiceStatus.DRAINING else "DELETED"), when


__all__ = [
    "BAD_HEALTH_PATH",
    "DESCRIBE_INACTIVE",
    "DRAINING",
    "INACTIVE",
    "NOT_FOUND",
    "ExpressConfig",
    "ExpressService",
    "Managed",
    "Scaling",
]
