"""What happened in a mock, as compact lines on the simulated clock: `ECSMock.timeline()`.

The mock records, as they happen, the calls it answered, every task state change, the
services' EventBridge events (service actions, deployment and hook state changes) and the
service events (`service.events` messages). Each record is a small tuple kept in a
bounded deque (recording costs an append); the text is made only when read, oldest first,
each line starting with the simulated time (HH:MM:SS). The pytest plugin attaches it to
the report of a failing test.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime
from typing import Any

from ecsmock._options import CallRecord
from ecsmock.model.tasks.task import Task

LINES = 200  # what a timeline shows at most (the newest)
_STOPPING = ("DEACTIVATING", "STOPPING", "DEPROVISIONING")
_PARAM_WIDTH = 72


def _short(value: Any) -> str:
    """A parameter value, short: an ARN by its last part, lists by their first items."""
    if isinstance(value, str):
        if value.startswith("arn:"):
            return value.rsplit("/", 1)[-1] if "/" in value else value.rsplit(":", 1)[-1]
        return value
    if isinstance(value, list):
        items = [_short(v) for v in value[:3]]
        more = f",+{len(value) - 3}" if len(value) > 3 else ""
        return "[" + ",".join(items) + more + "]"
    if isinstance(value, dict):
        return "{…}"
    return str(value)


# botocore fills RunTask's and the like's idempotency token in itself: noise in a timeline.
_LEFT_OUT = frozenset({"clientToken"})


def _params(params: dict[str, Any]) -> str:
    text = " ".join(f"{k}={_short(v)}" for k, v in params.items() if k not in _LEFT_OUT)
    return text if len(text) <= _PARAM_WIDTH else text[: _PARAM_WIDTH - 1] + "…"


def _call_line(entry: list[Any]) -> str:
    _, name, params, record = entry
    outcome = "(no answer)" if record is None else record.error or "ok"
    return f"call {name}({_params(params)}) -> {outcome}"


def _task_line(entry: tuple[Any, ...]) -> str:
    task_id, family, revision, last_status, desired, stop_code, reason = entry
    last = str(last_status)
    line = f"task {task_id[:8]} ({family}:{revision}) {last}, desired {desired}"
    # Why it stops: once when it is asked to, and when it has stopped.
    if stop_code is not None and last not in _STOPPING:
        line += f": {stop_code}"
        if reason:
            line += f" ({reason})"
    return line


def _service_line(entry: tuple[Any, ...]) -> str:
    detail_type, arn, name, extra = entry
    kind = detail_type.removeprefix("ECS ").removesuffix(" State Change").lower()
    service = arn.rsplit("/", 1)[-1]
    line = f"service {service} {kind}: {name}"
    return f"{line} ({extra})" if extra else line


class Timeline:
    """The bounded record behind `ECSMock.timeline()`."""

    def __init__(self, lock: threading.RLock) -> None:
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=LINES)
        self._lock = lock
        self.recorded = 0

    def call(self, name: str, params: dict[str, Any], at: datetime) -> list[Any]:
        """A call as it starts (what it causes comes after it); `answered` completes it."""
        entry: list[Any] = [None, name, params, None]
        self._entries.append((at, "call", entry))
        self.recorded += 1
        return entry

    @staticmethod
    def answered(entry: list[Any], record: CallRecord) -> None:
        """The call of `entry` got its answer."""
        entry[3] = record

    def task(self, task: Task, at: datetime) -> None:
        """A task state change (the task as it is now; made into text when read)."""
        entry = (
            task.id,
            task.definition.family,
            task.definition.revision,
            task.last_status,
            task.desired_status,
            task.stop_code,
            task.stopped_reason,
        )
        self._entries.append((at, "task", entry))
        self.recorded += 1

    def service(self, detail_type: str, arn: str, detail: dict[str, Any], at: datetime) -> None:
        """A service's EventBridge event."""
        name = detail.get("eventName") or detail.get("eventType") or ""
        extra = detail.get("deploymentId") or detail.get("reason") or ""
        self._entries.append((at, "service", (detail_type, arn, name, extra)))
        self.recorded += 1

    def service_event(self, arn: str, message: str, at: datetime) -> None:
        """A service event message (`service.events`)."""
        self._entries.append((at, "message", (arn, message)))
        self.recorded += 1

    def text(self, limit: int = LINES) -> str:
        """The newest `limit` lines, oldest first; a first line says what was left out.

        That line, too, starts with a time: the time of the oldest line shown.
        """
        with self._lock:
            entries = list(self._entries)
            recorded = self.recorded
        left_out = recorded - len(entries)
        if len(entries) > limit or left_out > 0:
            keep = min(limit - 1, len(entries))
            left_out += len(entries) - keep
            entries = entries[len(entries) - keep :]
            at = entries[0][0] if entries else None
            note = f"({left_out} earlier lines left out)"
            lines = [note if at is None else f"{at:%H:%M:%S} {note}"]
        else:
            lines = []
        lines += [f"{at:%H:%M:%S} {_line(kind, data)}" for at, kind, data in entries]
        return "\n".join(lines)


def _line(kind: str, data: Any) -> str:
    if kind == "call":
        return _call_line(data)
    if kind == "task":
        return _task_line(data)
    if kind == "service":
        return _service_line(data)
    arn, message = data
    return f"service {arn.rsplit('/', 1)[-1]} event: {message}"
