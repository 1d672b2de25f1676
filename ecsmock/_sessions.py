"""ECS Exec sessions, read through the `ECSMock` handle: `ecs.exec_sessions`.

ExecuteCommand answers a Session Manager session; the command then runs over the data
channel the session-manager-plugin opens, outside the ECS API. The mock records each session
it opened, so a test can check which commands its code asked for, in which container.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecsmock.model.tasks.exec import ExecSession

if TYPE_CHECKING:
    import threading

    from ecsmock.model.world import World


class SessionHelpers:
    """The handle's `exec_sessions` (a mixin of `ECSMock`)."""

    _lock: threading.RLock

    if TYPE_CHECKING:

        @property
        def world(self) -> World:
            """The simulated world."""

    @property
    def exec_sessions(self) -> list[ExecSession]:
        """The ECS Exec sessions `execute_command` opened, oldest first, in every region.

        Each `ExecSession` (frozen) holds what ECS answered (`session_id`, `stream_url`,
        `token_value`, `cluster_arn`, `task_arn`, `container_name`, `container_arn`), the
        container's `runtime_id`, the `command` asked for, `started_at` (simulated time)
        and the `region`. A refused call opens no session.
        """
        with self._lock:
            found = [s for b in self.world.backends.values() for s in b.ecs_exec.sessions]
        return sorted(found, key=lambda session: session.started_at)
