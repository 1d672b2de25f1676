"""The rolling-update arithmetic of one scheduler pass: what stops, how many start.

Behaviour reference 7.4 and 7.6: within `minimumHealthyPercent` / `maximumPercent` of the
desired count, old deployments' tasks give way to the PRIMARY's; tasks on DRAINING
instances count as old ones. A task with scale-in protection (`services.protection`) is
neither scaled in nor replaced by a deployment while the service is ACTIVE; the rest of the
rollout goes on around it. Pure functions of a service's deployments: the scheduler
(`services.scheduler`) applies what they decide.
"""

from __future__ import annotations

from ecsmock.model.services.service import Deployment, RolloutState, Service
from ecsmock.model.tasks.task import Task, TaskStatus


def to_stop(
    service: Service, primary: Deployment, desired: int, evicted: dict[str, Task]
) -> list[tuple[Deployment, Task]]:
    """Which tasks a pass stops, keeping the healthy tasks at the floor.

    Old tasks not yet RUNNING go at once; RUNNING ones (and a surplus of the PRIMARY's)
    only while the healthy tasks stay at the floor. A RUNNING task inside its healthy
    wait does not count toward the floor, but is not thrown away either: it goes only
    where a healthy one could. Tasks on DRAINING instances (`evicted`) are treated as
    old ones, first (UpdateContainerInstancesState docs).
    """
    old = service.deployments[1:]
    failed = primary.rollout_state is RolloutState.FAILED and service.active
    kept = _protected if service.active else _never
    chosen: list[tuple[Deployment, Task]] = []
    moving = [
        (d, t) for d in service.deployments if evicted for t in d.live_tasks() if t.id in evicted
    ]
    if not failed:
        chosen += [(d, t) for d, t in moving if not _running(t)]
        for deployment in old:
            chosen += [
                (deployment, t)
                for t in deployment.starting.values()
                if not _running(t) and t.id not in evicted and not kept(t)
            ]
    surplus = primary.live - _count_in(primary, evicted) - desired
    for task in reversed(primary.starting.values()):
        if surplus <= 0 or _running(task):
            break
        if task.id not in evicted and not kept(task):
            chosen.append((primary, task))
            surplus -= 1
    room = sum(len(d.healthy) for d in service.deployments) - service.config.lower(desired)
    candidates: list[tuple[Deployment, Task]] = []
    if not failed:
        candidates += [(d, t) for d, t in moving if _running(t)]
        for deployment in reversed(old):  # the oldest deployment goes first
            going = [*deployment.starting.values(), *deployment.healthy.values()]
            candidates += [(deployment, t) for t in going if _running(t) and not kept(t)]
    if surplus > 0:
        extra = [t for t in reversed(primary.starting.values()) if _running(t)]
        extra += list(reversed(primary.healthy.values()))
        candidates += [(primary, t) for t in extra if t.id not in evicted and not kept(t)][:surplus]
    seen = {t.id for _, t in chosen}
    for deployment, task in candidates:
        if room <= 0:
            break
        if task.id in seen:
            continue
        seen.add(task.id)
        chosen.append((deployment, task))
        if task.id in deployment.healthy:
            room -= 1
    return chosen


def start_count(
    service: Service, primary: Deployment, desired: int, evicted: dict[str, Task]
) -> int:
    """How many tasks a pass starts for the PRIMARY (0 or less: none).

    Up to the desired count, within `maximumPercent` of the live tasks of every deployment;
    none after a failed rollout or once the service is deleted.
    """
    if primary.rollout_state is RolloutState.FAILED or not service.active:
        return 0
    live = sum(d.live for d in service.deployments)
    staying = primary.live - _count_in(primary, evicted)
    return min(desired - staying, service.config.upper(desired) - live)


def stuck(service: Service, primary: Deployment, desired: int) -> bool:
    """Work left, nothing in flight, and the percentages allow no move."""
    if primary.rollout_state is not RolloutState.IN_PROGRESS or not service.active:
        return False
    if any(d.starting for d in service.deployments):
        return False
    if any(_protected(t) for d in service.deployments for t in d.healthy.values()):
        return False  # protection holds the rollout, not the percentages
    old_live = sum(d.live for d in service.deployments[1:])
    if primary.live >= desired and old_live == 0:
        return False
    config = service.config
    can_start = min(desired - primary.live, config.upper(desired) - primary.live - old_live)
    healthy = sum(len(d.healthy) for d in service.deployments)
    return can_start <= 0 and healthy - config.lower(desired) <= 0


def _count_in(deployment: Deployment, tasks: dict[str, Task]) -> int:
    """How many of `tasks` are live tasks of `deployment`."""
    if not tasks:
        return 0
    return sum(1 for t in deployment.live_tasks() if t.id in tasks)


def _running(task: Task) -> bool:
    return task.last_status is TaskStatus.RUNNING


def _protected(task: Task) -> bool:
    return task.protected_until is not None


def _never(task: Task) -> bool:
    return False
