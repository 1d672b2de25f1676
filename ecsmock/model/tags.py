"""Tag rules shared by every taggable resource.

Limits from the botocore model (Tag, TagKey, TagValue): at most 50 user tags per resource,
keys 1-128 and values 0-256 characters of letters, digits, spaces and ``+ - = . _ : / @``.
Keys beginning with ``aws:`` in any case are reserved for AWS: users can neither add nor
remove them, and they do not count toward the 50.
"""

from __future__ import annotations

import unicodedata

from ecsmock.errors import InvalidParameterException

MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256
_EXTRA = set("_.:/=+-@")


def reserved(key: str) -> bool:
    """Whether a key is in the reserved ``aws:`` namespace."""
    return key[:4].lower() == "aws:"


def _allowed(text: str) -> bool:
    for ch in text:
        if ch in _EXTRA:
            continue
        if unicodedata.category(ch)[0] not in "LZN":
            return False
    return True


def check_key(key: str) -> None:
    """Validate one user tag key."""
    if not 1 <= len(key) <= MAX_KEY:
        raise InvalidParameterException(
            f"Tag key must be between 1 and {MAX_KEY} characters long: '{key[:MAX_KEY]}'"
        )
    if not _allowed(key):
        raise InvalidParameterException(f"Tag key contains invalid characters: '{key}'")
    if reserved(key):
        raise InvalidParameterException(
            f"Tag keys beginning with 'aws:' are reserved for AWS use: '{key}'"
        )


def check_value(key: str, value: str) -> None:
    """Validate one tag value."""
    if len(value) > MAX_VALUE:
        raise InvalidParameterException(
            f"Tag value for key '{key}' must be at most {MAX_VALUE} characters long."
        )
    if not _allowed(value):
        raise InvalidParameterException(f"Tag value for key '{key}' contains invalid characters.")


def merged(current: dict[str, str], new: list[tuple[str, str]]) -> dict[str, str]:
    """Validate `new` tags and return `current` with them merged (same key overwrites).

    Raises:
        InvalidParameterException: a key or value breaks the rules, or the result would
            hold more than 50 user tags. `current` is left as it was.
    """
    result = dict(current)
    for key, value in new:
        check_key(key)
        check_value(key, value)
        result[key] = value
    user = sum(1 for key in result if not reserved(key))
    if user > MAX_TAGS:
        raise InvalidParameterException(
            f"The number of tags on the resource would exceed the limit of {MAX_TAGS}."
        )
    return result


def without(current: dict[str, str], keys: list[str]) -> dict[str, str]:
    """`current` less `keys` (missing keys ignored); reserved keys cannot be removed."""
    for key in keys:
        if reserved(key):
            raise InvalidParameterException(
                f"Tag keys beginning with 'aws:' are reserved for AWS use: '{key}'"
            )
    drop = set(keys)
    return {k: v for k, v in current.items() if k not in drop}
