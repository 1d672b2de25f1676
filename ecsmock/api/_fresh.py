"""Fresh copies of stored JSON data, so a response never shares objects with the model.

Responses are handed to the user as built (only timestamps are converted), so a view that
echoes stored data (overrides, configurations, definitions) copies it first.
"""

from __future__ import annotations

from typing import Any


def fresh(value: Any) -> Any:
    """A deep copy of JSON-ready data (dicts, lists, scalars)."""
    kind = type(value)
    if kind is dict:
        return {k: fresh(v) for k, v in value.items()}
    if kind is list:
        return [fresh(v) for v in value]
    return value
