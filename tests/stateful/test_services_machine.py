"""A Hypothesis state machine over services: create, scale, deploy, fail, stop, delete, time.

Rules drive a real boto3 client under a strict mock. After every step `ecs.invariants()`
must be empty (at most one PRIMARY deployment, tracked tasks consistent, cluster counters
equal to the tasks) and, for every service, its runningCount and pendingCount equal what
its tasks say. The scheduler's limits are checked from the outside:

- maximumPercent: the tasks of a service not stopping never grow above
  floor(desiredCount * maximumPercent / 100);
- minimumHealthyPercent: during an `advance` (no user action, no fault on running tasks),
  if the scheduler stopped a healthy task (RUNNING for 40 s, not stopping), the healthy
  tasks left number at least ceil(desiredCount * minimumHealthyPercent / 100);
- task protection: while an ACTIVE service's task is protected (and its protection has
  not lapsed), the scheduler does not stop it for scale-in or a deployment.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ecsmock import ECSMock, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d", "subnet-1b2c3d4e"]}}
FARGATE = {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256"}
NAMES = ("api", "web")
PERCENTS = [(100, 200), (50, 100), (0, 100), (50, 150), (100, 125)]
HEALTHY_AFTER = timedelta(seconds=40)
SCALING = "Scaling activity initiated by"


class ServiceMachine(RuleBasedStateMachine):
    """Services under random creates, updates, failures, stops, deletes and clock moves."""

    def __init__(self) -> None:
        super().__init__()
        self.mock: ECSMock = mock_ecs(strict=True, start=START).start()
        self.client: Any = boto3.client("ecs", region_name=REGION)
        self.percents: dict[str, tuple[int, int]] = {}
        self.live: dict[str, int] = {}
        self.protected: dict[str, tuple[str, datetime]] = {}  # task ARN -> (service, until)

    @initialize()
    def setup(self) -> None:
        self.client.create_cluster()
        for image in ("good:1", "good:2", "broken:1"):
            self.client.register_task_definition(
                family=image.split(":")[0],
                memory="512",
                containerDefinitions=[{"name": "app", "image": image}],
                **FARGATE,
            )
        self.mock.faults.image_pull_failure(image="broken:1")

    def teardown(self) -> None:
        self.mock.stop()

    # -- rules ------------------------------------------------------------------------------

    @rule(
        name=st.sampled_from(NAMES),
        desired=st.integers(min_value=0, max_value=4),
        percents=st.sampled_from(PERCENTS),
        breaker=st.booleans(),
    )
    def create(self, name: str, desired: int, percents: tuple[int, int], breaker: bool) -> None:
        if name in self.percents:
            return
        low, high = percents
        found = self.client.describe_services(services=[name])["services"]
        if found and found[0]["status"] == "DRAINING":
            # A DRAINING name is still taken; INACTIVE ones may be reused.
            with pytest.raises(self.client.exceptions.InvalidParameterException) as err:
                self.client.create_service(serviceName=name, taskDefinition="good", desiredCount=1)
            assert (
                err.value.response["Error"]["Message"] == "Creation of service was not idempotent."
            )
            return
        self.client.create_service(
            serviceName=name,
            taskDefinition="good",
            desiredCount=desired,
            launchType="FARGATE",
            networkConfiguration=NETWORK,
            deploymentConfiguration={
                "minimumHealthyPercent": low,
                "maximumPercent": high,
                "deploymentCircuitBreaker": {"enable": breaker, "rollback": breaker},
            },
        )
        self.percents[name] = percents

    @precondition(lambda self: bool(self.percents))
    @rule(data=st.data(), desired=st.integers(min_value=0, max_value=5))
    def scale(self, data: st.DataObject, desired: int) -> None:
        name = data.draw(st.sampled_from(sorted(self.percents)))
        self.client.update_service(service=name, desiredCount=desired)

    @precondition(lambda self: bool(self.percents))
    @rule(data=st.data(), family=st.sampled_from(["good:1", "good:2", "broken:1"]))
    def deploy(self, data: st.DataObject, family: str) -> None:
        name = data.draw(st.sampled_from(sorted(self.percents)))
        self.client.update_service(service=name, taskDefinition=family)

    @precondition(lambda self: bool(self.percents))
    @rule(data=st.data())
    def force_new_deployment(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.percents)))
        self.client.update_service(service=name, forceNewDeployment=True)

    @precondition(lambda self: bool(self.percents))
    @rule(data=st.data())
    def stop_a_task(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.percents)))
        arns = self.client.list_tasks(serviceName=name)["taskArns"]
        if arns:
            self.client.stop_task(task=data.draw(st.sampled_from(arns)), reason="chaos")

    @precondition(lambda self: bool(self.percents))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.percents)))
        service = self.client.delete_service(service=name, force=True)["service"]
        assert service["status"] in ("DRAINING", "INACTIVE")
        assert service["desiredCount"] == 0
        del self.percents[name]
        self.live.pop(name, None)
        self.protected = {a: p for a, p in self.protected.items() if p[0] != name}

    @precondition(lambda self: bool(self.percents))
    @rule(data=st.data(), minutes=st.sampled_from([None, 1, 3]))
    def protect(self, data: st.DataObject, minutes: int | None) -> None:
        name = data.draw(st.sampled_from(sorted(self.percents)))
        arns = self.client.list_tasks(serviceName=name)["taskArns"]
        chosen = data.draw(st.lists(st.sampled_from(arns), max_size=3, unique=True)) if arns else []
        if minutes is None:
            answer = self.client.update_task_protection(
                cluster="default", tasks=chosen, protectionEnabled=False
            )
        else:
            answer = self.client.update_task_protection(
                cluster="default", tasks=chosen, protectionEnabled=True, expiresInMinutes=minutes
            )
        for item in answer["protectedTasks"]:
            if item["protectionEnabled"]:
                self.protected[item["taskArn"]] = (name, item["expirationDate"])
            else:
                self.protected.pop(item["taskArn"], None)
        assert {f["reason"] for f in answer["failures"]} <= {"TASK_NOT_VALID", "DEPLOYMENT_BLOCKED"}

    @rule(seconds=st.sampled_from([0, 1, 5, 15, 40, 120, 900]))
    def advance(self, seconds: int) -> None:
        before = {name: self._tasks(name) for name in self.percents}
        self.mock.advance(seconds)
        for name, tasks in before.items():
            self._check_floor(name, tasks)
        self._check_protection()

    @rule()
    def settle(self) -> None:
        self.mock.settle()

    # -- checks -----------------------------------------------------------------------------

    def _tasks(self, name: str) -> list[dict[str, Any]]:
        arns = self.client.list_tasks(serviceName=name)["taskArns"]
        arns += self.client.list_tasks(serviceName=name, desiredStatus="STOPPED")["taskArns"]
        tasks: list[dict[str, Any]] = []
        for i in range(0, len(arns), 100):
            tasks += self.client.describe_tasks(tasks=arns[i : i + 100])["tasks"]
        return tasks

    def _service(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.client.describe_services(services=[name])["services"][0]
        return found

    def _healthy(self, tasks: list[dict[str, Any]]) -> set[str]:
        now = self.mock.now()
        return {
            t["taskArn"]
            for t in tasks
            if t["lastStatus"] == "RUNNING"
            and t["desiredStatus"] == "RUNNING"
            and t["startedAt"] + HEALTHY_AFTER <= now
        }

    def _check_floor(self, name: str, before: list[dict[str, Any]]) -> None:
        service = self._service(name)
        if service["status"] != "ACTIVE":
            return
        after = self._tasks(name)
        healthy_before = self._healthy(before)
        by_arn = {t["taskArn"]: t for t in after}
        scheduler_stopped = [
            arn
            for arn in healthy_before
            if by_arn.get(arn, {}).get("stoppedReason", "").startswith(SCALING)
        ]
        if scheduler_stopped:
            low = self.percents[name][0]
            floor = math.ceil(service["desiredCount"] * low / 100)
            assert len(self._healthy(after)) >= floor, (name, scheduler_stopped)

    def _check_protection(self) -> None:
        now = self.mock.now()
        held = [a for a, (name, until) in self.protected.items() if until > now]
        for i in range(0, len(held), 100):
            for task in self.client.describe_tasks(tasks=held[i : i + 100])["tasks"]:
                name = self.protected[task["taskArn"]][0]
                if self._service(name)["status"] == "ACTIVE":
                    assert not task.get("stoppedReason", "").startswith(SCALING), task["taskArn"]
        self.protected = {a: p for a, p in self.protected.items() if p[1] > now}

    @invariant()
    def consistent(self) -> None:
        assert self.mock.invariants() == []

    @invariant()
    def services_follow_their_tasks(self) -> None:
        for name, (_, high) in self.percents.items():
            service = self._service(name)
            tasks = self._tasks(name)
            running = sum(1 for t in tasks if t["lastStatus"] == "RUNNING")
            pending = sum(
                1 for t in tasks if t["lastStatus"] in ("PROVISIONING", "PENDING", "ACTIVATING")
            )
            assert (service["runningCount"], service["pendingCount"]) == (running, pending)
            primaries = [d for d in service["deployments"] if d["status"] == "PRIMARY"]
            assert len(primaries) == 1
            assert sum(d["runningCount"] for d in service["deployments"]) == running
            # maximumPercent: only a lowered desiredCount leaves more tasks than the
            # ceiling, and then the scheduler never adds to them.
            live = sum(1 for t in tasks if t["desiredStatus"] == "RUNNING")
            ceiling = math.floor(service["desiredCount"] * high / 100)
            if live > ceiling:
                assert live <= self.live.get(name, live), (name, live, ceiling)
            self.live[name] = live


ServiceMachine.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=20,
    deadline=None,
    # No "explain" phase: tracing botocore makes a failure take minutes to report.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow],
)
TestServiceMachine = ServiceMachine.TestCase
