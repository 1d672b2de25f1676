"""TagResource, UntagResource, ListTagsForResource for every taggable resource kind."""

from __future__ import annotations

from ecsmock._ids import parse_arn
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in, tags_view
from ecsmock.errors import (
    CLUSTER_NOT_FOUND,
    ClusterNotFoundException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from ecsmock.model import tags
from ecsmock.model.backend import Backend, Tagged


def _resource(backend: Backend, resource_arn: str) -> Tagged:
    parsed = parse_arn(resource_arn)
    if parsed is None:
        raise InvalidParameterException(f"Invalid ARN: {resource_arn}")
    resolve = backend.taggable.get(parsed.kind)
    if resolve is None:
        raise InvalidParameterException(
            f"The specified resource type '{parsed.kind}' does not support tagging."
        )
    found = None
    if parsed.region == backend.region and parsed.account == backend.account:
        found = resolve(resource_arn)
    if found is None:
        if parsed.kind == "cluster":
            raise ClusterNotFoundException(CLUSTER_NOT_FOUND)
        raise ResourceNotFoundException("The specified resource could not be found.")
    return found


@operation("TagResource")
def tag_resource(backend: Backend, params: Params) -> Body:
    """TagResource: merges tags (same key overwrites); all or nothing."""
    resource = _resource(backend, params["resourceArn"])
    resource.tags = tags.merged(resource.tags, tags_in(params["tags"]))
    return {}


@operation("UntagResource")
def untag_resource(backend: Backend, params: Params) -> Body:
    """UntagResource: removes the keys; missing keys are ignored."""
    resource = _resource(backend, params["resourceArn"])
    resource.tags = tags.without(resource.tags, list(params["tagKeys"]))
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(backend: Backend, params: Params) -> Body:
    """ListTagsForResource: the resource's tags."""
    return {"tags": tags_view(_resource(backend, params["resourceArn"]).tags)}
