"""Operators, argument kinds and subjects of ECS's cluster query language.

The values side of `capacity.query`: how each subject's arguments parse and compare (see that
module's docstring for the grammar, the semantics and their sources).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeAlias

Value: TypeAlias = bool | int | str | datetime | AbstractSet[str] | None
"""What a resolver returns for a subject: ``None`` when the instance lacks it, a set of
strings for ``task:group``, ``""`` for an attribute that is present without a value."""

Resolver: TypeAlias = Callable[[str], Value]


class Op(StrEnum):
    """A comparison operator: member names are the docs' word forms, values the symbols."""

    EQUALS = "=="
    NOT_EQUALS = "!="
    GREATER_THAN = ">"
    GREATER_THAN_EQUAL = ">="
    LESS_THAN = "<"
    LESS_THAN_EQUAL = "<="
    EXISTS = "exists"
    NOT_EXISTS = "!exists"
    IN = "in"
    NOT_IN = "!in"
    MATCHES = "=~"
    NOT_MATCHES = "!~"


# Longest first, so ">=" is not read as ">" followed by "=".
_SYMBOLS = ("!exists", "!in", "==", "!=", ">=", "<=", "=~", "!~", ">", "<")
_NEGATED = {op: Op[op.name.removeprefix("NOT_")] for op in Op if op.name.startswith("NOT_")}
# The comparison signs (-1, 0, 1) each ordering operator accepts.
_ORDERING = {
    Op.GREATER_THAN: (1,),
    Op.GREATER_THAN_EQUAL: (0, 1),
    Op.LESS_THAN: (-1,),
    Op.LESS_THAN_EQUAL: (-1, 0),
}
_EQUALITY = frozenset({Op.EQUALS, Op.NOT_EQUALS, Op.IN, Op.NOT_IN, Op.MATCHES, Op.NOT_MATCHES})
_ORDERED = frozenset({Op.EQUALS, Op.NOT_EQUALS, *_ORDERING})

_SUBJECT = re.compile(r"[A-Za-z0-9_.:/\\-]+")
_WORD = re.compile(r"[A-Za-z_]+")
# Attribute names: letters, digits, hyphens, underscores, slashes, backslashes, periods, 1-128
# (Developer Guide, "Custom attributes").
_ATTRIBUTE = re.compile(r"attribute:[A-Za-z0-9_./\\-]{1,128}")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
# A quoted value: its own quote may be escaped with a backslash.
_QUOTED = {q: re.compile(rf"{q}((?:\\{q}|[^{q}])*){q}") for q in "'\""}
_DIGITS = re.compile(r"[0-9]+")
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?)?", re.ASCII
)


def _sign(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


class _Kind:
    """How one subject's values are read and compared; the base orders values naturally."""

    def __init__(self, ops: AbstractSet[Op]) -> None:
        self.ops = frozenset(ops)

    def arg(self, text: str) -> Any:
        return text

    def key(self, value: Value) -> Any:
        return value

    def compare(self, key: Any, arg: Any) -> int:
        return _sign(key, arg)

    def equal(self, key: Any, arg: Any) -> bool:
        return self.compare(key, arg) == 0


class _Text(_Kind):
    """Attributes, ``ec2InstanceId`` and ``task:group``: string equality ("String equality")."""

    def key(self, value: Value) -> Any:
        return value if isinstance(value, str) else str(value)

    def compare(self, key: Any, arg: Any) -> int:
        if _NUMBER.fullmatch(key) and _NUMBER.fullmatch(arg):
            return _sign(Decimal(key), Decimal(arg))
        return _sign(key, arg)

    def equal(self, key: Any, arg: Any) -> bool:
        return bool(key == arg)


class _Bool(_Text):
    """``agentConnected``: a boolean seen as ``true``/``false``."""

    def arg(self, text: str) -> Any:
        if text.lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.lower()

    def key(self, value: Value) -> Any:
        return str(value).lower()


class _Version(_Kind):
    """``agentVersion``: dotted numbers compared part by part, missing parts being 0."""

    def arg(self, text: str) -> Any:
        if not _VERSION.fullmatch(text):
            raise ValueError(f"{text!r} is not a version like 1.14.5")
        return tuple(int(part) for part in text.split("."))

    def key(self, value: Value) -> Any:
        return self.arg(value) if isinstance(value, str) and _VERSION.fullmatch(value) else None

    def compare(self, key: Any, arg: Any) -> int:
        width = max(len(key), len(arg))
        return _sign(key + (0,) * (width - len(key)), arg + (0,) * (width - len(arg)))


class _Count(_Kind):
    """``runningTasksCount``: a whole number."""

    def arg(self, text: str) -> Any:
        if not _DIGITS.fullmatch(text):
            raise ValueError(f"{text!r} is not a whole number")
        return int(text)

    def key(self, value: Value) -> Any:
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Instant(_Kind):
    """``registeredAt``: compared at the precision of the argument (day, second or finer)."""

    def arg(self, text: str) -> Any:
        match = _INSTANT.fullmatch(text)
        if not match:
            raise ValueError(f"{text!r} is not a date like 2018-06-18 or 2018-06-18T22:28:28Z")
        try:
            when = datetime.fromisoformat(text if match[1] else f"{text}T00:00:00")
        except ValueError:
            raise ValueError(f"{text!r} is not a valid date") from None
        precision = "day" if not match[1] else "exact" if match[2] else "second"
        return (_utc(when), precision)

    def key(self, value: Value) -> Any:
        return _utc(value) if isinstance(value, datetime) else None

    def compare(self, key: Any, arg: Any) -> int:
        when, precision = arg
        if precision == "day":
            key = key.replace(hour=0, minute=0, second=0, microsecond=0)
        elif precision == "second":
            key = key.replace(microsecond=0)
        return _sign(key, when)


def _utc(when: datetime) -> datetime:
    # A time without a zone is UTC (the docs list 2018-06-18T22:28:28 next to ...Z).
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


# Valid operators per subject, from the Developer Guide; it lists none for attributes and
# task:group. Attributes take every operator; task:group those that make sense for a set of
# group names [S].
_KINDS: dict[str, _Kind] = {
    "agentConnected": _Bool(_EQUALITY),
    "agentVersion": _Version(_ORDERED),
    "ec2InstanceId": _Text(_EQUALITY),
    "registeredAt": _Instant(_ORDERED),
    "runningTasksCount": _Count(_ORDERED),
    "task:group": _Text(_EQUALITY | {Op.EXISTS, Op.NOT_EXISTS}),
}
_ATTRIBUTE_KIND = _Text(frozenset(Op))
