"""Forgetting deleted resources once ECS stops showing them."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from ecsmock.clock import Scheduled, SimulatedClock

K = TypeVar("K")
V = TypeVar("V")


def forget_later(
    clock: SimulatedClock, store: dict[K, V], key: K, item: V, after: timedelta
) -> Scheduled:
    """Remove `item` from `store` after `after`, unless `key` names something else by then.

    Housekeeping (background work): `settle()` does not wait for it.
    """

    def forget() -> None:
        if store.get(key) is item:
            del store[key]

    return clock.schedule(forget, after=after, background=True)
