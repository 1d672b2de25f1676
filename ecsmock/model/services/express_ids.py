"""The identifiers of what ECS provisions for an Express service, from the seeded ids.

The service's URL has the form ECS gives it, `https://<first two letters of the service
name>-<32 hex digits>.ecs.<region>.on.aws` (real URLs quoted in public repositories, e.g.
`https://ni-adada88b582b4d3ea6b21602d2c1abf7.ecs.us-east-1.on.aws` for a service
`niriksh-api`) [O]. The other resources' ARNs follow their services' ARN formats; their
names are ecsmock's [S].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecsmock.model.services.express import Managed

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend


def managed_ids(backend: Backend, cluster: str, name: str) -> Managed:
    """Fresh identifiers for the resources of the Express service `name` of `cluster`."""
    ids = backend.ids
    region, account = backend.region, backend.account
    short = ids.hex32()[:8]
    lb_name = f"ecs-express-gateway-alb-{short}"
    lb_id = ids.hex32()[:16]
    elb = f"arn:aws:elasticloadbalancing:{region}:{account}"
    listener = f"{elb}:listener/app/{lb_name}/{lb_id}/{ids.hex32()[:16]}"
    rule = listener.replace(":listener/", ":listener-rule/") + f"/{ids.hex32()[:16]}"
    groups = tuple(
        f"{elb}:targetgroup/ecs-gateway-tg-{ids.hex32()[:8]}/{ids.hex32()[:16]}" for _ in "ab"
    )
    policy_id = ids.uuid()
    resource = f"service/{cluster}/{name}"
    alarm_name = f"{name}-{short}-4xx-5xx-rollback"
    return Managed(
        endpoint=f"https://{name[:2].lower()}-{ids.hex32()}.ecs.{region}.on.aws",
        load_balancer=f"{elb}:loadbalancer/app/{lb_name}/{lb_id}",
        listener=listener,
        rule=rule,
        target_groups=(groups[0], groups[1]),
        certificate=f"arn:aws:acm:{region}:{account}:certificate/{ids.uuid()}",
        load_balancer_group=f"sg-{ids.hex32()[:17]}",
        service_group=f"sg-{ids.hex32()[:17]}",
        scalable_target=(
            f"arn:aws:application-autoscaling:{region}:{account}:scalable-target/"
            f"0e{ids.hex32()[:30]}"
        ),
        policy=(
            f"arn:aws:autoscaling:{region}:{account}:scalingPolicy:{policy_id}:resource/ecs/"
            f"{resource}:policyName/{name}-target-tracking"
        ),
        alarm=f"arn:aws:cloudwatch:{region}:{account}:alarm:{alarm_name}",
        alarm_name=alarm_name,
        log_group=f"/aws/ecs/{cluster}/{name}",
    )


def group_arn(backend: Backend, group_id: str) -> str:
    """A security group's ARN."""
    return f"arn:aws:ec2:{backend.region}:{backend.account}:security-group/{group_id}"


def log_group_arn(backend: Backend, name: str) -> str:
    """A CloudWatch Logs log group's ARN."""
    return f"arn:aws:logs:{backend.region}:{backend.account}:log-group:{name}"
