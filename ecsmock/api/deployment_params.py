"""`deploymentConfiguration`'s strategy members in model terms (CreateService, UpdateService).

`strategy`, `bakeTimeInMinutes`, `linearConfiguration`, `canaryConfiguration` and
`lifecycleHooks` are echoed as given (they stay in the configuration's `extra`); this reads
them into the `StrategySettings` the staged deployments run by. On UpdateService what is
given replaces, what is not keeps the service's current value.
"""

from __future__ import annotations

from typing import Any

from ecsmock.api._fresh import fresh
from ecsmock.model.services.stages import HookSpec, StrategySettings


def staging_in(raw: dict[str, Any], base: StrategySettings) -> StrategySettings:
    """The strategy settings of a `deploymentConfiguration` over `base`."""
    linear = raw.get("linearConfiguration") or {}
    canary = raw.get("canaryConfiguration") or {}
    hooks = raw.get("lifecycleHooks")
    return StrategySettings(
        strategy=raw.get("strategy", base.strategy),
        bake_minutes=raw.get("bakeTimeInMinutes", base.bake_minutes),
        step_percent=float(linear.get("stepPercent", base.step_percent)),
        step_bake_minutes=linear.get("stepBakeTimeInMinutes", base.step_bake_minutes),
        canary_percent=float(canary.get("canaryPercent", base.canary_percent)),
        canary_bake_minutes=canary.get("canaryBakeTimeInMinutes", base.canary_bake_minutes),
        hooks=base.hooks if hooks is None else tuple(_hook(h) for h in hooks),
    )


def _hook(raw: dict[str, Any]) -> HookSpec:
    timeout = raw.get("timeoutConfiguration") or {}
    defaults = HookSpec()
    return HookSpec(
        target_type=raw.get("targetType", defaults.target_type),
        target_arn=raw.get("hookTargetArn"),
        role_arn=raw.get("roleArn"),
        stages=tuple(raw.get("lifecycleStages") or ()),
        details=fresh(raw.get("hookDetails")),
        timeout_minutes=timeout.get("timeoutInMinutes", defaults.timeout_minutes),
        timeout_action=timeout.get("action", defaults.timeout_action),
    )
