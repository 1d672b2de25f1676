"""Timestamps as botocore parses them: epoch seconds in, the aware datetimes users get.

botocore's JSON parser makes `datetime.fromtimestamp(value, tzlocal())` of each timestamp
ECS sends (epoch seconds, milliseconds at most). The same values are made here at C speed,
with the same zone attached: `timestamp` for a value in a JSON-ready body (the conversion
walk of `_wire`), `stamper` for the task views, which put parsed instants in their bodies
directly.
"""

from __future__ import annotations

import time as _time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from weakref import WeakKeyDictionary

Stamp = Callable[[datetime], Any]


def _parse_timestamp(value: Any) -> Any:
    from botocore.utils import parse_timestamp  # botocore's parser's own default

    return parse_timestamp(value)


def epoch(moment: datetime) -> float:
    """Epoch seconds with millisecond precision, as ECS puts timestamps on the wire."""
    return round(moment.timestamp(), 3)


def epoch_of(value: Any) -> Any:
    """A parsed timestamp back as the epoch seconds ECS sent (other values as they are)."""
    return epoch(value) if isinstance(value, datetime) else value


# (the `time.tzset()` state, the zone, its fixed offset when it has no daylight saving)
_LOCAL_TZ: list[tuple[tuple[Any, ...], Any, tzinfo | None]] = []


def local_tz() -> tuple[Any, tzinfo | None]:
    """The local time zone botocore gives timestamps, made once per setting of `TZ`.

    botocore makes a fresh `dateutil.tz.tzlocal()` for every timestamp it parses; one per
    `time.tzset()` state is the same zone, shared. With it, the zone's one offset when
    `tzlocal` sees no daylight saving (UTC, as on most CI machines): dateutil's `tzlocal`
    then always answers that offset, `fold` 0.
    """
    key = (_time.timezone, _time.altzone, _time.daylight, _time.tzname)
    found = _LOCAL_TZ[0] if _LOCAL_TZ else None
    if found is None or found[0] != key:
        from botocore.utils import get_tzinfo_options

        zone = get_tzinfo_options()[0]()
        tzlocal = type(zone).__name__ == "tzlocal" and type(zone).__module__ == "dateutil.tz.tz"
        # dateutil's tzlocal: standard offset -timezone, daylight one -altzone if daylight.
        no_dst = not _time.daylight or _time.altzone == _time.timezone
        fixed = timezone(timedelta(seconds=-_time.timezone))
        found = (key, zone, fixed if tzlocal and no_dst else None)
        _LOCAL_TZ[:] = [found]
    return found[1], found[2]


# The zone of the conversion in progress (looked up once per response, see `one_response`).
_ZONE: list[tuple[Any, tzinfo | None]] = []
# The conversion in progress's timestamps by epoch value (its tasks share the clock's instants).
_SEEN: dict[float | int, datetime] = {}


def one_response(fix: Callable[[Any], Any], body: Any) -> Any:
    """`fix(body)`, one response's conversion.

    `timestamp` looks the zone up once for it and makes each instant once.
    """
    _ZONE[:] = [local_tz()]
    try:
        return fix(body)
    finally:
        _SEEN.clear()


def _parsed(value: float | int, zone: Any, fixed: tzinfo | None) -> Any:
    """`datetime.fromtimestamp(value, zone)` as botocore makes it.

    botocore's `datetime.fromtimestamp(value, tzlocal())` runs dateutil's `fromutc` in
    Python (a dozen datetime operations); in a zone without daylight saving that is the
    time at the zone's one offset, which C makes at a tenth of the cost, with the same
    zone attached. Out of the platform's range, botocore's own parser decides.
    """
    try:
        if fixed is not None:
            return datetime.fromtimestamp(value, fixed).replace(tzinfo=zone)
        return datetime.fromtimestamp(value, zone)
    except (OSError, OverflowError, ValueError):
        return _parse_timestamp(value)


def timestamp(value: Any) -> Any:
    """Exactly what botocore's JSON parser makes of an epoch timestamp.

    An instant is made once per response (`_SEEN`, emptied after each one); a value that
    is parsed already (a `stamper`'s) stays as it is.
    """
    kind = type(value)
    if kind is float or kind is int:
        seen = _SEEN.get(value)
        if seen is None:
            zone, fixed = _ZONE[0] if _ZONE else local_tz()
            seen = _SEEN[value] = _parsed(value, zone, fixed)
        return seen
    if kind is datetime:
        return value
    return _parse_timestamp(value)


# Each world's parsed instants by simulated instant (a task's times are the same instants
# call after call, and tasks started together share them): kept with the world's clock and
# gone with it, bounded, the oldest dropped first, emptied when the zone changes. Datetimes
# are immutable, so sharing them between answers is safe.
_STAMPS: WeakKeyDictionary[object, tuple[Any, OrderedDict[datetime, Any]]] = WeakKeyDictionary()
STAMPS_KEPT = 4096


def stamper(owner: object) -> Stamp:
    """For one response of `owner`'s world: a simulated instant as the client gets it.

    `stamp(moment)` is what botocore's parser makes of `epoch(moment)`,
    the epoch seconds ECS sends (the zone looked up once per response). A body holding
    these is answered with `success(..., parsed=True)`. `owner` (the world's clock) keeps
    the instants made for its answers.
    """
    zone, fixed = local_tz()
    kept = _STAMPS.get(owner)
    if kept is None or kept[0] is not zone:
        kept = _STAMPS[owner] = (zone, OrderedDict())
    stamps = kept[1]

    def stamp(moment: datetime) -> Any:
        found = stamps.get(moment)
        if found is None:
            found = stamps[moment] = _parsed(epoch(moment), zone, fixed)
            if len(stamps) > STAMPS_KEPT:
                stamps.popitem(last=False)
        return found

    return stamp
