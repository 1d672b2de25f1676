"""Task scale-in protection: UpdateTaskProtection and GetTaskProtection."""

from __future__ import annotations

from typing import Any

from ecsmock._stamps import epoch
from ecsmock.api._registry import Body, Params, operation
from ecsmock.model.backend import Backend
from ecsmock.model.services.protection import Failure, Protection


def _protected_view(item: Protection) -> dict[str, Any]:
    """A ProtectedTask: `expirationDate` only while protected (update-task-protection example)."""
    out: dict[str, Any] = {"taskArn": item.task.arn, "protectionEnabled": item.enabled}
    if item.expires_at is not None:
        out["expirationDate"] = epoch(item.expires_at)
    return out


def _failure_view(failure: Failure) -> dict[str, str]:
    arn, reason, detail = failure
    out = {"arn": arn, "reason": reason}
    if detail is not None:
        out["detail"] = detail
    return out


def _answer(found: list[Protection], failures: list[Failure]) -> Body:
    return {
        "protectedTasks": [_protected_view(p) for p in found],
        "failures": [_failure_view(f) for f in failures],
    }


@operation("UpdateTaskProtection")
def update_task_protection(backend: Backend, params: Params) -> Body:
    """UpdateTaskProtection: protect or release up to 10 service tasks."""
    found, failures = backend.services.protection.update(
        params["cluster"],
        list(params["tasks"]),
        params["protectionEnabled"],
        params.get("expiresInMinutes"),
    )
    return _answer(found, failures)


@operation("GetTaskProtection")
def get_task_protection(backend: Backend, params: Params) -> Body:
    """GetTaskProtection: the protection of up to 100 service tasks."""
    found, failures = backend.services.protection.get(
        params["cluster"], list(params.get("tasks") or ())
    )
    return _answer(found, failures)
