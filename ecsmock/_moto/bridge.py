"""The link between one mock and moto: the model's `Outside` hook, and the event tap.

`attach(world, checks)` gives each backend the world makes a `MotoOutside`, and taps the
world's event log. Each call first asks whether moto's `mock_aws` is active now, and does
nothing if not; with
`checks` off (`mock_ecs(moto_checks=False)`) what would be refused for lack of something in
moto goes ahead, and what ecsmock writes there is still written where it can be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecsmock._moto import active, events, network
from ecsmock.model.tasks.outside import Outside

if TYPE_CHECKING:
    from ecsmock._events import Builder
    from ecsmock.model.tasks.launch import Network
    from ecsmock.model.tasks.task import Task
    from ecsmock.model.world import World


class MotoOutside(Outside):
    """The services around ECS for one account and region, in moto's state."""

    def __init__(self, account: str, region: str, checks: bool) -> None:
        self.account = account
        self.region = region
        self.checks = checks

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
        return MotoOutside(account, region, checks)

    world.outside = outside
    world.events.tap = forward
