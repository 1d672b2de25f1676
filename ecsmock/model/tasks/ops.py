"""Task operations of one backend: run, stop, look up, and the lifecycle's bookkeeping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ecsmock.errors import ConflictException, InvalidParameterException
from ecsmock.model import tags as tag_rules
from ecsmock.model.behaviour import Behaviour
from ecsmock.model.capacity import launch_routing as ec2
from ecsmock.model.tasks import launch as rules
from ecsmock.model.tasks.definitions import TaskDefinition, TaskDefinitionStore
from ecsmock.model.tasks.lifecycle import Lifecycle
from ecsmock.model.tasks.store import Placement, TaskSpec, TaskStore, fill_sizes
from ecsmock.model.tasks.task import DEFAULT_STOP_REASON, StopCode, Task, TaskStatus
from ecsmock.model.tasks.volumes import check_volumes
from ecsmock.model.timing import TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend
    from ecsmock.model.clusters.cluster import Cluster

TASK_NOT_FOUND = "The referenced task was not found."
# ECS's text for a reused clientToken was not captured (spec 13); the wording follows the
# RunTask docs' description of the ConflictException.
CLIENT_TOKEN_CONFLICT = (
    "The provided clientToken is already in use with a different RunTask request. The "
    "resourceIds are the existing task ARNs which are already associated with the clientToken."
)
STOPPING_LIKE = frozenset({TaskStatus.DEACTIVATING, TaskStatus.STOPPING, TaskStatus.DEPROVISIONING})
MAX_REASON = 255
PENDING_LIKE = frozenset({TaskStatus.PROVISIONING, TaskStatus.PENDING, TaskStatus.ACTIVATING})
Publisher = Callable[[Task], None]


@dataclass(slots=True)
class RunResult:
    """What RunTask answers: the tasks started and the failures."""

    tasks: list[Task]
    failures: list[tuple[str | None, str]]


class TaskOps:
    """Task definitions and tasks of one account and region."""

    def __init__(self, backend: Backend, timing: TimingProfile, behaviour: Behaviour) -> None:
        self.backend = backend
        self.timing = timing
        self.definitions = TaskDefinitionStore(backend.arn, backend.settings.root)
        self.store = TaskStore(backend.region, backend.arn, backend.ids, backend.clock)
        self.lifecycle = Lifecycle(
            backend.clock, timing, backend.ids, behaviour, self._observe, backend.outside
        )
        self.ec2 = ec2.Ec2Placer(backend)
        self.lifecycle.decision_observer = self._decided
        self.publish: Publisher | None = None
        # The service scheduler's hooks: every change of a task, and a task purged.
        self.service_hook: Callable[[Task, TaskStatus | None], None] | None = None
        self.purge_hook: Callable[[Task], None] | None = None
        # The daemons' hook: every change of a daemon task.
        self.daemon_hook: Callable[[Task, TaskStatus | None], None] | None = None
        self._tokens: dict[str, tuple[str | bytes, list[str]]] = {}
        self._token_of: dict[str, str] = {}
        # Tasks not yet STOPPED per (cluster name, capacity provider).
        self._providers: dict[tuple[str, str], int] = {}

    # -- RunTask --------------------------------------------------------------------------

    def run(self, req: rules.RunRequest) -> RunResult:
        """Validate a RunTask request in ECS's order, place its tasks and start them.

        Behaviour reference 6.1: cluster, count, task definition, launch type or strategy,
        compatibility (and platform version), network configuration, startedBy, overrides,
        tags, clientToken; then placement.
        """
        cluster = self.backend.active_cluster(req.cluster)
        rules.check_count(req.count)
        td = self.definitions.runnable(req.task_definition)
        launch_type, strategy = rules.resolve_launch(cluster, req.launch_type, req.strategy)
        on = rules.launch_of(launch_type, strategy)
        rules.check_compatible(td, on)
        version = rules.check_platform_version(on, req.platform_version)
        spec = self._spec(cluster, td, req)
        spec.platform_version = version
        if req.client_token is not None:
            known = self._tokens.get(req.client_token)
            if known is not None:
                return self._replay(req, known)
        placements, failures = self._place(cluster, spec, req, launch_type, strategy)
        result = self._launch(spec, placements, req)
        result.failures = failures + result.failures
        return result

    def _replay(self, req: rules.RunRequest, known: tuple[str | bytes, list[str]]) -> RunResult:
        """The same clientToken again: the original tasks, or a conflict (RunTask docs)."""
        request, task_ids = known
        tasks = [self.store.by_id[i] for i in task_ids if i in self.store.by_id]
        if not rules.same_request(request, req.request):
            raise ConflictException(CLIENT_TOKEN_CONFLICT, resourceIds=[t.arn for t in tasks])
        return RunResult(tasks, [])

    def _spec(self, cluster: Cluster, td: TaskDefinition, req: rules.RunRequest) -> TaskSpec:
        rules.check_network(td, req.network)
        self.backend.outside.check_network(req.network)
        rules.check_started_by(req.started_by)
        sizes = rules.check_overrides(td, req)
        rules.check_request_tags(td, req)
        volume = check_volumes(td, req.volumes)
        task_tags = tag_rules.merged({}, req.tags) if req.tags else {}
        if req.propagate_tags == "TASK_DEFINITION":
            task_tags = {**td.tags, **task_tags}
        if req.enable_managed_tags:
            task_tags["aws:ecs:clusterName"] = cluster.name
        return TaskSpec(
            cluster_name=cluster.name,
            cluster_arn=cluster.arn,
            definition=td,
            group=req.group or f"family:{td.family}",
            started_by=req.started_by,
            overrides=req.overrides,
            container_sizes=sizes,
            cpu=req.task_cpu,
            memory=req.task_memory,
            tags=task_tags,
            enable_execute_command=req.enable_execute_command,
            network=rules.eni_settings(req.network),
            volume=volume,
        )

    def _place(
        self,
        cluster: Cluster,
        spec: TaskSpec,
        req: rules.RunRequest,
        launch_type: str | None,
        strategy: list[Any],
    ) -> tuple[list[Placement], list[tuple[str | None, str]]]:
        td = spec.definition
        strategies, constraints = rules.check_placement(
            td,
            req.placement_strategy,
            req.placement_constraints,
            rules.launch_of(launch_type, strategy),
        )
        if launch_type == "FARGATE":  # by subnet only, as `placements_for` places it
            return rules.fargate_placements(td, [None] * req.count, req.network), []
        if req.container_instances is not None:
            started = ec2.on_instances(
                self.ec2, cluster, spec, req.container_instances, req.network
            )
            return started.placements, list(started.failures)
        launch = ec2.Ec2Launch(
            cluster=cluster,
            spec=spec,
            count=req.count,
            strategies=strategies or ec2.RUN_TASK_DEFAULT,
            constraints=constraints,
            network=req.network,
        )
        result = self.ec2.placements_for(launch, launch_type, strategy, {})
        if result.no_instances and not result.placements:
            # [O] real text (behaviour reference 6.2)
            raise InvalidParameterException(ec2.NO_INSTANCES)
        return result.placements, list(result.failures)

    def _launch(
        self, spec: TaskSpec, placements: list[Placement], req: rules.RunRequest
    ) -> RunResult:
        result = self.start_tasks(spec, placements)
        if req.client_token is not None:
            self._tokens[req.client_token] = (req.request, [t.id for t in result.tasks])
            for task in result.tasks:
                self._token_of[task.id] = req.client_token
        return result

    def start_tasks(
        self,
        spec: TaskSpec,
        placements: list[Placement],
        on_created: Callable[[Task], None] | None = None,
    ) -> RunResult:
        """Create one task per placement and start its lifecycle (RunTask, schedulers).

        A Fargate placement fails when its provider is short of capacity (a fault).
        `on_created` sees each task before its lifecycle reports anything.
        """
        fill_sizes(spec)
        started: list[Task] = []
        failures: list[tuple[str | None, str]] = []
        for placement in placements:
            provider = placement.capacity_provider or placement.launch_type
            if self.lifecycle.behaviour.capacity_short(provider):
                failures.append((None, rules.CAPACITY_UNAVAILABLE))
                continue
            if placement.subnet is not None and placement.availability_zone is None:
                placement.availability_zone = self.backend.outside.zone(placement.subnet)
            task = self.store.create(spec, placement)
            if placement.instance is not None and placement.need is not None:
                self.backend.container_instances.placed(task, placement.instance, placement.need)
            self._count(task, task.last_status, +1)
            self._use_provider(task, +1)
            if on_created is not None:
                on_created(task)
            started.append(task)
        for task in started:
            self.lifecycle.start(task)
        return RunResult(started, failures)

    # -- StopTask -------------------------------------------------------------------------

    def stop(self, cluster_ref: str | None, task_ref: str, reason: str | None) -> Task:
        """StopTask: the stop decision now; the teardown follows on the clock."""
        cluster = self.backend.cluster(cluster_ref)
        if reason is not None and len(reason) > MAX_REASON:
            # [M] reason: up to 255 characters; text [U]
            raise InvalidParameterException(f"Reason can have at most {MAX_REASON} characters.")
        task = self.find(cluster.name, task_ref)
        if task is None:
            # [O] real text (behaviour reference 6.5)
            raise InvalidParameterException(TASK_NOT_FOUND)
        if self.lifecycle.stop(task, StopCode.USER_INITIATED, reason or DEFAULT_STOP_REASON):
            task.tags = {}
        return task

    def find(self, cluster_name: str, ref: str) -> Task | None:
        """A visible task of the cluster by id or ARN."""
        return self.store.find(cluster_name, ref)

    def provider_in_use(self, cluster_name: str, provider: str) -> bool:
        """Whether tasks of the cluster placed through `provider` are not yet STOPPED."""
        return self._providers.get((cluster_name, provider), 0) > 0

    def invariants(self) -> list[str]:
        """Violations among the stored tasks and counters."""
        out: list[str] = []
        counted: dict[str, list[int]] = {}
        for task in self.store.by_id.values():
            out += task_invariants(task)
            slot = _slot(task.last_status)
            if slot is not None:
                counted.setdefault(task.cluster_arn, [0, 0, 0])[slot] += 1
        for cluster in self.backend.clusters.values():
            if not cluster.active:
                continue
            counts = [
                cluster.running_tasks_count,
                cluster.pending_tasks_count,
                cluster.stopping_tasks_count,
            ]
            expected = counted.get(cluster.arn, [0, 0, 0])
            if counts != expected:
                out.append(f"cluster {cluster.name} counts {counts}, tasks say {expected}")
        return out

    # -- bookkeeping ----------------------------------------------------------------------

    def _observe(self, task: Task, previous: TaskStatus | None) -> None:
        """Called on every reported change: counters, indexes, events, retention."""
        if previous is not None and previous is not task.last_status:
            self._count(task, previous, -1)
            self._count(task, task.last_status, +1)
        if task.stopping:
            self.store.desired_changed(task)
        if task.last_status is TaskStatus.STOPPED and previous is not TaskStatus.STOPPED:
            self._use_provider(task, -1)
            self._retire(task)
            if task.container_instance_arn is not None:
                self.backend.container_instances.task_changed(task)
        if self.publish is not None:
            self.publish(task)
        if task.service_name is not None and self.service_hook is not None:
            self.service_hook(task, previous)
        if task.daemon_name is not None and self.daemon_hook is not None:
            self.daemon_hook(task, previous)

    def _decided(self, task: Task) -> None:
        """A stop decision reported only with the STOPPED that follows.

        It is indexed and the scheduler told now, without an event of its own.
        """
        self.store.desired_changed(task)
        if task.service_name is not None and self.service_hook is not None:
            self.service_hook(task, task.last_status)
        if task.daemon_name is not None and self.daemon_hook is not None:
            self.daemon_hook(task, task.last_status)

    def _count(self, task: Task, status: TaskStatus, delta: int) -> None:
        """Keep the cluster's running/pending/stopping counters and statistics."""
        slot = _SLOTS.get(status)
        cluster = self.backend.clusters.get(task.cluster_name) if slot is not None else None
        if cluster is None or cluster.arn != task.cluster_arn:
            return
        if slot == RUNNING_SLOT:
            cluster.running_tasks_count += delta
        elif slot == PENDING_SLOT:
            cluster.pending_tasks_count += delta
        else:
            cluster.stopping_tasks_count += delta
            return
        name = _STATISTICS[slot, task.launch_type == "FARGATE"]
        cluster.statistics[name] = cluster.statistics.get(name, 0) + delta

    def _use_provider(self, task: Task, delta: int) -> None:
        if task.capacity_provider_name is not None:
            key = (task.cluster_name, task.capacity_provider_name)
            self._providers[key] = self._providers.get(key, 0) + delta

    def _retire(self, task: Task) -> None:
        retention = timedelta(seconds=self.timing.stopped_task_retention)
        task.purge = self.backend.clock.schedule(
            lambda: self._purge(task), after=retention, background=True
        )

    def _purge(self, task: Task) -> None:
        """Retention over: forget the task (and its clientToken with its last task)."""
        self.store.remove(task)
        self.definitions.release(task.definition)
        if self.purge_hook is not None:
            self.purge_hook(task)
        token = self._token_of.pop(task.id, None)
        if token is not None:
            ids = self._tokens.get(token, ("", []))[1]
            if not any(i in self.store.by_id for i in ids):
                self._tokens.pop(token, None)


RUNNING_SLOT, PENDING_SLOT, STOPPING_SLOT = 0, 1, 2


def _slot(status: TaskStatus) -> int | None:
    """Which cluster counter a lastStatus counts toward (STOPPED: none)."""
    if status is TaskStatus.RUNNING:
        return RUNNING_SLOT
    if status in PENDING_LIKE:
        return PENDING_SLOT
    if status in STOPPING_LIKE:
        return STOPPING_SLOT
    return None


_SLOTS = {status: _slot(status) for status in TaskStatus}
# The cluster statistic a slot counts toward, for Fargate tasks (True) and the others.
_STATISTICS = {
    (slot, fargate): f"{name}{'Fargate' if fargate else 'EC2'}TasksCount"
    for slot, name in ((RUNNING_SLOT, "running"), (PENDING_SLOT, "pending"))
    for fargate in (True, False)
}


def task_invariants(task: Task) -> list[str]:
    """What must hold for every task at every step (the stateful tests check it)."""
    out: list[str] = []
    name = task.arn
    stamps = [
        task.created_at,
        task.connectivity_at,
        task.pull_started_at,
        task.pull_stopped_at,
        task.started_at,
    ]
    present = [s for s in stamps if s is not None]
    if present != sorted(present):
        out.append(f"{name}: start timestamps out of order")
    ends = [task.stopping_at, task.execution_stopped_at, task.stopped_at]
    if task.stopping_at is not None:
        later = [s for s in ends if s is not None]
        if later != sorted(later) or later[0] < task.created_at:
            out.append(f"{name}: stop timestamps out of order")
    if task.last_status is TaskStatus.RUNNING and task.stop_code is not None and not task.stopping:
        out.append(f"{name}: RUNNING with a stopCode but not stopping")
    if task.stop_code is not None and not task.stopping:
        out.append(f"{name}: stopCode without desiredStatus STOPPED")
    if task.last_status is TaskStatus.STOPPED:
        if task.stopped_at is None:
            out.append(f"{name}: STOPPED without stoppedAt")
        if any(not c.exited for c in task.containers):
            out.append(f"{name}: STOPPED with a container not STOPPED")
    if task.started_at is not None and task.stop_code is StopCode.TASK_FAILED_TO_START:
        out.append(f"{name}: started but TaskFailedToStart")
    if task.version < 1:
        out.append(f"{name}: version {task.version}")
    if task.last_status is TaskStatus.RUNNING and any(c.waiting for c in task.containers):
        out.append(f"{name}: RUNNING with a container that never started")
    if any(c.exit_code is not None and not c.exited for c in task.containers):
        out.append(f"{name}: an exit code on a container that has not exited")
    return out
