"""Tag rules shared by every taggable resource.

Limits from the botocore model (Tag, TagKey, TagValue) and the TagResource API reference:
at most 50 user tags per resource, keys 1-128 and values 0-256 characters of letters,
digits, spaces and ``+ - = . _ : / @``. Keys or values beginning with ``aws:`` in any case
are reserved for AWS: users can neither add nor remove them, and tags with such keys do not
count toward the 50. botocore checks only the minimums client-side; the rest is checked
here, before anything changes, so a rejected call leaves a resource's tags as they were.

ECS's own texts for these rejections were not found in any public output; the messages
below are ecsmock's wording (spec section 13: "tag limits/reserved prefix ... not captured").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ecsmock.errors import InvalidParameterException, LimitExceededException

MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256
RESERVED_PREFIX = "aws:"
_EXTRA = frozenset("_.:/=+-@")

TOO_MANY_IN_REQUEST = f"A resource can have at most {MAX_TAGS} tags; the request has more."
TOO_MANY_ON_RESOURCE = (
    f"The tag limit of {MAX_TAGS} user tags per resource would be exceeded. "
    "Tags beginning with 'aws:' do not count toward the limit."
)


def reserved(text: str) -> bool:
    """Whether a key or value is in the reserved ``aws:`` namespace (any case)."""
    return text[:4].lower() == RESERVED_PREFIX


def _allowed(text: str) -> bool:
    # The model's pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*
    return all(ch in _EXTRA or unicodedata.category(ch)[0] in "LZN" for ch in text)


def check_key(key: str) -> None:
    """Validate one user tag key (length, characters, reserved prefix).

    Raises:
        InvalidParameterException: the key breaks a rule.
    """
    if not key:
        # [M] TagKey: 1-128 characters; text [U]
        raise InvalidParameterException("Tag keys must not be empty.")
    if len(key) > MAX_KEY:
        # [M] TagKey: at most 128 characters; text [U]
        raise InvalidParameterException(
            f"Tag key '{key[:32]}...' is too long: tag keys can have at most {MAX_KEY} characters."
        )
    if not _allowed(key):
        # [M] TagKey pattern; text [U]
        raise InvalidParameterException(
            f"Tag key '{key}' contains invalid characters. Allowed: letters, numbers, spaces "
            "and + - = . _ : / @"
        )
    if reserved(key):
        # [M] the aws: prefix is reserved; text [U]
        raise InvalidParameterException(
            f"Tag key '{key}' is not valid: keys beginning with 'aws:' are reserved for AWS use."
        )


def check_value(key: str, value: str) -> None:
    """Validate one tag value (length, characters, reserved prefix).

    Raises:
        InvalidParameterException: the value breaks a rule.
    """
    if len(value) > MAX_VALUE:
        # [M] TagValue: at most 256 characters; text [U]
        raise InvalidParameterException(
            f"The value of tag '{key}' is too long: tag values can have at most {MAX_VALUE} "
            "characters."
        )
    if not _allowed(value):
        # [M] TagValue pattern; text [U]
        raise InvalidParameterException(
            f"The value of tag '{key}' contains invalid characters. Allowed: letters, numbers, "
            "spaces and + - = . _ : / @"
        )
    if reserved(value):
        # [M] the aws: prefix is reserved; text [U]
        raise InvalidParameterException(
            f"The value of tag '{key}' is not valid: values beginning with 'aws:' are "
            "reserved for AWS use."
        )


def check_tags(new: Sequence[tuple[str, str]]) -> None:
    """Validate the tags of one request: at most 50, every key and value valid.

    Raises:
        InvalidParameterException: too many tags, or a key or value breaks a rule.
    """
    if len(new) > MAX_TAGS:
        # [M] at most 50 tags; text [U]
        raise InvalidParameterException(TOO_MANY_IN_REQUEST)
    for key, value in new:
        check_key(key)
        check_value(key, value)


def user_count(tags: dict[str, str]) -> int:
    """How many tags count toward the limit (all but reserved ``aws:`` keys)."""
    return sum(1 for key in tags if not reserved(key))


def merged(current: dict[str, str], new: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Validate `new` tags and return `current` with them merged (same key overwrites).

    `current` itself is never changed, so a rejected call changes nothing.

    Raises:
        InvalidParameterException: a key or value breaks the rules, or the request holds
            more than 50 tags.
        LimitExceededException: the resource would hold more than 50 user tags (TagResource
            models this error for the resource's limit).
    """
    check_tags(new)
    result = dict(current)
    result.update(new)
    if user_count(result) > MAX_TAGS:
        # [M] LimitExceededException: 50 tags a resource; text [U]
        raise LimitExceededException(TOO_MANY_ON_RESOURCE)
    return result


def without(current: dict[str, str], keys: Sequence[str]) -> dict[str, str]:
    """`current` less `keys` (keys it does not have are ignored).

    Raises:
        InvalidParameterException: a key is reserved (``aws:``): users cannot remove them.
    """
    for key in keys:
        if reserved(key):
            # [M] users cannot remove aws: tags; text [U]
            raise InvalidParameterException(
                f"Tag key '{key}' is not valid: keys beginning with 'aws:' are reserved for "
                "AWS use and cannot be removed."
            )
    drop = set(keys)
    return {k: v for k, v in current.items() if k not in drop}
