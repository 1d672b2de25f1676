"""The rules and settings of an Express service's ECS side.

What a health check path must look like, the primary container as ECS echoes it, and the
ECS service's launch and deployment configuration (canary updates rolled back by ECS's
alarm: "Updating an Amazon ECS Express Mode service", Developer Guide) [D].
"""

from __future__ import annotations

from typing import Any

from ecsmock.errors import InvalidParameterException
from ecsmock.model.services import express as ex
from ecsmock.model.services.express import ExpressConfig, Managed
from ecsmock.model.services.rules import Launch
from ecsmock.model.services.service import DeploymentConfig
from ecsmock.model.services.stages import StrategySettings
from ecsmock.model.tasks.launch import Network


def check_health_path(path: str) -> None:
    """A health check path starts with a slash.

    Raises:
        InvalidParameterException: it does not ("The health check path must start with a
            forward slash", CreateExpressGatewayService docs) [D]; text [U].
    """
    if not path.startswith("/"):
        raise InvalidParameterException(ex.BAD_HEALTH_PATH)


def filled_container(given: dict[str, Any], log_group: str) -> dict[str, Any]:
    """The primary container as ECS echoes it, its port and log configuration filled in.

    Port 80 and a log group of the service's own with the stream prefix `ecs` [M].
    """
    out = dict(given)
    out.setdefault("containerPort", ex.DEFAULT_PORT)
    out.setdefault(
        "awsLogsConfiguration", {"logGroup": log_group, "logStreamPrefix": ex.DEFAULT_STREAM_PREFIX}
    )
    return out


def deployment_config(managed: Managed) -> DeploymentConfig:
    """Canary deployments, rolled back by ECS's alarm (express.py) [D]."""
    return DeploymentConfig(
        alarms={"alarmNames": [managed.alarm_name], "rollback": True, "enable": True},
        extra={
            "strategy": "CANARY",
            "bakeTimeInMinutes": ex.BAKE_MINUTES,
            "canaryConfiguration": {
                "canaryPercent": ex.CANARY_PERCENT,
                "canaryBakeTimeInMinutes": ex.CANARY_BAKE_MINUTES,
            },
        },
        staging=StrategySettings(
            strategy="CANARY",
            bake_minutes=ex.BAKE_MINUTES,
            canary_percent=ex.CANARY_PERCENT,
            canary_bake_minutes=ex.CANARY_BAKE_MINUTES,
        ),
    )


def network_of(config: ExpressConfig) -> Network:
    """The configuration's subnets and security groups as the ECS service's network."""
    return Network(subnets=list(config.subnets), security_groups=list(config.security_groups))


def service_launch(config: ExpressConfig, managed: Managed, role: str) -> Launch:
    """Fargate in the configuration's subnets, behind the rule's two target groups.

    No public IP: the load balancer faces out [S].
    """
    main, alternate = managed.target_groups
    return Launch(
        launch_type="FARGATE",
        network=network_of(config),
        network_raw={
            "awsvpcConfiguration": {
                "subnets": list(config.subnets),
                "securityGroups": list(config.security_groups),
                "assignPublicIp": "DISABLED",
            }
        },
        load_balancers=[
            {
                "targetGroupArn": main,
                "containerName": ex.CONTAINER_NAME,
                "containerPort": config.port,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": alternate,
                    "productionListenerRule": managed.rule,
                    "roleArn": role,
                },
            }
        ],
    )
