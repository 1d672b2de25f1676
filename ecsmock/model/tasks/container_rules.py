"""Containers inside a task: start order (`dependsOn`), health checks, shutdown order.

Pure rules over a task's containers; the lifecycle engine (`tasks.lifecycle`) applies
them on the clock.

Sources: the ContainerDependency, ContainerDefinition.startTimeout and HealthCheck docs
of the botocore model; behaviour reference 1.1, 1.5 and 2; and, for what a start that can
never happen looks like, the ECS agent's dependency graph
(aws/amazon-ecs-agent `agent/engine/dependencygraph/graph.go`, PR #3218 and #3927).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from ecsmock.model.tasks.definition_rules import HealthCheckSpec
from ecsmock.model.tasks.task import Container, HealthStatus, Task

# The agent stops a container whose dependency can never be met without ever starting it,
# marks it with the exit code Docker gives a SIGTERM, and reports the graph error as a
# CannotStartContainerError (aws/amazon-ecs-agent PR #3218).
GIVEN_UP_EXIT = 143
GIVEN_UP_PREFIX = "CannotStartContainerError: dependency graph: "
# Conditions a dependency's startTimeout applies to (startTimeout docs; the agent's
# `hasDependencyTimedOut`): START never times out.
TIMED_CONDITIONS = frozenset({"COMPLETE", "SUCCESS", "HEALTHY"})

# Why a waiting container may start (True), must wait (False), or never will (the error).
Verdict = bool | str


def label(container: Container, *, target: bool = False) -> str:
    """A container as the agent prints it in its errors: `name(image) (KNOWN->DESIRED)`."""
    if target:
        known, desired = "NONE", "RUNNING"
    elif container.exited:
        known = "STOPPED"
        desired = "RUNNING" if container.started_at is not None else "STOPPED"
    else:
        known = desired = "RUNNING"
    out = f"{container.name}({container.spec.image}) ({known}->{desired})"
    if container.exit_code is not None:
        out += f" - Exit: {container.exit_code}"
    return out


def _met(dep: Container, condition: str) -> bool:
    if condition == "START":
        # A dependency that started and has since exited still satisfies START (PR #3927).
        return dep.started_at is not None
    if condition == "COMPLETE":
        return dep.exited and dep.exit_code is not None
    if condition == "SUCCESS":
        return dep.exited and dep.exit_code == 0
    # HEALTHY needs a health check on the dependency (ContainerDependency docs).
    return dep.spec.health_check is not None and dep.health_status is HealthStatus.HEALTHY


def _timed_out(dep: Container, condition: str, now: datetime) -> bool:
    """The dependency's own startTimeout ran out, counted from its start (startTimeout docs)."""
    timeout = dep.spec.start_timeout
    if condition not in TIMED_CONDITIONS or not timeout or dep.started_at is None:
        return False
    return not dep.exited and now >= dep.started_at + timedelta(seconds=timeout)


def verdict(task: Task, target: Container, now: datetime) -> Verdict:
    """Whether a waiting container starts now, waits, or never starts (with the error).

    The checks and their order follow the agent's `verifyContainerOrderingStatusResolvable`:
    a timed-out dependency, a SUCCESS dependency that exited non-zero, a dependency that
    will never start; otherwise the container waits until every condition is met.
    """
    ready = True
    for name, condition in target.spec.depends_on:
        dep = task.container(name)
        if dep is None:  # registration rejects this; kept total for safety
            continue
        pair = f"[{label(dep)}] for target [{label(target, target=True)}]"
        if _timed_out(dep, condition, now):
            return f"{GIVEN_UP_PREFIX}container ordering dependency {pair} has timed out."
        if condition == "SUCCESS" and dep.exited and dep.exit_code != 0:
            return (
                f"{GIVEN_UP_PREFIX}failed to resolve container ordering dependency {pair} as "
                "dependency did not exit successfully."
            )
        if dep.exited and dep.started_at is None:
            return (
                f"{GIVEN_UP_PREFIX}failed to resolve container ordering dependency {pair} "
                "because dependency will never start"
            )
        ready = ready and _met(dep, condition)
    return ready


def guards_timeout(task: Task, dep: Container) -> bool:
    """Whether some container waits on `dep` with a condition its startTimeout limits."""
    if not dep.spec.start_timeout:
        return False
    return any(
        name == dep.name and condition in TIMED_CONDITIONS
        for c in task.containers
        if c.waiting
        for name, condition in c.spec.depends_on
    )


def health_verdict(check: HealthCheckSpec, failing: bool) -> tuple[float, HealthStatus]:
    """When (seconds after the container started) its health is first decided, and how.

    The first probe runs one `interval` after the start and a passing probe makes the
    container HEALTHY, even inside `startPeriod`. Failing probes count only from the first
    one at or after `startPeriod`; `retries` counted failures make it UNHEALTHY.
    """
    if not failing:
        return float(check.interval), HealthStatus.HEALTHY
    first_counted = max(1, math.ceil(check.start_period / check.interval))
    return float((first_counted + check.retries - 1) * check.interval), HealthStatus.UNHEALTHY


def shutdown_plan(running: list[Container], waits: dict[str, float]) -> dict[str, float]:
    """When (seconds after STOPPING begins) each running container exits.

    Shutdown is the reverse of startup (dependsOn docs): a container gets its stop signal
    once every running container that depends on it has exited, then takes `waits[name]`.
    """
    if len(running) == 1:  # the usual task: nothing to wait for
        name = running[0].name
        return {name: 0.0 + waits[name]}
    names = {c.name for c in running}
    dependents: dict[str, list[str]] = {name: [] for name in names}
    for c in running:
        for dep, _ in c.spec.depends_on:
            if dep in names and dep != c.name:
                dependents[dep].append(c.name)
    exits: dict[str, float] = {}

    def exit_of(name: str, path: frozenset[str]) -> float:
        if name not in exits:
            inner = path | {name}
            signal = max(
                (exit_of(d, inner) for d in dependents[name] if d not in inner), default=0.0
            )
            exits[name] = signal + waits[name]
        return exits[name]

    for name in sorted(names):
        exit_of(name, frozenset())
    return exits
