"""Task-set operations of one backend, and the pass that keeps each set at its count.

Behaviour reference 8. The service scheduler hands a pass over an EXTERNAL or CODE_DEPLOY
service to `TaskSetOps.run_pass`: every set is resized to ceil(desiredCount x scale / 100)
(a new scale only once its recompute moment has come; the newest tasks not yet RUNNING go
first when it shrinks; launches wait while the service is throttled), DRAINING sets leave
once their tasks are gone (a deleted service drains them all), and stabilityStatus flips a
moment after the counts settle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock._ids import parse_arn
from ecsmock.errors import (
    InvalidParameterException,
    ServiceNotActiveException,
    TaskSetNotFoundException,
)
from ecsmock.model import tags as tag_rules
from ecsmock.model.services import placement as service_placement
from ecsmock.model.services import service as sv
from ecsmock.model.services import task_set as ts
from ecsmock.model.services.rules import Launch, check_launch, resolved_revision
from ecsmock.model.services.scheduler import event_label
from ecsmock.model.services.service import DeploymentStatus, Revision, Service
from ecsmock.model.services.task_set import Stability, TaskSet, TaskSetStatus
from ecsmock.model.tasks.definitions import TaskDefinition
from ecsmock.model.tasks.task import Task, TaskStatus

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend


@dataclass(slots=True, kw_only=True)
class TaskSetRequest:
    """CreateTaskSet in model terms."""

    cluster: str
    service: str
    task_definition: str
    launch: Launch
    scale: float = 100.0
    external_id: str | None = None
    client_token: str | None = None
    tags: list[tuple[str, str]]


class TaskSetOps:
    """The task sets of every EXTERNAL and CODE_DEPLOY service of one backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    # -- lookup ---------------------------------------------------------------------------

    def of(self, service: Service) -> list[TaskSet]:
        """The service's task sets, oldest first."""
        return [s for s in service.task_sets if isinstance(s, TaskSet)]

    def managed(self, cluster: str, service_ref: str, *, writing: bool = True) -> Service:
        """The service a task-set call names, which must use the EXTERNAL controller.

        Raises:
            ClusterNotFoundException / ServiceNotFoundException: no such cluster or service.
            ServiceNotActiveException: (writing) the service is DRAINING or INACTIVE.
            InvalidParameterException: the service's controller is not EXTERNAL.
        """
        service = self.backend.services.get(cluster, service_ref)
        if writing and not service.active:
            # [O] real text (behaviour reference 7.2)
            raise ServiceNotActiveException(sv.NOT_ACTIVE)
        if service.controller != "EXTERNAL":
            # [O] real text (behaviour reference 8)
            raise InvalidParameterException(ts.EXTERNAL_ONLY)
        return service

    def find(self, service: Service, ref: str) -> TaskSet | None:
        """A task set of the service by id or ARN."""
        for task_set in self.of(service):
            if ref in (task_set.id, task_set.arn):
                return task_set
        return None

    def describe(self, service: Service, refs: list[str]) -> tuple[list[TaskSet], list[str]]:
        """DescribeTaskSets' listed sets: (found, refs of no set of the service).

        Raises:
            InvalidParameterException: a ref is the ARN of something else than a task set
                (observed for a task ARN, boto/boto3#3895).
        """
        for ref in refs:
            if ref.startswith("arn:"):
                parsed = parse_arn(ref)
                if parsed is None or parsed.kind != "task-set":
                    raise InvalidParameterException(ts.BAD_IDENTIFIER)
        found, missing = [], []
        for ref in refs:
            task_set = self.find(service, ref)
            if task_set is None:
                missing.append(ref)
            else:
                found.append(task_set)
        return found, missing

    def get(self, service: Service, ref: str) -> TaskSet:
        """The task set a request names (TaskSetNotFoundException when none)."""
        found = self.find(service, ref)
        if found is None:
            # [M] TaskSetNotFoundException; text [U]
            raise TaskSetNotFoundException(ts.NOT_FOUND)
        return found

    # -- changes --------------------------------------------------------------------------

    def create(self, req: TaskSetRequest) -> TaskSet:
        """CreateTaskSet: a new ACTIVE set; its count is computed a moment later."""
        service = self.managed(req.cluster, req.service)
        existing = [s for s in self.of(service) if s.set_status is not TaskSetStatus.DRAINING]
        if req.client_token is not None:
            if not ts.valid_client_token(req.client_token):
                # [M] clientToken: up to 36 ASCII characters; text [U]
                raise InvalidParameterException(ts.BAD_CLIENT_TOKEN)
            for task_set in existing:
                if task_set.client_token == req.client_token:
                    return task_set
        if len(existing) >= ts.MAX_TASK_SETS:
            # [O] real text (behaviour reference 8)
            raise InvalidParameterException(ts.TOO_MANY)
        check_scale(req.scale)
        cluster = self.backend.active_cluster(req.cluster)
        td = self.backend.tasks.definitions.runnable(req.task_definition)
        check_launch(cluster, td, req.launch, service.scheduling_strategy)
        self.backend.outside.check_network(req.launch.network)
        tag_rules.check_tags(req.tags)
        revision = self.revision(service, td, req.launch)
        return self.add(service, revision, req.scale, req.external_id, req.client_token, req.tags)

    def revision(self, service: Service, td: TaskDefinition, launch: Launch) -> Revision:
        """What a task set runs (a ServiceRevision-like snapshot)."""
        return resolved_revision(self.backend, service, td, launch)

    def add(
        self,
        service: Service,
        revision: Revision,
        scale: float,
        external_id: str | None,
        client_token: str | None,
        tags: list[tuple[str, str]],
        started_by: str | None = None,
    ) -> TaskSet:
        """Make a task set and schedule its first sizing."""
        ids, now = self.backend.ids, self.backend.clock.now
        set_id = f"ecs-svc/{ids.digits19()}"
        task_set = TaskSet(
            id=set_id,
            arn=self.backend.arn(f"task-set/{service.cluster_name}/{service.name}/{set_id}"),
            revision=revision,
            status=DeploymentStatus.ACTIVE,
            desired_count=0,
            created_at=now,
            updated_at=now,
            scale=scale,
            external_id=external_id,
            started_by=started_by,
            stability_at=now,
            client_token=client_token,
            tags=dict(tags),
            listed=False,
        )
        service.task_sets.append(task_set)
        self.resize_soon(service, task_set)
        return task_set

    def resize_soon(self, service: Service, task_set: TaskSet) -> None:
        """Recompute the set's count after ECS's short delay (observed 2-6 s).

        Until then every pass keeps the old computedDesiredCount, whatever brings it on
        (a task changing state must not apply the new scale early).
        """
        delay = self.backend.services.timing.task_set_recompute
        task_set.recompute_at = self.backend.clock.now + timedelta(seconds=delay)
        self.backend.services.scheduler.poke(service, after=delay)

    def update(self, cluster: str, service_ref: str, ref: str, scale: float) -> TaskSet:
        """UpdateTaskSet: only the scale changes; the count follows a moment later."""
        service = self.managed(cluster, service_ref)
        task_set = self.get(service, ref)
        check_scale(scale)
        if task_set.set_status is TaskSetStatus.DRAINING:
            # A deleted set only drains: a new scale would contradict its 0 % (ECS's text
            # for this refusal was not captured [U]).
            raise InvalidParameterException(ts.UPDATE_DRAINING)
        now = self.backend.clock.now
        if scale != task_set.scale and task_set.stability is not Stability.STABILIZING:
            # A new scale unsettles the set at once: the answer says STABILIZING (real
            # UpdateTaskSet output in a public log, behaviour reference 8) [O].
            task_set.stability = Stability.STABILIZING
            task_set.stability_at = now
            task_set.settled_since = None
        task_set.scale = scale
        task_set.updated_at = now
        self.resize_soon(service, task_set)
        return task_set

    def make_primary(self, cluster: str, service_ref: str, ref: str) -> TaskSet:
        """UpdateServicePrimaryTaskSet: the set serves production; the service shows it."""
        service = self.managed(cluster, service_ref)
        task_set = self.get(service, ref)
        if task_set.set_status is TaskSetStatus.DRAINING:
            # [U] a DRAINING set is being deleted; text ecsmock's
            raise InvalidParameterException(ts.PRIMARY_DRAINING)
        now = self.backend.clock.now
        for other in self.of(service):
            if other.set_status is TaskSetStatus.PRIMARY and other is not task_set:
                other.set_status = TaskSetStatus.ACTIVE
                other.updated_at = now
        task_set.set_status = TaskSetStatus.PRIMARY
        task_set.updated_at = now
        service.revision = task_set.revision
        return task_set

    def delete(self, cluster: str, service_ref: str, ref: str, force: bool) -> TaskSet:
        """DeleteTaskSet: DRAINING at scale 0; gone once its tasks have stopped."""
        service = self.managed(cluster, service_ref)
        task_set = self.get(service, ref)
        # DeleteTaskSet `force` docs: without it, a set not yet scaled down to zero is not
        # deleted [M]. Nothing documents a refusal for the PRIMARY set, so it is taken [I].
        scaled = task_set.scale > 0 and (task_set.live or task_set.target(service.desired_count))
        if scaled and not force:
            raise InvalidParameterException(ts.SCALED_ABOVE_ZERO)
        if task_set.set_status is TaskSetStatus.PRIMARY:
            service.revision = None
        task_set.drain(self.backend.clock.now)
        self.backend.services.scheduler.poke(service)
        return task_set

    def drain_all(self, service: Service) -> None:
        """DeleteService: every set of the service drains like a deleted one.

        Run by the first pass after the service turned DRAINING; a service deleted without
        tasks left should call it before it turns INACTIVE.
        """
        now = self.backend.clock.now
        for task_set in self.of(service):
            if task_set.set_status is not TaskSetStatus.DRAINING:
                task_set.drain(now)

    # -- the pass -------------------------------------------------------------------------

    def run_pass(self, service: Service) -> None:
        """Size every task set of the service to its computed count."""
        if not service.active:
            self.drain_all(service)
        for task_set in list(self.of(service)):
            self._recompute(service, task_set)
            # Tasks on DRAINING instances are replaced: started anew elsewhere, then stopped
            # as the surplus (UpdateContainerInstancesState docs).
            moving = service_placement.evicted(self.backend, service, [task_set])
            stopped = self._shrink(service, task_set, moving)
            started = self._grow(service, task_set, len(moving))
            label = event_label(service, task_set)
            if stopped:
                self.backend.services.add_event(service, sv.stopped_message(label, stopped))
            if started:
                self.backend.services.add_event(service, sv.started_message(label, started))
            self._stability(service, task_set)
            if task_set.set_status is TaskSetStatus.DRAINING and not task_set.holds_tasks():
                service.task_sets.remove(task_set)
        if not service.active and not self.holds_tasks(service):
            self.backend.services.make_inactive(service)

    def _recompute(self, service: Service, task_set: TaskSet) -> None:
        """The set's computedDesiredCount: the service's desiredCount x scale, once due."""
        now = self.backend.clock.now
        due = task_set.recompute_at
        if due is not None and now < due:
            # A pass brought on by something else: the new scale is not applied yet.
            wait = (due - now).total_seconds()
            self.backend.services.scheduler.poke(service, after=wait)
            return
        task_set.recompute_at = None
        target = task_set.target(service.desired_count if service.active else 0)
        if target != task_set.desired_count:
            task_set.desired_count = target
            task_set.updated_at = now

    def _shrink(self, service: Service, task_set: TaskSet, moving: dict[str, Task]) -> list[Task]:
        """Stop the surplus: tasks on DRAINING instances, then the newest not yet healthy."""
        surplus = task_set.live - task_set.desired_count
        if surplus <= 0:
            return []
        doomed = list(moving.values())
        doomed += [t for t in reversed(task_set.starting.values()) if t.id not in moving]
        doomed += [t for t in reversed(task_set.healthy.values()) if t.id not in moving]
        reason = sv.SCALING_REASON.format(deployment=task_set.id)
        for task in doomed[:surplus]:
            self.backend.services.scheduler.stop(service, task_set, task, reason)
        return doomed[:surplus]

    def _grow(self, service: Service, task_set: TaskSet, moving: int) -> list[Task]:
        """Start what the set lacks, unless the service's launches are throttled."""
        missing = task_set.desired_count - (task_set.live - moving)
        if missing <= 0 or task_set.set_status is TaskSetStatus.DRAINING or not service.active:
            return []
        # Tasks that failed to start throttle the service's launches, as for a service of
        # the ECS controller.
        return self.backend.services.scheduler.launch(service, task_set, missing)

    def _stability(self, service: Service, task_set: TaskSet) -> None:
        """STEADY_STATE a moment after the counts settle; STABILIZING as soon as they do not.

        Behaviour reference 8: the flip was observed about 2 s after the counts matched;
        the model takes the task-set recompute delay for it.
        """
        now = self.backend.clock.now
        status = Stability.STABILIZING
        if not task_set.settled():
            task_set.settled_since = None
        else:
            if task_set.settled_since is None:
                task_set.settled_since = now
            due = task_set.settled_since + timedelta(
                seconds=self.backend.services.timing.task_set_recompute
            )
            if now >= due:
                status = Stability.STEADY_STATE
            elif task_set.stability is Stability.STABILIZING:
                self.backend.services.scheduler.poke(service, after=(due - now).total_seconds())
        if status is not task_set.stability:
            task_set.stability = status
            task_set.stability_at = now
            if status is Stability.STEADY_STATE:
                self.backend.services.service_action(service, "INFO", "TASKSET_STEADY_STATE")

    def first_code_deploy_set(self, service: Service, revision: Revision) -> TaskSet:
        """CreateService with the CODE_DEPLOY controller: ECS's own PRIMARY set at 100 %."""
        task_set = self.add(service, revision, 100.0, None, None, [], started_by="CODE_DEPLOY")
        task_set.set_status = TaskSetStatus.PRIMARY
        return task_set

    def holds_tasks(self, service: Service) -> bool:
        """Whether any task set of the service still has tasks."""
        return any(s.holds_tasks() for s in self.of(service))

    def counts(self, service: Service) -> tuple[int, int]:
        """(runningCount, pendingCount) over every task set of the service."""
        running = pending = 0
        for task_set in self.of(service):
            r, p = task_set.counts()
            running, pending = running + r, pending + p
        return running, pending

    def tagged(self, resource_arn: str, write: bool) -> TaskSet | None:
        """TagResource's resolver for task-set ARNs."""
        parsed = parse_arn(resource_arn)
        if parsed is None or len(parsed.path) < 3:
            return None
        service = self.backend.services.find(parsed.path[0], parsed.path[1])
        if service is None:
            return None
        return next((s for s in self.of(service) if s.arn == resource_arn), None)

    def invariants(self) -> list[str]:
        """Violations among task sets."""
        out: list[str] = []
        for service in self.backend.services.store.by_key.values():
            arn, sets = service.arn, self.of(service)
            primaries = [s for s in sets if s.set_status is TaskSetStatus.PRIMARY]
            if len(primaries) > 1:
                out.append(f"{arn}: {len(primaries)} PRIMARY task sets")
            for task_set in sets:
                if not 0 <= task_set.scale <= 100:
                    out.append(f"{task_set.arn}: scale {task_set.scale} outside 0-100")
                draining = task_set.set_status is TaskSetStatus.DRAINING
                if draining and (task_set.scale or task_set.desired_count):
                    out.append(f"{task_set.arn}: DRAINING but not scaled to 0")
                for task in (*task_set.starting.values(), *task_set.healthy.values()):
                    if task.stopping or task.last_status is TaskStatus.STOPPED:
                        out.append(f"{task_set.arn}: task {task.id} counted live")
        return out


def check_scale(value: float) -> None:
    """A task set's scale is a percentage, 0 to 100."""
    if not 0 <= value <= 100:
        # [M] scale 0-100 %; text [U]
        raise InvalidParameterException(ts.SCALE_RANGE)
