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

from ecsmock.model.service import Deployment

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
PRIMARY_DELETE = "The primary task set cannot be deleted. Use force."
SCALE_RANGE = "Scale value must be between 0 and 100."


class TaskSetStatus(StrEnum):
    """`TaskSet.status`."""

    PRIMARY = "PRIMARY"
    ACTIVE = "ACTIVE"
    DRAINING = "DRAINING"


class Stability(StrEnum):
    """`TaskSet.stabilityStatus`."""

    STEADY_STATE = "STEADY_STATE"
    STABILIZING = "STABILIZING"


@dataclass(slots=True, kw_only=True)
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

    def target(self, desired: int) -> int:
        """ceil(desiredCount x scale / 100): "always rounded up" (TaskSet docs)."""
        if self.set_status is TaskSetStatus.DRAINING:
            return 0
        return math.ceil(round(desired * self.scale / 100, 9))
