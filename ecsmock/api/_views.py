"""camelCase views of model objects shared by several operations, and their inverses."""

from __future__ import annotations

from typing import Any

from ecsmock.errors import InvalidParameterException
from ecsmock.model.clusters.cluster import StrategyItem


def tags_view(tags: dict[str, str]) -> list[dict[str, str]]:
    """`[{"key", "value"}]` in insertion order."""
    return [{"key": k, "value": v} for k, v in tags.items()]


def tags_in(items: list[dict[str, str]] | None) -> list[tuple[str, str]]:
    """Request tags as (key, value) pairs; a value left out is "".

    Raises:
        InvalidParameterException: a tag without a key (the botocore model does not make
            `key` required, so only the server can refuse it).
    """
    out: list[tuple[str, str]] = []
    for tag in items or ():
        if "key" not in tag:
            # [M] Tag.key is required (TagKey: 1-128 characters); text [U]
            raise InvalidParameterException("Tag keys must not be empty.")
        out.append((tag["key"], tag.get("value", "")))
    return out


def strategy_view(items: list[StrategyItem]) -> list[dict[str, Any]]:
    """A capacity-provider strategy as ECS echoes it (weight and base always present)."""
    return [
        {"capacityProvider": i.capacity_provider, "weight": i.weight, "base": i.base} for i in items
    ]


def strategy_in(items: list[dict[str, Any]] | None) -> list[StrategyItem]:
    """Request strategy items in model terms (weight and base default to 0)."""
    return [
        StrategyItem(
            capacity_provider=i["capacityProvider"],
            weight=i.get("weight", 0),
            base=i.get("base", 0),
        )
        for i in items or ()
    ]
