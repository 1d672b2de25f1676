"""Test helpers for staged deployments: what AWS does through Lambda, CloudWatch and ELB.

`ecs.set_hook_handler(...)` stands in for the Lambda function of an AWS_LAMBDA lifecycle
hook. Bad arguments raise `DeploymentHelperError` naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecsmock.errors import ECSMockError

if TYPE_CHECKING:
    import threading

    from ecsmock.model.world import World


class DeploymentHelperError(ECSMockError, ValueError):
    """A deployment helper was given an argument it cannot use (the text names it)."""


HookHandler = Callable[[dict[str, Any]], Any]


class DeploymentHelpers:
    """The `ECSMock` handle's deployment helpers (a mixin of `ECSMock`)."""

    _lock: threading.RLock

    if TYPE_CHECKING:

        @property
        def world(self) -> World:
            """The simulated world."""

    def set_hook_handler(self, function: str, handler: HookHandler | None) -> None:
        """Answer the AWS_LAMBDA lifecycle hooks whose `hookTargetArn` is `function`.

        ECS invokes the hook's Lambda function with a payload (`serviceArn`,
        `targetServiceRevisionArn`, `testTrafficWeights`, `productionTrafficWeights`,
        `lifecycleStage` and `hookDetails`) and reads `hookStatus` (`SUCCEEDED`, `FAILED` or
        `IN_PROGRESS`), `callBackDelay` and `hookDetails` from its answer; `handler` is
        called the same way, in simulated time. A handler that raises, or answers anything
        else, fails the hook (the deployment rolls back). Hooks whose function has no
        handler succeed.

        Args:
            function: a Lambda function ARN, its name, or "*" for every function.
            handler: the stand-in; None removes the one registered for `function`.
        """
        if not isinstance(function, str) or not function:
            raise DeploymentHelperError(
                f"function must be a Lambda function ARN, a name or '*', not {function!r}"
            )
        if handler is not None and not callable(handler):
            raise DeploymentHelperError(f"handler must be callable or None, not {handler!r}")
        with self._lock:
            handlers = self.world.behaviour.hook_handlers
            if handler is None:
                handlers.pop(function, None)
            else:
                handlers[function] = handler
