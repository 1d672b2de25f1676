"""Attribute operations: PutAttributes, DeleteAttributes, ListAttributes.

The rules live in `ecsmock.model.capacity.attributes`; this module reads the camelCase request and
builds the answers. Put and Delete echo each attribute as the request gave it (the
put-attributes CLI example [O]; delete-attributes answers each with the value it had,
as its CLI example shows [O]); ListAttributes names each
instance by its full ARN (behaviour reference 9.4 [M][O]).
"""

from __future__ import annotations

from typing import Any

from ecsmock.api._enums import check_enums
from ecsmock.api._params import check_max_items, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.errors import InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.capacity import attributes
from ecsmock.model.capacity.attributes import TARGET_TYPE, AttributeRequest, ListedAttribute

# "You can specify up to 10 attributes in a single call." (PutAttributes and
# DeleteAttributes docs [M]).
MAX_PER_CALL = 10
# The model's minimum of one item is not checked by botocore; the wording follows the
# observed `Tasks cannot be empty.` [U].
EMPTY = "Attributes cannot be empty."
ATTRIBUTE_MEMBERS = ("name", "value", "targetType", "targetId")


def _requests(operation_name: str, params: Params) -> list[AttributeRequest]:
    """The request's attributes in model terms, after the batch size and enum checks.

    Raises:
        InvalidParameterException: no attributes, more than 10, or a targetType other
            than `container-instance`.
    """
    items: list[dict[str, Any]] = params["attributes"]
    if not items:
        # [M] 1-10 attributes a call; wording of the observed `Tasks cannot be empty.` [O]
        raise InvalidParameterException(EMPTY)
    check_max_items("attributes", items, MAX_PER_CALL)
    check_enums(operation_name, params, InvalidParameterException)
    return [
        AttributeRequest(
            name=item["name"],
            value=item.get("value"),
            target_type=item.get("targetType"),
            target_id=item.get("targetId"),
        )
        for item in items
    ]


def _echo(params: Params) -> Body:
    """`attributes` exactly as the request gave them."""
    return {
        "attributes": [
            {key: item[key] for key in ATTRIBUTE_MEMBERS if key in item}
            for item in params["attributes"]
        ]
    }


def _listed_view(entry: ListedAttribute) -> Body:
    out: Body = {"name": entry.name}
    if entry.value is not None:
        out["value"] = entry.value
    out["targetType"] = TARGET_TYPE
    out["targetId"] = entry.instance.arn
    return out


@operation("PutAttributes")
def put_attributes(backend: Backend, params: Params) -> Body:
    """PutAttributes: create or overwrite up to 10 attributes; all or nothing."""
    items = _requests("PutAttributes", params)
    cluster = backend.active_cluster(params.get("cluster"))
    attributes.put(backend.container_instances, cluster, items)
    return _echo(params)


@operation("DeleteAttributes")
def delete_attributes(backend: Backend, params: Params) -> Body:
    """DeleteAttributes: remove up to 10 custom attributes; all or nothing."""
    items = _requests("DeleteAttributes", params)
    cluster = backend.active_cluster(params.get("cluster"))
    values = attributes.delete(backend.container_instances, cluster, items)
    answer = _echo(params)
    # Each deleted attribute with the value it had (delete-attributes CLI example) [O].
    for item, value in zip(answer["attributes"], values, strict=True):
        item.pop("value", None)
        if value is not None:
            item["value"] = value
    return answer


@operation("ListAttributes")
def list_attributes(backend: Backend, params: Params) -> Body:
    """ListAttributes: every attribute of the cluster's instances, filtered, paginated."""
    check_enums("ListAttributes", params, InvalidParameterException)
    cluster = backend.active_cluster(params.get("cluster"))
    found = attributes.listing(
        backend.container_instances,
        cluster,
        params.get("attributeName"),
        params.get("attributeValue"),
    )
    chunk, token = page(params, found, scope=f"ListAttributes:{cluster.name}")
    return with_token({"attributes": [_listed_view(entry) for entry in chunk]}, token)
