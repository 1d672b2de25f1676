"""The operation registry: ECS operation name -> handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecsmock.model.backend import Backend

Params = dict[str, Any]
Body = dict[str, Any]
Handler = Callable[[Backend, Params], Body]

REGISTRY: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register `fn` as the handler of the ECS operation `name` (e.g. "RunTask")."""

    def register(fn: Handler) -> Handler:
        if name in REGISTRY:
            raise RuntimeError(f"operation {name} registered twice")
        REGISTRY[name] = fn
        return fn

    return register
