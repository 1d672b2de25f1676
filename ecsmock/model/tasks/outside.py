"""What ECS reads from, and does in, the AWS services around it (EC2, Logs, EventBridge, ...).

A real task's start touches other services: its ENI is made in EC2 in the request's subnet,
its secrets are read from Secrets Manager or SSM, its image is pulled from ECR, its
containers' log streams are made in CloudWatch Logs. The model calls an `Outside` at those
fixed points. This base does nothing and knows nothing (ECS alone, as a plain `mock_ecs`
behaves); a mock may put another there, e.g. one that reads and writes moto's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecsmock.model.behaviour import Behaviour
    from ecsmock.model.tasks.launch import Network
    from ecsmock.model.tasks.task import Container, Task


@dataclass(frozen=True, slots=True)
class StartFailure:
    """Why a task cannot start: its `stoppedReason`, and the container whose `reason` it is.

    `container` None: the reason is the task's alone.
    """

    reason: str
    container: str | None = None


class Outside:
    """The services around ECS, as one account and region sees them (here: nothing)."""

    def check_network(self, network: Network | None) -> None:
        """Refuse a network configuration naming subnets or security groups EC2 lacks.

        Raises:
            InvalidParameterException: with ECS's text, when it does.
        """

    def zone(self, subnet: str) -> str | None:
        """The availability zone of a subnet, or None when it is not known here."""
        return None

    def eni_attached(self, task: Task) -> None:
        """The task's ENI has just attached (its id set); its address may be adjusted."""

    def start_failure(self, task: Task) -> StartFailure | None:
        """What stops the task from starting, found when its image pull begins, or None."""
        return None

    def container_started(self, task: Task, container: Container) -> None:
        """A container of the task has just started."""

    def task_stopped(self, task: Task) -> None:
        """The task has just become STOPPED: what it held elsewhere (its ENI) goes."""


NOWHERE = Outside()


def start_error(behaviour: Behaviour, outside: Outside, task: Task) -> str | None:
    """Why the task cannot start, found as its image pull begins, or None.

    An injected pull failure first, else what the services around ECS lack; the reason is
    also the failing container's `reason`.
    """
    for container in task.containers:
        error = behaviour.pull_error(task.family, container.name, container.spec.image)
        if error is not None:
            container.reason = error
            return error
    failure = outside.start_failure(task)
    if failure is None:
        return None
    failing = task.container(failure.container) if failure.container is not None else None
    if failing is not None:
        failing.reason = failure.reason
    return failure.reason
