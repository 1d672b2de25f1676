"""CloudWatch alarms on deployments (`deploymentConfiguration.alarms`).

"How CloudWatch alarms detect Amazon ECS deployment failures" (Developer Guide) [D]: a
deployment whose alarm goes into the ALARM state fails and, with `rollback`, returns to the
last completed revision. A rolling deployment watches its alarms for a bake time after it
reached its steady state, staying IN_PROGRESS; a BLUE_GREEN, LINEAR or CANARY deployment
through its stages up to CLEAN_UP (its own BAKE_TIME is the bake time). Alarms already in
ALARM when the deployment began do not count until they have left that state (AWS Copilot's
documentation of ECS alarm rollbacks, aws/copilot-cli#4512) [O].

The alarms' states come from the test (`stages.AlarmBoard.set`, through
`ecs.set_alarm_state`) or, when moto's CloudWatch is active, from moto
(`AlarmBoard.reader`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ecsmock.model.services.service import Deployment, RolloutState, Service
from ecsmock.model.services.stages import ALARM, AlarmBoard, AlarmWatch, Stage

if TYPE_CHECKING:
    from ecsmock.model.services.ops import ServiceOps

# How often a watched deployment reads alarms nothing announces (moto's CloudWatch): ECS
# polls CloudWatch at an undocumented pace [S].
ALARM_POLL = 60.0


class AlarmMonitor:
    """Watches the alarms of one backend's deployments."""

    def __init__(self, ops: ServiceOps, board: AlarmBoard) -> None:
        self.ops = ops
        self.board = board
        self.region = ops.backend.region
        board.listeners.append(self.changed)

    def start(self, service: Service, deployment: Deployment) -> None:
        """A new deployment watches the alarms its configuration names, if enabled."""
        alarms = deployment.config.alarms
        names = tuple(alarms.get("alarmNames") or ())
        if not alarms.get("enable") or not names:
            return
        seen = {n: self.board.state(self.region, n) for n in names}
        watch = AlarmWatch(
            names=names,
            rollback=bool(alarms.get("rollback")),
            ignored={n for n, state in seen.items() if state == ALARM},
            seen=seen,
        )
        deployment.alarm_watch = watch
        if self.board.reader is not None:
            self._poll_later(service, deployment, watch)

    def changed(self, region: str | None, name: str, state: str) -> None:
        """An alarm changed state: the deployments watching it may fail."""
        if region is not None and region != self.region:
            return
        for service in list(self.ops.store.by_key.values()):
            deployment = service.primary
            watch = deployment.alarm_watch if deployment is not None else None
            if watch is not None and name in watch.names and self._watching(service):
                assert deployment is not None
                self._saw(service, deployment, watch, name, state)

    def _saw(
        self, service: Service, deployment: Deployment, watch: AlarmWatch, name: str, state: str
    ) -> None:
        watch.seen[name] = state
        if state != ALARM:
            watch.ignored.discard(name)
        elif name not in watch.ignored:
            self._trigger(service, deployment, watch, name)

    def _poll_later(self, service: Service, deployment: Deployment, watch: AlarmWatch) -> None:
        """Read the alarms again in ALARM_POLL seconds (background: `settle()` returns)."""
        watch.poll = self.ops.backend.clock.schedule(
            lambda: self._poll(service, deployment, watch), after=ALARM_POLL, background=True
        )

    def _poll(self, service: Service, deployment: Deployment, watch: AlarmWatch) -> None:
        """Read alarms whose states nothing announces (moto's): what changed counts."""
        watch.poll = None
        if deployment.alarm_watch is not watch or service.primary is not deployment:
            return
        if not self._watching(service):
            return
        for name in watch.names:
            state = self.board.state(self.region, name)
            if state != watch.seen.get(name) and self._watching(service):
                self._saw(service, deployment, watch, name, state)
        if self._watching(service):
            self._poll_later(service, deployment, watch)

    def _watching(self, service: Service) -> bool:
        deployment = service.primary
        if deployment is None or deployment.alarm_watch is None or not service.active:
            return False
        rollout = deployment.rollout
        return (
            deployment.alarm_watch.status == "MONITORING"
            and deployment.rollout_state is RolloutState.IN_PROGRESS
            and (rollout is None or rollout.stage is not Stage.CLEAN_UP)
        )

    def _trigger(
        self, service: Service, deployment: Deployment, watch: AlarmWatch, name: str
    ) -> None:
        watch.status = "TRIGGERED"
        watch.triggered.append(name)
        if watch.bake is not None:
            watch.bake.cancel()
        self.ops.fail_deployment(
            service,
            deployment,
            alarm_reason(watch.triggered),
            alarm_message(service.name, deployment.id, watch.triggered),
            rollback=watch.rollback,
        )

    def baking(self, service: Service, deployment: Deployment) -> bool:
        """Whether a steady rolling deployment must still watch its alarms a while.

        The first call starts the bake time; the deployment completes at the scheduler's
        first pass after it (if still steady then).
        """
        watch = deployment.alarm_watch
        if watch is None or deployment.rollout is not None or watch.baked:
            return False
        if watch.status != "MONITORING":
            return False
        if watch.bake is None:
            wait = self.ops.timing.alarm_bake_time

            def baked() -> None:
                watch.baked = True
                self.ops.scheduler.poke(service)

            if wait <= 0:
                watch.baked = True
                return False
            watch.bake = self.ops.backend.clock.schedule(baked, after=timedelta(seconds=wait))
        return True

    def finish(self, deployment: Deployment) -> None:
        """The deployment completed: its alarms were watched to the end."""
        watch = deployment.alarm_watch
        if watch is not None and watch.status == "MONITORING":
            watch.status = "MONITORING_COMPLETE"


# No real text of an alarm-triggered failure has been published; these are ecsmock's.
def alarm_reason(names: list[str]) -> str:
    """The rolloutStateReason and statusReason of a deployment an alarm failed."""
    return f"ECS deployment failed: alarm(s) {', '.join(names)} in ALARM state."


def alarm_message(service: str, deployment_id: str, names: list[str]) -> str:
    """The service event of a deployment an alarm failed."""
    return (
        f"(service {service}) (deployment {deployment_id}) deployment failed: "
        f"alarm(s) {', '.join(names)} in ALARM state."
    )
