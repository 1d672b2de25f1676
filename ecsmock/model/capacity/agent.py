"""UpdateContainerAgent: the agent update of one container instance, step by step.

Sources: UpdateContainerAgent docs and its exceptions (botocore model); behaviour
reference 9.3. agentUpdateStatus goes PENDING -> STAGING -> STAGED -> UPDATING -> UPDATED,
one step every `timing.agent_update_step` seconds [S]; running tasks are not interrupted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock.errors import (
    MissingVersionException,
    NoUpdateAvailableException,
    UpdateInProgressException,
)
from ecsmock.model.capacity.instance import (
    LATEST_AGENT_VERSION,
    AgentUpdateStatus,
    ContainerInstance,
)

if TYPE_CHECKING:
    from ecsmock.model.capacity.instance_ops import ContainerInstanceOps

# The exceptions' texts are their documentation's first sentences (botocore model) [U].
MISSING_VERSION = (
    "Amazon ECS can't determine the current version of the Amazon ECS container agent on "
    "the container instance and doesn't have enough information to proceed with an update."
)
NO_UPDATE = "There's no update available for this Amazon ECS container agent."
IN_PROGRESS = (
    "There's already a current Amazon ECS container agent update in progress on the "
    "container instance that's specified."
)
STEPS = (
    AgentUpdateStatus.STAGING,
    AgentUpdateStatus.STAGED,
    AgentUpdateStatus.UPDATING,
    AgentUpdateStatus.UPDATED,
)
FINISHED = (None, AgentUpdateStatus.UPDATED, AgentUpdateStatus.FAILED)


def version_key(version: str) -> tuple[int, ...]:
    """`1.10.0` > `1.9.2`: dotted parts compared as numbers."""
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def start_update(ops: ContainerInstanceOps, instance: ContainerInstance, step: float) -> None:
    """Begin an update (PENDING now), or refuse it as ECS does.

    Raises:
        MissingVersionException: the instance reported no agent version.
        UpdateInProgressException: an update is under way.
        NoUpdateAvailableException: the agent is already the newest.
    """
    version = instance.version_info.get("agentVersion")
    if not version:
        # [M] MissingVersionException (its shape's doc for the text)
        raise MissingVersionException(MISSING_VERSION)
    if instance.agent_update_status not in FINISHED:
        # [M] UpdateInProgressException (its shape's doc)
        raise UpdateInProgressException(IN_PROGRESS)
    if version_key(version) >= version_key(LATEST_AGENT_VERSION):
        # [M] NoUpdateAvailableException (its shape's doc)
        raise NoUpdateAvailableException(NO_UPDATE)
    instance.agent_update_status = AgentUpdateStatus.PENDING
    ops.announce(instance)
    _next(ops, instance, 0, step)


def _next(ops: ContainerInstanceOps, instance: ContainerInstance, i: int, step: float) -> None:
    def advance() -> None:
        instance.agent_update_status = STEPS[i]
        if STEPS[i] is AgentUpdateStatus.UPDATED:
            instance.version_info["agentVersion"] = LATEST_AGENT_VERSION
            instance.agent_update = None
        else:
            _next(ops, instance, i + 1, step)
        ops.announce(instance)

    clock = ops.backend.clock
    instance.agent_update = clock.schedule(advance, after=timedelta(seconds=step))
