"""A Hypothesis state machine over task sets of an EXTERNAL service.

Rules create task sets, change their scale, switch the PRIMARY, delete sets, change the
service's desiredCount, stop tasks and move the clock. After every step `ecs.invariants()`
must be empty, at most one set is PRIMARY, the service's counts are the sums of its sets'
and the service shows the PRIMARY's task definition (none without a PRIMARY). After
`settle()` every set holds exactly ceil(desiredCount x scale / 100) RUNNING tasks and is in
STEADY_STATE, and DRAINING sets are gone.
"""

from __future__ import annotations

import math
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
FAMILIES = ("blue", "green")
SCALES = (0.0, 12.5, 33.3, 50.0, 100.0)


class TaskSetMachine(RuleBasedStateMachine):
    """Task sets under random creates, scales, switches, deletes and clock moves."""

    def __init__(self) -> None:
        super().__init__()
        self.mock: ECSMock = mock_ecs(strict=True, start=START).start()
        self.client: Any = boto3.client("ecs", region_name=REGION)
        self.ids: set[str] = set()

    @initialize()
    def setup(self) -> None:
        self.client.create_cluster()
        for family in FAMILIES:
            self.client.register_task_definition(
                family=family,
                requiresCompatibilities=["FARGATE"],
                networkMode="awsvpc",
                cpu="256",
                memory="512",
                containerDefinitions=[{"name": "app", "image": f"{family}:1"}],
            )
        self.client.create_service(
            serviceName="web", desiredCount=3, deploymentController={"type": "EXTERNAL"}
        )

    def teardown(self) -> None:
        self.mock.stop()

    def _sets(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.client.describe_task_sets(
            cluster="default", service="web"
        )["taskSets"]
        return found

    @precondition(lambda self: len(self.ids) < 5)
    @rule(family=st.sampled_from(FAMILIES), scale=st.sampled_from(SCALES))
    def create(self, family: str, scale: float) -> None:
        task_set = self.client.create_task_set(
            cluster="default",
            service="web",
            taskDefinition=family,
            launchType="FARGATE",
            networkConfiguration=NETWORK,
            scale={"value": scale, "unit": "PERCENT"},
        )["taskSet"]
        assert (task_set["status"], task_set["computedDesiredCount"]) == ("ACTIVE", 0)
        self.ids.add(task_set["id"])

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data(), scale=st.sampled_from(SCALES))
    def rescale(self, data: st.DataObject, scale: float) -> None:
        task_set = data.draw(st.sampled_from(sorted(self.ids)))
        answer = self.client.update_task_set(
            cluster="default", service="web", taskSet=task_set, scale={"value": scale}
        )["taskSet"]
        assert answer["scale"] == {"value": scale, "unit": "PERCENT"}

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data())
    def make_primary(self, data: st.DataObject) -> None:
        task_set = data.draw(st.sampled_from(sorted(self.ids)))
        answer = self.client.update_service_primary_task_set(
            cluster="default", service="web", primaryTaskSet=task_set
        )["taskSet"]
        assert answer["status"] == "PRIMARY"

    @precondition(lambda self: bool(self.ids))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        task_set = data.draw(st.sampled_from(sorted(self.ids)))
        answer = self.client.delete_task_set(
            cluster="default", service="web", taskSet=task_set, force=True
        )["taskSet"]
        assert (answer["status"], answer["computedDesiredCount"]) == ("DRAINING", 0)
        self.ids.discard(task_set)

    @rule(desired=st.integers(min_value=0, max_value=6))
    def scale_service(self, desired: int) -> None:
        self.client.update_service(service="web", desiredCount=desired)

    @rule(data=st.data())
    def stop_a_task(self, data: st.DataObject) -> None:
        arns = self.client.list_tasks(serviceName="web")["taskArns"]
        if arns:
            self.client.stop_task(task=data.draw(st.sampled_from(arns)))

    @rule(seconds=st.sampled_from([0, 1, 2, 10, 60, 600]))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)

    @rule()
    def settle(self) -> None:
        self.mock.settle()
        desired = self.client.describe_services(services=["web"])["services"][0]["desiredCount"]
        sets = self._sets()
        assert {s["id"] for s in sets} == self.ids  # DRAINING sets are gone
        for task_set in sets:
            expected = math.ceil(round(desired * task_set["scale"]["value"] / 100, 9))
            assert task_set["computedDesiredCount"] == expected
            assert (task_set["runningCount"], task_set["pendingCount"]) == (expected, 0)
            assert task_set["stabilityStatus"] == "STEADY_STATE"

    @invariant()
    def consistent(self) -> None:
        assert self.mock.invariants() == []
        service = self.client.describe_services(services=["web"])["services"][0]
        sets = self._sets()
        assert service["runningCount"] == sum(s["runningCount"] for s in sets)
        assert service["pendingCount"] == sum(s["pendingCount"] for s in sets)
        primaries = [s for s in sets if s["status"] == "PRIMARY"]
        assert len(primaries) <= 1
        if primaries:
            assert service["taskDefinition"] == primaries[0]["taskDefinition"]
        else:
            assert "taskDefinition" not in service
        assert [s["id"] for s in service["taskSets"]] == [s["id"] for s in sets]


TaskSetMachine.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=20,
    deadline=None,
    # No "explain" phase: tracing botocore makes a failure take minutes to report.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow],
)
TestTaskSetMachine = TaskSetMachine.TestCase
