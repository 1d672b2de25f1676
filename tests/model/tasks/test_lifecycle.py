"""The lifecycle engine on the simulated clock, without botocore.

Covers what the API cannot reach yet (EC2 tasks, which need container instances), the
cluster counters, jitter, and the invariants at every step.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ecsmock._ids import IdGenerator
from ecsmock.clock import SimulatedClock
from ecsmock.model.backend import Backend
from ecsmock.model.behaviour import ContainerScript, Match, PullFailure
from ecsmock.model.clusters.cluster import ClusterSpec, StrategyItem
from ecsmock.model.tasks.definition_rules import ContainerSpec
from ecsmock.model.tasks.definitions import TaskDefinition, TaskDefinitionSpec
from ecsmock.model.tasks.launch import Network, RunRequest
from ecsmock.model.tasks.store import Placement, TaskSpec
from ecsmock.model.tasks.task import Platform, StopCode, Task, TaskStatus
from ecsmock.model.timing import REALISTIC, TimingProfile

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
S = TaskStatus


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def make_backend(timing: TimingProfile = REALISTIC, seed: int = 0) -> Backend:
    backend = Backend("123456789012", "eu-west-1", SimulatedClock(START), IdGenerator(seed), timing)
    backend.cluster_ops.create(
        ClusterSpec(
            name="default",
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
        )
    )
    return backend


@pytest.fixture
def backend() -> Backend:
    return make_backend()


def register(backend: Backend, fargate: bool = True, **container: object) -> TaskDefinition:
    spec = ContainerSpec(name="app", image="nginx:1", memory=None if fargate else 128)
    for key, value in container.items():
        setattr(spec, key, value)
    td = TaskDefinitionSpec(family="web", containers=[spec])
    if fargate:
        td.network_mode = "awsvpc"
        td.requires_compatibilities = ["FARGATE"]
        td.cpu, td.memory = "256", "512"
    return backend.tasks.definitions.register(td, START)


def run_fargate(backend: Backend, **kw: object) -> Task:
    req = RunRequest(
        cluster="default",
        task_definition="web",
        launch_type="FARGATE",
        network=Network(subnets=["subnet-1"]),
    )
    for key, value in kw.items():
        setattr(req, key, value)
    [task] = backend.tasks.run(req).tasks
    return task


def start_on_ec2(backend: Backend, td: TaskDefinition) -> Task:
    """An EC2 bridge task, placed as a scheduler would (no instance model yet)."""
    cluster = backend.clusters["default"]
    spec = TaskSpec(
        cluster_name="default",
        cluster_arn=cluster.arn,
        definition=td,
        group="family:web",
    )
    placement = Placement(
        platform=Platform.EC2_BRIDGE,
        launch_type="EC2",
        container_instance_arn=backend.arn("container-instance/default/" + "0" * 32),
    )
    [task] = backend.tasks.start_tasks(spec, [placement]).tasks
    return task


def counts(backend: Backend) -> tuple[int, int, int]:
    c = backend.clusters["default"]
    return (c.pending_tasks_count, c.running_tasks_count, c.stopping_tasks_count)


def test_fargate_timeline_counters_and_invariants(backend: Backend) -> None:
    register(backend)
    seen: list[tuple[TaskStatus, str, int, tuple[int, int, int]]] = []

    def observe(task: Task) -> None:
        assert backend.invariants() == []
        seen.append((task.last_status, task.desired_status, task.version, counts(backend)))

    backend.tasks.publish = observe
    task = run_fargate(backend)
    backend.clock.advance(30)
    backend.tasks.stop("default", task.id, None)
    backend.clock.advance(30)
    assert seen == [
        (S.PROVISIONING, "RUNNING", 1, (1, 0, 0)),
        (S.PENDING, "RUNNING", 2, (1, 0, 0)),
        (S.ACTIVATING, "RUNNING", 2, (1, 0, 0)),
        (S.RUNNING, "RUNNING", 3, (0, 1, 0)),
        (S.RUNNING, "STOPPED", 4, (0, 1, 0)),
        (S.DEACTIVATING, "STOPPED", 4, (0, 0, 1)),
        (S.STOPPING, "STOPPED", 4, (0, 0, 1)),
        (S.DEPROVISIONING, "STOPPED", 4, (0, 0, 1)),
        (S.STOPPED, "STOPPED", 5, (0, 0, 0)),
    ]
    stats = backend.clusters["default"].statistics
    assert (stats["pendingFargateTasksCount"], stats["runningFargateTasksCount"]) == (0, 0)


def test_ec2_bridge_task_path(backend: Backend) -> None:
    td = register(backend, fargate=False)
    task = start_on_ec2(backend, td)
    assert (task.last_status, task.version, task.connectivity_at) == (S.PENDING, 1, START)
    # No task-level size: the containers' totals (the seed shows cpu "128", memory "128").
    assert (task.cpu, task.memory) == (None, "128")
    assert counts(backend) == (1, 0, 0)
    # 1.5 s before the pull, 5 s pull, 1.2 s to RUNNING (behaviour reference 1.7).
    backend.clock.advance(7.7)
    assert (task.last_status, task.version, task.started_at) == (S.RUNNING, 2, at(7.7))
    assert (task.pull_started_at, task.pull_stopped_at) == (at(1.5), at(6.5))
    assert len(task.containers[0].runtime_id or "") == 64
    backend.tasks.stop("default", task.arn, None)
    assert task.version == 3
    backend.clock.advance(0.5)
    # No DEPROVISIONING for a bridge task.
    assert (task.last_status, task.version, task.stopped_at) == (S.STOPPED, 4, at(8.2))
    assert task.eni is None


def test_ec2_bridge_failed_start_is_one_version(backend: Backend) -> None:
    """The seed stop-task output: created = connectivity, pull, then stoppingAt = stoppedAt,
    version 2 (behaviour reference 1.3 and 1.4)."""
    td = register(backend, fargate=False)
    backend.tasks.lifecycle.behaviour.pull_failures.append(PullFailure(match=Match(), times=1))
    events: list[tuple[TaskStatus, str, int]] = []
    backend.tasks.publish = lambda t: events.append((t.last_status, t.desired_status, t.version))
    task = start_on_ec2(backend, td)
    backend.clock.run_until_idle()
    assert task.stop_code is StopCode.TASK_FAILED_TO_START
    assert task.version == 2
    assert task.stopping_at == task.stopped_at == task.execution_stopped_at == at(6.5)
    assert (task.pull_started_at, task.pull_stopped_at) == (at(1.5), at(6.5))
    assert task.started_at is None
    assert events == [
        (S.PENDING, "RUNNING", 1),
        (S.STOPPING, "STOPPED", 2),
        (S.STOPPED, "STOPPED", 2),
    ]


def test_jitter_is_seeded_and_keeps_order() -> None:
    jittery = TimingProfile(jitter=0.3)

    def life(seed: int) -> list[datetime | None]:
        backend = make_backend(jittery, seed)
        register(backend)
        task = run_fargate(backend)
        backend.clock.advance(60)
        backend.tasks.stop("default", task.id, None)
        backend.clock.advance(60)
        assert backend.invariants() == []
        app = task.containers[0]
        assert (app.last_status, app.exit_code) == (S.STOPPED, 0)
        return [task.connectivity_at, task.started_at, task.execution_stopped_at, task.stopped_at]

    assert life(1) == life(1)
    assert life(1) != life(2)


def test_stop_reasons_and_tags(backend: Backend) -> None:
    register(backend)
    task = run_fargate(backend, tags=[("k", "v")])
    assert task.tags == {"k": "v"}
    backend.tasks.stop("default", task.id, "")
    assert (task.stopped_reason, task.tags) == ("Task stopped by user", {})


def test_scripted_exit_before_running_is_ignored_until_started(backend: Backend) -> None:
    register(backend)
    backend.tasks.lifecycle.behaviour.scripts.append(
        ContainerScript(match=Match(container="app"), exit_code=0, after=0)
    )
    task = run_fargate(backend)
    backend.clock.advance(60)
    # A batch container that exits 0 at once: EssentialContainerExited, with exit 0.
    assert task.stop_code is StopCode.ESSENTIAL_CONTAINER_EXITED
    assert task.containers[0].exit_code == 0
    assert task.started_at == at(19.2)


def test_provider_in_use(backend: Backend) -> None:
    register(backend)
    strategy = [StrategyItem(capacity_provider="FARGATE_SPOT", weight=1)]
    task = run_fargate(backend, launch_type=None, strategy=strategy)
    assert backend.tasks.provider_in_use("default", "FARGATE_SPOT")
    assert not backend.tasks.provider_in_use("default", "FARGATE")
    backend.tasks.stop("default", task.id, None)
    backend.clock.advance(60)
    assert not backend.tasks.provider_in_use("default", "FARGATE_SPOT")


def test_settle_leaves_no_timer_behind(backend: Backend) -> None:
    """Health checks, dependency deadlines and exits are cancelled with their container."""
    from ecsmock.model.tasks.definition_rules import HealthCheckSpec

    register(backend, health_check=HealthCheckSpec(interval=300), start_timeout=100)
    task = run_fargate(backend)
    backend.clock.advance(20)
    backend.tasks.stop("default", task.id, None)
    backend.clock.advance(13)
    assert task.last_status is S.STOPPED
    # Only the retention purge is left.
    assert len(backend.clock) == 1
    assert backend.clock.peek() == task.stopped_at + timedelta(hours=1)  # type: ignore[operator]
