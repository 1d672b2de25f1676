"""Daemons, their revisions and deployments: data, statuses and the rules of their requests.

Sources: the CreateDaemon, UpdateDaemon, DeleteDaemon, DaemonDetail, DaemonRevision and
DaemonDeployment shapes and docs of the botocore model [M], their API Reference examples
[O], and the Developer Guide's "Amazon ECS Managed Daemons" pages [D].

- ARNs: `daemon/<cluster>/<name>`, `daemon-revision/<cluster>/<name>/<19 digits>` and
  `daemon-deployment/<cluster>/<name>/<16 characters>` (API Reference examples [O]).
- A revision is "a snapshot of a daemon's configuration at the time a deployment was
  initiated ... immutable" [M]: each CreateDaemon and UpdateDaemon makes one.
- Deployment configuration: drainPercent 0.0-100.0 [M] (25 when left out, the console's
  default [D]); bakeTimeInMinutes 0 by default [M], at most 1440 (CloudFormation [D]).
- The deployment circuit breaker's threshold is 10 (API Reference example [O]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ecsmock.clock import Scheduled
from ecsmock.errors import InvalidParameterException
from ecsmock.model.services.daemon_definitions import DaemonTaskDefinition

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
DEFAULT_DRAIN_PERCENT = 25.0
MAX_BAKE_MINUTES = 1440
CIRCUIT_BREAKER_THRESHOLD = 10
MAX_DESCRIBE = 20  # DescribeDaemonDeployments / DescribeDaemonRevisions docs [M]
# Observed: the statusReason of a SUCCESSFUL deployment (API Reference example [O]).
COMPLETED = "Deployment completed successfully."
# [U] ecsmock's wording where ECS's text was not captured.
BAD_NAME = (
    "The daemon name is invalid. Up to 255 letters (uppercase and lowercase), numbers, "
    "underscores, and hyphens are allowed."
)
ALREADY_EXISTS = "A daemon named {name} already exists in cluster {cluster}."
NOT_FOUND = "The specified daemon was not found."
NOT_ACTIVE = "The daemon {name} is being deleted."
NO_PROVIDERS = "capacityProviderArns can not be empty."
NOT_MANAGED = (
    "The capacity provider '{name}' is not an ACTIVE Amazon ECS Managed Instances capacity "
    "provider of cluster {cluster}. ECS Managed Daemons is only supported for Amazon ECS "
    "Managed Instances Capacity Providers."
)
BAD_DRAIN = "drainPercent must be between 0.0 and 100.0."
BAD_BAKE = f"bakeTimeInMinutes must be between 0 and {MAX_BAKE_MINUTES}."
BAD_TOKEN = "The clientToken must be up to 36 ASCII characters in the range of 33-126."
REPLACED = "The deployment was stopped because a new deployment started."
ROLLED_BACK = "Circuit breaker threshold reached: rolling back to the previous revision."
FAILED = "Circuit breaker threshold reached: the deployment failed."
DELETING = "The daemon is being deleted."
MAX_TOKEN = 36


class DaemonStatus(StrEnum):
    """`DaemonDetail.status` (botocore model)."""

    ACTIVE = "ACTIVE"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"


class DeploymentStatus(StrEnum):
    """`DaemonDeployment.status` (botocore model)."""

    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESSFUL = "SUCCESSFUL"
    STOPPED = "STOPPED"
    STOP_REQUESTED = "STOP_REQUESTED"
    ROLLBACK_IN_PROGRESS = "ROLLBACK_IN_PROGRESS"
    ROLLBACK_SUCCESSFUL = "ROLLBACK_SUCCESSFUL"
    ROLLBACK_FAILED = "ROLLBACK_FAILED"


RUNNING_STATES = (
    DeploymentStatus.PENDING,
    DeploymentStatus.IN_PROGRESS,
    DeploymentStatus.ROLLBACK_IN_PROGRESS,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeploymentConfig:
    """A DaemonDeploymentConfiguration with its defaults."""

    drain_percent: float = DEFAULT_DRAIN_PERCENT
    bake_minutes: int = 0
    alarm_names: tuple[str, ...] = ()
    alarms_enabled: bool = False


def check_config(config: DeploymentConfig) -> None:
    """The drain percentage is 0-100 [M], the bake time 0-1440 minutes [D].

    Raises:
        InvalidParameterException: a value out of its range (text [U]).
    """
    if not 0.0 <= config.drain_percent <= 100.0:
        raise InvalidParameterException(BAD_DRAIN)
    if not 0 <= config.bake_minutes <= MAX_BAKE_MINUTES:
        raise InvalidParameterException(BAD_BAKE)


def check_name(name: str) -> None:
    """Up to 255 letters, numbers, underscores and hyphens (CreateDaemon docs [M])."""
    if not NAME_RE.fullmatch(name):
        raise InvalidParameterException(BAD_NAME)


def check_token(token: str | None) -> None:
    """Up to 36 ASCII characters in 33-126 (CreateDaemon `clientToken` docs [M])."""
    if token is not None and (
        len(token) > MAX_TOKEN or any(not 33 <= ord(c) <= 126 for c in token)
    ):
        raise InvalidParameterException(BAD_TOKEN)


@dataclass(slots=True, kw_only=True)
class DaemonRevision:
    """A daemon's configuration when a deployment began (immutable)."""

    id: str
    arn: str
    definition: DaemonTaskDefinition
    created_at: datetime
    providers: tuple[str, ...]
    propagate_tags: str
    managed_tags: bool
    execute_command: bool


@dataclass(slots=True, kw_only=True)
class DaemonDeployment:
    """One rollout of a revision (or, for DeleteDaemon, of none) over the instances."""

    id: str
    arn: str
    target: DaemonRevision | None
    sources: list[DaemonRevision]
    config: DeploymentConfig
    created_at: datetime
    status: DeploymentStatus = DeploymentStatus.PENDING
    status_reason: str | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    finished_at: datetime | None = None
    failures: int = 0
    tripped: bool = False
    rollback_started_at: datetime | None = None
    rollback_target: DaemonRevision | None = None
    # The instances drained by the current batch, and the timer of the start or the bake.
    batch: set[str] = field(default_factory=set)
    timer: Scheduled | None = None

    @property
    def running(self) -> bool:
        """Whether the deployment is still under way."""
        return self.status in RUNNING_STATES


@dataclass(slots=True, kw_only=True)
class Daemon:
    """A daemon of one cluster."""

    name: str
    arn: str
    cluster_name: str
    cluster_arn: str
    revision: DaemonRevision
    config: DeploymentConfig
    created_at: datetime
    updated_at: datetime
    status: DaemonStatus = DaemonStatus.ACTIVE
    tags: dict[str, str] = field(default_factory=dict)
    client_token: str | None = None
    revisions: list[DaemonRevision] = field(default_factory=list)
    deployments: list[DaemonDeployment] = field(default_factory=list)
    # Revisions whose deployment tripped the circuit breaker: their failed starts no longer
    # get an instance replaced (replacing would only fail again) [S].
    broken: set[str] = field(default_factory=set)

    @property
    def latest(self) -> DaemonDeployment:
        """The most recent deployment."""
        return self.deployments[-1]

    @property
    def active(self) -> bool:
        """Whether the daemon is ACTIVE (not being deleted)."""
        return self.status is DaemonStatus.ACTIVE
