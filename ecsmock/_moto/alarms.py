"""CloudWatch alarms in moto: their states, as deployments with `alarms` read them.

While moto's `mock_aws` is active, an alarm that moto's CloudWatch holds (made with
`put_metric_alarm`, its state set with `set_alarm_state`) has moto's state; one moto does
not hold keeps the state `ecs.set_alarm_state` gave it. moto does not tell when a state
changes: the deployments watching alarms read them every `ALARM_POLL` simulated seconds
(`services.alarms.AlarmMonitor`), as ECS polls CloudWatch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecsmock._moto import active, backend

if TYPE_CHECKING:
    from ecsmock.model.services.stages import AlarmReader
    from ecsmock.model.world import World


def reader(account: str) -> AlarmReader:
    """A reader of moto's alarm states for one account (None: moto does not know it)."""

    def read(region: str, name: str) -> str | None:
        if not active():
            return None
        cloudwatch = backend("cloudwatch", account, region)
        alarm = cloudwatch.alarms.get(name) if cloudwatch is not None else None
        return None if alarm is None else str(alarm.state_value)

    return read


def attach(world: World, account: str) -> None:
    """Let the world's deployments read moto's alarms while `mock_aws` is active."""
    world.behaviour.alarms.reader = reader(account)
