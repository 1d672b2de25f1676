"""Timing profiles: how long each lifecycle phase takes in simulated seconds.

`REALISTIC` carries the simulation defaults of the behaviour reference (section 1.7,
derived from the timestamps of real tasks); `INSTANT` makes every phase take zero simulated
time while every state is still passed through, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ecsmock.errors import OptionError


@dataclass(frozen=True, slots=True, kw_only=True)
class TimingProfile:
    """Durations, in simulated seconds, of the phases of a task's life.

    Per-platform phases come as (fargate, ec2_awsvpc, ec2_bridge_or_host) triples.
    """

    provisioning: tuple[float, float, float] = (4.0, 3.0, 0.0)
    pending_before_pull: tuple[float, float, float] = (8.0, 1.5, 1.5)
    image_pull: tuple[float, float, float] = (6.0, 5.0, 5.0)
    pull_to_running: float = 1.2
    activating_with_load_balancer: float = 1.0
    deregistration_delay: float = 300.0
    graceful_stop: float = 0.5
    deprovisioning: tuple[float, float, float] = (12.0, 5.0, 0.0)
    stopped_task_retention: float = 3600.0
    # The service scheduler's first pass after CreateService/UpdateService.
    scheduler_delay: float = 1.0
    # A RUNNING service task with no container health check counts as healthy this long
    # after it started (DeploymentConfiguration docs: "wait for 40 seconds").
    service_healthy_after: float = 40.0
    # With CloudWatch alarms enabled, a rolling deployment stays IN_PROGRESS this long after
    # it is steady, watching its alarms ("bake time"; ECS derives it from the alarms'
    # configuration, which is not modelled) [S].
    alarm_bake_time: float = 300.0
    # A task registered in a target group is healthy after one passing health check, the
    # default interval being 30 s; failing ones make it unhealthy after the default
    # threshold of two checks (Elastic Load Balancing target group health checks) [D][S].
    target_healthy_after: float = 30.0
    target_unhealthy_after: float = 60.0
    # A task set's computedDesiredCount follows CreateTaskSet/UpdateTaskSet after this long
    # (observed 2-6 s, behaviour reference 8); a service's desiredCount change applies at
    # the scheduler's next pass.
    task_set_recompute: float = 2.0
    # An Auto Scaling group capacity provider's update applies, and its deletion completes,
    # this long after the call ([S]: ECS answers *_IN_PROGRESS and finishes later).
    provider_update: float = 5.0
    provider_delete: float = 15.0
    # A Managed Instances provider is PROVISIONING this long before it is ACTIVE [S]
    # ("a capacity provider becomes ACTIVE quickly", hashicorp/terraform-provider-aws#48741).
    provider_create: float = 10.0
    # A Managed Instance boots and its agent registers (REGISTERING -> ACTIVE), and a
    # retired one is terminated (DEREGISTERING -> INACTIVE), this long after ECS decides [S].
    instance_launch: float = 30.0
    instance_terminate: float = 30.0
    # A daemon task definition no daemon uses any more is DELETED this long after [S].
    definition_delete: float = 10.0
    # UpdateContainerAgent: each agentUpdateStatus step (PENDING, STAGING, STAGED,
    # UPDATING, UPDATED) follows the previous one this long after [S].
    agent_update_step: float = 10.0
    # What ECS provisions for an Express service (load balancer, certificate, scaling) is
    # PROVISIONING this long before it is ACTIVE [S] (an Application Load Balancer takes
    # minutes to become active).
    express_provisioning: float = 180.0
    # Seeded jitter as a fraction of each duration (0 = exact, reproducible either way).
    jitter: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            values = value if isinstance(value, tuple) else (value,)
            if any(v < 0 for v in values):
                raise OptionError(f"timing: {f.name} must not be negative, got {value!r}")


REALISTIC = TimingProfile()
INSTANT = TimingProfile(
    provisioning=(0.0, 0.0, 0.0),
    pending_before_pull=(0.0, 0.0, 0.0),
    image_pull=(0.0, 0.0, 0.0),
    pull_to_running=0.0,
    activating_with_load_balancer=0.0,
    deregistration_delay=0.0,
    graceful_stop=0.0,
    deprovisioning=(0.0, 0.0, 0.0),
    scheduler_delay=0.0,
    service_healthy_after=0.0,
    alarm_bake_time=0.0,
    target_healthy_after=0.0,
    target_unhealthy_after=0.0,
    task_set_recompute=0.0,
    provider_update=0.0,
    provider_delete=0.0,
    provider_create=0.0,
    instance_launch=0.0,
    instance_terminate=0.0,
    definition_delete=0.0,
    agent_update_step=0.0,
    express_provisioning=0.0,
)


def resolve(timing: str | TimingProfile) -> TimingProfile:
    """The profile an option names: "realistic", "instant", or a `TimingProfile`."""
    if isinstance(timing, TimingProfile):
        return timing
    if timing == "realistic":
        return REALISTIC
    if timing == "instant":
        return INSTANT
    raise OptionError(f"timing must be 'realistic', 'instant' or a TimingProfile, not {timing!r}")
