"""The task lifecycle engine: transitions scheduled on the simulated clock.

The paths are data (`START_PATH`, `STOP_PATH`, `EARLY_STOP_PATH` in `tasks.task`); this module
decides how long each phase lasts (timing profile) and what each state sets. Containers start
in `dependsOn` order while the task is PENDING (`tasks.container_rules`); the task is RUNNING
once all have started (as the agent does). Every change goes to the observer (counters, events).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ecsmock._ids import IdGenerator
from ecsmock.clock import SimulatedClock
from ecsmock.model.behaviour import Behaviour
from ecsmock.model.tasks import container_rules as rules
from ecsmock.model.tasks.outside import NOWHERE, Outside, start_error
from ecsmock.model.tasks.task import (
    EARLY_STOP_PATH,
    ESSENTIAL_EXITED_REASON,
    STOP_PATH,
    VERSION_BUMPS,
    Container,
    HealthStatus,
    Platform,
    StopCode,
    Task,
    TaskStatus,
    image_digest,
)
from ecsmock.model.timing import TimingProfile

S = TaskStatus
SIGKILL_EXIT = 137
# stopTimeout when the definition sets none (Fargate default; the agent's
# ECS_CONTAINER_STOP_TIMEOUT default on EC2): ContainerDefinition.stopTimeout docs.
DEFAULT_STOP_TIMEOUT = 30.0
# Observer(task, previous lastStatus or None for a change that is not a transition).
Observer = Callable[[Task, TaskStatus | None], None]


class Lifecycle:
    """Moves tasks through their lifecycle on the clock."""

    def __init__(
        self,
        clock: SimulatedClock,
        timing: TimingProfile,
        ids: IdGenerator,
        behaviour: Behaviour,
        observer: Observer,
        outside: Outside = NOWHERE,
    ) -> None:
        self.clock = clock
        self.timing = timing
        self.ids = ids
        self.behaviour = behaviour
        self.observer = observer
        self.outside = outside  # the services around ECS (EC2, CloudWatch Logs, ...)
        # Hooks: a container's health changed (the scheduler); a stop decision reported with
        # no change of its own (an EC2 bridge task stopped before starting); `hold` True keeps
        # a new task in its first status until `proceed` (its Managed Instance booting).
        self.health_observer: Callable[[Task], None] | None = None
        self.decision_observer: Callable[[Task], None] | None = None
        self.hold: Callable[[Task], bool] | None = None

    # -- helpers ------------------------------------------------------------------------

    def _duration(self, seconds: float) -> float:
        jitter = self.timing.jitter
        if jitter <= 0 or seconds <= 0:
            return seconds
        return seconds * (1 + jitter * (2 * self.ids.fraction() - 1))

    def _later(self, task: Task, seconds: float, action: Callable[[], None]) -> None:
        task.timer = self.clock.schedule(action, after=self._duration(seconds))

    def _phase(self, triple: tuple[float, float, float], task: Task) -> float:
        return triple[int(task.platform)]

    @property
    def now(self) -> datetime:
        """The simulated now."""
        return self.clock.now

    def _enter(self, task: Task, status: TaskStatus, bump: bool | None = None) -> None:
        previous = task.last_status
        task.last_status = status
        if bump if bump is not None else status in VERSION_BUMPS:
            task.version += 1
        self.observer(task, previous)

    # -- start --------------------------------------------------------------------------

    def start(self, task: Task) -> None:
        """A task was just created in its first status: report it and schedule the rest."""
        if task.platform is Platform.EC2_BRIDGE:
            task.connectivity_at = task.created_at
        self.observer(task, None)
        if self.hold is None or not self.hold(task):
            self.proceed(task)

    def proceed(self, task: Task) -> None:
        """Schedule what follows a task's first status (at its start, or once released)."""
        if task.stopping or task.timer is not None:
            return
        if task.last_status is S.PROVISIONING:
            seconds = self._phase(self.timing.provisioning, task)
            self._later(task, seconds, lambda: self._pending(task))
        else:
            self._schedule_pull(task)

    def _pending(self, task: Task) -> None:
        task.connectivity_at = self.now
        if task.eni is not None:
            task.eni.attach(self.ids.hex32(), region=task.availability_zone[:-1])
            self.outside.eni_attached(task)
        if task.ebs is not None:
            task.ebs.attach(self.ids.hex32())
        self._enter(task, S.PENDING)
        self._schedule_pull(task)

    def _schedule_pull(self, task: Task) -> None:
        seconds = self._phase(self.timing.pending_before_pull, task)
        self._later(task, seconds, lambda: self._pull(task))

    def _pull(self, task: Task) -> None:
        task.pull_started_at = self.now
        seconds = self._phase(self.timing.image_pull, task)
        error = start_error(self.behaviour, self.outside, task)
        if error is None:
            self._later(task, seconds, lambda: self._pulled(task))
        else:
            self._later(task, seconds, lambda: self._failed_to_start(task, error))

    def _pulled(self, task: Task) -> None:
        task.pull_stopped_at = self.now
        for container in task.containers:
            container.image_digest = image_digest(container.spec.image)
        self._later(task, self.timing.pull_to_running, lambda: self._launch(task))

    def _launch(self, task: Task) -> None:
        task.timer = None
        self.advance_containers(task)

    # -- containers starting ------------------------------------------------------------

    def advance_containers(self, task: Task) -> None:
        """Start the waiting containers whose dependencies are met.

        Gives up on those whose dependencies never can be, and moves the task on once none
        is left waiting. Only while the task is PENDING and launched (its images pulled);
        a no-op otherwise.
        """
        if task.stopping or task.last_status is not S.PENDING or task.timer is not None:
            return
        changed = True
        while changed:
            changed = False
            for container in task.containers:
                if not container.waiting:
                    continue
                decision = rules.verdict(task, container, self.now)
                if decision is True:
                    self._start_container(task, container)
                elif isinstance(decision, str):
                    self._give_up(task, container, decision)
                    if task.stopping:
                        return
                changed = changed or decision is not False
        if not any(c.waiting for c in task.containers):
            self._activating(task)

    def _start_container(self, task: Task, container: Container) -> None:
        container.last_status = S.RUNNING
        container.started_at = self.now
        container.runtime_id = self._runtime_id(task)
        self.outside.container_started(task, container)  # before a scripted exit at a tie
        self._script(task, container)
        self._schedule_health(task, container)
        if rules.guards_timeout(task, container):
            timeout = float(container.spec.start_timeout or 0)
            container.deadline = self.clock.schedule(
                lambda: self._deadline(task, container), after=timeout
            )

    def _deadline(self, task: Task, container: Container) -> None:
        container.deadline = None
        self.advance_containers(task)

    def _give_up(self, task: Task, container: Container, error: str) -> None:
        """A dependency can never be met: the container is stopped without starting.

        An essential one fails the task's start (behaviour reference 1.1 lists a dependency
        timeout among the TaskFailedToStart causes); the task's stoppedReason is the
        container's error, as for a failed image pull.
        """
        self._container_stopped(container, rules.GIVEN_UP_EXIT, error)
        if container.spec.essential:
            self.stop(task, StopCode.TASK_FAILED_TO_START, error)
        else:
            self.observer(task, None)

    def _runtime_id(self, task: Task) -> str:
        if task.platform is Platform.FARGATE:
            return f"{task.id}-{self.ids.digits19()[:10]}"
        return self.ids.hex32() + self.ids.hex32()

    def _script(self, task: Task, container: Container) -> None:
        script = self.behaviour.script_for(task.family, container.name, container.spec.image)
        if script.after is None or script.exit_code is None:
            return
        code, reason = script.exit_code, script.reason
        container.exit_timer = self.clock.schedule(
            lambda: self.container_exited(task, container, code, reason),
            after=script.after,
        )

    def _schedule_health(self, task: Task, container: Container) -> None:
        check = container.spec.health_check
        if check is None:
            return
        failing = self.behaviour.failing_health(task.family, container.name, container.spec.image)
        delay, status = rules.health_verdict(check, failing)
        container.health_timer = self.clock.schedule(
            lambda: self._health(task, container, status), after=delay
        )

    def _health(self, task: Task, container: Container, status: HealthStatus) -> None:
        container.health_timer = None
        if container.running:
            container.health_status = status
            self.advance_containers(task)
            if self.health_observer is not None and not task.stopping:
                self.health_observer(task)

    def _activating(self, task: Task) -> None:
        for container in task.containers:
            if container.deadline is not None:
                container.deadline.cancel()
                container.deadline = None
        self._enter(task, S.ACTIVATING)
        # No load balancer or registry to register with: ACTIVATING takes no time, and the
        # task is RUNNING before anything else can happen (a container exiting at once).
        self._running(task)

    def _running(self, task: Task) -> None:
        task.started_at = self.now
        task.timer = None
        self._enter(task, S.RUNNING)

    # -- containers exiting -------------------------------------------------------------

    def container_exited(
        self, task: Task, container: Container, code: int, reason: str | None = None
    ) -> None:
        """A container exited on its own (scripted exit or crash)."""
        if not container.running or task.stopping:
            return
        self._container_stopped(container, code, reason)
        if container.spec.essential:
            self.stop(task, StopCode.ESSENTIAL_CONTAINER_EXITED, ESSENTIAL_EXITED_REASON)
            return
        self.observer(task, None)
        self.advance_containers(task)

    def _container_stopped(
        self, container: Container, code: int | None, reason: str | None
    ) -> None:
        container.last_status = S.STOPPED
        container.exit_code = code
        if reason is not None:
            container.reason = reason
        container.cancel_timers()

    # -- stopping -----------------------------------------------------------------------

    def stop(self, task: Task, code: StopCode, reason: str) -> bool:
        """Take the stop decision; False if it was already taken."""
        if task.stopping:
            return False
        if task.timer is not None:
            task.timer.cancel()
            task.timer = None
        for container in task.containers:
            if container.deadline is not None:
                container.deadline.cancel()
                container.deadline = None
        task.desired_status = "STOPPED"
        task.stop_code = code
        task.stopped_reason = reason
        task.stopping_at = self.now
        started = task.last_status in (S.ACTIVATING, S.RUNNING)
        # An EC2 bridge task stopped before it started is STOPPED in the same instant, with
        # one version bump for both (the seed's TaskFailedToStart task: version 2).
        merged = not started and task.platform is Platform.EC2_BRIDGE
        task.version += 1
        if not merged:
            self.observer(task, None)
        elif self.decision_observer is not None:
            self.decision_observer(task)
        # The decision is what the caller sees (StopTask answers lastStatus unchanged);
        # the teardown starts on the clock.
        path = STOP_PATH[task.platform] if started else EARLY_STOP_PATH[task.platform]
        self._later(task, 0.0, lambda: self._walk(task, path, merged=merged))
        return True

    def _failed_to_start(self, task: Task, error: str) -> None:
        # The pull phase ended, failed (the seed's TaskFailedToStart task has both pull stamps).
        task.pull_stopped_at = self.now
        task.timer = None
        self.stop(task, StopCode.TASK_FAILED_TO_START, error)

    def _walk(self, task: Task, path: tuple[TaskStatus, ...], merged: bool) -> None:
        """Enter path[0] now; the phase decides when the rest follows."""
        status, rest = path[0], path[1:]
        proceed = (lambda: self._walk(task, rest, merged)) if rest else (lambda: None)
        if status is S.STOPPED:
            self._stopped(task)
            self._enter(task, status, bump=False if merged else None)
        elif status is S.STOPPING:
            self._enter(task, status)
            self._signal(task, proceed)
        elif status is S.DEPROVISIONING:
            task.attachments_to("DETACHING")
            self._enter(task, status)
            self._later(task, self._phase(self.timing.deprovisioning, task), proceed)
        else:  # DEACTIVATING: target-group deregistration, none without a load balancer
            self._enter(task, status)
            self._later(task, 0.0, proceed)

    def _signal(self, task: Task, proceed: Callable[[], None]) -> None:
        """Stop signal to every running container, in reverse start order (dependsOn docs).

        A container that handles SIGTERM exits shortly after its signal; one ignoring it is
        killed with SIGKILL (exit 137) at its stopTimeout. Containers that never started
        are stopped without an exit code.
        """
        running = [c for c in task.containers if c.running]
        for container in task.containers:
            if container.waiting:
                self._container_stopped(container, None, None)
        if not running:
            self._execution_stopped(task, proceed)
            return
        waits: dict[str, float] = {}
        codes: dict[str, int] = {}
        for container in running:
            script = self.behaviour.script_for(task.family, container.name, container.spec.image)
            if script.on_sigterm == "exit":
                waits[container.name] = self._duration(self.timing.graceful_stop)
                codes[container.name] = script.sigterm_exit_code
            else:
                waits[container.name] = float(container.spec.stop_timeout or DEFAULT_STOP_TIMEOUT)
                codes[container.name] = SIGKILL_EXIT
        plan = rules.shutdown_plan(running, waits)
        for container in running:
            if container.exit_timer is not None:
                container.exit_timer.cancel()
            container.exit_timer = self.clock.schedule(
                _exit_action(self, container, codes[container.name]), after=plan[container.name]
            )
        # Scheduled after the containers' exits, so at a tie they have all exited first.
        task.timer = self.clock.schedule(
            lambda: self._execution_stopped(task, proceed), after=max(plan.values())
        )

    def _execution_stopped(self, task: Task, proceed: Callable[[], None]) -> None:
        task.timer = None
        task.execution_stopped_at = self.now
        proceed()

    def _stopped(self, task: Task) -> None:
        task.stopped_at = self.now
        task.timer = None
        task.attachments_to("DETACHED")
        for container in task.containers:
            if not container.exited:
                self._container_stopped(container, container.exit_code, container.reason)
        self.outside.task_stopped(task)


def _exit_action(engine: Lifecycle, container: Container, code: int) -> Callable[[], None]:
    def run() -> None:
        container.exit_timer = None
        if not container.exited:
            engine._container_stopped(container, code, None)

    return run
