"""The operation registry: ECS operation name -> handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecsmock.model.backend import Backend

Params = dict[str, Any]
Body = dict[str, Any]
Handler = Callable[[Backend, Params], Body]

REGISTRY: dict[str, Handler] = {}
# Operations whose bodies hold parsed timestamps already (`ecsmock._stamps.stamper`).
PARSED: set[str] = set()


def operation(name: str, parsed: bool = False) -> Callable[[Handler], Handler]:
    """Register `fn` as the handler of the ECS operation `name` (e.g. "RunTask").

    `parsed`: its bodies carry timestamps as the client gets them, not epoch seconds.
    """

    def register(fn: Handler) -> Handler:
        if name in REGISTRY:
            raise RuntimeError(f"operation {name} registered twice")
        REGISTRY[name] = fn
        if parsed:
            PARSED.add(name)
        return fn

    return register
