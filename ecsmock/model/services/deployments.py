"""Deployments of a service: started, begun, completed, failed, rolled back; and events.

Behaviour reference 7.3, 7.6, 7.9, 7.11 and 15. `ServiceOps` takes these methods from
`DeploymentFlow`; the scheduler calls them as deployments move.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecsmock.model.services import service as sv
from ecsmock.model.services.service import (
    Deployment,
    DeploymentStatus,
    Revision,
    RolloutState,
    Service,
)

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend
    from ecsmock.model.services.alarms import AlarmMonitor
    from ecsmock.model.services.scheduler import Scheduler, ServicePublisher
    from ecsmock.model.services.strategies import StagedFlow
    from ecsmock.model.timing import TimingProfile


class DeploymentFlow:
    """What happens to a service's deployments, and the events it tells."""

    backend: Backend
    timing: TimingProfile
    scheduler: Scheduler
    staged: StagedFlow
    alarms: AlarmMonitor
    publish: ServicePublisher | None
    note: Callable[[Service, str], None] | None

    # -- deployments ----------------------------------------------------------------------

    def start_deployment(
        self, service: Service, revision: Revision, *, first: bool = False, reason: str = ""
    ) -> Deployment:
        """A new PRIMARY deployment of `revision`; the previous one turns ACTIVE."""
        ids = self.backend.ids
        now = self.backend.clock.now
        deployment_id = f"ecs-svc/{ids.digits19()}"
        deployment = Deployment(
            id=deployment_id,
            arn=self.backend.arn(
                f"service-deployment/{service.cluster_name}/{service.name}/{ids.token()}"
            ),
            revision=revision,
            status=DeploymentStatus.PRIMARY,
            desired_count=service.desired_count,
            requested_count=service.desired_count,
            created_at=now,
            updated_at=now,
            rollout_reason=reason or sv.in_progress_reason(deployment_id),
            source_revisions=[
                (d.revision, d.task_counts()) for d in service.deployments if d.holds_tasks()
            ],
            config=service.config,
        )
        for old in service.deployments:
            old.status = DeploymentStatus.ACTIVE
            old.updated_at = now
        service.deployments.insert(0, deployment)
        self.staged.attach(service, deployment)
        self.alarms.start(service, deployment)
        service.steady = False
        service.launch_failures = 0
        service.hold_until = None
        self.deployment_event(service, deployment, "INFO", "SERVICE_DEPLOYMENT_IN_PROGRESS")
        delay = 0.0 if first and self.timing.scheduler_delay <= 0 else self.timing.scheduler_delay
        self.scheduler.poke(service, after=delay)
        return deployment

    def begin(self, deployment: Deployment) -> None:
        """The scheduler's first pass over a new deployment: PENDING turns IN_PROGRESS.

        Real service deployments are PENDING right after the call and start a moment later
        (behaviour reference 7.11; the CLI example shows startedAt 1.6 s after createdAt).
        """
        if deployment.deployment_status == "PENDING":
            deployment.deployment_status = "IN_PROGRESS"
            deployment.started_at = self.backend.clock.now

    def _supersede(self, service: Service) -> None:
        """A new deployment replaces the unfinished ones: their service deployments end."""
        now = self.backend.clock.now
        for deployment in service.deployments:
            if deployment.deployment_status in ("PENDING", "IN_PROGRESS", "ROLLBACK_IN_PROGRESS"):
                self.staged.halt(deployment)
                deployment.freeze_counts()
                deployment.deployment_status = "STOPPED"
                deployment.status_reason = sv.REPLACED_REASON
                deployment.finished_at = deployment.updated_at = now

    def complete(self, service: Service, deployment: Deployment) -> None:
        """The PRIMARY deployment reached its desired count, healthy, alone."""
        now = self.backend.clock.now
        deployment.rollout_state = RolloutState.COMPLETED
        deployment.rollout_reason = sv.completed_reason(deployment.id)
        deployment.updated_at = now
        if deployment.deployment_status != "SUCCESSFUL":
            # (A blue deployment made PRIMARY again by a staged rollback finished before.)
            deployment.finished_at = now
            deployment.deployment_status = "SUCCESSFUL"
        deployment.freeze_counts()
        self.alarms.finish(deployment)
        if deployment.rollback_of is not None:
            self._rollback_ended(service, "ROLLBACK_SUCCESSFUL")
            if deployment.listed:
                deployment.rollback_of = None
        service.last_completed = deployment.revision
        service.last_completed_id = deployment.id
        self.add_event(service, sv.completed_message(service.name, deployment.id))
        self.deployment_event(service, deployment, "INFO", "SERVICE_DEPLOYMENT_COMPLETED")

    def trip_breaker(self, service: Service, deployment: Deployment) -> None:
        """The circuit breaker trips: FAILED, and with rollback the last good one again."""
        self.fail_deployment(
            service,
            deployment,
            sv.FAILED_REASON,
            sv.failed_message(service.name, deployment.id),
            rollback=service.config.rollback,
        )

    def fail_deployment(
        self, service: Service, deployment: Deployment, reason: str, message: str, *, rollback: bool
    ) -> None:
        """The PRIMARY deployment failed: FAILED, then rolled back or STOPPED."""
        self._fail(service, deployment, reason)
        self.staged.halt(deployment)
        self.add_event(service, message)
        self.deployment_event(service, deployment, "ERROR", "SERVICE_DEPLOYMENT_FAILED")
        if deployment.rollback_of is not None:
            # A failing rollback is not rolled back again (that would loop for ever): it
            # stays FAILED like a deployment without rollback, and the service deployment
            # it belongs to ends ROLLBACK_FAILED.
            self._rollback_ended(service, "ROLLBACK_FAILED")
        elif rollback and service.last_completed is not None:
            self._roll_back(service, deployment)
        else:
            self._stopped(deployment, reason)
        self.scheduler.poke(service)

    def _rollback_ended(self, service: Service, status: str) -> None:
        """The rollback under way finished: its failed service deployment records how."""
        now = self.backend.clock.now
        for failed in service.finished + service.deployments:
            if failed.deployment_status == "ROLLBACK_IN_PROGRESS":
                failed.deployment_status = status
                failed.finished_at = failed.updated_at = now
                failed.freeze_counts()

    def stop_deployment(self, service: Service, deployment: Deployment, rollback: bool) -> None:
        """StopServiceDeployment: ROLLBACK to the last completed revision, or ABORT."""
        reason = "Service deployment stopped by user."
        self._fail(service, deployment, reason)
        self.staged.halt(deployment)
        if rollback and service.last_completed is not None:
            self._roll_back(service, deployment)
        else:
            self._stopped(deployment, reason)
        self.scheduler.poke(service)

    def _fail(self, service: Service, deployment: Deployment, reason: str) -> None:
        now = self.backend.clock.now
        deployment.rollout_state = RolloutState.FAILED
        deployment.rollout_reason = reason
        deployment.status_reason = reason
        deployment.updated_at = now

    def _stopped(self, deployment: Deployment, reason: str) -> None:
        deployment.freeze_counts()
        deployment.deployment_status = "STOPPED"
        deployment.status_reason = reason
        deployment.stopped_at = self.backend.clock.now

    def _roll_back(self, service: Service, deployment: Deployment) -> None:
        target, back_to = service.last_completed, service.last_completed_id
        assert target is not None
        assert back_to is not None
        if self.staged.roll_back(service, deployment, sv.rollback_reason(back_to)):
            return  # blue still runs: traffic goes back to it
        deployment.deployment_status = "ROLLBACK_IN_PROGRESS"
        deployment.rollback_started_at = self.backend.clock.now
        deployment.rollback_target = target.arn
        self.add_event(service, sv.rollback_message(service.name, back_to))
        service.revision = target
        rollback = self.start_deployment(service, target, reason=sv.rollback_reason(back_to))
        rollback.rollback_of = target.arn
        rollback.listed = False
        rollback.rollout = None  # a rollback deploys by the rolling rules [S]
        rollback.alarm_watch = None  # ... and watches no alarms [S]

    def deployment_left(self, service: Service, deployment: Deployment) -> None:
        """An old deployment drained and left the `deployments` array."""
        deployment.updated_at = self.backend.clock.now

    # -- events ---------------------------------------------------------------------------

    def add_event(self, service: Service, message: str) -> None:
        """A service event (`service.events`)."""
        service.add_event(self.backend.ids.uuid(), self.backend.clock.now, message)
        if self.note is not None:
            self.note(service, message)

    def service_action(
        self, service: Service, event_type: str, name: str, reason: str | None = None
    ) -> None:
        """An "ECS Service Action" EventBridge event."""
        detail: dict[str, Any] = {
            "eventType": event_type,
            "eventName": name,
            "clusterArn": service.cluster_arn,
            "createdAt": self.backend.clock.now.timestamp(),
        }
        if reason is not None:
            detail["reason"] = reason
        if self.publish is not None:
            self.publish("ECS Service Action", service.arn, detail)

    def deployment_event(
        self, service: Service, deployment: Deployment, event_type: str, name: str
    ) -> None:
        """An "ECS Deployment State Change" EventBridge event."""
        detail = {
            "eventType": event_type,
            "eventName": name,
            "deploymentId": deployment.id,
            "updatedAt": self.backend.clock.now.timestamp(),
            "reason": deployment.rollout_reason,
        }
        if self.publish is not None:
            self.publish("ECS Deployment State Change", service.arn, detail)
