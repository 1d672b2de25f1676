"""Task sets: the units of an EXTERNAL or CODE_DEPLOY service's deployments.

Behaviour reference 8. A task set is a group of tasks like a deployment (same buckets, same
bookkeeping by the scheduler), sized by `computedDesiredCount` = ceil(desiredCount x scale
/ 100) of its service, recomputed on the clock a moment after a change, as ECS does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ecsmock.model.services.service import Deployment
from ecsmock.model.tasks.task import HealthStatus, Task, TaskStatus

MAX_TASK_SETS = 5
EXTERNAL_ONLY = (
    "Amazon ECS only supports task set management on services configured to use external "
    "deployment controllers."
)
TOO_MANY = (
    f"{MAX_TASK_SETS} deployments exist on the service. Unable to create new TaskSet since "
    "this exceeds the maximum limit."
)
# [U] (moto's wording; ECS's was not captured).
NOT_FOUND = "The specified task set does not exist."
# [U] ECS's texts for these refusals were not captured (spec open question 8).
SCALED_ABOVE_ZERO = "The task set cannot be deleted while it is scaled above 0. Use force."
SCALE_RANGE = "Scale value must be between 0 and 100."
UPDATE_DRAINING = "The task set is DRAINING and cannot be updated."
PRIMARY_DRAINING = "A DRAINING task set cannot be made primary."
# [U] ECS's text was not captured; the rule is the CreateTaskSet `clientToken` doc ("Up to
# 36 ASCII characters in the range of 33-126 (inclusive) are allowed").
MAX_CLIENT_TOKEN = 36
BAD_CLIENT_TOKEN = (
    f"clientToken can have up to {MAX_CLIENT_TOKEN} ASCII characters in the range of 33-126."
)
# Observed for DescribeTaskSets given a task ARN (boto/boto3#3895).
BAD_IDENTIFIER = "Task Set Identifier is invalid"


class TaskSetStatus(StrEnum):
    """`TaskSet.status`."""

    PRIMARY = "PRIMARY"
    ACTIVE = "ACTIVE"
    DRAINING = "DRAINING"


class Stability(StrEnum):
    """`TaskSet.stabilityStatus`."""

    STEADY_STATE = "STEADY_STATE"
    STABILIZING = "STABILIZING"


@dataclass(slots=True, kw_only=True, eq=False)
class TaskSet(Deployment):
    """A task set of a service (its tasks tracked as a deployment's are)."""

    set_status: TaskSetStatus = TaskSetStatus.ACTIVE
    scale: float = 100.0
    external_id: str | None = None
    started_by: str | None = None
    stability: Stability = Stability.STABILIZING
    stability_at: datetime | None = None
    client_token: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # computedDesiredCount follows a change of scale only at this moment (None: it follows
    # the service's desiredCount at once).
    recompute_at: datetime | None = None
    # Since when the counts have matched (stabilityStatus flips a moment later).
    settled_since: datetime | None = None

    def target(self, desired: int) -> int:
        """ceil(desiredCount x scale / 100): "always rounded up" (TaskSet docs)."""
        if self.set_status is TaskSetStatus.DRAINING:
            return 0
        return math.ceil(round(desired * self.scale / 100, 9))

    def drain(self, now: datetime) -> None:
        """DeleteTaskSet (or DeleteService): DRAINING at scale 0, computedDesiredCount 0."""
        self.set_status = TaskSetStatus.DRAINING
        self.scale = 0.0
        self.desired_count = 0
        self.recompute_at = None
        self.updated_at = now

    def settled(self) -> bool:
        """The TaskSet docs' STEADY_STATE conditions, at this instant.

        runningCount == computedDesiredCount, pendingCount 0, and every task not stopping is
        RUNNING and healthy (a task whose essential containers have no health check has
        nothing to report, so it counts as healthy once RUNNING).
        """
        running, pending = self.counts()
        if running != self.desired_count or pending:
            return False
        return all(_healthy(t) for t in (*self.starting.values(), *self.healthy.values()))


def _healthy(task: Task) -> bool:
    if task.last_status is not TaskStatus.RUNNING:
        return False
    checked = any(c.spec.essential and c.spec.health_check is not None for c in task.containers)
    return not checked or task.health_status is HealthStatus.HEALTHY


def valid_client_token(token: str) -> bool:
    """At most 36 characters, each printable ASCII (33-126)."""
    return len(token) <= MAX_CLIENT_TOKEN and all(33 <= ord(ch) <= 126 for ch in token)
