"""The link between one mock and moto: the model's `Outside` hook, and the event tap.

`attach(world, checks)` gives each backend the world makes a `MotoOutside`, and taps the
world's event log. Each call first asks whether moto's `mock_aws` is active now, and does
nothing if not; with `checks` off (`mock_ecs(moto_checks=False)`) what would be refused or
fail for lack of something in moto goes ahead, and what ecsmock writes there is still
written where it can be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecsmock._moto import active, events, logs, network, pulls
from ecsmock.model.tasks.outside import Outside, StartFailure

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecsmock._events import Builder
    from ecsmock.model.tasks.launch import Network
    from ecsmock.model.tasks.task import Container, Task
    from ecsmock.model.world import World


class MotoOutside(Outside):
    """The services around ECS for one account and region, in moto's state."""

    def __init__(self, account: str, region: str, checks: bool, world: World) -> None:
        self.account = account
        self.region = region
        self.checks = checks
        self.clock = world.clock
        self.behaviour = world.behaviour

    def check_network(self, network_config: Network | None) -> None:
        """Refuse subnets and security groups moto's EC2 lacks (with checks on)."""
        if network_config is not None and self.checks and active():
            network.check(self.account, self.region, network_config)

    def zone(self, subnet: str) -> str | None:
        """The availability zone of a subnet moto holds."""
        return network.zone(self.account, self.region, subnet) if active() else None

    def eni_attached(self, task: Task) -> None:
        """Make the task's ENI in moto's EC2; its private IP becomes the task's."""
        if task.eni is not None and active():
            network.create_eni(self.account, self.region, task.eni)

    def start_failure(self, task: Task) -> StartFailure | None:
        """A secret or ECR image moto lacks (with checks on), else a log group it lacks.

        Log groups with `awslogs-create-group` are made once the pulls succeed.
        """
        if not active():
            return None
        failure = pulls.failure(self.account, self.region, task) if self.checks else None
        if failure is not None:
            return failure
        return logs.prepare(self.account, self.region, task, self.clock.now, self.checks)

    def container_started(self, task: Task, container: Container) -> None:
        """Make the container's log stream; schedule the lines scripted for it."""
        where = logs.destination(task, container, self.region) if active() else None
        if where is None:
            return
        logs.open_stream(self.account, task, container, where, self.clock.now)
        script = self.behaviour.output_for(task.family, container.name, container.spec.image)
        for after, line in script.lines if script is not None else ():
            self.clock.schedule(self._writer(task, container, where, line), after=after)

    def _writer(
        self, task: Task, container: Container, where: logs.Destination, line: str
    ) -> Callable[[], None]:
        def write() -> None:
            if container.exited or not active():
                return
            stream = logs.open_stream(self.account, task, container, where, self.clock.now)
            if stream is not None:
                logs.write(stream, line, self.clock.now)

        return write

    def task_stopped(self, task: Task) -> None:
        """Delete the task's ENI."""
        if task.eni is not None and active():
            network.delete_eni(self.account, self.region, task.eni)


def forward(event: Builder) -> None:
    """Put a new event on moto's EventBridge while moto is active."""
    if active():
        events.put(event())


def attach(world: World, checks: bool) -> None:
    """While moto is active: `world`'s new backends reach it, its events go to EventBridge."""

    def outside(account: str, region: str) -> Outside:
        return MotoOutside(account, region, checks, world)

    world.outside = outside
    world.events.tap = forward
