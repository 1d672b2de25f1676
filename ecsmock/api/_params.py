"""Server-side parameter checks that botocore does not do (maxima, enums, tokens).

botocore validates required members, types and minimums client-side only; maxima, enum
values and patterns reach ECS, which answers InvalidParameterException. ECS's own texts
for out-of-range `maxResults` and unusable `nextToken` were not captured (spec section 13);
the batch-size wording follows the observed `taskIds can have at most 100 items.` and
`service names can have at most 10 items` (panther-labs/panther#1526).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ecsmock.errors import InvalidParameterException

T = TypeVar("T")

INVALID_TOKEN = "Invalid nextToken. Use the nextToken value from a previous response."


def check_enum(name: str, value: str, allowed: Sequence[str]) -> None:
    """Reject a value outside the enum (botocore itself does not validate enums).

    Raises:
        InvalidParameterException: `value` is not one of `allowed`.
    """
    if value not in allowed:
        # [M] the member's enum (botocore does not check enums); text [U]
        raise InvalidParameterException(
            f"Invalid value '{value}' for {name}. Valid values: {', '.join(allowed)}."
        )


def check_max_items(name: str, items: Sequence[Any], most: int) -> None:
    """ECS batch limits, in the wording of `taskIds can have at most 100 items.`.

    Raises:
        InvalidParameterException: more than `most` items.
    """
    if len(items) > most:
        # [M] the operations' batch limits; wording of the observed `taskIds can have at most 100
        # items.` [O]
        raise InvalidParameterException(f"{name} can have at most {most} items.")


def _encode(scope: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"ecsmock:{scope}:{offset}".encode()).decode()


def _decode(scope: str, token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, rest = text.partition(":")
    token_scope, _, number = rest.rpartition(":")
    if prefix != "ecsmock" or token_scope != scope or not number.isdigit():
        # [M] nextToken comes from a previous response; text [U]
        raise InvalidParameterException(INVALID_TOKEN)
    return int(number)


def page(
    params: dict[str, Any],
    items: Sequence[T],
    *,
    most: int = 100,
    default: int = 100,
    scope: str = "",
) -> tuple[list[T], str | None]:
    """One page of `items` per `maxResults`/`nextToken`, and the token of the next page.

    Tokens are deterministic (an encoded offset) and belong to `scope` (e.g. the operation
    name): a token from another listing is rejected. No token means the last page.

    Raises:
        InvalidParameterException: `maxResults` outside 1..`most`, or a token that this
            listing did not hand out.
    """
    size = page_size(params, most=most, default=default)
    start = resume_point(params, scope)
    chunk = list(items[start : start + size])
    end = start + size
    return chunk, (next_token(scope, end) if end < len(items) else None)


def page_size(params: dict[str, Any], *, most: int = 100, default: int = 100) -> int:
    """The page size `maxResults` asks for (`default` without it).

    Raises:
        InvalidParameterException: `maxResults` outside 1..`most`.
    """
    size = params.get("maxResults")
    if size is None:
        return default
    if not 1 <= size <= most:
        # [M] maxResults ranges (List* docs); text [U]
        raise InvalidParameterException(f"maxResults must be between 1 and {most}, inclusive.")
    number: int = size
    return number


def resume_point(params: dict[str, Any], scope: str) -> int:
    """The number a `nextToken` of `scope` carries (0 without a token).

    Raises:
        InvalidParameterException: a token that this listing did not hand out.
    """
    token = params.get("nextToken")
    return 0 if token is None else _decode(scope, token)


def next_token(scope: str, number: int) -> str:
    """The token a listing of `scope` hands out to resume at `number`."""
    return _encode(scope, number)


def with_token(body: dict[str, Any], token: str | None) -> dict[str, Any]:
    """Add `nextToken` to a list answer when there is a next page."""
    if token is not None:
        body["nextToken"] = token
    return body


def batch_refs(
    params: dict[str, Any],
    member: str,
    most: int,
    label: str | None = None,
    *,
    empty: str | None = None,
    blank: str | None = None,
) -> list[str]:
    """The ids/ARNs a Describe* call names: not empty, at most `most`.

    Raises:
        InvalidParameterException: `<Label> cannot be empty.` (as `Tasks cannot be empty.`
            [O]) or the `empty` text; the `blank` text for an empty entry; or over `most`
            items (`taskIds can have at most 100 items.` [O], `label` naming the list when
            it is not `member`).
    """
    refs: list[str] = params[member]
    if not refs:
        raise InvalidParameterException(
            empty or f"{member[:1].upper()}{member[1:]} cannot be empty."
        )
    if blank is not None and any(not ref.strip() for ref in refs):
        raise InvalidParameterException(blank)
    check_max_items(label or member, refs, most)
    return refs


def describe_request(
    params: dict[str, Any],
    member: str,
    most: int,
    include: Sequence[str],
    **texts: str,
) -> tuple[list[str], set[str]]:
    """A Describe* call's refs and `include` options, checked in the one order ecsmock uses.

    Every Describe* operation checks its request first (the list: not empty, no blank entry,
    not too long; then each `include` option) and only then looks up the cluster (or
    service) it names, so a call with several problems gets the same error whichever
    operation it is. ECS does not document its order [S]. `texts` are `batch_refs`'s
    `label`, `empty` and `blank`.
    """
    label = texts.pop("label", None)
    refs = batch_refs(params, member, most, label, **texts)
    return refs, check_include(params, include)


def check_include(params: dict[str, Any], allowed: Sequence[str]) -> set[str]:
    """The `include` options given, each one of `allowed`."""
    include: list[str] = params.get("include", [])
    for name in include:
        check_enum("include", name, allowed)
    return set(include)


def describe(
    refs: Sequence[str],
    find: Callable[[str], T | None],
    view: Callable[[T], dict[str, Any]],
    arn_of: Callable[[str], str],
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Found items as views, in request order, and `MISSING` failures with full ARNs."""
    found: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    for ref in refs:
        item = find(ref)
        if item is None:
            arn = ref if ref.startswith("arn:") else arn_of(ref)
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(view(item))
    return found, failures


# Real texts for a containerInstances list that is empty (gchq/sleeper#3387) or holds a
# blank entry (nextflow-io/nextflow#1658) [O].
NO_INSTANCES = "Container instance cannot be empty."
BLANK_INSTANCE = "Container instance can not be blank."


def instance_refs(params: dict[str, Any], most: int) -> list[str]:
    """A `containerInstances` list (StartTask, UpdateContainerInstancesState).

    Raises:
        InvalidParameterException: empty, a blank entry, or more than `most`.
    """
    return batch_refs(params, "containerInstances", most, empty=NO_INSTANCES, blank=BLANK_INSTANCE)
