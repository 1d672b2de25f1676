"""Task placement on EC2 container instances: which instance takes each task, or why none can.

Pure (no botocore). Sources: Developer Guide "Amazon ECS task placement" (the pipeline),
"Amazon ECS task placement strategies", "Amazon ECS task placement constraints", "API
failure reasons" (the failure reason strings) and behaviour reference 6.2, 9.2 and 9.5.
Parsing and validation of strategies and constraints live in `capacity.placement_rules`.

`place` places ``count`` tasks one after another; each choice counts for the next
(resources, host ports, distinctInstance, spread counts, binpack remaining). The instances
are never mutated: the load of the call is kept aside until the caller creates the tasks.
For each task (the "task placement" page's order):

1. Candidates are the ACTIVE instances (``placeable``; DRAINING ones take no new task).
2. The agent must be connected, else the instance's reason is ``AGENT``.
3. CPU, memory, TCP and UDP host ports must fit (the instance's remaining resources, less
   what this call already put there), else ``RESOURCE:CPU``/``MEMORY``/``PORTS``/
   ``PORTS_UDP``; then the instance must carry every attribute the definition requires
   (`Need.attributes`), else ``ATTRIBUTE``.
4. Every constraint must hold, in the order given:

   - ``distinctInstance``: no task of the same group on the instance (any task it holds,
     i.e. not yet STOPPED, stopping ones included) and none chosen there in this call;
     else ``DistinctInstance placement constraint unsatisfied.`` (service event quoted in
     aws/containers-roadmap#1201 [O]).
   - ``memberOf``: the cluster query matches the instance, with ``task:group`` and
     ``runningTasksCount`` counting the tasks chosen there earlier in this call; else
     ``MemberOf placement constraint unsatisfied.`` (real RunTask failure,
     aws/amazon-ecs-agent#3044, also on the "API failure reasons" page [O]).

5. The strategies order the survivors as a lexicographic key (best effort: they never
   exclude an instance), then registration order breaks ties [S]:

   - ``spread(field)``: fewest tasks of ``group`` whose value of the field equals the
     instance's. Counted over every ACTIVE instance (others contribute no value), tasks
     already stopping excluded [S]; ``instanceId`` makes each instance its own value; an
     instance without the attribute (or with it valueless) falls in the bucket ``""`` [S].
   - ``binpack(cpu|memory)``: least remaining of that resource after this call's load.
   - ``random``: a draw from ``rng``, one per candidate per task in registration order, so
     a seed fixes the outcome [S].

6. The first instance in that order takes the task.

With no strategies the order is registration order [S]. When a task fits nowhere, placing
stops: `Outcome.chosen` is shorter than ``count`` and `Outcome.failures` holds one
``(instance ARN, reason)`` per ACTIVE instance, in registration order, naming its first
failed step (one entry per examined instance is our choice [U][S]); DRAINING and other
non-ACTIVE instances are not reported [S]. With no ACTIVE instance nothing is examined and
both lists are empty: the caller raises ``No Container Instances were found in your
cluster.`` (behaviour reference 6.2 [O]); `any_registered` tells it when.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ecsmock.model.capacity.instance import ContainerInstance, Need
from ecsmock.model.capacity.placement_rules import (
    Constraint,
    Strategy,
)
from ecsmock.model.capacity.query_values import Value
from ecsmock.model.tasks.task import TaskStatus

__all__ = [
    "DISTINCT_UNSATISFIED",
    "MEMBER_OF_UNSATISFIED",
    "Outcome",
    "Tally",
    "any_registered",
    "place",
]

MEMBER_OF_UNSATISFIED = "MemberOf placement constraint unsatisfied."
# Quoted from a service event; RunTask's failure entry is assumed to use the same text [I].
DISTINCT_UNSATISFIED = "DistinctInstance placement constraint unsatisfied."


@dataclass(slots=True)
class Outcome:
    """What `place` decided.

    Attributes:
        chosen: one instance per placed task, in order (shorter than the count when a task
            could not be placed).
        failures: ``(container instance ARN, reason)`` per examined instance when not every
            task was placed; empty otherwise.
    """

    chosen: list[ContainerInstance]
    failures: list[tuple[str, str]]


# -- one instance and this call's load on it ----------------------------------------------


@dataclass(slots=True)
class _Slot:
    """An ACTIVE instance with what this call has put on it so far."""

    instance: ContainerInstance
    index: int
    cpu: int = 0
    memory: int = 0
    ports: set[str] = field(default_factory=set)
    ports_udp: set[str] = field(default_factory=set)
    count: int = 0
    # The group's tasks already on the instance, counted once per call (not per task).
    staying: int | None = None
    held: bool | None = None

    def take(self, need: Need) -> None:
        self.cpu += need.cpu
        self.memory += need.memory
        self.ports |= need.ports
        self.ports_udp |= need.ports_udp
        self.count += 1

    def remaining(self, resource: str) -> int:
        if resource == "cpu":
            return self.instance.remaining_cpu - self.cpu
        return self.instance.remaining_memory - self.memory

    def shortfall(self, need: Need) -> str | None:
        """The first resource lacking, counting this call's load.

        Checked as the API failure reasons page lists them: CPU, MEMORY, PORTS, PORTS_UDP.
        """
        if need.cpu > self.remaining("cpu"):
            return "RESOURCE:CPU"
        if need.memory > self.remaining("memory"):
            return "RESOURCE:MEMORY"
        if need.ports and need.ports & (self.instance.ports_in_use() | self.ports):
            return "RESOURCE:PORTS"
        if need.ports_udp and need.ports_udp & (self.instance.ports_udp_in_use() | self.ports_udp):
            return "RESOURCE:PORTS_UDP"
        return None

    def hosts(self, group: str) -> bool:
        """Whether a task of `group` is on the instance (held, or chosen in this call)."""
        if self.held is None:
            tasks = self.instance.tasks.values()
            self.held = any(
                t.group == group and t.last_status is not TaskStatus.STOPPED for t in tasks
            )
        return self.count > 0 or self.held

    def spread_count(self, group: str) -> int:
        """Tasks of `group` here that are staying (not stopping), with this call's."""
        if self.staying is None:
            tasks = self.instance.tasks.values()
            self.staying = sum(1 for t in tasks if t.group == group and not t.stopping)
        return self.count + self.staying

    def resolver(self, group: str) -> Callable[[str], Value]:
        """The instance's query values, with this call's tasks counted."""

        def resolve(subject: str) -> Value:
            value = self.instance.resolve(subject)
            if self.count and subject == "task:group" and isinstance(value, frozenset):
                return value | {group}
            if subject == "runningTasksCount" and isinstance(value, int):
                return value + self.count
            return value

        return resolve

    def reason(self, need: Need, constraints: Sequence[Constraint], group: str) -> str | None:
        """Why the instance cannot take one more task, or None (pipeline order)."""
        if not self.instance.agent_connected:
            return "AGENT"
        short = self.shortfall(need)
        if short is not None:
            return short
        if need.attributes and need.unmet(self.instance.attributes):
            return "ATTRIBUTE"
        for constraint in constraints:
            if constraint.type == "distinctInstance" and self.hosts(group):
                return DISTINCT_UNSATISFIED
            if constraint.type == "memberOf" and not _member(constraint, self.resolver(group)):
                return MEMBER_OF_UNSATISFIED
        return None


def _member(constraint: Constraint, resolve: Callable[[str], Value]) -> bool:
    # A constraint built without `constraints_in` carries no query; never silently pass it.
    if constraint.query is None:
        raise ValueError(f"memberOf constraint {constraint.expression!r} was not parsed")
    return constraint.query.matches(resolve)


# -- placing ------------------------------------------------------------------------------


def any_registered(instances: Sequence[ContainerInstance]) -> bool:
    """Whether placement can examine anything: an ACTIVE instance exists.

    RunTask on EC2 with "no registered ACTIVE instance" raises ``No Container Instances were
    found in your cluster.`` (behaviour reference 6.2 [O]); a cluster with only DRAINING
    instances counts as having none [I].
    """
    return any(instance.placeable for instance in instances)


class Tally:
    """Instances named one by one in a call, with what the call has put on each so far.

    StartTask names its instances itself (the same one may come more than once): each
    is checked as `place` checks a candidate, the agent, resources with this call's load,
    required attributes and constraints. The instance's status is not looked at: callers
    filter on `ContainerInstance.placeable` themselves.
    """

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}

    def reason(
        self,
        instance: ContainerInstance,
        need: Need,
        constraints: Sequence[Constraint],
        group: str,
    ) -> str | None:
        """Why `instance` cannot take one more task (a failure reason), or None."""
        slot = self._slots.get(instance.id)
        if slot is None:
            slot = self._slots[instance.id] = _Slot(instance, len(self._slots))
        return slot.reason(need, constraints, group)

    def take(self, instance: ContainerInstance, need: Need) -> None:
        """A task goes on `instance` (after `reason` found it fits)."""
        self._slots[instance.id].take(need)


def place(
    instances: Sequence[ContainerInstance],
    need: Need,
    count: int,
    *,
    strategies: Sequence[Strategy],
    constraints: Sequence[Constraint],
    group: str,
    rng: random.Random,
) -> Outcome:
    """Choose an instance for each of `count` tasks (see the module docstring).

    Args:
        instances: every instance of the cluster, in registration order.
        need: what one task holds.
        count: how many tasks to place.
        strategies: placement strategies, applied in order.
        constraints: the request's and the task definition's constraints.
        group: the tasks' group (``family:web``, ``service:web``), which distinctInstance,
            ``task:group`` and spread count.
        rng: the only source of randomness (the random strategy).

    Returns:
        The chosen instances, and the failures when a task could not be placed.
    """
    slots = [_Slot(inst, i) for i, inst in enumerate(instances) if inst.placeable]
    chosen: list[ContainerInstance] = []
    for _ in range(count):
        reasons = [(slot, slot.reason(need, constraints, group)) for slot in slots]
        candidates = [slot for slot, reason in reasons if reason is None]
        if not candidates:
            failures = [(slot.instance.arn, reason) for slot, reason in reasons if reason]
            return Outcome(chosen, failures)
        best = min(candidates, key=_ordering(candidates, slots, strategies, group, rng))
        best.take(need)
        chosen.append(best.instance)
    return Outcome(chosen, [])


def _ordering(
    candidates: list[_Slot],
    slots: list[_Slot],
    strategies: Sequence[Strategy],
    group: str,
    rng: random.Random,
) -> Callable[[_Slot], tuple[float, ...]]:
    """The sort key of the candidates: one component per strategy, then registration order."""
    columns = [_column(s, candidates, slots, group, rng) for s in strategies]

    def key(slot: _Slot) -> tuple[float, ...]:
        return (*(column[slot.index] for column in columns), slot.index)

    return key


def _column(
    strategy: Strategy,
    candidates: list[_Slot],
    slots: list[_Slot],
    group: str,
    rng: random.Random,
) -> dict[int, float]:
    """One strategy's key per candidate (by slot index); lower is preferred."""
    if strategy.type == "random":
        return {slot.index: rng.random() for slot in candidates}
    if strategy.type == "binpack":
        return {slot.index: slot.remaining(strategy.field or "") for slot in candidates}
    if strategy.field == "instanceId":
        return {slot.index: slot.spread_count(group) for slot in candidates}
    name = (strategy.field or "").removeprefix("attribute:")
    per_value: Counter[str] = Counter()
    for slot in slots:
        per_value[_bucket(slot, name)] += slot.spread_count(group)
    return {slot.index: per_value[_bucket(slot, name)] for slot in candidates}


def _bucket(slot: _Slot, attribute: str) -> str:
    # Instances without the attribute, or with it valueless, share the bucket "" [S].
    return slot.instance.attributes.get(attribute) or ""
