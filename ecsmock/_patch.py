"""The botocore seam: a dormant global hook, `attach()`, and dispatch to the innermost mock.

Two handlers go into ``botocore.handlers.BUILTIN_HANDLERS`` once (they reach every botocore
session made afterwards, so every client made from them): one stashes the API params at
``before-parameter-build.ecs``, one answers at ``before-call``, after botocore's own
client-side validation. While no mock is active both return at once and the call goes on
as if ecsmock were not there. The answer comes last of all ``before-call`` handlers (a user's
own, on any of ``before-call``, ``before-call.ecs`` or the operation, run first and see every
call; one that returns a response, as botocore's Stubber does, answers instead). Two more
entries mix a small class into ECS clients (so an answer can follow the client's own
response parsing) and let `has_hooks()` probe a session. Waiters of ECS clients, botocore's
and aiobotocore's, sleep on the simulated clock.

Importing ecsmock does not import botocore (the pytest plugin is loaded by every pytest run
in an environment where ecsmock is installed). When botocore is not loaded yet, `install()`
puts a finder on ``sys.meta_path`` that patches ``botocore.handlers`` and ``botocore.waiter``
(and ``aiobotocore.waiter``) right after they are first imported, which is before any
botocore session can exist.
"""

from __future__ import annotations

import json
import sys
import threading
import time as _time
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ecsmock._finder import PatchOnImport, put_first
from ecsmock.errors import OptionError

if TYPE_CHECKING:
    from ecsmock._mock import ECSMock

_PARAMS_KEY = "ecsmock.params"
# An event only ecsmock emits: a session (or client) answers True when it has the hooks.
_PROBE = "ecsmock-probe"
_CLIENT_ATTR = "_ecsmock_parser_defaults"
_STACK: list[ECSMock] = []
_STACK_LOCK = threading.RLock()
_LOCAL = threading.local()


def _stash_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    if _STACK:
        context[_PARAMS_KEY] = params


_ANSWERED = "before-call.ecs."


def _answer_call(
    model: Any,
    params: dict[str, Any],
    context: dict[str, Any],
    request_signer: Any = None,
    event_name: str = _ANSWERED,
    **_: Any,
) -> tuple[Any, dict[str, Any]] | None:
    # Registered on ``before-call`` of every service, last: only ECS calls are answered.
    if not _STACK or not event_name.startswith(_ANSWERED):
        return None
    mock = current()
    if mock is None:
        return None
    body = params.get("body")
    api_params = context.get(_PARAMS_KEY)
    if api_params is None:  # attached after the params were built: read the wire body
        api_params = json.loads(body or b"{}")
    region = context.get("client_region") or "us-east-1"
    sent = body if isinstance(body, bytes) else None
    return mock._answer(model, api_params, region, _timestamp_parser(request_signer), sent)


# -- the client behind a call -------------------------------------------------------------


class _ClientMixin:
    """Mixed into every ECS client class (botocore's ``creating-client-class.ecs``).

    botocore hands the ``before-call`` handlers the client's request signer, not the
    client; this links the one to the other, so the answer can honour the client's own
    response parsing (the AWS CLI keeps timestamps as the epoch numbers ECS sent).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _link(self)
        creator = getattr(self, "_user_agent_creator", None)
        if creator is not None and hasattr(creator, "to_string"):
            self._user_agent_creator = _UserAgentMemo(creator)


class _UserAgentMemo:
    """The client's User-Agent builder, its string remembered while a mock is active.

    botocore rebuilds the User-Agent header from a dozen parts on every call (about 40 %
    of what a call costs when it is answered at ``before-call``). Those parts are fixed
    when the client is made, except the feature ids of the call's context and the
    client's own; the string is remembered per set of those, so it is the very string
    botocore would build. Without an active mock every call builds it afresh, as before.
    """

    def __init__(self, creator: Any) -> None:
        self._creator = creator
        self._strings: dict[tuple[frozenset[str], frozenset[str]], str] = {}

    def to_string(self) -> str:
        """The User-Agent header value for the call in progress."""
        creator = self._creator
        if not _STACK:
            built: str = creator.to_string()
            return built
        context = _botocore_context()
        key = (
            frozenset(context.features) if context is not None else frozenset(),
            frozenset(creator._client_features or ()),
        )
        found = self._strings.get(key)
        if found is None:
            found = self._strings[key] = creator.to_string()
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._creator, name)


def _botocore_context() -> Any:
    from botocore.context import get_context  # loaded with botocore.client already

    return get_context()


def _add_mixin(base_classes: list[type], **_: Any) -> None:
    if _ClientMixin not in base_classes:
        base_classes.insert(0, _ClientMixin)


def _link(client: Any) -> None:
    signer = getattr(client, "_request_signer", None)
    endpoint = getattr(client, "_endpoint", None)
    factory = getattr(endpoint, "_response_parser_factory", None)
    defaults = getattr(factory, "_defaults", None)
    if signer is not None and isinstance(defaults, dict):
        # The factory's defaults are read per response, as botocore's endpoint does.
        setattr(signer, _CLIENT_ATTR, defaults)


def _timestamp_parser(request_signer: Any) -> Callable[[Any], Any] | None:
    """The timestamp parser the client's own responses get, or None for botocore's default."""
    defaults = getattr(request_signer, _CLIENT_ATTR, None)
    parser = defaults.get("timestamp_parser") if defaults is not None else None
    return parser if callable(parser) else None


# -- waiters ------------------------------------------------------------------------------


def _sim_sleep(seconds: float) -> None:
    mock = getattr(_LOCAL, "waiting_on", None)
    if mock is None:
        _time.sleep(seconds)
    else:
        mock.advance(seconds)


class _WaiterTime:
    """Stands in for the `time` module inside ``botocore.waiter``.

    botocore's `Waiter.wait` calls ``time.sleep`` between polls; here that sleep moves the
    simulated clock while an ECS waiter runs under an active mock, and really sleeps
    otherwise. Everything else is the real `time` module, looked up at call time.
    """

    @staticmethod
    def sleep(seconds: float) -> None:
        """Sleep on the simulated clock for an ECS waiter, else for real."""
        _sim_sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


def _is_ecs_waiter(waiter: Any) -> bool:
    method = getattr(waiter, "_operation_method", None)
    client = getattr(getattr(method, "_client_method", None), "__self__", None)
    meta = getattr(client, "meta", None)
    return meta is not None and meta.service_model.service_name == "ecs"


def _wait(self: Any, **kwargs: Any) -> None:
    real = type(self)._ecsmock_real_wait
    mock = current()
    if mock is None or not _is_ecs_waiter(self):
        real(self, **kwargs)
        return
    before = getattr(_LOCAL, "waiting_on", None)
    _LOCAL.waiting_on = mock
    try:
        real(self, **kwargs)
    finally:
        _LOCAL.waiting_on = before


async def _aio_sleep(self: Any, seconds: float) -> None:
    # aiobotocore's waiters (asyncio's and anyio's) sleep through `_sleep` between polls.
    mock = current()
    if mock is not None and _is_ecs_waiter(self):
        mock.advance(seconds)
        seconds = 0  # still one turn of the event loop
    await type(self)._ecsmock_real_sleep(self, seconds)


# -- installing ---------------------------------------------------------------------------


# What the probe answers: this import of ecsmock's own token. A session made with the hooks
# of an earlier import of ecsmock (dropped from `sys.modules` since) answers another one.
_PROBE_TOKEN = object()


def _probe(**_: Any) -> object:
    return _PROBE_TOKEN


def _is_ours(obj: Any) -> bool:
    """Whether `obj` comes from this module, in this import or an earlier one of ecsmock.

    Told by the module's name, never by identity: ecsmock imported afresh (after something
    removed it from `sys.modules`) has new functions and classes, and must recognise, and
    replace, the ones its earlier import left in botocore.
    """
    return getattr(obj, "__module__", None) == __name__


def _patch_handlers(handlers: ModuleType) -> None:
    if any(entry[1] is _answer_call for entry in handlers.BUILTIN_HANDLERS):
        return
    # An earlier import of ecsmock's entries go: one set of hooks answers.
    handlers.BUILTIN_HANDLERS[:] = [e for e in handlers.BUILTIN_HANDLERS if not _is_ours(e[1])]
    handlers.BUILTIN_HANDLERS.append(("before-parameter-build.ecs", _stash_params))
    # Last, and on the least specific name: botocore runs the handlers of a more specific
    # event name first, so every handler a user registers for the call runs before it.
    handlers.BUILTIN_HANDLERS.append(("before-call", _answer_call, handlers.REGISTER_LAST))
    handlers.BUILTIN_HANDLERS.append(("creating-client-class.ecs", _add_mixin))
    handlers.BUILTIN_HANDLERS.append((_PROBE, _probe))


def _patch_waiter(waiter: Any) -> None:
    # Marked on the class itself: a later wrapper of `wait` by someone else is kept, and
    # not wrapped again (which would loop back into it).
    # An earlier import of ecsmock's wrapper is replaced (it answers to that import's mocks).
    cls = waiter.Waiter
    if "_ecsmock_real_wait" not in vars(cls):
        cls._ecsmock_real_wait = cls.wait
        cls.wait = _wait
    elif _is_ours(vars(cls).get("wait")) and cls.wait is not _wait:
        cls.wait = _wait
    if not isinstance(waiter.time, _WaiterTime):
        waiter.time = _WaiterTime()


def _patch_aio_waiter(waiter: Any) -> None:
    for name in ("AIOWaiter", "AnyioWaiter"):  # marked per class, as `_patch_waiter` does
        cls = getattr(waiter, name, None)
        if cls is None or "_sleep" not in vars(cls):
            continue
        if "_ecsmock_real_sleep" not in vars(cls):
            cls._ecsmock_real_sleep = cls._sleep
            cls._sleep = _aio_sleep
        elif _is_ours(vars(cls)["_sleep"]) and vars(cls)["_sleep"] is not _aio_sleep:
            cls._sleep = _aio_sleep


_PATCHES: dict[str, Callable[[ModuleType], None]] = {
    "botocore.handlers": _patch_handlers,
    "botocore.waiter": _patch_waiter,
    "aiobotocore.waiter": _patch_aio_waiter,
}


def _patch_module(name: str, module: ModuleType) -> None:
    # Idempotent: each patch checks whether this very module object has it already.
    with _STACK_LOCK:
        _PATCHES[name](module)


_FINDER = PatchOnImport(_PATCHES, _patch_module)


def install() -> None:
    """Install the dormant hooks (idempotent).

    botocore modules already imported are patched now; the others are patched as soon as
    they are imported, so botocore itself is not imported here. The finder stays on
    ``sys.meta_path`` (the install-once flag): botocore imported afresh after something
    dropped it from ``sys.modules`` (pytester's in-process runs do) is patched again.
    """
    with _STACK_LOCK:
        for name in _PATCHES:
            module = sys.modules.get(name)
            if module is not None:
                _patch_module(name, module)
        # A finder left by an earlier import of ecsmock goes: two would ask each other.
        put_first(_FINDER)


def attach(client: Any) -> Any:
    """Make an ECS client made before ecsmock was imported answerable by ecsmock.

    Clients made from sessions created after `import ecsmock` need nothing; this is for
    older ones (attaching one that already has the hooks changes nothing).

    Args:
        client: a botocore/boto3 ECS client.

    Returns:
        The same client.

    Raises:
        OptionError: `client` is not an ECS client.
    """
    meta = getattr(client, "meta", None)
    service = getattr(getattr(meta, "service_model", None), "service_name", None)
    if meta is None or service != "ecs":
        raise OptionError(f"attach() takes an ECS client, not {client!r}")
    events = meta.events
    events.register("before-parameter-build.ecs", _stash_params, unique_id="ecsmock-params")
    events.register_last("before-call", _answer_call, unique_id="ecsmock-answer")
    _link(client)
    return client


def has_hooks(session: Any) -> bool:
    """Whether a botocore session was made with ecsmock's hooks (after `import ecsmock`)."""
    try:
        return session.emit_first_non_none_response(_PROBE) is _PROBE_TOKEN
    except Exception:  # not a botocore session
        return False


def refresh_boto3_default_session() -> None:
    """Drop boto3's default session if it lacks the hooks (made before `import ecsmock`).

    The next `boto3.client(...)` then makes a fresh one, with them. A default session that
    has them is kept: a fresh one would load the botocore data again (~0.1 s per test).
    """
    boto3: Any = sys.modules.get("boto3")
    default = None if boto3 is None else boto3.DEFAULT_SESSION
    if default is not None and not has_hooks(getattr(default, "_session", None)):
        boto3.DEFAULT_SESSION = None


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
    try:
        return _STACK[-1]
    except IndexError:  # the stack emptied since the caller looked (another thread)
        return None
