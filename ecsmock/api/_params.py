"""Server-side parameter checks that botocore does not do (maxima, enums, tokens)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any, TypeVar

from ecsmock.errors import InvalidParameterException

T = TypeVar("T")


def check_enum(name: str, value: str, allowed: Sequence[str]) -> None:
    """Reject a value outside the enum (botocore itself does not validate enums)."""
    if value not in allowed:
        raise InvalidParameterException(
            f"Invalid value '{value}' for {name}. Valid values: {', '.join(allowed)}."
        )


def check_max_items(name: str, items: Sequence[Any], most: int) -> None:
    """ECS batch limits, in the wording of `taskIds can have at most 100 items.`."""
    if len(items) > most:
        raise InvalidParameterException(f"{name} can have at most {most} items.")


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"ecsmock:{offset}".encode()).decode()


def _decode(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, number = text.partition(":")
    if prefix != "ecsmock" or not number.isdigit():
        raise InvalidParameterException("Invalid nextToken")
    return int(number)


def page(
    params: dict[str, Any], items: Sequence[T], *, most: int = 100, default: int = 100
) -> tuple[list[T], str | None]:
    """One page of `items` per `maxResults`/`nextToken`, and the token of the next page.

    Tokens are deterministic (an encoded offset); an absent token means the last page.
    """
    size = params.get("maxResults")
    if size is None:
        size = default
    elif not 1 <= size <= most:
        raise InvalidParameterException(f"maxResults must be between 1 and {most}, inclusive.")
    token = params.get("nextToken")
    start = 0 if token is None else _decode(token)
    chunk = list(items[start : start + size])
    end = start + size
    return chunk, (_encode(end) if end < len(items) else None)


def with_token(body: dict[str, Any], token: str | None) -> dict[str, Any]:
    """Add `nextToken` to a list answer when there is a next page."""
    if token is not None:
        body["nextToken"] = token
    return body
