"""TagResource, UntagResource, ListTagsForResource for every taggable resource kind."""

from __future__ import annotations

from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import tags_in, tags_view
from ecsmock.model import tags
from ecsmock.model.backend import Backend


@operation("TagResource")
def tag_resource(backend: Backend, params: Params) -> Body:
    """TagResource: merges tags (same key overwrites); all or nothing."""
    new = tags_in(params["tags"])
    resource = backend.tagged(params["resourceArn"], write=True)
    resource.tags = tags.merged(resource.tags, new)
    return {}


@operation("UntagResource")
def untag_resource(backend: Backend, params: Params) -> Body:
    """UntagResource: removes the keys; keys the resource lacks are ignored."""
    resource = backend.tagged(params["resourceArn"], write=True)
    resource.tags = tags.without(resource.tags, list(params["tagKeys"]))
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(backend: Backend, params: Params) -> Body:
    """ListTagsForResource: the resource's tags (reserved `aws:` ones included)."""
    return {"tags": tags_view(backend.tagged(params["resourceArn"], write=False).tags)}
