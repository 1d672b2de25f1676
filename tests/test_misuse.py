"""Bad values given to the handle's methods are refused at the call, naming the argument.

Before, a NaN delay or an exit code of "x" was stored, and a later, unrelated `advance()`
raised (or a DescribeTasks answer carried the bad value).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ecsmock import ECSMock, OptionError

NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}

# The handle is typed Any here: these are the calls a type checker would refuse.
BAD_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("after", lambda e: e.script_container(exit_code=1, after=math.nan)),
    ("after", lambda e: e.script_container(exit_code=1, after=math.inf)),
    ("after", lambda e: e.script_container(exit_code=1, after=1e12)),
    ("after", lambda e: e.script_container(exit_code=1, after=-1)),
    ("after", lambda e: e.script_container(exit_code=1, after="5")),
    ("exit_code", lambda e: e.script_container(exit_code="x", after=1)),
    ("exit_code", lambda e: e.script_container(exit_code=256, after=1)),
    ("exit_code", lambda e: e.script_container(exit_code=True, after=1)),
    ("reason", lambda e: e.script_container(exit_code=1, after=1, reason=5)),
    ("sigterm_exit_code", lambda e: e.script_container(sigterm_exit_code=-1)),
    ("on_sigterm", lambda e: e.script_container(on_sigterm=None)),
    ("family", lambda e: e.script_container(family=3)),
    ("after", lambda e: e.faults.crash(after=math.nan)),
    ("after", lambda e: e.faults.crash(after=timedelta(days=40_000))),
    ("exit_code", lambda e: e.faults.crash(exit_code=1.5)),
    ("reason", lambda e: e.faults.crash(reason=5)),
    ("image", lambda e: e.faults.crash(image=b"nginx")),
    ("message", lambda e: e.faults.image_pull_failure(message=5)),
    ("times", lambda e: e.faults.image_pull_failure(times=-1)),
    ("times", lambda e: e.faults.image_pull_failure(times=1.0)),
    ("container", lambda e: e.faults.unhealthy(container=["app"])),
    ("times", lambda e: e.faults.capacity_unavailable(times=True)),
    ("times", lambda e: e.faults.exec_not_connected(times=-2)),
    ("family", lambda e: e.faults.exec_not_connected(family=7)),
    ("exit_code", lambda e: e.faults.exit_container("arn", "app", "x")),
    ("after", lambda e: e.faults.exit_container("arn", "app", 1, after=math.inf)),
    ("reason", lambda e: e.faults.exit_container("arn", "app", 1, reason=5)),
    ("at", lambda e: e.faults.exit_container("arn", "app", 1, at=datetime(2026, 1, 1))),  # noqa: DTZ001
    ("task_arn", lambda e: e.faults.spot_interruption(None)),
    ("max_events", lambda e: type(e)(max_events="10")),
]


@pytest.mark.parametrize(("argument", "call"), BAD_CALLS)
def test_bad_values_are_refused_at_the_call(
    argument: str, call: Callable[[Any], Any], ecs: ECSMock
) -> None:
    before = (list(ecs.world.behaviour.scripts), len(ecs.world.clock))
    with pytest.raises(OptionError, match=rf"\b{argument}\b") as caught:
        call(ecs)
    assert isinstance(caught.value, ValueError)
    assert (list(ecs.world.behaviour.scripts), len(ecs.world.clock)) == before
    ecs.advance(timedelta(days=1))  # nothing bad was stored: time moves on


def test_tasks_do_not_stay_pending_after_a_refused_rule(ecs: ECSMock, client: Any) -> None:
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="job",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "busybox"}],
    )
    with pytest.raises(OptionError, match="after"):
        ecs.script_container(exit_code=1, after=math.nan)
    ecs.script_container(exit_code=7, after=10, reason="done")
    arn = client.run_task(taskDefinition="job", launchType="FARGATE", networkConfiguration=NET)[
        "tasks"
    ][0]["taskArn"]
    ecs.advance(timedelta(minutes=5))
    task = client.describe_tasks(tasks=[arn])["tasks"][0]
    assert (task["lastStatus"], task["containers"][0]["exitCode"]) == ("STOPPED", 7)
    assert task["containers"][0]["reason"] == "done"


def test_a_delay_past_the_year_9999_is_a_clock_error(ecs: ECSMock) -> None:
    from ecsmock import ClockError

    with pytest.raises(ClockError, match="9999"):
        ecs.advance(timedelta(days=999_999_000))
    with pytest.raises(ClockError, match="too long"):
        ecs.advance(1e20)
    assert ecs.now() == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
