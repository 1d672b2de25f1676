"""Enum values inside request members that ECS stores and echoes back.

botocore does not check enums client-side (behaviour reference 0.1), so a task definition
or a RunTask `overrides` could carry any string where the model names a closed set; ECS
refuses such requests, and an echo of them would not be a valid response. The check walks
the operation's input shape (botocore is loaded by then: a client is calling).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from ecsmock.errors import ServiceError

Refusal = Callable[[str], ServiceError]


def check_enums(
    operation: str, params: dict[str, Any], refuse: Refusal, skip: Collection[str] = ()
) -> None:
    """Refuse the first string outside its enum among the request's members.

    Args:
        operation: the operation whose input shape describes `params`.
        params: the request.
        refuse: makes the error from the message.
        skip: top-level members checked elsewhere (with their own messages).

    Raises:
        ServiceError: what `refuse` makes, naming the member path and the valid values.
    """
    from ecsmock._wire import service_model

    shape = service_model().operation_model(operation).input_shape
    for name, value in params.items():
        member = shape.members.get(name)
        if member is not None and name not in skip:
            _walk(member, value, name, refuse)


def _walk(shape: Any, value: Any, path: str, refuse: Refusal) -> None:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for key, item in value.items():
            member = shape.members.get(key)
            if member is not None:
                _walk(member, item, f"{path}.{key}", refuse)
    elif kind == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{i}]", refuse)
    elif kind == "map" and isinstance(value, dict):
        for item in value.values():
            _walk(shape.value, item, path, refuse)
    elif kind == "string" and shape.enum and value not in shape.enum:
        raise refuse(f"Invalid value '{value}' for {path}. Valid values: {', '.join(shape.enum)}.")
