"""The operation registry: ECS operation name -> handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecsmock.model.backend import Backend

Params = dict[str, Any]
Body = dict[str, Any]
Handler = Callable[[Backend, Params], Body]
# A handler also given the request's JSON body as botocore sent it (None: not known).
SentHandler = Callable[[Backend, Params, bytes | None], Body]

REGISTRY: dict[str, Handler] = {}
# Operations whose bodies hold parsed timestamps already (`ecsmock._stamps.stamper`).
PARSED: set[str] = set()


class TakesSent:
    """A registered handler that can take the request's JSON body as sent, too.

    Called as any handler (backend, params) it goes without (None); the mock answering a
    client's call gives it botocore's body through `with_sent`.
    """

    def __init__(self, with_sent: SentHandler) -> None:
        self.with_sent = with_sent
        self.__doc__ = with_sent.__doc__  # the operation's summary (docgen)

    def __call__(self, backend: Backend, params: Params) -> Body:
        return self.with_sent(backend, params, None)


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


def operation_with_body(name: str, parsed: bool = False) -> Callable[[SentHandler], SentHandler]:
    """Register `fn`, which takes the request's JSON body as sent too, as `name`'s handler.

    The body is botocore's own bytes: immutable, so an operation can keep the request as
    it was (RunTask, for its clientToken) without serialising it again.
    """

    def register(fn: SentHandler) -> SentHandler:
        operation(name, parsed)(TakesSent(fn))
        return fn

    return register
