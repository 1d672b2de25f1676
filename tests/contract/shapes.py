"""Hypothesis strategies for ECS request parameters, built from botocore input shapes.

`request_params(operation_model, hints)` draws the keyword arguments of one client call:
every required member and a random handful of optional ones, with values of the member's
botocore type (strings empty, short, unicode, ARN-like and very long; integers small,
negative and huge; lists of 0..N items and now and then past the model's maxima; enums
valid and invalid). `hints` maps member names ("cluster", "taskDefinition", ...) to values
that name real resources, so that a fair share of calls gets past the lookups.

About one request in eight is deliberately broken (a required member dropped, an unknown
member added, or a value of the wrong Python type) so that botocore's own client-side
validation is exercised too.

`minimal_params(shape)` is the smallest request botocore accepts (required members only).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

Hints = Mapping[str, Sequence[Any]]
Strategy = st.SearchStrategy[Any]

ACCOUNT = "123456789012"
REGION = "eu-west-1"
# Resource kinds that appear in ECS ARNs (and a few that do not).
ARN_KINDS = (
    "cluster",
    "service",
    "task",
    "task-definition",
    "container-instance",
    "capacity-provider",
    "task-set",
    "bogus",
)
# Optional members drawn per structure: many at the top so calls reach deeper logic,
# few below so that huge shapes (container definitions) stay small.
TOP_OPTIONALS = 6
NESTED_OPTIONALS = 3
MAX_LIST = 3
MAX_DEPTH = 6
# Sizes just past common ECS limits (10 per batch, 20 providers, 50 tags, 100 refs).
BIG_SIZES = (11, 21, 51, 101)


def rarely(common: Strategy, rare: Strategy, one_in: int = 8) -> Strategy:
    """`rare` about once in `one_in` draws, else `common` (which it shrinks towards).

    Not `st.one_of(common, ..., rare)`, which drops repeated strategies, nor a draw of
    `st.integers`, which favours its bounds: `sampled_from` keeps the odds.
    """
    return st.sampled_from([False] * (one_in - 1) + [True]).flatmap(
        lambda pick_rare: rare if pick_rare else common
    )


def _identifier() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)


def _arn_like() -> st.SearchStrategy[str]:
    def build(region: str, account: str, kind: str, path: str) -> str:
        return f"arn:aws:ecs:{region}:{account}:{kind}/{path}"

    return st.builds(
        build,
        st.sampled_from([REGION, "us-east-1", ""]),
        st.sampled_from([ACCOUNT, "999999999999", ""]),
        st.sampled_from(ARN_KINDS),
        st.one_of(_identifier(), st.just(""), st.just("a/b/c")),
    )


def _long_text() -> st.SearchStrategy[str]:
    return st.builds(
        lambda n, ch: ch * n, st.integers(129, 2100), st.sampled_from(["a", "é", "-", " "])
    )


GENERIC_TEXT: st.SearchStrategy[str] = st.one_of(
    st.just(""),
    _identifier(),
    st.text(max_size=20),
    _arn_like(),
    _long_text(),
    st.sampled_from(["arn:", "arn:aws:ecs", "aws:reserved", "0", "-1", "null", "*", "a b"]),
)


def _string(shape: Any, name: str, hints: Hints) -> Strategy:
    choices: list[Strategy] = []
    if shape.enum:
        choices.append(st.sampled_from(list(shape.enum)))
    if hints.get(name):
        choices.append(st.sampled_from(list(hints[name])))
    if not choices:
        return GENERIC_TEXT
    # Hinted or enum values most of the time; anything (invalid enums included) otherwise.
    return rarely(st.one_of(*choices), GENERIC_TEXT, one_in=4)


def _integer(shape: Any) -> Strategy:
    low = shape.metadata.get("min")
    small = st.integers(-3 if low is None else low, 25)
    extreme = st.one_of(
        st.integers(-(2**31), 2**31 - 1),
        st.sampled_from([-(2**63), 2**63 - 1, 10**20, 0, -1]),
    )
    return rarely(small, extreme, one_in=3)


def _double() -> Strategy:
    return st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, width=64), st.integers(-5, 200)
    )


def _timestamp() -> Strategy:
    # st.datetimes takes naive bounds and adds the zone itself.
    low = datetime(2000, 1, 1)  # noqa: DTZ001
    high = datetime(2100, 1, 1)  # noqa: DTZ001
    return st.datetimes(min_value=low, max_value=high, timezones=st.just(UTC))


JSON_VALUES: Strategy = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=4,
)


class _Builder:
    """Builds (and caches) the strategy of each shape, in the context of a member name."""

    def __init__(self, hints: Hints) -> None:
        self.hints = hints
        self.cache: dict[tuple[str, str, int], Strategy] = {}

    def shape(self, shape: Any, name: str, depth: int) -> Strategy:
        key = (shape.name, name, min(depth, MAX_DEPTH))
        if key not in self.cache:
            self.cache[key] = self._build(shape, name, depth)
        return self.cache[key]

    def _build(self, shape: Any, name: str, depth: int) -> Strategy:
        kind = shape.type_name
        if kind == "structure":
            if getattr(shape, "is_document_type", False):
                return JSON_VALUES
            return self.structure(shape, depth)
        if kind == "list":
            return self._list(shape, name, depth)
        if kind == "map":
            keys = self.shape(shape.key, name, depth + 1)
            values = self.shape(shape.value, name, depth + 1)
            return st.dictionaries(keys, values, max_size=MAX_LIST)
        scalars: dict[str, Callable[[], Strategy]] = {
            "string": lambda: _string(shape, name, self.hints),
            "integer": lambda: _integer(shape),
            "long": lambda: _integer(shape),
            "boolean": st.booleans,
            "double": _double,
            "float": _double,
            "timestamp": _timestamp,
            "blob": lambda: st.binary(max_size=16),
        }
        return scalars[kind]()

    def _list(self, shape: Any, name: str, depth: int) -> Strategy:
        item = self.shape(shape.member, name, depth + 1)
        small = st.lists(item, max_size=MAX_LIST)
        # A big list repeats a few drawn items (cheap to draw, still past the limits).
        big = st.builds(
            lambda items, size: (items * size)[:size],
            st.lists(item, min_size=1, max_size=2),
            st.sampled_from(BIG_SIZES),
        )
        return rarely(small, big, one_in=10)

    def structure(self, shape: Any, depth: int) -> Strategy:
        members = shape.members
        required = set(shape.required_members)
        fixed = {n: self.shape(members[n], n, depth + 1) for n in members if n in required}
        optional_names = [n for n in members if n not in required]
        if depth >= MAX_DEPTH or not optional_names:
            return st.fixed_dictionaries(fixed)
        most = TOP_OPTIONALS if depth == 0 else NESTED_OPTIONALS

        def with_optionals(chosen: list[str]) -> Strategy:
            extra = {n: self.shape(members[n], n, depth + 1) for n in chosen}
            return st.fixed_dictionaries({**fixed, **extra})

        picks = st.lists(
            st.sampled_from(optional_names), max_size=min(most, len(optional_names)), unique=True
        )
        return picks.flatmap(with_optionals)


# -- deliberately broken requests ---------------------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (tuple of keys/indexes) to a value below `value`."""
    out: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*prefix, key))
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):
            out.append((*prefix, i))
            out += _paths(item, (*prefix, i))
    return out


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "true"
    if isinstance(value, int | float):
        return "12"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return "not-a-list"
    if isinstance(value, dict):
        return ["not-a-structure"]
    return object()


def _mangle(args: tuple[dict[str, Any], int, str]) -> dict[str, Any]:
    """Break a valid request in one place: drop a member, add one, or change a type."""
    params, seed, how = args
    rng = random.Random(seed)
    paths = [p for p in _paths(params) if isinstance(p[-1], str)]
    if how == "unknown" or not paths:
        params["bogusMember"] = "x"
        return params
    path = rng.choice(paths)
    parent: Any = params
    for step in path[:-1]:
        parent = parent[step]
    if how == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = _wrong_type(parent[path[-1]])
    return params


def request_params(operation_model: Any, hints: Hints | None = None) -> Strategy:
    """Keyword arguments for one call of `operation_model` (see the module docstring)."""
    shape = operation_model.input_shape
    if shape is None:
        return st.just({})
    valid = _Builder(hints or {}).structure(shape, 0)
    broken = st.tuples(
        valid, st.integers(0, 2**32 - 1), st.sampled_from(["drop", "unknown", "type"])
    ).map(_mangle)
    return rarely(valid, broken, one_in=8)


# -- the smallest accepted request --------------------------------------------------------


def minimal_value(shape: Any) -> Any:
    """The smallest value of `shape` that botocore's client-side validation accepts."""
    kind = shape.type_name
    low = shape.metadata.get("min", 0)
    if kind == "structure":
        if getattr(shape, "is_document_type", False):
            return {}
        return {n: minimal_value(shape.members[n]) for n in shape.required_members}
    if kind == "list":
        return [minimal_value(shape.member) for _ in range(low)]
    if kind == "map":
        return {}
    if kind == "string":
        return shape.enum[0] if shape.enum else "x" * max(low, 1)
    if kind in ("integer", "long"):
        return max(low, 1)
    if kind in ("double", "float"):
        return float(max(low, 1))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return datetime(2026, 1, 1, tzinfo=UTC)
    if kind == "blob":
        return b"x"
    raise AssertionError(f"unknown shape type {kind}")


def minimal_params(operation_model: Any) -> dict[str, Any]:
    """The smallest request of an operation that passes client-side validation."""
    shape = operation_model.input_shape
    return {} if shape is None else dict(minimal_value(shape))
