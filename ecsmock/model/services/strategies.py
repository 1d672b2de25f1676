"""BLUE_GREEN, LINEAR and CANARY deployments, stage by stage on the simulated clock.

A staged deployment (the PRIMARY, "green") passes the lifecycle stages of the botocore
model [M] in the documented order [D]: RECONCILE_SERVICE (only when more than one revision
was ACTIVE when it began), PRE_SCALE_UP, SCALE_UP (green scales to the desired count; the
old, "blue" tasks keep running), POST_SCALE_UP, TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT,
PRODUCTION_TRAFFIC_SHIFT (at once, in linear steps or canary then the rest, waiting the step
bake between steps), POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME (`bakeTimeInMinutes`, both
revisions running) and CLEAN_UP (blue scales to zero). Hooks run at their stages
(`services.hooks`). A failure shifts traffic back to blue, which is still running, and makes
it PRIMARY again ("the deployment changes from COMPLETED to IN_PROGRESS", Developer Guide,
deployment failure detection [D]).

Stage changes happen in clock actions of their own, never inside a scheduler pass, so a
pass never sees its deployments rearranged under it. How long a stage without a wait takes
on AWS is not documented: here, no time at all [S].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ecsmock.model.services import service as sv
from ecsmock.model.services.hooks import HookRunner
from ecsmock.model.services.service import Deployment, DeploymentStatus, RolloutState, Service
from ecsmock.model.services.stages import ORDER, PRE_PRODUCTION, Rollout, Stage, traffic_steps
from ecsmock.model.tasks.task import Task

if TYPE_CHECKING:
    from ecsmock.model.services.ops import ServiceOps

# Stages that only run their hooks, then move on.
HOOK_ONLY = (
    Stage.RECONCILE_SERVICE,
    Stage.PRE_SCALE_UP,
    Stage.POST_SCALE_UP,
    Stage.POST_TEST_TRAFFIC_SHIFT,
    Stage.POST_PRODUCTION_TRAFFIC_SHIFT,
)
# A hook failed, timed out with ROLLBACK, or was told to ROLLBACK. The service event's
# wording is quoted in aws/containers-roadmap#2664 ("deployment failed: hook execution
# failure(s) detected"); the rolloutStateReason's is ours [I].
HOOK_FAILED_REASON = "ECS deployment failed: hook execution failure(s) detected."


def hook_failed_message(name: str, deployment_id: str) -> str:
    """`(service web) (deployment ecs-svc/...) deployment failed: hook execution ...`."""
    return (
        f"(service {name}) (deployment {deployment_id}) deployment failed: "
        "hook execution failure(s) detected."
    )


# Before SCALE_UP the green revision has not started (ServiceDeploymentLifecycleStage) [M].
NOT_SCALED = (None, Stage.RECONCILE_SERVICE, Stage.PRE_SCALE_UP)


class StagedFlow:
    """The staged deployments of one backend's services."""

    def __init__(self, ops: ServiceOps) -> None:
        self.ops = ops
        self.clock = ops.backend.clock
        self.hooks = HookRunner(self)

    # -- the deployment's life ------------------------------------------------------------

    def attach(self, service: Service, deployment: Deployment) -> None:
        """A new deployment of a REPLICA ECS service with a staged strategy gets a rollout.

        DAEMON services and the task-set controllers deploy as before [S].
        """
        settings = deployment.config.staging
        if (
            settings.staged
            and service.controller == "ECS"
            and service.scheduling_strategy == ("REPLICA")
        ):
            active = [old for old in service.deployments[1:] if old.holds_tasks()]
            deployment.rollout = Rollout(settings=settings, reconcile=len(active) > 1)
            # Green takes the target groups blue does not use (advancedConfiguration).
            deployment.alternate = bool(active) and not active[0].alternate

    def driving(self, service: Service, primary: Deployment) -> bool:
        """Whether the stages, not the rolling rules, move this pass's tasks.

        The first pass over a staged deployment enters its first stage.
        """
        rollout = primary.rollout
        if rollout is None or not self.live(service, primary) or rollout.done:
            return False
        if rollout.stage is None:
            first = Stage.RECONCILE_SERVICE if rollout.reconcile else Stage.PRE_SCALE_UP
            rollout.stage = first
            self.later(service, primary, lambda: self._act(service, primary), 0.0)
        return True

    def holds(self, primary: Deployment) -> bool:
        """Whether the deployment may not complete yet: its stages are not through."""
        rollout = primary.rollout
        return (
            rollout is not None
            and not rollout.done
            and not rollout.stopped
            and primary.rollout_state is RolloutState.IN_PROGRESS
        )

    def live(self, service: Service, deployment: Deployment) -> bool:
        """Whether the deployment's stages still go on."""
        rollout = deployment.rollout
        return (
            rollout is not None
            and not rollout.stopped
            and service.active
            and deployment is service.primary
            and deployment.rollout_state is RolloutState.IN_PROGRESS
        )

    def halt(self, deployment: Deployment) -> None:
        """The deployment failed, was stopped or replaced: its stages go no further."""
        if deployment.rollout is not None:
            deployment.rollout.stopped = True
            deployment.rollout.cancel_timers()

    def later(
        self, service: Service, deployment: Deployment, step: Callable[[], None], after: float
    ) -> None:
        """Run `step` on the clock, unless the deployment stopped meanwhile."""

        def guarded() -> None:
            if self.live(service, deployment):
                step()

        handle = self.clock.schedule(guarded, after=after)
        if after > 0 and deployment.rollout is not None:
            deployment.rollout.timer = handle

    # -- what a pass does -----------------------------------------------------------------

    def to_stop(self, service: Service, primary: Deployment) -> list[tuple[Deployment, Task]]:
        """In CLEAN_UP every task of the older deployments; before it, nothing.

        Tasks with scale-in protection stay until it ends ("protected tasks are not
        terminated by deployments", UpdateTaskProtection docs); CLEAN_UP waits for them.
        """
        if primary.rollout is None or primary.rollout.stage is not Stage.CLEAN_UP:
            return []
        return [
            (old, task)
            for old in service.deployments[1:]
            for task in old.live_tasks()
            if task.protected_until is None
        ]

    def start_count(self, primary: Deployment, desired: int) -> int:
        """From SCALE_UP on, green runs the desired count (maximumPercent does not apply)."""
        if primary.rollout is None or primary.rollout.stage in NOT_SCALED:
            return 0
        return desired - primary.live

    def after_pass(self, service: Service, primary: Deployment, desired: int) -> None:
        """SCALE_UP ends once green's tasks are healthy; CLEAN_UP once blue has gone."""
        rollout = primary.rollout
        if rollout is None:
            return
        if rollout.stage is Stage.SCALE_UP:
            if primary.live >= desired and len(primary.healthy) >= desired:
                self.later(
                    service, primary, lambda: self._next(service, primary, Stage.SCALE_UP), 0
                )
        elif rollout.stage is Stage.CLEAN_UP and len(service.deployments) == 1:
            rollout.done = True

    # -- stages ---------------------------------------------------------------------------

    def _next(self, service: Service, deployment: Deployment, stage: Stage) -> None:
        rollout = deployment.rollout
        if rollout is None or rollout.stage is not stage or not self.live(service, deployment):
            return
        rollout.stage = ORDER[ORDER.index(stage) + 1]
        deployment.updated_at = self.clock.now
        self._act(service, deployment)

    def _act(self, service: Service, deployment: Deployment) -> None:
        rollout = deployment.rollout
        assert rollout is not None
        stage = rollout.stage
        assert stage is not None
        if stage in HOOK_ONLY:
            self.hooks.run(
                service, deployment, stage, lambda: self._next(service, deployment, stage)
            )
        elif stage is Stage.TEST_TRAFFIC_SHIFT:
            rollout.test_weight = 100.0
            self.hooks.run(
                service, deployment, stage, lambda: self._next(service, deployment, stage)
            )
        elif stage is Stage.PRODUCTION_TRAFFIC_SHIFT:
            rollout.step = 0
            self._production_step(service, deployment)
        elif stage is Stage.BAKE_TIME:
            wait = rollout.settings.bake_minutes * 60.0
            self._wait(service, deployment, stage, wait)
        else:  # SCALE_UP and CLEAN_UP: the scheduler moves the tasks
            self.ops.scheduler.poke(service)

    def _wait(self, service: Service, deployment: Deployment, stage: Stage, wait: float) -> None:
        if wait <= 0:
            self._next(service, deployment, stage)
        else:
            self.later(service, deployment, lambda: self._next(service, deployment, stage), wait)

    def _production_step(self, service: Service, deployment: Deployment) -> None:
        """PRE_PRODUCTION_TRAFFIC_SHIFT hooks, the shift, PRODUCTION_TRAFFIC_SHIFT hooks.

        For linear and canary deployments both hook stages run at every step [D].
        """
        rollout = deployment.rollout
        assert rollout is not None
        step = rollout.step
        self.hooks.run(
            service, deployment, PRE_PRODUCTION, lambda: self._shift(service, deployment, step)
        )

    def _shift(self, service: Service, deployment: Deployment, step: int) -> None:
        rollout = deployment.rollout
        assert rollout is not None
        if rollout.step != step or rollout.stage is not Stage.PRODUCTION_TRAFFIC_SHIFT:
            return
        rollout.production_weight = traffic_steps(rollout.settings)[step][0]
        deployment.updated_at = self.clock.now
        self.hooks.run(
            service,
            deployment,
            Stage.PRODUCTION_TRAFFIC_SHIFT,
            lambda: self._stepped(service, deployment, step),
        )

    def _stepped(self, service: Service, deployment: Deployment, step: int) -> None:
        rollout = deployment.rollout
        assert rollout is not None
        if rollout.step != step or rollout.stage is not Stage.PRODUCTION_TRAFFIC_SHIFT:
            return
        steps = traffic_steps(rollout.settings)
        rollout.step += 1
        if rollout.step >= len(steps):
            self._next(service, deployment, Stage.PRODUCTION_TRAFFIC_SHIFT)
        elif steps[step][1] <= 0:
            self._production_step(service, deployment)
        else:
            wait = steps[step][1]
            self.later(
                service, deployment, lambda: self._production_step(service, deployment), wait
            )

    # -- failure --------------------------------------------------------------------------

    def roll_back(self, service: Service, failed: Deployment, reason: str) -> bool:
        """Shift traffic back to the blue deployment, still running, and make it PRIMARY.

        False when there is no such deployment (the first deployment of a service, or blue
        already gone): the rolling rollback, a new deployment of the last completed revision,
        applies then.
        """
        target = service.last_completed
        blue = next(
            (d for d in service.deployments[1:] if d.revision is target and d.holds_tasks()),
            None,
        )
        if failed.rollout is None or blue is None:
            return False
        now = self.clock.now
        self.halt(failed)
        failed.rollout.production_weight = failed.rollout.test_weight = 0.0
        failed.deployment_status = "ROLLBACK_IN_PROGRESS"
        failed.rollback_started_at = now
        failed.rollback_target = blue.revision.arn
        failed.status = DeploymentStatus.ACTIVE
        failed.updated_at = now
        self.ops.add_event(service, sv.rollback_message(service.name, blue.id))
        service.revision = blue.revision
        service.deployments.remove(blue)
        service.deployments.insert(0, blue)
        blue.status = DeploymentStatus.PRIMARY
        blue.rollout_state = RolloutState.IN_PROGRESS
        blue.rollout_reason = reason
        blue.rollback_of = blue.revision.arn
        blue.desired_count = blue.requested_count = service.desired_count
        blue.updated_at = now
        self.ops.deployment_event(service, blue, "INFO", "SERVICE_DEPLOYMENT_IN_PROGRESS")
        self.hooks.on_rollback(service, failed)
        self.ops.scheduler.poke(service)
        return True

    def hook_failed(self, service: Service, deployment: Deployment) -> None:
        """A hook failed, timed out with ROLLBACK, or was told to roll back: roll back [D]."""
        self.ops.fail_deployment(
            service,
            deployment,
            HOOK_FAILED_REASON,
            hook_failed_message(service.name, deployment.id),
            rollback=True,
        )
