"""The EC2 placement engine (pure model): strategies, constraints, failures, validation.

Scenarios follow the Developer Guide pages "Amazon ECS task placement", "Amazon ECS task
placement strategies" and "Amazon ECS task placement constraints".
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from ecsmock.errors import ClientException, InvalidParameterException
from ecsmock.model.capacity import placement_rules as rules
from ecsmock.model.capacity.instance import ContainerInstance, InstanceStatus, Need
from ecsmock.model.capacity.placement import (
    DISTINCT_UNSATISFIED,
    MEMBER_OF_UNSATISFIED,
    Outcome,
    Tally,
    any_registered,
    place,
)
from ecsmock.model.capacity.placement_rules import (
    Constraint,
    Strategy,
    check_constraint_total,
    constraints_in,
    definition_constraints,
    strategies_in,
)
from ecsmock.model.tasks.definition_rules import ContainerSpec
from ecsmock.model.tasks.definitions import TaskDefinition, TaskDefinitionStatus
from ecsmock.model.tasks.needs import need_of
from ecsmock.model.tasks.task import Task, TaskStatus

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/demo"
INSTANCE_ARN = "arn:aws:ecs:us-east-1:123456789012:container-instance/demo/"
GROUP = "family:web"


# -- builders ---------------------------------------------------------------------------------


@dataclass
class FakeTask:
    """What the instance and the engine read of a task."""

    id: str
    group: str
    stopping: bool = False
    last_status: TaskStatus = TaskStatus.RUNNING


def instance(
    name: str,
    *,
    cpu: int = 2048,
    memory: int = 8000,
    az: str | None = "us-east-1a",
    instance_type: str = "m5.large",
    status: InstanceStatus = InstanceStatus.ACTIVE,
    agent: bool = True,
    **attributes: str | None,
) -> ContainerInstance:
    attrs: dict[str, str | None] = {"ecs.instance-type": instance_type}
    if az is not None:
        attrs["ecs.availability-zone"] = az
    attrs.update(attributes)
    return ContainerInstance(
        id=name,
        arn=INSTANCE_ARN + name,
        cluster_name="demo",
        cluster_arn=CLUSTER_ARN,
        ec2_instance_id=f"i-{name}",
        registered_at=START,
        updated_at=START,
        registered_cpu=cpu,
        registered_memory=memory,
        status=status,
        agent_connected=agent,
        attributes=attrs,
    )


_ids = iter(range(10**6))


def add_task(
    target: ContainerInstance, group: str = GROUP, need: Need | None = None, **kw: Any
) -> None:
    task = FakeTask(id=f"t{next(_ids)}", group=group, **kw)
    target.reserve(cast(Task, task), need or Need())


def run(
    instances: Sequence[ContainerInstance],
    need: Need,
    count: int,
    *,
    strategies: Sequence[Strategy] = (),
    constraints: Sequence[Constraint] = (),
    group: str = GROUP,
    rng: random.Random | None = None,
) -> Outcome:
    return place(
        instances,
        need,
        count,
        strategies=strategies,
        constraints=constraints,
        group=group,
        rng=rng or random.Random(0),
    )


def names(outcome: Outcome) -> list[str]:
    return [chosen.id for chosen in outcome.chosen]


def failures(outcome: Outcome) -> list[tuple[str, str]]:
    return [(arn.removeprefix(INSTANCE_ARN), reason) for arn, reason in outcome.failures]


def strategy(kind: str, field: str | None = None) -> Strategy:
    return strategies_in([{"type": kind, "field": field}])[0]


def member_of(expression: str) -> Constraint:
    return constraints_in([{"type": "memberOf", "expression": expression}])[0]


DISTINCT = Constraint("distinctInstance", None)
AZ_SPREAD = Strategy("spread", "attribute:ecs.availability-zone")


def task_definition(
    containers: list[ContainerSpec],
    *,
    network_mode: str | None = None,
    cpu: int | None = None,
    memory: int | None = None,
    constraints: list[dict[str, Any]] | None = None,
) -> TaskDefinition:
    return TaskDefinition(
        family="web",
        revision=1,
        arn="arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
        status=TaskDefinitionStatus.ACTIVE,
        containers=containers,
        network_mode=network_mode,
        requires_compatibilities=[],
        compatibilities=["EXTERNAL", "EC2"],
        cpu_units=cpu,
        memory_mib=memory,
        definition={"family": "web", "placementConstraints": constraints or []},
        registered_at=START,
        registered_by="arn:aws:iam::123456789012:root",
    )


def container(name: str, **kw: Any) -> ContainerSpec:
    return ContainerSpec(name=name, image="nginx", **kw)


# -- binpack ----------------------------------------------------------------------------------


def test_binpack_memory_fills_the_fullest_fitting_instance_first() -> None:
    a = instance("a", memory=1000)
    b = instance("b", memory=3000)
    c = instance("c", memory=2000)
    out = run([a, b, c], Need(cpu=10, memory=600), 5, strategies=[strategy("binpack", "memory")])
    # a (1000 -> 400, full for 600), then c until it is full (2000 -> 200), then b.
    assert names(out) == ["a", "c", "c", "c", "b"]
    assert out.failures == []


def test_binpack_cpu_ties_fall_to_the_next_strategy() -> None:
    roomy = instance("roomy", cpu=1024, memory=8000)
    tight = instance("tight", cpu=1024, memory=2000)
    out = run(
        [roomy, tight],
        Need(cpu=100, memory=100),
        1,
        strategies=[strategy("binpack", "cpu"), strategy("binpack", "memory")],
    )
    assert names(out) == ["tight"]


def test_binpack_counts_what_tasks_already_hold() -> None:
    a = instance("a", memory=4000)
    b = instance("b", memory=3000)
    add_task(a, "other", Need(memory=2000))
    out = run([a, b], Need(memory=500), 1, strategies=[strategy("binpack", "memory")])
    assert names(out) == ["a"]


def test_place_does_not_mutate_instances() -> None:
    a = instance("a", memory=1000)
    out = run([a], Need(cpu=100, memory=400, ports=frozenset({"80"})), 3)
    assert names(out) == ["a"]
    assert (a.remaining_cpu, a.remaining_memory, a.used_ports, a.tasks) == (2048, 1000, set(), {})


# -- spread -----------------------------------------------------------------------------------


def test_spread_by_availability_zone_balances_six_tasks() -> None:
    a1 = instance("a1", az="us-east-1a")
    a2 = instance("a2", az="us-east-1a")
    b = instance("b", az="us-east-1b")
    c = instance("c", az="us-east-1c")
    out = run([a1, a2, b, c], Need(cpu=10, memory=10), 6, strategies=[AZ_SPREAD])
    # Ties inside a zone fall to registration order.
    assert names(out) == ["a1", "b", "c", "a1", "b", "c"]


def test_spread_by_zone_then_instance() -> None:
    a1 = instance("a1", az="us-east-1a")
    a2 = instance("a2", az="us-east-1a")
    b = instance("b", az="us-east-1b")
    c = instance("c", az="us-east-1c")
    out = run(
        [a1, a2, b, c],
        Need(cpu=10, memory=10),
        6,
        strategies=[AZ_SPREAD, strategy("spread", "host")],
    )
    assert names(out) == ["a1", "b", "c", "a2", "b", "c"]


def test_spread_counts_existing_tasks_of_the_group_only() -> None:
    a = instance("a", az="us-east-1a")
    b = instance("b", az="us-east-1b")
    c = instance("c", az="us-east-1c")
    add_task(a)
    add_task(a)
    for _ in range(3):
        add_task(b, "family:other")
    out = run([a, b, c], Need(cpu=10, memory=10), 4, strategies=[AZ_SPREAD])
    assert names(out) == ["b", "c", "b", "c"]


def test_spread_ignores_stopping_tasks() -> None:
    a = instance("a", az="us-east-1a")
    b = instance("b", az="us-east-1b")
    add_task(a, stopping=True)
    add_task(b)
    out = run([a, b], Need(), 1, strategies=[AZ_SPREAD])
    assert names(out) == ["a"]


def test_spread_counts_zones_of_instances_that_cannot_take_the_task() -> None:
    # Zone a holds two tasks of the group on a full instance and has a second, empty one;
    # zone b holds one task. The zone counts decide, not the instances that fit.
    full = instance("full", az="us-east-1a", memory=100)
    empty_a = instance("empty-a", az="us-east-1a")
    b = instance("b", az="us-east-1b")
    add_task(full, need=Need(memory=50))
    add_task(full, need=Need(memory=50))
    add_task(b)
    out = run([full, empty_a, b], Need(memory=100), 2, strategies=[AZ_SPREAD])
    assert names(out) == ["b", "empty-a"]


def test_spread_ignores_tasks_on_draining_instances() -> None:
    draining = instance("draining", az="us-east-1a", status=InstanceStatus.DRAINING)
    a = instance("a", az="us-east-1a")
    b = instance("b", az="us-east-1b")
    for _ in range(3):
        add_task(draining)
    out = run([draining, a, b], Need(), 2, strategies=[AZ_SPREAD])
    assert names(out) == ["a", "b"]


def test_spread_instance_id() -> None:
    a, b, c = instance("a"), instance("b"), instance("c")
    add_task(a)
    out = run([a, b, c], Need(cpu=10), 4, strategies=[strategy("spread", "instanceId")])
    assert names(out) == ["b", "c", "a", "b"]


def test_spread_on_a_custom_attribute_with_missing_values() -> None:
    # Instances without the attribute share one bucket [S].
    blue = instance("blue", stack="blue")
    bare1 = instance("bare1")
    bare2 = instance("bare2")
    out = run([bare1, bare2, blue], Need(), 3, strategies=[strategy("spread", "attribute:stack")])
    assert names(out) == ["bare1", "blue", "bare1"]


def test_spread_then_binpack() -> None:
    big = instance("big", az="us-east-1a", memory=4096)
    small = instance("small", az="us-east-1a", memory=2048)
    other = instance("other", az="us-east-1b", memory=8192)
    out = run(
        [big, small, other],
        Need(memory=512),
        3,
        strategies=[AZ_SPREAD, strategy("binpack", "memory")],
    )
    assert names(out) == ["small", "other", "small"]


# -- random -----------------------------------------------------------------------------------


def test_random_is_deterministic_for_a_seed_and_only_among_fitting_instances() -> None:
    fleet = [
        instance("a"),
        instance("off", agent=False),
        instance("tiny", memory=100),
        instance("d"),
        instance("e"),
    ]
    need = Need(cpu=10, memory=200)
    rng = random.Random(7)
    out = run(fleet, need, 8, strategies=[strategy("random")], rng=rng)
    # One draw per fitting candidate per task, in registration order; the lowest wins.
    replay = random.Random(7)
    expected = []
    for _ in range(8):
        draws = {name: replay.random() for name in ("a", "d", "e")}
        expected.append(min(draws, key=draws.__getitem__))
    assert names(out) == expected
    assert len(set(expected)) > 1
    assert rng.getstate() == replay.getstate()
    again = run(fleet, need, 8, strategies=[strategy("random")], rng=random.Random(7))
    assert names(again) == expected


def test_no_strategy_means_registration_order() -> None:
    a = instance("a", memory=1000)
    b = instance("b", memory=9000)
    out = run([a, b], Need(memory=400), 3, rng=random.Random(1))
    assert names(out) == ["a", "a", "b"]


# -- constraints ------------------------------------------------------------------------------


def test_distinct_instance_excludes_hosts_of_the_group() -> None:
    a, b, c = instance("a"), instance("b"), instance("c")
    add_task(a)
    add_task(b, "family:other")
    out = run([a, b, c], Need(cpu=10), 2, constraints=[DISTINCT])
    assert names(out) == ["b", "c"]


def test_distinct_instance_within_the_call_then_failures() -> None:
    a, b, c = instance("a"), instance("b"), instance("c")
    add_task(a, stopping=True)  # still on the instance until STOPPED
    out = run([a, b, c], Need(cpu=10), 3, constraints=[DISTINCT])
    assert names(out) == ["b", "c"]
    assert failures(out) == [
        ("a", DISTINCT_UNSATISFIED),
        ("b", DISTINCT_UNSATISFIED),
        ("c", DISTINCT_UNSATISFIED),
    ]


def test_member_of_attribute_expression() -> None:
    m5 = instance("m5")
    t2a = instance("t2a", instance_type="t2.small")
    t2b = instance("t2b", instance_type="t2.medium", memory=500)
    out = run(
        [m5, t2a, t2b],
        Need(memory=400),
        3,
        constraints=[member_of("attribute:ecs.instance-type =~ t2.*")],
        strategies=[strategy("binpack", "memory")],
    )
    assert names(out) == ["t2b", "t2a", "t2a"]
    out = run([m5, t2b], Need(memory=400), 2, constraints=[member_of("attribute:stack exists")])
    assert names(out) == []
    assert failures(out) == [("m5", MEMBER_OF_UNSATISFIED), ("t2b", MEMBER_OF_UNSATISFIED)]


def test_member_of_task_group_anti_affinity() -> None:
    a, b = instance("a"), instance("b")
    add_task(a, "database")
    out = run([a, b], Need(), 1, constraints=[member_of("not(task:group == database)")])
    assert names(out) == ["b"]


def test_member_of_task_group_counts_tasks_chosen_in_the_call() -> None:
    a, b = instance("a"), instance("b")
    out = run([a, b], Need(), 3, constraints=[member_of(f"not(task:group == {GROUP})")])
    assert names(out) == ["a", "b"]
    assert failures(out) == [("a", MEMBER_OF_UNSATISFIED), ("b", MEMBER_OF_UNSATISFIED)]


def test_member_of_running_tasks_count_includes_the_call() -> None:
    a, b = instance("a"), instance("b")
    add_task(b, "family:other")
    out = run([a, b], Need(), 4, constraints=[member_of("runningTasksCount < 2")])
    assert names(out) == ["a", "a", "b"]
    assert failures(out) == [("a", MEMBER_OF_UNSATISFIED), ("b", MEMBER_OF_UNSATISFIED)]


def test_constraints_are_checked_in_order() -> None:
    a = instance("a")
    add_task(a)
    out = run([a], Need(), 1, constraints=[DISTINCT, member_of("attribute:stack exists")])
    assert failures(out) == [("a", DISTINCT_UNSATISFIED)]
    out = run([a], Need(), 1, constraints=[member_of("attribute:stack exists"), DISTINCT])
    assert failures(out) == [("a", MEMBER_OF_UNSATISFIED)]


# -- statuses and failures --------------------------------------------------------------------


def test_draining_and_disconnected_instances_are_never_chosen() -> None:
    drain = instance("drain", status=InstanceStatus.DRAINING)
    off = instance("off", agent=False)
    ok = instance("ok", memory=1000)
    out = run([drain, off, ok], Need(memory=600), 2)
    assert names(out) == ["ok"]
    # DRAINING instances are not reported [S].
    assert failures(out) == [("off", "AGENT"), ("ok", "RESOURCE:MEMORY")]


def test_failure_reasons_and_their_order() -> None:
    need = Need(cpu=512, memory=512, ports=frozenset({"80"}), ports_udp=frozenset({"53"}))
    both_short = instance("both-short", cpu=256, memory=256)
    memory_short = instance("memory-short", memory=256)
    port_taken = instance("port-taken")
    add_task(port_taken, "other", Need(ports=frozenset({"80"})))
    udp_taken = instance("udp-taken")
    add_task(udp_taken, "other", Need(ports_udp=frozenset({"53"})))
    off_and_short = instance("off-and-short", cpu=1, agent=False)
    elsewhere = instance("elsewhere", memory=256, stack="blue")
    inactive = instance("inactive", status=InstanceStatus.INACTIVE)
    out = run(
        [both_short, memory_short, port_taken, udp_taken, off_and_short, elsewhere, inactive],
        need,
        1,
        constraints=[member_of("attribute:stack == green")],
    )
    assert out.chosen == []
    # Agent, then CPU, MEMORY, PORTS, PORTS_UDP, then the constraints.
    assert failures(out) == [
        ("both-short", "RESOURCE:CPU"),
        ("memory-short", "RESOURCE:MEMORY"),
        ("port-taken", "RESOURCE:PORTS"),
        ("udp-taken", "RESOURCE:PORTS_UDP"),
        ("off-and-short", "AGENT"),
        ("elsewhere", "RESOURCE:MEMORY"),
    ]
    roomy = instance("roomy", stack="blue")
    assert failures(run([roomy], need, 1, constraints=[member_of("attribute:stack == green")])) == [
        ("roomy", MEMBER_OF_UNSATISFIED)
    ]


def test_count_partially_placed() -> None:
    a = instance("a", memory=1000)
    b = instance("b", memory=1000)
    out = run([a, b], Need(memory=400), 5)
    assert names(out) == ["a", "a", "b", "b"]
    assert failures(out) == [("a", "RESOURCE:MEMORY"), ("b", "RESOURCE:MEMORY")]


def test_nothing_examined_without_active_instances() -> None:
    fleet = [
        instance("drain", status=InstanceStatus.DRAINING),
        instance("gone", status=InstanceStatus.INACTIVE),
    ]
    assert not any_registered(fleet)
    assert not any_registered([])
    out = run(fleet, Need(), 2)
    assert (out.chosen, out.failures) == ([], [])
    assert any_registered([*fleet, instance("ok")])


def fit_reason(
    inst: ContainerInstance, need: Need, constraints: list[Constraint], group: str
) -> str | None:
    """Why `inst` cannot take one task with nothing else placed in the same call."""
    return Tally().reason(inst, need, constraints, group)


def test_fit_reason() -> None:
    a = instance("a", memory=1000)
    assert fit_reason(a, Need(memory=1000), [], GROUP) is None
    assert fit_reason(a, Need(memory=1001), [], GROUP) == "RESOURCE:MEMORY"
    add_task(a)
    assert fit_reason(a, Need(), [DISTINCT], GROUP) == DISTINCT_UNSATISFIED
    assert fit_reason(a, Need(), [DISTINCT], "family:other") is None


def test_a_tally_counts_what_the_call_put_on_an_instance() -> None:
    a = instance("a", memory=1000)
    tally = Tally()
    assert tally.reason(a, Need(memory=600), [], GROUP) is None
    tally.take(a, Need(memory=600))
    assert tally.reason(a, Need(memory=600), [], GROUP) == "RESOURCE:MEMORY"
    assert tally.reason(a, Need(memory=400), [DISTINCT], GROUP) == DISTINCT_UNSATISFIED


def test_unparsed_member_of_is_refused() -> None:
    with pytest.raises(ValueError, match="not parsed"):
        run([instance("a")], Need(), 1, constraints=[Constraint("memberOf", "x == y")])


# -- host ports -------------------------------------------------------------------------------


def web(port_mappings: list[dict[str, object]], network_mode: str | None = None) -> Need:
    td = task_definition(
        [container("web", memory=128, port_mappings=port_mappings)], network_mode=network_mode
    )
    return need_of(td, {}, None, None)


def test_static_bridge_host_port_conflicts_within_the_call() -> None:
    need = web([{"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}])
    assert need.ports == frozenset({"8080"})
    a, b = instance("a"), instance("b")
    assert names(run([a, b], need, 2)) == ["a", "b"]
    out = run([a], need, 2)
    assert names(out) == ["a"]
    assert failures(out) == [("a", "RESOURCE:PORTS")]


def test_host_mode_uses_the_container_port() -> None:
    need = web([{"containerPort": 22}, {"containerPort": 53, "protocol": "udp"}], "host")
    assert (need.ports, need.ports_udp) == (frozenset({"22"}), frozenset({"53"}))
    # 22 is among the ports the agent reserves on every instance.
    assert failures(run([instance("a")], need, 1)) == [("a", "RESOURCE:PORTS")]
    need = web([{"containerPort": 80, "hostPort": 0}], "host")
    assert need.ports == frozenset({"80"})


def test_dynamic_ports_do_not_conflict() -> None:
    need = web([{"containerPort": 80, "hostPort": 0}, {"containerPort": 81}])
    assert (need.ports, need.ports_udp) == (frozenset(), frozenset())
    assert names(run([instance("a")], need, 3)) == ["a", "a", "a"]


@pytest.mark.parametrize("mode", ["awsvpc", "none"])
def test_awsvpc_and_none_hold_no_host_port(mode: str) -> None:
    need = web([{"containerPort": 80, "hostPort": 80}], mode)
    assert need.ports == frozenset()


# -- what a task needs ------------------------------------------------------------------------


def test_need_sums_containers_preferring_memory_reservation() -> None:
    td = task_definition(
        [
            container("web", cpu=256, memory=512, memory_reservation=256),
            container("sidecar", cpu=128, memory=128),
            container("init", cpu=0, memory_reservation=64),
        ]
    )
    assert need_of(td, {}, None, None) == Need(cpu=384, memory=448)


def test_need_with_container_overrides() -> None:
    td = task_definition(
        [
            container("web", cpu=256, memory=512, memory_reservation=256),
            container("sidecar", cpu=128, memory=128),
        ]
    )
    sizes: dict[str, tuple[int, int | None, int | None]] = {
        "web": (1024, 2048, None),
        "sidecar": (128, 128, 100),
    }
    assert need_of(td, sizes, None, None) == Need(cpu=1152, memory=2148)


def test_need_prefers_task_level_sizes() -> None:
    td = task_definition([container("web", cpu=256, memory=512)], cpu=1024, memory=3072)
    assert need_of(td, {}, None, None) == Need(cpu=1024, memory=3072)
    assert need_of(td, {}, "2048", "4096") == Need(cpu=2048, memory=4096)
    bare = task_definition([container("web", cpu=256, memory=512)])
    assert need_of(bare, {}, "1 vCPU", "2GB") == Need(cpu=1024, memory=2048)


# -- validation -------------------------------------------------------------------------------


def test_strategies_are_normalised() -> None:
    assert strategies_in(None) == []
    assert strategies_in(
        [
            {"type": "spread", "field": "host"},
            {"type": "spread", "field": "attribute:ecs.availability-zone"},
            {"type": "binpack", "field": "MEMORY"},
            {"type": "random", "field": "whatever"},
            {"type": "spread", "field": "instanceId"},
        ]
    ) == [
        Strategy("spread", "instanceId"),
        Strategy("spread", "attribute:ecs.availability-zone"),
        Strategy("binpack", "memory"),
        Strategy("random", None),
        Strategy("spread", "instanceId"),
    ]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"type": "random"}] * 6, "placementStrategy can have at most 5 items."),
        (
            [{"type": "pack", "field": "cpu"}],
            "Invalid value 'pack' for placementStrategy.type. "
            "Valid values: random, spread, binpack.",
        ),
        ([{"field": "cpu"}], "placementStrategy.type must be specified."),
        ([{"type": "spread"}], "The spread placement strategy requires a field."),
        ([{"type": "binpack", "field": ""}], "The binpack placement strategy requires a field."),
        (
            [{"type": "binpack", "field": "disk"}],
            "Invalid field 'disk' for the binpack placement strategy. Valid values: cpu, memory.",
        ),
        (
            [{"type": "spread", "field": "ecs.availability-zone"}],
            "Invalid field 'ecs.availability-zone' for the spread placement strategy. "
            "Valid values: instanceId, host, attribute:<name>.",
        ),
        (
            [{"type": "spread", "field": "attribute:"}],
            "Invalid field 'attribute:' for the spread placement strategy. "
            "Valid values: instanceId, host, attribute:<name>.",
        ),
    ],
)
def test_strategy_errors(items: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(InvalidParameterException) as err:
        strategies_in(items)
    assert err.value.message == message


def test_constraints_are_parsed() -> None:
    found = constraints_in(
        [
            {"type": "distinctInstance"},
            {"type": "distinctInstance", "expression": ""},
            {"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t2.*"},
        ]
    )
    assert found == [
        Constraint("distinctInstance", None),
        Constraint("distinctInstance", None),
        Constraint("memberOf", "attribute:ecs.instance-type =~ t2.*"),
    ]
    query = found[2].query
    assert query is not None
    assert query.subjects == frozenset({"attribute:ecs.instance-type"})
    assert constraints_in(None) == []


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"type": "distinctInstance"}] * 11, "placementConstraints can have at most 10 items."),
        (
            [{"type": "sameInstance"}],
            "Invalid value 'sameInstance' for placementConstraints.type. "
            "Valid values: distinctInstance, memberOf.",
        ),
        ([{"expression": "x"}], "placementConstraints.type must be specified."),
        ([{"type": "memberOf"}], "A memberOf placement constraint requires an expression."),
        (
            [{"type": "memberOf", "expression": "attribute:a == " + "x" * 1990}],
            "A placement constraint expression can have at most 2000 characters.",
        ),
        (
            [{"type": "distinctInstance", "expression": "attribute:a exists"}],
            "A distinctInstance placement constraint cannot have an expression.",
        ),
    ],
)
def test_constraint_errors(items: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(InvalidParameterException) as err:
        constraints_in(items)
    assert err.value.message == message


def test_constraint_expression_errors_come_from_the_parser() -> None:
    with pytest.raises(InvalidParameterException, match="unknown subject"):
        constraints_in([{"type": "memberOf", "expression": "color == blue"}])


def test_expression_of_exactly_2000_characters_is_accepted() -> None:
    expression = "attribute:a == " + "x" * (2000 - len("attribute:a == "))
    assert len(constraints_in([{"type": "memberOf", "expression": expression}])) == 1


def test_task_definition_constraints() -> None:
    with pytest.raises(ClientException) as err:
        constraints_in([{"type": "distinctInstance"}], task_definition=True)
    assert err.value.message == "constraint.type 'distinctInstance' is not supported."
    with pytest.raises(ClientException) as err:
        constraints_in([{"type": "memberOf", "expression": "nope"}], task_definition=True)
    assert err.value.message.startswith("Invalid cluster query expression 'nope'")
    with pytest.raises(ClientException) as err:
        constraints_in([{"type": "memberOf", "expression": "a:b"}] * 11, task_definition=True)
    assert err.value.message == "placementConstraints can have at most 10 items."
    assert constraints_in(
        [{"type": "memberOf", "expression": "attribute:stack == blue"}], task_definition=True
    ) == [Constraint("memberOf", "attribute:stack == blue")]


def test_constraint_total_counts_the_definition() -> None:
    five = [DISTINCT] * 5
    check_constraint_total(five, five)
    with pytest.raises(InvalidParameterException) as err:
        check_constraint_total([*five, DISTINCT], five)
    assert err.value.message == rules.TOO_MANY_IN_TOTAL
    assert err.value.message == (
        "placementConstraints can have at most 10 items, including those of the task definition."
    )


def test_definition_constraints() -> None:
    td = task_definition(
        [container("web", memory=128)],
        constraints=[{"type": "memberOf", "expression": "attribute:stack == blue"}],
    )
    found = definition_constraints(td)
    assert found == [Constraint("memberOf", "attribute:stack == blue")]
    blue, green = instance("blue", stack="blue"), instance("green", stack="green")
    assert names(run([green, blue], Need(), 1, constraints=found)) == ["blue"]
    assert definition_constraints(task_definition([container("web", memory=128)])) == []
