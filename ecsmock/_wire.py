"""The only module that speaks AWS wire: JSON-ready bodies in, botocore-parsed answers out.

Operations build JSON-ready dicts (camelCase, epoch-second timestamps). Here they go through
botocore's own JSON parser with the operation's output shape, so users get exactly the types
a real call returns (aware datetimes, ``ResponseMetadata``); errors are ``{"__type", "message"}``
bodies with status 400 (500 for ``ServerException``) through the same parser, so botocore
raises its modelled exception class.

The task operations (their answers carry hundreds of timestamps) put parsed timestamps in
their bodies directly, from a `stamper` (exactly what the parser would make of the epoch
seconds ECS sends), and are answered without the conversion walk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from email.utils import format_datetime
from functools import cache
from typing import Any

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.parsers import create_parser

from ecsmock._stamps import epoch_of, one_response, timestamp
from ecsmock.errors import ECSMockError, ServiceError

CONTENT_TYPE = "application/x-amz-json-1.1"
ENDPOINT = "https://ecs.{region}.amazonaws.com/"


class ResponseShapeError(ECSMockError, AssertionError):
    """A response did not match the botocore output shape (strict mode)."""


class _Response(AWSResponse):  # type: ignore[misc]
    """botocore's AWSResponse, with its case-insensitive headers made only when read."""

    def __init__(self, url: str, status_code: int, headers: dict[str, str], raw: Any) -> None:
        self.url = url
        self.status_code = status_code
        self.raw = raw
        self._content = None
        self._plain_headers = headers
        self._headers: HeadersDict | None = None

    @property
    def headers(self) -> HeadersDict:
        """The response headers (case-insensitive)."""
        if self._headers is None:
            self._headers = HeadersDict(self._plain_headers)
        return self._headers

    @headers.setter
    def headers(self, value: Any) -> None:
        self._headers = HeadersDict(value)


def _wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return epoch_of(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class _LazyBody:
    """The raw stream of a response: JSON text made only if someone reads it.

    A successful body is converted in place into the parsed response (timestamps become
    datetimes, `ResponseMetadata` is added), so the text is made from that dict the way
    ECS sent it: without `ResponseMetadata`, timestamps as epoch seconds.
    """

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        body = {k: v for k, v in self._body.items() if k != "ResponseMetadata"}
        yield json.dumps(body, default=_wire_value).encode()


@cache
def service_model() -> Any:
    """The botocore ECS service model (loaded once; it is constant data)."""
    import botocore.session

    return botocore.session.get_session().get_service_model("ecs")


@cache
def _parser() -> Any:
    return create_parser("json")


Fix = Callable[[Any], Any]


def _fixer(shape: Any, memo: dict[str, Fix | None], stamp: Fix) -> Fix | None:
    """What botocore's JSON parser changes in a decoded value of `shape`, done in place.

    The parser copies the decoded JSON member by member and turns timestamps (and blobs)
    into Python objects. Views build fresh JSON-ready bodies holding only shape members, so
    only the timestamp and blob paths need work; None means nothing to do below. Strict
    mode checks every response against the parser's own output.
    """
    kind = shape.type_name
    if kind == "timestamp":
        return stamp
    if kind == "blob":
        handle = _parser()._handle_blob
        return lambda v: handle(shape, v)
    if kind == "list":
        item = _fixer(shape.member, memo, stamp)
        return None if item is None else _list_fixer(item)
    if kind == "map":
        value = _fixer(shape.value, memo, stamp)
        return None if value is None else _map_fixer(value)
    if kind == "structure" and not shape.is_document_type:
        return _structure_fixer(shape, memo, stamp)
    return None


def _list_fixer(item: Fix) -> Fix:
    def fix(values: list[Any]) -> list[Any]:
        for i, value in enumerate(values):
            if value is not None:
                values[i] = item(value)
        return values

    return fix


def _map_fixer(item: Fix) -> Fix:
    def fix(values: dict[str, Any]) -> dict[str, Any]:
        for key, value in values.items():
            if value is not None:
                values[key] = item(value)
        return values

    return fix


def _structure_fixer(shape: Any, memo: dict[str, Fix | None], stamp: Fix) -> Fix | None:
    if shape.name in memo:
        return memo[shape.name]
    cell: list[Fix | None] = []

    def recursive(value: Any) -> Any:
        found = cell[0]
        return value if found is None else found(value)

    memo[shape.name] = recursive  # a recursive shape refers to itself
    members = []
    for name, member in shape.members.items():
        fix = _fixer(member, memo, stamp)
        if fix is not None:
            members.append((name, fix))
    result: Fix | None = None
    if members:
        fixes = tuple(members)

        def structure(value: dict[str, Any]) -> dict[str, Any]:
            for key, fix in fixes:
                item = value.get(key)
                if item is not None:
                    value[key] = fix(item)
            return value

        result = structure
    cell.append(result)
    memo[shape.name] = result
    return result


_FIXERS: dict[tuple[str, Fix | None], Fix | None] = {}


def _convert(
    operation_model: Any, body: dict[str, Any], timestamp_parser: Fix | None = None
) -> dict[str, Any]:
    """The parsed response for a fresh body (changed in place).

    `timestamp_parser` is the client's own when it has one (the AWS CLI keeps timestamps
    as the numbers it received); None means botocore's default.
    """
    key = (operation_model.name, timestamp_parser)
    if key not in _FIXERS:
        if len(_FIXERS) > 1024:  # bounded even if each client brings its own parser
            _FIXERS.clear()
        shape = operation_model.output_shape
        stamp = timestamp if timestamp_parser is None else _own_parser(timestamp_parser)
        _FIXERS[key] = None if shape is None else _fixer(shape, {}, stamp)
    fix = _FIXERS[key]
    if fix is None:
        return body
    fixed: dict[str, Any] = one_response(fix, body)
    return fixed


def _own_parser(timestamp_parser: Fix) -> Fix:
    """A client's own timestamp parser, given the epoch seconds even for a parsed value."""
    return lambda value: timestamp_parser(epoch_of(value))


_LAST_DATE: list[tuple[datetime, str]] = []


def _http_date(now: datetime) -> str:
    # The last one only: calls come in runs at one simulated instant.
    last = _LAST_DATE[0] if _LAST_DATE else None
    if last is None or last[0] != now:
        last = (now, format_datetime(now, usegmt=True))
        _LAST_DATE[:] = [last]
    return last[1]


def _headers(request_id: str, now: datetime) -> dict[str, str]:
    return {
        "x-amzn-requestid": request_id,
        "content-type": CONTENT_TYPE,
        "date": _http_date(now),
    }


def _metadata(request_id: str, status: int, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": headers,
        "RetryAttempts": 0,
    }


def success(
    operation_model: Any,
    body: dict[str, Any],
    request_id: str,
    now: datetime,
    region: str,
    timestamp_parser: Fix | None = None,
    parsed: bool = False,
) -> tuple[AWSResponse, dict[str, Any]]:
    """A successful answer: (http response, parsed response) as botocore's client wants.

    `parsed`: the body's timestamps are parsed already (a `stamper`'s); it is the answer
    as it is, unless the client parses timestamps its own way.
    """
    if not parsed or timestamp_parser is not None:
        body = _convert(operation_model, body, timestamp_parser)
    headers = _headers(request_id, now)
    body["ResponseMetadata"] = _metadata(request_id, 200, headers)
    http = _Response(ENDPOINT.format(region=region), 200, headers, _LazyBody(body))
    return http, body


def error(
    operation_model: Any, err: ServiceError, request_id: str, now: datetime, region: str
) -> tuple[AWSResponse, dict[str, Any]]:
    """An error answer, parsed exactly as botocore parses a real ECS error body."""
    body = {"__type": err.code, "message": err.message, **err.fields}
    raw = json.dumps(body).encode()
    headers = _headers(request_id, now)
    response = {"body": raw, "headers": headers, "status_code": err.status}
    parser = _parser()
    parsed: dict[str, Any] = parser.parse(response, operation_model.output_shape)
    # botocore's endpoint adds the error shape's own members (e.g. resourceIds) the same way.
    error_shape = operation_model.service_model.shape_for_error_code(err.code)
    if error_shape is not None:
        parsed.update(parser.parse(response, error_shape))
    parsed["ResponseMetadata"] = _metadata(request_id, err.status, headers)
    http = AWSResponse(ENDPOINT.format(region=region), err.status, headers, _LazyBody(body))
    return http, parsed


def check_shape(shape: Any, value: Any, path: str = "$") -> list[str]:
    """List the ways `value` departs from botocore `shape`.

    `value` is a body as an operation answers it: JSON-ready, its timestamps perhaps parsed
    already (see `success`).
    """
    kind = shape.type_name
    if getattr(shape, "is_document_type", False):
        return []  # a JSON value (e.g. a lifecycle hook's hookDetails): any JSON goes
    if kind == "structure":
        return _check_structure(shape, value, path)
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        out: list[str] = []
        for i, item in enumerate(value):
            out += check_shape(shape.member, item, f"{path}[{i}]")
        return out
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {type(value).__name__}"]
        out = []
        for key, item in value.items():
            out += check_shape(shape.key, key, f"{path}.<key>")
            out += check_shape(shape.value, item, f"{path}[{key!r}]")
        return out
    return _check_scalar(shape, value, path)


def _check_structure(shape: Any, value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected a structure, got {type(value).__name__}"]
    members = shape.members
    out = [f"{path}.{k}: not a member of {shape.name}" for k in value if k not in members]
    out += [f"{path}.{k}: required, missing" for k in shape.required_members if k not in value]
    for key, item in value.items():
        if key in members:
            out += check_shape(members[key], item, f"{path}.{key}")
    return out


_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, datetime),  # epoch seconds, or parsed already (`success`)
    "blob": (str, bytes),
}


def _check_scalar(shape: Any, value: Any, path: str) -> list[str]:
    kind = shape.type_name
    types = _SCALARS.get(kind, (object,))
    if not isinstance(value, types) or (kind != "boolean" and isinstance(value, bool)):
        return [f"{path}: expected {kind}, got {type(value).__name__} {value!r}"]
    enum = shape.enum if kind == "string" else None
    if enum and value not in enum:
        return [f"{path}: {value!r} is not one of {shape.name}'s values"]
    return []


def validate(operation_model: Any, body: dict[str, Any], parsed: bool = False) -> None:
    """Raise `ResponseShapeError` when `body` departs from the operation's output shape.

    Also checks that the fast conversion gives what botocore's own parser gives for the
    same JSON text (key order aside: echoed user data keeps the order it was given in);
    a `parsed` body (see `success`) must be that answer already.
    """
    shape = operation_model.output_shape
    problems = check_shape(shape, body) if shape is not None else []
    if not problems and shape is not None:
        sent = json.dumps(body, default=_wire_value)  # the JSON text ECS sends
        reference = _parser()._parse_shape(shape, json.loads(sent))
        fast = body if parsed else _convert(operation_model, json.loads(sent))
        if fast != reference:
            problems.append(f"fast parse {fast!r} differs from botocore's {reference!r}")
    if problems:
        raise ResponseShapeError(
            f"{operation_model.name} answered outside its output shape:\n  " + "\n  ".join(problems)
        )
