"""A Hypothesis state machine over tasks: run, stop, scripted exits, advance and settle.

Rules drive a real boto3 client under a strict mock. After every step `ecs.invariants()`
must be empty (timestamps ordered, versions sane, no RUNNING task with a stopCode unless
it is stopping, every container STOPPED once its task is, cluster counters equal to the
tasks), and what DescribeTasks shows must agree with what was observed before: versions
never go down, lastStatus never goes back along the lifecycle, and a stop decision, once
taken, keeps its stopCode and reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ecsmock import ECSMock, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
ORDER = [
    "PROVISIONING",
    "PENDING",
    "ACTIVATING",
    "RUNNING",
    "DEACTIVATING",
    "STOPPING",
    "DEPROVISIONING",
    "STOPPED",
]
FAMILIES = ("web", "job", "sidecar")


class TaskMachine(RuleBasedStateMachine):
    """Tasks under random runs, stops, exits and clock moves."""

    def __init__(self) -> None:
        super().__init__()
        self.mock: ECSMock = mock_ecs(strict=True, start=START).start()
        self.client: Any = boto3.client("ecs", region_name=REGION)
        self.seen: dict[str, dict[str, Any]] = {}

    @initialize()
    def setup(self) -> None:
        self.client.create_cluster(capacityProviders=["FARGATE", "FARGATE_SPOT"])
        fargate = {
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": "256",
            "memory": "512",
        }
        self.client.register_task_definition(
            family="web", containerDefinitions=[{"name": "app", "image": "nginx"}], **fargate
        )
        self.client.register_task_definition(
            family="job", containerDefinitions=[{"name": "main", "image": "batch"}], **fargate
        )
        self.client.register_task_definition(
            family="sidecar",
            containerDefinitions=[
                {"name": "app", "image": "api"},
                {"name": "log", "image": "fluent-bit", "essential": False},
            ],
            **fargate,
        )
        self.mock.script_container(family="job", exit_code=0, after=45)
        self.mock.script_container(family="sidecar", container="log", exit_code=1, after=30)
        self.mock.script_container(
            family="sidecar", container="app", on_sigterm="ignore", exit_code=None, after=None
        )

    def teardown(self) -> None:
        self.mock.stop()

    @rule(
        family=st.sampled_from(FAMILIES),
        count=st.integers(min_value=1, max_value=3),
        spot=st.booleans(),
    )
    def run(self, family: str, count: int, spot: bool) -> None:
        where: dict[str, Any] = (
            {"capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]}
            if spot
            else {"launchType": "FARGATE"}
        )
        tasks = self.client.run_task(
            taskDefinition=family, count=count, networkConfiguration=NETWORK, **where
        )["tasks"]
        assert len(tasks) == count
        for task in tasks:
            assert (task["lastStatus"], task["version"]) == ("PROVISIONING", 1)
            self.seen[task["taskArn"]] = task

    @precondition(lambda self: bool(self.seen))
    @rule(data=st.data(), reason=st.sampled_from([None, "scale in", "x" * 255]))
    def stop(self, data: st.DataObject, reason: str | None) -> None:
        arn = data.draw(st.sampled_from(sorted(self.seen)))
        extra = {} if reason is None else {"reason": reason}
        task = self.client.stop_task(task=arn, **extra)["task"]
        before = self.seen[arn]
        if before.get("stopCode") is None:
            assert task["stopCode"] == "UserInitiated"
            assert task["stoppedReason"] == (reason or "Task stopped by user")
        assert task["desiredStatus"] == "STOPPED"
        self._check(arn, task)

    @precondition(lambda self: bool(self.seen))
    @rule(data=st.data())
    def interrupt_spot(self, data: st.DataObject) -> None:
        arn = data.draw(st.sampled_from(sorted(self.seen)))
        task = self.seen[arn]
        if task.get("capacityProviderName") == "FARGATE_SPOT" and task["lastStatus"] == "RUNNING":
            self.mock.faults.spot_interruption(arn)

    @rule(seconds=st.sampled_from([0, 1, 4, 15, 30, 60, 600, 4000]))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)

    @rule()
    def settle(self) -> None:
        self.mock.settle()
        for arn, before in list(self.seen.items()):
            if before["lastStatus"] != "STOPPED" or before.get("stopCode"):
                found = self.client.describe_tasks(tasks=[arn])["tasks"]
                for task in found:
                    if task["desiredStatus"] == "STOPPED":
                        assert task["lastStatus"] == "STOPPED"

    def _check(self, arn: str, task: dict[str, Any]) -> None:
        before = self.seen[arn]
        assert task["version"] >= before["version"]
        assert ORDER.index(task["lastStatus"]) >= ORDER.index(before["lastStatus"])
        if before.get("stopCode") is not None:
            assert task["stopCode"] == before["stopCode"]
            assert task["stoppedReason"] == before["stoppedReason"]
        self.seen[arn] = task

    @invariant()
    def consistent(self) -> None:
        assert self.mock.invariants() == []

    @invariant()
    def monotonic(self) -> None:
        if not self.seen:
            return
        arns = sorted(self.seen)
        answer = self.client.describe_tasks(tasks=arns)
        for task in answer["tasks"]:
            self._check(task["taskArn"], task)
        for failure in answer["failures"]:
            # Gone only after its hour of visibility as a STOPPED task.
            assert failure["reason"] == "MISSING"
            del self.seen[failure["arn"]]


TaskMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=25,
    deadline=None,
    # No "explain" phase: tracing botocore makes a failure take minutes to report.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow],
)
TestTaskMachine = TaskMachine.TestCase
