"""Checks of the arguments of the handle's methods, made at the call.

A value the model cannot use (a NaN delay, an exit code of "x") would otherwise be stored
and blow up later, in an unrelated `advance()` or in a DescribeTasks answer. Each check
raises `OptionError` naming the method and the argument.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from ecsmock.errors import OptionError

# The longest delay a script or fault takes: far beyond any test, and far enough from
# `datetime.max` that the clock's instants stay representable.
MAX_DELAY = timedelta(days=100 * 365)


def _fail(where: str, name: str, value: Any, want: str) -> OptionError:
    return OptionError(f"{where}: {name} must be {want}, not {value!r}")


def delay(where: str, name: str, value: Any, *, optional: bool = False) -> None:
    """A delay: finite seconds (int or float) or a timedelta, 0 up to `MAX_DELAY`."""
    if value is None and optional:
        return
    want = f"seconds (int or float) or a timedelta, from 0 up to {MAX_DELAY.days} days"
    if isinstance(value, timedelta):
        if not timedelta(0) <= value <= MAX_DELAY:
            raise _fail(where, name, value, want)
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, name, value, want)
    if not (math.isfinite(value) and 0 <= value <= MAX_DELAY.total_seconds()):
        raise _fail(where, name, value, want)


def exit_code(where: str, name: str, value: Any, *, optional: bool = False) -> None:
    """A container exit code: an int from 0 to 255 (what a process can exit with)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise _fail(where, name, value, "an int from 0 to 255")


def text(where: str, name: str, value: Any, *, optional: bool = True) -> None:
    """A string (a reason, a message, a name); None where the argument is optional."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise _fail(where, name, value, "a string" + (" or None" if optional else ""))


def count(where: str, name: str, value: Any) -> None:
    """A number of times: an int >= 0, or None for every time."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, name, value, "an int >= 0 or None")


def instant(where: str, name: str, value: Any) -> None:
    """An aware datetime (the clock refuses one in the past when it is scheduled)."""
    if value is None:
        return
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise _fail(where, name, value, "an aware datetime (with a tzinfo) or None")


def flag(where: str, name: str, value: Any) -> None:
    """True or False."""
    if not isinstance(value, bool):
        raise _fail(where, name, value, "True or False")


def matching(where: str, family: Any, container: Any, image: Any) -> None:
    """The family / container / image selectors of a rule (each a string or None)."""
    for name, value in (("family", family), ("container", container), ("image", image)):
        text(where, name, value)
