"""A Hypothesis state machine over EC2 container instances: capacity, placement, draining.

Rules drive a real boto3 client under a strict mock: instances come (small, in several
Availability Zones, some with a custom `tier` attribute), tasks are run with random
placement strategies and constraints or started on chosen instances, stopped, instances
drained, reactivated, deregistered (with and without force), re-attributed and lose their
agent, a REPLICA and a DAEMON service follow them, and the clock moves.

After every step `ecs.invariants()` must be empty and, from the outside (what the task
definitions registered here say a task holds, not what ecsmock computed):

- each instance's remaining CPU and MEMORY are never negative and equal registered minus
  what its tasks not yet STOPPED hold; its remaining PORTS / PORTS_UDP are the reserved
  ports plus every static host port of those tasks, and no static port is held twice;
- runningTasksCount counts its tasks whose desiredStatus is RUNNING, pendingTasksCount
  those whose lastStatus is PENDING;
- an instance that left ACTIVE (DRAINING, INACTIVE) never receives a new task;
- DescribeClusters' registeredContainerInstancesCount counts the ACTIVE and DRAINING ones.

RunTask is checked as it answers: tasks land on ACTIVE instances with a connected agent
that satisfy the constraints; failures name instances of the cluster with a known reason
that their state at the end of the call bears out; a task is left unplaced only when no
instance could take it; with no ACTIVE instance the call raises
`No Container Instances were found in your cluster.`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ecsmock import ECSMock, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"
CLUSTER = "fleet"
ZONES = (f"{REGION}a", f"{REGION}b", f"{REGION}c")
RESERVED_PORTS = {"22", "2376", "2375", "51678", "51679"}
NO_INSTANCES = "No Container Instances were found in your cluster."
HAS_TASKS = "Found running tasks on the instance."
FORCED = "Container instance deregistration forced by user"
MEMBER_OF = "MemberOf placement constraint unsatisfied."
DISTINCT = "DistinctInstance placement constraint unsatisfied."
RESOURCE_REASONS = {"RESOURCE:CPU", "RESOURCE:MEMORY", "RESOURCE:PORTS", "RESOURCE:PORTS_UDP"}
RUN_REASONS = {*RESOURCE_REASONS, "AGENT", MEMBER_OF, DISTINCT}
MAX_LIVE_INSTANCES = 6


@dataclass(frozen=True)
class Hold:
    """What one task of a family holds on its instance (behaviour reference 9.2)."""

    cpu: int
    memory: int
    ports: frozenset[str] = frozenset()
    ports_udp: frozenset[str] = frozenset()


def _container(name: str, cpu: int, **extra: Any) -> dict[str, Any]:
    return {"name": name, "image": f"{name}:1", "cpu": cpu, **extra}


# family -> (RegisterTaskDefinition arguments, what a task of it holds). The holdings are
# worked out by hand from the definitions: task-level cpu if given, else the containers'
# sum; memory: per container memoryReservation if set, else memory.
DEFINITIONS: dict[str, tuple[dict[str, Any], Hold]] = {
    # Bridge with a static host port: two on one instance collide (RESOURCE:PORTS).
    "static": (
        {
            "networkMode": "bridge",
            "containerDefinitions": [
                _container(
                    "web", 256, memory=512, portMappings=[{"containerPort": 80, "hostPort": 8080}]
                )
            ],
        },
        Hold(256, 512, frozenset({"8080"})),
    ),
    # Bridge with a dynamic host port (not tracked) and a soft memory limit.
    "dynamic": (
        {
            "networkMode": "bridge",
            "containerDefinitions": [
                _container(
                    "app",
                    128,
                    memory=1024,
                    memoryReservation=256,
                    portMappings=[{"containerPort": 80, "hostPort": 0}],
                ),
                _container("log", 64, memory=128, essential=False),
            ],
        },
        Hold(192, 384),
    ),
    # Host networking with task-level cpu: the container's cpu does not count.
    "hostnet": (
        {
            "networkMode": "host",
            "cpu": "512",
            "containerDefinitions": [
                _container(
                    "proxy",
                    100,
                    memoryReservation=300,
                    portMappings=[{"containerPort": 9000, "hostPort": 9000}],
                )
            ],
        },
        Hold(512, 300, frozenset({"9000"})),
    ),
    # The DAEMON service's agent: a static UDP port.
    "daemon": (
        {
            "networkMode": "bridge",
            "containerDefinitions": [
                _container(
                    "statsd",
                    64,
                    memory=64,
                    portMappings=[{"containerPort": 8125, "hostPort": 8125, "protocol": "udp"}],
                )
            ],
        },
        Hold(64, 64, ports_udp=frozenset({"8125"})),
    ),
}
FAMILIES = sorted(DEFINITIONS)
SIZES = [(512, 768), (1024, 1024), (1024, 2048), (2048, 1024), (2048, 2048)]
ZONE_CHOICES: list[list[str] | None] = [None, [ZONES[0]], [ZONES[1], ZONES[2]]]
STRATEGIES: list[list[dict[str, str]]] = [
    [],
    [{"type": "random"}],
    [{"type": "binpack", "field": "cpu"}],
    [{"type": "binpack", "field": "memory"}],
    [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
    [{"type": "spread", "field": "instanceId"}],
    [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "binpack", "field": "memory"},
    ],
]
GOLD = "attribute:tier == gold"
TWO_ZONES = f"attribute:ecs.availability-zone in [{ZONES[0]}, {ZONES[1]}]"
CONSTRAINTS: list[list[dict[str, str]]] = [
    [],
    [{"type": "distinctInstance"}],
    [{"type": "memberOf", "expression": GOLD}],
    [{"type": "memberOf", "expression": TWO_ZONES}],
    [{"type": "distinctInstance"}, {"type": "memberOf", "expression": GOLD}],
]


@dataclass
class Known:
    """What this test expects of one instance it registered."""

    status: str = "ACTIVE"
    connected: bool = True
    tier: str | None = None
    # The tasks on it when it left ACTIVE (None while ACTIVE): it may never get another.
    frozen: set[str] | None = None


@dataclass
class View:
    """One instance as the API shows it, with its tasks (STOPPED ones included)."""

    instance: dict[str, Any]
    tasks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def live(self) -> list[dict[str, Any]]:
        return [t for t in self.tasks if t["lastStatus"] != "STOPPED"]

    def resource(self, which: str, name: str) -> Any:
        for item in self.instance[which]:
            if item["name"] == name:
                return item["integerValue"] if item["type"] == "INTEGER" else item["stringSetValue"]
        raise AssertionError(f"no {name} in {which}")

    def attribute(self, name: str) -> str | None:
        for item in self.instance["attributes"]:
            if item["name"] == name:
                return str(item.get("value", ""))
        return None


def family_of(task: dict[str, Any]) -> str:
    return str(task["taskDefinitionArn"]).rsplit("/", 1)[-1].split(":")[0]


def held(tasks: list[dict[str, Any]]) -> tuple[int, int, Counter[str], Counter[str]]:
    """CPU, memory and static ports (with multiplicity) the given tasks hold."""
    holds = [DEFINITIONS[family_of(t)][1] for t in tasks]
    ports: Counter[str] = Counter(p for h in holds for p in h.ports)
    udp: Counter[str] = Counter(p for h in holds for p in h.ports_udp)
    return sum(h.cpu for h in holds), sum(h.memory for h in holds), ports, udp


def shortfall(view: View, hold: Hold) -> str | None:
    """The first resource `view`'s instance lacks for one more task holding `hold`."""
    if hold.cpu > view.resource("remainingResources", "CPU"):
        return "RESOURCE:CPU"
    if hold.memory > view.resource("remainingResources", "MEMORY"):
        return "RESOURCE:MEMORY"
    if hold.ports & set(view.resource("remainingResources", "PORTS")):
        return "RESOURCE:PORTS"
    if hold.ports_udp & set(view.resource("remainingResources", "PORTS_UDP")):
        return "RESOURCE:PORTS_UDP"
    return None


def unmet(view: View, constraints: list[dict[str, str]], group: str) -> str | None:
    """The first constraint `view`'s instance fails for one more task of `group`."""
    for constraint in constraints:
        if constraint["type"] == "distinctInstance":
            if any(t["group"] == group for t in view.live):
                return DISTINCT
        elif constraint["expression"] == GOLD:
            if view.attribute("tier") != "gold":
                return MEMBER_OF
        elif view.attribute("ecs.availability-zone") not in ZONES[:2]:
            return MEMBER_OF
    return None


class InstanceMachine(RuleBasedStateMachine):
    """EC2 container instances under random capacity, placements, drains and clock moves."""

    def __init__(self) -> None:
        super().__init__()
        self.mock: ECSMock = mock_ecs(strict=True, start=START).start()
        self.client: Any = boto3.client("ecs", region_name=REGION)
        self.known: dict[str, Known] = {}

    @initialize(
        desired=st.integers(min_value=2, max_value=4),
        daemon=st.booleans(),
        instances=st.integers(min_value=0, max_value=3),
    )
    def setup(self, desired: int, daemon: bool, instances: int) -> None:
        self.client.create_cluster(clusterName=CLUSTER)
        if instances:
            for arn in self.mock.add_container_instances(CLUSTER, instances, cpu=1024, memory=1024):
                self.known[arn] = Known()
        for family, (definition, _) in DEFINITIONS.items():
            self.client.register_task_definition(
                family=family, requiresCompatibilities=["EC2"], **definition
            )
        self.client.create_service(
            cluster=CLUSTER,
            serviceName="web",
            taskDefinition="dynamic",
            desiredCount=desired,
            launchType="EC2",
        )
        if daemon:
            self.client.create_service(
                cluster=CLUSTER,
                serviceName="agent",
                taskDefinition="daemon",
                schedulingStrategy="DAEMON",
                launchType="EC2",
            )

    def teardown(self) -> None:
        self.mock.stop()

    # -- reading ----------------------------------------------------------------------------

    def _registered(self) -> list[str]:
        return [a for a, k in self.known.items() if k.status in ("ACTIVE", "DRAINING")]

    def _active(self) -> list[str]:
        return [a for a, k in self.known.items() if k.status == "ACTIVE"]

    def _describe_tasks(self, arns: list[str]) -> list[dict[str, Any]]:
        tasks: list[dict[str, Any]] = []
        for i in range(0, len(arns), 100):
            answer = self.client.describe_tasks(cluster=CLUSTER, tasks=arns[i : i + 100])
            assert answer["failures"] == []
            tasks += answer["tasks"]
        return tasks

    def _tasks_on(self, arn: str) -> list[dict[str, Any]]:
        """The instance's tasks, desiredStatus RUNNING and STOPPED (within retention)."""
        tasks: list[dict[str, Any]] = []
        for desired in ("RUNNING", "STOPPED"):
            pages = self.client.get_paginator("list_tasks").paginate(
                cluster=CLUSTER, containerInstance=arn, desiredStatus=desired
            )
            found = self._describe_tasks([a for page in pages for a in page["taskArns"]])
            self._check_listed(arn, desired, found)
            tasks += found
        return tasks

    def _check_listed(self, arn: str, desired: str, tasks: list[dict[str, Any]]) -> None:
        """ListTasks' containerInstance and desiredStatus filters agree with DescribeTasks."""
        for task in tasks:
            assert task["containerInstanceArn"] == arn, task["taskArn"]
            assert task["desiredStatus"] == desired, (desired, task["taskArn"], task["lastStatus"])

    def _views(self) -> dict[str, View]:
        """Every instance this test registered that is still describable, with its tasks."""
        arns = sorted(self.known)
        views: dict[str, View] = {}
        for i in range(0, len(arns), 100):
            answer = self.client.describe_container_instances(
                cluster=CLUSTER, containerInstances=arns[i : i + 100]
            )
            for failure in answer["failures"]:
                # Only INACTIVE instances are forgotten (after their retention).
                assert failure["reason"] == "MISSING", failure
                assert self.known[failure["arn"]].status == "INACTIVE", failure
                del self.known[failure["arn"]]
            for instance in answer["containerInstances"]:
                arn = instance["containerInstanceArn"]
                views[arn] = View(instance, self._tasks_on(arn))
        return views

    # -- rules: capacity --------------------------------------------------------------------

    @precondition(lambda self: len(self._registered()) < MAX_LIVE_INSTANCES)
    @rule(
        count=st.integers(min_value=1, max_value=2),
        size=st.sampled_from(SIZES),
        zones=st.sampled_from(ZONE_CHOICES),
        tier=st.sampled_from([None, "gold", "silver"]),
    )
    def add_instances(
        self, count: int, size: tuple[int, int], zones: list[str] | None, tier: str | None
    ) -> None:
        cpu, memory = size
        arns = self.mock.add_container_instances(
            CLUSTER,
            count,
            cpu=cpu,
            memory=memory,
            availability_zones=zones,
            attributes=None if tier is None else {"tier": tier},
        )
        assert len(arns) == len(set(arns)) == count
        for arn in arns:
            assert arn not in self.known
            self.known[arn] = Known(tier=tier)
        for instance in self.client.describe_container_instances(
            cluster=CLUSTER, containerInstances=arns
        )["containerInstances"]:
            view = View(instance)
            assert view.resource("registeredResources", "CPU") == cpu
            assert view.resource("registeredResources", "MEMORY") == memory
            assert set(view.resource("registeredResources", "PORTS")) == RESERVED_PORTS
            assert view.attribute("ecs.availability-zone") in (zones or ZONES)

    @precondition(lambda self: bool(self._registered()))
    @rule(data=st.data(), status=st.sampled_from(["DRAINING", "ACTIVE"]))
    def update_state(self, data: st.DataObject, status: str) -> None:
        arn = data.draw(st.sampled_from(sorted(self.known)))
        known = self.known[arn]
        before = self._tasks_on(arn)
        answer = self.client.update_container_instances_state(
            cluster=CLUSTER, containerInstances=[arn], status=status
        )
        if known.status == "INACTIVE":
            assert answer["containerInstances"] == []
            assert [f["arn"] for f in answer["failures"]] == [arn]
            return
        assert answer["failures"] == []
        assert [i["status"] for i in answer["containerInstances"]] == [status]
        if status == "ACTIVE":
            known.frozen = None
        elif known.frozen is None:
            known.frozen = {t["taskArn"] for t in before}
        known.status = status
        # Standalone tasks keep running on a DRAINING instance (UpdateContainerInstancesState).
        after = {t["taskArn"]: t for t in self._tasks_on(arn)}
        for task in before:
            if task["group"].startswith("family:") and task["desiredStatus"] == "RUNNING":
                assert after[task["taskArn"]]["desiredStatus"] == "RUNNING", task["taskArn"]

    @precondition(lambda self: bool(self._registered()))
    @rule(data=st.data(), force=st.booleans())
    def deregister(self, data: st.DataObject, force: bool) -> None:
        arn = data.draw(st.sampled_from(self._registered()))
        known = self.known[arn]
        before = self._tasks_on(arn)
        live = [t for t in before if t["lastStatus"] != "STOPPED"]
        if live and not force:
            with pytest.raises(self.client.exceptions.InvalidParameterException) as err:
                self.client.deregister_container_instance(cluster=CLUSTER, containerInstance=arn)
            assert err.value.response["Error"]["Message"] == HAS_TASKS
            event("deregister: refused")
            return
        event(f"deregister: force={force} live={bool(live)}")
        extra = {"force": True} if force else {}
        instance = self.client.deregister_container_instance(
            cluster=CLUSTER, containerInstance=arn, **extra
        )["containerInstance"]
        assert instance["status"] == "INACTIVE"
        if known.frozen is None:
            known.frozen = {t["taskArn"] for t in before}
        known.status = "INACTIVE"
        after = {t["taskArn"]: t for t in self._tasks_on(arn)}
        for task in live:
            now = after[task["taskArn"]]
            assert now["desiredStatus"] == "STOPPED", task["taskArn"]
            if task["desiredStatus"] == "RUNNING":
                assert now["stoppedReason"] == FORCED, now

    @precondition(lambda self: bool(self._registered()))
    @rule(data=st.data(), tier=st.sampled_from([None, "gold", "silver"]))
    def set_tier(self, data: st.DataObject, tier: str | None) -> None:
        arn = data.draw(st.sampled_from(self._registered()))
        attribute = {"name": "tier", "targetId": arn, "targetType": "container-instance"}
        if tier is None:
            self.client.delete_attributes(cluster=CLUSTER, attributes=[attribute])
        else:
            answer = self.client.put_attributes(
                cluster=CLUSTER, attributes=[{**attribute, "value": tier}]
            )
            assert [a["value"] for a in answer["attributes"]] == [tier]
        self.known[arn].tier = tier

    @precondition(lambda self: bool(self._registered()))
    @rule(data=st.data(), connected=st.booleans())
    def set_agent(self, data: st.DataObject, connected: bool) -> None:
        arn = data.draw(st.sampled_from(self._registered()))
        self.mock.set_agent_connected(arn, connected)
        self.known[arn].connected = connected

    # -- rules: tasks -----------------------------------------------------------------------

    @rule(
        family=st.sampled_from(FAMILIES),
        count=st.integers(min_value=1, max_value=5),
        strategy=st.sampled_from(STRATEGIES),
        constraints=st.sampled_from(CONSTRAINTS),
    )
    def run(
        self,
        family: str,
        count: int,
        strategy: list[dict[str, str]],
        constraints: list[dict[str, str]],
    ) -> None:
        request: dict[str, Any] = {
            "cluster": CLUSTER,
            "taskDefinition": family,
            "count": count,
            "launchType": "EC2",
            "placementStrategy": strategy,
            "placementConstraints": constraints,
        }
        if not self._active():
            with pytest.raises(self.client.exceptions.InvalidParameterException) as err:
                self.client.run_task(**request)
            assert err.value.response["Error"]["Message"] == NO_INSTANCES
            event("run: no ACTIVE instance")
            return
        before = self._views()
        answer = self.client.run_task(**request)
        tasks, failures = answer["tasks"], answer["failures"]
        assert len(tasks) == count if not failures else len(tasks) < count
        self._check_placed(tasks, before, constraints, f"family:{family}")
        if tasks and strategy and strategy[0]["type"] == "binpack":
            self._check_binpack(tasks, before, family, strategy[0]["field"], constraints)
        for failure in failures:
            event(f"run failure: {failure['reason']}")
        if failures:
            self._check_failures(failures, self._views(), family, constraints)

    def _check_placed(
        self,
        tasks: list[dict[str, Any]],
        before: dict[str, View],
        constraints: list[dict[str, str]],
        group: str,
    ) -> None:
        """Each new task is PENDING on an ACTIVE, connected instance meeting the constraints."""
        where = [t["containerInstanceArn"] for t in tasks]
        for task, arn in zip(tasks, where, strict=True):
            assert (task["lastStatus"], task["launchType"], task["group"]) == (
                "PENDING",
                "EC2",
                group,
            )
            known = self.known[arn]
            assert (known.status, known.connected) == ("ACTIVE", True), (arn, known)
            # Constraints hold against the instance as it was before the call.
            assert unmet(before[arn], constraints, group) is None, (arn, known)
        if {"type": "distinctInstance"} in constraints:
            assert len(set(where)) == len(where), where

    def _check_binpack(
        self,
        tasks: list[dict[str, Any]],
        before: dict[str, View],
        family: str,
        resource: str,
        constraints: list[dict[str, str]],
    ) -> None:
        """The first task went to an instance with the least of `resource` left that fit.

        Resources only shrink within a call, so no instance chosen later had less.
        """
        hold, group, name = DEFINITIONS[family][1], f"family:{family}", resource.upper()
        fitting = [
            before[arn].resource("remainingResources", name)
            for arn in self._active()
            if self.known[arn].connected
            and shortfall(before[arn], hold) is None
            and unmet(before[arn], constraints, group) is None
        ]
        chosen = [
            before[t["containerInstanceArn"]].resource("remainingResources", name) for t in tasks
        ]
        assert min(chosen) == min(fitting), (resource, chosen, fitting)

    def _check_failures(
        self,
        failures: list[dict[str, str]],
        after: dict[str, View],
        family: str,
        constraints: list[dict[str, str]],
    ) -> None:
        """Failures name instances and reasons their state bears out; none could take it."""
        hold, group = DEFINITIONS[family][1], f"family:{family}"
        for failure in failures:
            arn, reason = failure["arn"], failure["reason"]
            assert arn in self.known, failure
            assert reason in RUN_REASONS, failure
            known, view = self.known[arn], after[arn]
            assert (reason == "AGENT") == (not known.connected), (failure, known)
            if reason in RESOURCE_REASONS:
                assert shortfall(view, hold) == reason, (failure, view.instance)
            elif reason in (MEMBER_OF, DISTINCT):
                assert shortfall(view, hold) is None, (failure, view.instance)
                assert unmet(view, constraints, group) == reason, (failure, known)
        for arn in self._active():
            view = after[arn]
            fits = shortfall(view, hold) is None and unmet(view, constraints, group) is None
            assert not (fits and self.known[arn].connected), f"{arn} could take a {family} task"

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), family=st.sampled_from(FAMILIES))
    def start(self, data: st.DataObject, family: str) -> None:
        arns = data.draw(
            st.lists(st.sampled_from(sorted(self.known)), min_size=1, max_size=3, unique=True)
        )
        answer = self.client.start_task(
            cluster=CLUSTER, taskDefinition=family, containerInstances=arns
        )
        tasks, failures = answer["tasks"], answer["failures"]
        placed = [t["containerInstanceArn"] for t in tasks]
        assert sorted(placed + [f["arn"] for f in failures]) == sorted(arns)
        for failure in failures:
            assert failure["reason"] in {*RUN_REASONS, "INACTIVE"}, failure
            event(f"start failure: {failure['reason']}")
        for task, arn in zip(tasks, placed, strict=True):
            assert task["lastStatus"] == "PENDING"
            known = self.known[arn]
            assert (known.status, known.connected) == ("ACTIVE", True), (arn, known)

    @rule(data=st.data(), reason=st.sampled_from([None, "chaos"]))
    def stop(self, data: st.DataObject, reason: str | None) -> None:
        arns = self.client.list_tasks(cluster=CLUSTER)["taskArns"]
        if not arns:
            return
        arn = data.draw(st.sampled_from(arns))
        extra = {} if reason is None else {"reason": reason}
        task = self.client.stop_task(cluster=CLUSTER, task=arn, **extra)["task"]
        assert task["desiredStatus"] == "STOPPED"

    @rule(desired=st.integers(min_value=0, max_value=4))
    def scale(self, desired: int) -> None:
        self.client.update_service(cluster=CLUSTER, service="web", desiredCount=desired)

    # -- rules: time ------------------------------------------------------------------------

    @rule(seconds=st.sampled_from([1, 2, 5, 15, 30, 60, 180]))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)

    @rule()
    def settle(self) -> None:
        self.mock.settle()

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def consistent(self) -> None:
        problems = self.mock.invariants()
        assert problems == [], problems

    @invariant()
    def instances_account_for_their_tasks(self) -> None:
        views = self._views()
        listed = self.client.list_container_instances(cluster=CLUSTER)["containerInstanceArns"]
        assert sorted(listed) == sorted(self._registered())
        for arn, view in views.items():
            known = self.known[arn]
            assert view.instance["status"] == known.status, arn
            assert view.instance["agentConnected"] is known.connected, arn
            assert view.attribute("tier") == known.tier, arn
            self._check_holdings(arn, view)
            self._check_counts(arn, view)
            if known.frozen is not None:
                new = {t["taskArn"] for t in view.tasks} - known.frozen
                assert not new, f"{arn} ({known.status}) received {sorted(new)}"
            # DAEMON: one task per instance, never two at once (maximumPercent 100).
            daemons = [
                t["taskArn"]
                for t in view.tasks
                if t["group"] == "service:agent" and t["desiredStatus"] == "RUNNING"
            ]
            assert len(daemons) <= 1, (arn, daemons)
        cluster = self.client.describe_clusters(clusters=[CLUSTER])["clusters"][0]
        assert cluster["registeredContainerInstancesCount"] == len(self._registered())

    def _check_holdings(self, arn: str, view: View) -> None:
        cpu, memory, ports, udp = held(view.live)
        remaining_cpu = view.resource("remainingResources", "CPU")
        remaining_memory = view.resource("remainingResources", "MEMORY")
        remaining_ports = view.resource("remainingResources", "PORTS")
        remaining_udp = view.resource("remainingResources", "PORTS_UDP")
        assert min(remaining_cpu, remaining_memory) >= 0, (arn, remaining_cpu, remaining_memory)
        assert len(remaining_ports) == len(set(remaining_ports)), remaining_ports
        assert all(n == 1 for n in (ports + udp).values()), (arn, ports, udp)
        if view.instance["status"] == "INACTIVE":
            # Deregistration releases everything at once, stopping tasks included (the
            # instance is gone; ecsmock's documented choice).
            cpu, memory, ports, udp = 0, 0, Counter(), Counter()
        registered_cpu = view.resource("registeredResources", "CPU")
        registered_memory = view.resource("registeredResources", "MEMORY")
        assert (remaining_cpu, remaining_memory) == (
            registered_cpu - cpu,
            registered_memory - memory,
        ), (arn, [t["taskArn"] for t in view.live])
        assert set(remaining_ports) == RESERVED_PORTS | set(ports), (arn, remaining_ports)
        assert set(remaining_udp) == set(udp), (arn, remaining_udp)

    def _check_counts(self, arn: str, view: View) -> None:
        running = sum(1 for t in view.tasks if t["desiredStatus"] == "RUNNING")
        pending = sum(1 for t in view.tasks if t["lastStatus"] == "PENDING")
        if view.instance["status"] == "INACTIVE":
            # Its tasks were let go at deregistration (see `_check_holdings`): a task
            # stopped then may still show PENDING until the clock moves.
            running = pending = 0
        counts = (view.instance["runningTasksCount"], view.instance["pendingTasksCount"])
        assert counts == (running, pending), (arn, view.instance["status"], counts)


InstanceMachine.TestCase.settings = settings(
    # Half the profile's examples: 20 under "ci" (a few seconds), 1000 under "long".
    max_examples=max(10, settings().max_examples // 2),
    stateful_step_count=30,
    deadline=None,
    # No "explain" phase: tracing botocore makes a failure take minutes to report.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow],
)
TestInstanceMachine = InstanceMachine.TestCase
