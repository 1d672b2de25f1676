"""The checks CreateService and UpdateService make on a staged strategy's settings.

Only what the API reference or the Developer Guide says ECS refuses is refused; the texts
are ecsmock's (ECS's were not captured) and listed in docs/explanation/differences.md.
Enum values (strategy, targetType, lifecycleStages, action) are checked with the request's
other enums against the botocore model.
"""

from __future__ import annotations

from ecsmock.errors import InvalidParameterException
from ecsmock.model.services.stages import LAMBDA_ONLY_STAGES, HookSpec, StrategySettings

STEP_PERCENT = "linearConfiguration.stepPercent must be a multiple of 0.1 from 3.0 to 100.0."
CANARY_PERCENT = "canaryConfiguration.canaryPercent must be a multiple of 0.1 from 0.1 to 100.0."
BAKE_RANGE = "{name} must be from 0 to 1440 minutes."
NO_STAGES = "lifecycleStages must be specified for a deployment lifecycle hook."
NO_TARGET = "hookTargetArn must be specified for an AWS_LAMBDA deployment lifecycle hook."
PAUSE_STAGE = (
    "PAUSE hooks cannot be configured at the TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT "
    "lifecycle stages."
)
TIMEOUT_RANGE = "timeoutConfiguration.timeoutInMinutes must be from 1 to 20160."


def check_staging(settings: StrategySettings) -> None:
    """Linear and canary settings in their documented ranges; every hook well formed.

    Raises:
        InvalidParameterException: a setting outside what the API reference allows.
    """
    # LinearConfiguration and CanaryConfiguration: "Valid values are multiples of 0.1 from
    # 3.0 to 100.0" / "from 0.1 to 100.0" and bake times "0 to 1440 minutes" [M].
    if not _tenths(settings.step_percent, 3.0):
        raise InvalidParameterException(STEP_PERCENT)
    if not _tenths(settings.canary_percent, 0.1):
        raise InvalidParameterException(CANARY_PERCENT)
    for name, minutes in (
        ("linearConfiguration.stepBakeTimeInMinutes", settings.step_bake_minutes),
        ("canaryConfiguration.canaryBakeTimeInMinutes", settings.canary_bake_minutes),
    ):
        if not 0 <= minutes <= 1440:
            raise InvalidParameterException(BAKE_RANGE.format(name=name))
    for hook in settings.hooks:
        check_hook(hook)


def check_hook(hook: HookSpec) -> None:
    """One lifecycle hook, as the DeploymentLifecycleHook reference describes it.

    Raises:
        InvalidParameterException: no stages, a Lambda hook without its function, a PAUSE
            hook at a traffic-shift stage, or a timeout outside 1-20160 minutes.
    """
    # "You must provide this parameter when configuring a deployment lifecycle hook" [M].
    if not hook.stages:
        raise InvalidParameterException(NO_STAGES)
    # hookTargetArn: "You must provide this parameter when configuring an AWS_LAMBDA
    # lifecycle hook"; PAUSE hooks need none (DeploymentLifecycleHook, API reference) [D].
    if hook.target_type == "AWS_LAMBDA" and not hook.target_arn:
        raise InvalidParameterException(NO_TARGET)
    # "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT
    # stages. These stages are only valid for AWS_LAMBDA hooks." [D]
    if hook.target_type == "PAUSE" and any(s in LAMBDA_ONLY_STAGES for s in hook.stages):
        raise InvalidParameterException(PAUSE_STAGE)
    # DeploymentLifecycleHookDuration: 1-20160 [M] (botocore checks only the minimum).
    if not 1 <= hook.timeout_minutes <= 20160:
        raise InvalidParameterException(TIMEOUT_RANGE)


def _tenths(value: float, low: float) -> bool:
    tenths = round(value * 10)
    return abs(value * 10 - tenths) < 1e-6 and round(low * 10) <= tenths <= 1000
