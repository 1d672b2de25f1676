"""A whole simulated ECS world: one clock, seeded ids, and a backend per account and region."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ecsmock._ids import IdGenerator
from ecsmock.clock import SimulatedClock
from ecsmock.model.backend import Backend
from ecsmock.model.behaviour import Behaviour
from ecsmock.model.tasks.outside import Outside
from ecsmock.model.timing import TimingProfile


class World:
    """The state behind one `ECSMock`: shared clock and ids, per-(account, region) backends."""

    def __init__(self, *, seed: int, start: datetime, timing: TimingProfile) -> None:
        self.clock = SimulatedClock(start)
        self.ids = IdGenerator(seed)
        self.timing = timing
        self.behaviour = Behaviour()
        self.backends: dict[tuple[str, str], Backend] = {}
        # Filled by the mock (ecsmock._events.EventLog); the model only appends to it.
        self.events: Any = []
        # Called with each backend when it is made (the mock wires event publishing here).
        self.on_new_backend: Callable[[Backend], None] | None = None
        # Makes the `Outside` of each new backend from its account and region (None: the
        # model alone, nothing around it).
        self.outside: Callable[[str, str], Outside] | None = None

    def backend(self, account: str, region: str) -> Backend:
        """The backend of `account` in `region`, made on first use."""
        key = (account, region)
        found = self.backends.get(key)
        if found is None:
            outside = self.outside(account, region) if self.outside is not None else None
            found = self.backends[key] = Backend(
                account, region, self.clock, self.ids, self.timing, self.behaviour, outside
            )
            if self.on_new_backend is not None:
                self.on_new_backend(found)
        return found

    def invariants(self) -> list[str]:
        """Violations of the model's invariants in every backend."""
        out: list[str] = []
        for (account, region), backend in self.backends.items():
            out += [f"{account}/{region}: {v}" for v in backend.invariants()]
        return out
