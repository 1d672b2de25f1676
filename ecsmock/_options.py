"""The options of `mock_ecs(...)` and the record of each answered call."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from ecsmock.errors import OptionError
from ecsmock.model.timing import TimingProfile, resolve

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_SEED = 0


class CallRecord(NamedTuple):
    """One ECS API call answered by the mock."""

    operation: str
    region: str
    params: dict[str, Any]
    at: datetime
    error: str | None


@dataclass(frozen=True, slots=True)
class Options:
    """The options of `mock_ecs(...)`, checked."""

    seed: int = DEFAULT_SEED
    account_id: str = DEFAULT_ACCOUNT
    start: datetime | None = None
    timing: str | TimingProfile = "realistic"
    sync_wall_clock: bool = False
    advance_on_sleep: bool = False
    strict: bool = False
    max_events: int | None = None
    moto_checks: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise OptionError(f"seed must be an int, not {self.seed!r}")
        account = self.account_id
        digits = isinstance(account, str) and account.isascii() and account.isdecimal()
        if not digits or len(account) != 12:
            raise OptionError(f"account_id must be 12 digits, not {account!r}")
        start = self.start
        if start is not None and (not isinstance(start, datetime) or start.utcoffset() is None):
            raise OptionError(
                "start must be an aware datetime (with a tzinfo), e.g. "
                f"datetime(2026, 1, 1, tzinfo=UTC), not {start!r}"
            )
        for name in ("sync_wall_clock", "advance_on_sleep", "strict", "moto_checks"):
            if not isinstance(getattr(self, name), bool):
                raise OptionError(f"{name} must be True or False, not {getattr(self, name)!r}")
        resolve(self.timing)
        limit = self.max_events
        bad = isinstance(limit, bool) or not isinstance(limit, int) or limit < 0
        if limit is not None and bad:
            raise OptionError(f"max_events must be an int >= 0 or None, not {limit!r}")

    @classmethod
    def of(cls, options: dict[str, Any]) -> Options:
        """Check `options` (keyword arguments of `mock_ecs`) and make the `Options`."""
        known = cls.__dataclass_fields__
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise OptionError(
                f"mock_ecs got unknown option(s) {', '.join(unknown)}; it takes {', '.join(known)}"
            )
        return cls(**options)


def default_start() -> datetime:
    """Wall-clock now truncated to the second, or freezegun's frozen time when active."""
    now = datetime.now(UTC)
    freezegun_api = sys.modules.get("freezegun.api")
    if freezegun_api is not None and getattr(freezegun_api, "freeze_factories", None):
        return now
    return now.replace(microsecond=0)
