"""Lifecycle hooks of staged deployments: PAUSE hooks and AWS_LAMBDA hooks.

"Lifecycle hooks for Amazon ECS service deployments" (Developer Guide) [D]:

- Every hook configured at a stage runs; all must succeed before the deployment moves on.
- A PAUSE hook gets a `hookId` (`ecs-pause-` and 43 URL-safe characters, as in the guide's
  example), emits an "ECS Hook State Change" event `HOOK_AWAITING_ACTION` and waits for
  ContinueServiceDeployment: CONTINUE succeeds it, ROLLBACK fails it.
- An AWS_LAMBDA hook invokes its function, here the handler the test registered
  (`Behaviour.hook_handlers`). `SUCCEEDED` moves on, `FAILED` rolls back, `IN_PROGRESS`
  invokes it again after `callBackDelay` seconds (30 by default) passing the `hookDetails` it
  returned; an invalid answer or a raised exception rolls back. With no handler registered
  the function answers `SUCCEEDED` [S].
- A hook still open at `expiresAt` (timeoutInMinutes, 1440 by default) times out and takes
  its timeout action (ROLLBACK by default) [D].
- On a rollback ECS runs the Lambda hooks of TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT
  again [D]; their answers change nothing any more.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ecsmock.errors import ClientException, InvalidParameterException
from ecsmock.model.services.service import Deployment, Service
from ecsmock.model.services.stages import LAMBDA_ONLY_STAGES, HookRun, HookSpec

if TYPE_CHECKING:
    from ecsmock.model.services.strategies import StagedFlow

DEFAULT_CALLBACK_DELAY = 30.0  # "By default, the delay is 30 seconds" [D]
LAMBDA_STATUSES = ("SUCCEEDED", "FAILED", "IN_PROGRESS")
# ContinueServiceDeployment refusals: ECS's texts were not captured (differences.md).
NOT_IN_PROGRESS = "The service deployment {arn} is not in progress."
NO_SUCH_HOOK = "The lifecycle hook {hook} was not found in the service deployment {arn}."
NOT_AWAITING = "The lifecycle hook {hook} is not awaiting action."


class HookRunner:
    """Runs the lifecycle hooks of one backend's staged deployments."""

    def __init__(self, flow: StagedFlow) -> None:
        self.flow = flow
        self.ops = flow.ops
        self.clock = flow.clock

    def run(
        self, service: Service, deployment: Deployment, stage: str, then: Callable[[], None]
    ) -> None:
        """Run the hooks configured at `stage`; `then` once every one has succeeded."""
        rollout = deployment.rollout
        assert rollout is not None
        specs = rollout.settings.hooks_at(stage)
        if not specs:
            then()
            return
        runs = [self._start(service, deployment, spec, stage) for spec in specs]
        rollout.waiting, rollout.then = runs, then
        for run in runs:
            if not self.flow.live(service, deployment):
                break  # a hook failed at once and the deployment rolled back
            if run.spec.target_type == "PAUSE":
                self._awaiting(service, deployment, run)
            elif run.open:
                self._invoke(service, deployment, run)

    def _start(
        self, service: Service, deployment: Deployment, spec: HookSpec, stage: str
    ) -> HookRun:
        rollout = deployment.rollout
        assert rollout is not None
        pause = spec.target_type == "PAUSE"
        token = self.ops.backend.ids.token(43)
        run = HookRun(
            hook_id=f"ecs-pause-{token}" if pause else f"ecs-lambda-{token}",
            spec=spec,
            stage=stage,
            status="AWAITING_ACTION" if pause else "IN_PROGRESS",
            expires_at=self.clock.now + timedelta(minutes=spec.timeout_minutes),
            details=spec.details,
        )
        # Background: a deployment waiting at a PAUSE hook lets `settle()` return [S].
        run.expiry = self.clock.schedule(
            lambda: self._expire(service, deployment, run), at=run.expires_at, background=True
        )
        rollout.runs.append(run)
        deployment.updated_at = self.clock.now
        return run

    def _awaiting(self, service: Service, deployment: Deployment, run: HookRun) -> None:
        """The "ECS Hook State Change" event of a PAUSE hook that waits [D]."""
        detail = {
            "eventType": "INFO",
            "eventName": "HOOK_AWAITING_ACTION",
            "clusterArn": service.cluster_arn,
            "serviceArn": service.arn,
            "serviceDeploymentArn": deployment.arn,
            "hookId": run.hook_id,
            "lifecycleStage": run.stage,
            "targetType": run.spec.target_type,
            "expiresAt": run.expires_at.timestamp(),
            "timeoutAction": run.spec.timeout_action,
            "updatedAt": self.clock.now.timestamp(),
        }
        if self.ops.publish is not None:
            self.ops.publish("ECS Hook State Change", service.arn, detail)

    # -- Lambda ---------------------------------------------------------------------------

    def payload(self, service: Service, deployment: Deployment, run: HookRun) -> dict[str, Any]:
        """What the function receives.

        The documented common fields (serviceArn, targetServiceRevisionArn and the two
        traffic-weight maps) [D], the hook stage and `hookDetails` [I].
        """
        rollout = deployment.rollout
        assert rollout is not None
        target = deployment.revision.arn
        test: dict[str, float] = {target: rollout.test_weight}
        production: dict[str, float] = {target: rollout.production_weight}
        for old in service.deployments:
            if old is not deployment and old.holds_tasks():
                test[old.revision.arn] = 100.0 - rollout.test_weight
                production[old.revision.arn] = 100.0 - rollout.production_weight
        body: dict[str, Any] = {
            "serviceArn": service.arn,
            "targetServiceRevisionArn": target,
            "testTrafficWeights": test,
            "productionTrafficWeights": production,
            "lifecycleStage": run.stage,
        }
        if run.details is not None:
            body["hookDetails"] = run.details
        return body

    def _invoke(self, service: Service, deployment: Deployment, run: HookRun) -> None:
        run.timer = None
        if not run.open:
            return
        function = run.spec.target_arn or ""
        handler = self.ops.backend.tasks.lifecycle.behaviour.hook_handler(function)
        answer: Any = {"hookStatus": "SUCCEEDED"}
        if handler is not None:
            try:
                answer = handler(self.payload(service, deployment, run))
            except Exception:  # the function failed: "Amazon ECS rolls back" [D]
                answer = None
        status = answer.get("hookStatus") if isinstance(answer, dict) else None
        if status == "IN_PROGRESS":
            assert isinstance(answer, dict)
            delay = answer.get("callBackDelay", DEFAULT_CALLBACK_DELAY)
            if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
                self.resolve(service, deployment, run, "FAILED")
                return
            if "hookDetails" in answer:
                run.details = answer["hookDetails"]
            run.timer = self.clock.schedule(
                lambda: self._invoke(service, deployment, run), after=float(delay)
            )
        else:
            self.resolve(
                service, deployment, run, "SUCCEEDED" if status == "SUCCEEDED" else "FAILED"
            )

    def on_rollback(self, service: Service, deployment: Deployment) -> None:
        """Invoke the traffic-shift Lambda hooks once more as traffic shifts back [D]."""
        rollout = deployment.rollout
        assert rollout is not None
        for stage in LAMBDA_ONLY_STAGES:
            for spec in rollout.settings.hooks_at(stage):
                if spec.target_type != "AWS_LAMBDA":
                    continue
                handler = self.ops.backend.tasks.lifecycle.behaviour.hook_handler(
                    spec.target_arn or ""
                )
                if handler is None:
                    continue
                run = HookRun(
                    hook_id="",
                    spec=spec,
                    stage=stage,
                    status="IN_PROGRESS",
                    expires_at=self.clock.now,
                    details=spec.details,
                )
                with contextlib.suppress(Exception):  # nothing is left to roll back
                    handler(self.payload(service, deployment, run))

    # -- outcomes -------------------------------------------------------------------------

    def resolve(self, service: Service, deployment: Deployment, run: HookRun, status: str) -> None:
        """A hook ends SUCCEEDED, FAILED or TIMED_OUT; the deployment moves or rolls back."""
        if not run.open:
            return
        run.status = status
        for item in (run.timer, run.expiry):
            if item is not None:
                item.cancel()
        run.timer = run.expiry = None
        deployment.updated_at = self.clock.now
        if not self.flow.live(service, deployment):
            return
        if not _passed(run):
            self.flow.hook_failed(service, deployment)
            return
        rollout = deployment.rollout
        assert rollout is not None
        if run in rollout.waiting and all(_passed(r) for r in rollout.waiting):
            then, rollout.then, rollout.waiting = rollout.then, None, []
            if then is not None:
                then()

    def _expire(self, service: Service, deployment: Deployment, run: HookRun) -> None:
        run.expiry = None
        self.resolve(service, deployment, run, "TIMED_OUT")

    def continue_hook(
        self, service: Service, deployment: Deployment, hook_id: str, action: str
    ) -> None:
        """ContinueServiceDeployment: CONTINUE or ROLLBACK a PAUSE hook awaiting action.

        Raises:
            ClientException: the deployment is not IN_PROGRESS, or the hook not awaiting.
            InvalidParameterException: no hook of that id in the deployment.
        """
        # "The deployment must be in the IN_PROGRESS state"; "The pause hook must be in
        # AWAITING_ACTION status" (Continuing service deployments) [D]; the codes are ours.
        if deployment.deployment_status != "IN_PROGRESS" or not self.flow.live(service, deployment):
            raise ClientException(NOT_IN_PROGRESS.format(arn=deployment.arn))
        rollout = deployment.rollout
        run = next((r for r in rollout.runs if r.hook_id == hook_id), None) if rollout else None
        if run is None:
            raise InvalidParameterException(NO_SUCH_HOOK.format(hook=hook_id, arn=deployment.arn))
        if run.status != "AWAITING_ACTION":
            raise ClientException(NOT_AWAITING.format(hook=hook_id))
        self.resolve(service, deployment, run, "SUCCEEDED" if action == "CONTINUE" else "FAILED")


def _passed(run: HookRun) -> bool:
    """Succeeded, or timed out with the CONTINUE action."""
    return run.status == "SUCCEEDED" or (
        run.status == "TIMED_OUT" and run.spec.timeout_action == "CONTINUE"
    )
