"""The botocore seam: a dormant global hook, `attach()`, and dispatch to the innermost mock.

Two handlers go into ``botocore.handlers.BUILTIN_HANDLERS`` once (they reach every botocore
session made afterwards, so every client made from them): one stashes the API params at
``before-parameter-build.ecs``, one answers at ``before-call.ecs``, after botocore's own
client-side validation. While no mock is active both return at once and the call goes on
as if ecsmock were not there. Waiters of ECS clients sleep on the simulated clock.
"""

from __future__ import annotations

import json
import threading
import time as _time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import botocore.handlers
import botocore.waiter

if TYPE_CHECKING:
    from ecsmock._mock import ECSMock

_PARAMS_KEY = "ecsmock.params"
_STACK: list[ECSMock] = []
_STACK_LOCK = threading.Lock()
_LOCAL = threading.local()
_INSTALLED = False


def _stash_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    if _STACK:
        context[_PARAMS_KEY] = params


def _answer_call(
    model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any
) -> tuple[Any, dict[str, Any]] | None:
    if not _STACK:
        return None
    mock = _STACK[-1]
    api_params = context.get(_PARAMS_KEY)
    if api_params is None:  # attached after the params were built: read the wire body
        body = params.get("body") or b"{}"
        api_params = json.loads(body)
    return mock._answer(model, api_params, context.get("client_region") or "us-east-1")


def _sim_sleep(seconds: float) -> None:
    mock = getattr(_LOCAL, "waiting_on", None)
    if mock is None:
        _time.sleep(seconds)
    else:
        mock.advance(seconds)


_real_wait = botocore.waiter.Waiter.wait


def _wait(self: Any, **kwargs: Any) -> None:
    client = getattr(getattr(self._operation_method, "_client_method", None), "__self__", None)
    mock = current()
    is_ecs = client is not None and client.meta.service_model.service_name == "ecs"
    if mock is None or not is_ecs:
        _real_wait(self, **kwargs)
        return
    before = getattr(_LOCAL, "waiting_on", None)
    _LOCAL.waiting_on = mock
    try:
        _real_wait(self, **kwargs)
    finally:
        _LOCAL.waiting_on = before


def install() -> None:
    """Install the dormant hooks once per process (idempotent)."""
    global _INSTALLED
    with _STACK_LOCK:
        if _INSTALLED:
            return
        botocore.handlers.BUILTIN_HANDLERS.append(("before-parameter-build.ecs", _stash_params))
        botocore.handlers.BUILTIN_HANDLERS.append(("before-call.ecs", _answer_call))
        # botocore.waiter calls time.sleep between polls: give it a time module whose sleep
        # moves the simulated clock while an ECS waiter runs under an active mock.
        botocore.waiter.time = SimpleNamespace(
            **{name: getattr(_time, name) for name in dir(_time) if not name.startswith("__")}
        )
        botocore.waiter.time.sleep = _sim_sleep
        botocore.waiter.Waiter.wait = _wait
        _INSTALLED = True


def attach(client: Any) -> Any:
    """Make a client made before ecsmock was imported answerable by ecsmock.

    Clients made from sessions created after `import ecsmock` need nothing; this is for
    older ones. Returns the client.
    """
    events = client.meta.events
    events.register("before-parameter-build.ecs", _stash_params, unique_id="ecsmock-params")
    events.register("before-call.ecs", _answer_call, unique_id="ecsmock-answer")
    return client


def push(mock: ECSMock) -> None:
    """Make `mock` the innermost active mock."""
    with _STACK_LOCK:
        _STACK.append(mock)


def pop(mock: ECSMock) -> None:
    """Remove `mock` from the active mocks (wherever it stands)."""
    with _STACK_LOCK:
        for i in range(len(_STACK) - 1, -1, -1):
            if _STACK[i] is mock:
                del _STACK[i]
                return


def current() -> ECSMock | None:
    """The innermost active mock, or None."""
    return _STACK[-1] if _STACK else None
