"""Custom attributes of container instances: put, delete and list.

Sources: the Attribute shape and the PutAttributes, DeleteAttributes and ListAttributes
docs (botocore model); behaviour reference 9.4; the put-attributes and delete-attributes
CLI examples (aws-cli), whose answers echo each attribute as the request gave it.

- A call is checked whole before anything changes: a failed call changes nothing [S].
  An instance whose attributes did change gets one new version and one Container
  Instance State Change event per call; a put of the same value changes nothing [S].
- The only target type is `container-instance` [M]; a bare id needs `targetType`, a full
  ARN does not [M]. A target is an instance of the call's cluster that is not INACTIVE
  (a deregistered instance takes no attributes and is not listed) [S].
- At most 10 custom attributes per instance after the call [M]; the agent's built-in
  attributes do not count (AttributeLimitExceededException docs say "custom").
- Names in the agent's namespaces (`ecs.`, `com.amazonaws.ecs.`) may be put and deleted
  like any other: no evidence shows ECS refusing them, so ecsmock does not [I]. They do
  not count toward the 10 custom attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecsmock.errors import (
    AttributeLimitExceededException,
    InvalidParameterException,
    TargetNotFoundException,
)
from ecsmock.model.capacity.instance import (
    MAX_CUSTOM_ATTRIBUTES,
    ContainerInstance,
    InstanceStatus,
)

if TYPE_CHECKING:
    from ecsmock.model.capacity.instance_ops import ContainerInstanceOps
    from ecsmock.model.clusters.cluster import Cluster

TARGET_TYPE = "container-instance"
# The Attribute shape's docs [M]: a name is 1-128 letters, digits, hyphens, underscores,
# forward or back slashes, periods; a value is 1-128 of the same characters plus at
# signs, colons and spaces, and does not start or end with a space.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_./\\-]{1,128}")
VALUE_PATTERN = re.compile(r"(?! )[A-Za-z0-9_./\\@: -]{1,128}(?<! )")
RESERVED_PREFIXES = ("ecs.", "com.amazonaws.ecs.")

# ECS's texts for these were not captured (behaviour reference 13) [U].
BAD_NAME = (
    "Invalid attribute name '{name}'. An attribute name must be 1-128 characters: letters, "
    "numbers, hyphens, underscores, forward slashes, back slashes or periods."
)
BAD_VALUE = (
    "Invalid value '{value}' for attribute '{name}'. An attribute value must be 1-128 "
    "characters: letters, numbers, hyphens, underscores, periods, at signs, forward "
    "slashes, back slashes, colons or spaces, and cannot start or end with a space."
)
NO_TARGET = "Attribute '{name}' must have a targetId."
NEEDS_TARGET_TYPE = "targetType must be specified when targetId '{target}' is not a full ARN."
# moto says `Could not find <targetId>`; ours names the kind of target [U].
TARGET_NOT_FOUND = "Could not find container instance {target}."
# The AttributeLimitExceededException docs' first sentence [U].
LIMIT_EXCEEDED = "You can apply up to 10 custom attributes for each resource."
VALUE_NEEDS_NAME = "attributeValue can only be specified together with attributeName."


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeRequest:
    """One attribute of a PutAttributes or DeleteAttributes call, as the caller gave it."""

    name: str
    value: str | None = None
    target_type: str | None = None
    target_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListedAttribute:
    """One ListAttributes entry: an attribute of one instance."""

    instance: ContainerInstance
    name: str
    value: str | None


# -- checks ------------------------------------------------------------------------------


def check_name(name: str) -> None:
    """Refuse a name outside the Attribute shape's pattern.

    Raises:
        InvalidParameterException: `BAD_NAME`.
    """
    if NAME_PATTERN.fullmatch(name) is None:
        # [M] the Attribute shape's name pattern; text [U]
        raise InvalidParameterException(BAD_NAME.format(name=name))


def check_attribute(name: str, value: str | None) -> None:
    """An attribute's name and value follow the Attribute shape's patterns.

    Raises:
        InvalidParameterException: a bad name or value.
    """
    check_name(name)
    if value is not None and VALUE_PATTERN.fullmatch(value) is None:
        # [M] the Attribute shape's value pattern; text [U]
        raise InvalidParameterException(BAD_VALUE.format(name=name, value=value))


def agent_name(name: str) -> bool:
    """Whether a name is in the agent's namespaces (`ecs.`, `com.amazonaws.ecs.`)."""
    return name.startswith(RESERVED_PREFIXES)


def check_limit(names: Iterable[str]) -> None:
    """At most 10 custom attributes on one resource [M]; the agent's names do not count.

    Raises:
        AttributeLimitExceededException: more than `MAX_CUSTOM_ATTRIBUTES` custom names.
    """
    if sum(1 for name in names if not agent_name(name)) > MAX_CUSTOM_ATTRIBUTES:
        raise AttributeLimitExceededException(LIMIT_EXCEEDED)


def _check_put(item: AttributeRequest) -> None:
    # Names in the agent's namespaces are not refused: no evidence shows ECS refusing them.
    check_attribute(item.name, item.value)


def _check_target(item: AttributeRequest) -> str:
    """The item's targetId, which must be given, and be an ARN unless targetType is."""
    if not item.target_id:
        # [M] an attribute is put on a target (targetId); text [U]
        raise InvalidParameterException(NO_TARGET.format(name=item.name))
    if item.target_type is None and not item.target_id.startswith("arn:"):
        # [M] targetType is required with a short id; text [U]
        raise InvalidParameterException(NEEDS_TARGET_TYPE.format(target=item.target_id))
    return item.target_id


def _target(ops: ContainerInstanceOps, cluster: Cluster, ref: str) -> ContainerInstance:
    """The instance `ref` names in the cluster, not INACTIVE.

    An ARN must be the instance's own, long (`container-instance/<cluster>/<id>`) or
    legacy (`container-instance/<id>`, as in the put-attributes CLI example [O]) form.

    Raises:
        TargetNotFoundException: no such instance.
    """
    found = ops.find(cluster, ref)
    if found is not None and ref.startswith("arn:"):
        legacy = ops.backend.arn(f"container-instance/{found.id}")
        found = found if ref in (found.arn, legacy) else None
    if found is None or found.status is InstanceStatus.INACTIVE:
        raise TargetNotFoundException(TARGET_NOT_FOUND.format(target=ref))
    return found


def _targets(
    ops: ContainerInstanceOps, cluster: Cluster, items: Sequence[AttributeRequest]
) -> list[ContainerInstance]:
    """Each item's instance, in item order (all targets checked before any is used)."""
    refs = [_check_target(item) for item in items]
    return [_target(ops, cluster, ref) for ref in refs]


# -- changes -----------------------------------------------------------------------------


def _staged(
    targets: Sequence[ContainerInstance],
) -> dict[str, tuple[ContainerInstance, dict[str, str | None]]]:
    """A copy of each target's attributes (by instance id, in first-mention order)."""
    out: dict[str, tuple[ContainerInstance, dict[str, str | None]]] = {}
    for instance in targets:
        out.setdefault(instance.id, (instance, dict(instance.attributes)))
    return out


def _commit(
    ops: ContainerInstanceOps,
    staged: Iterable[tuple[ContainerInstance, dict[str, str | None]]],
) -> list[ContainerInstance]:
    """Store the staged attributes; one state-change event per instance that changed."""
    changed = []
    for instance, attributes in staged:
        if attributes != instance.attributes:
            instance.attributes = attributes
            ops.announce(instance)
            changed.append(instance)
    return changed


def put(
    ops: ContainerInstanceOps, cluster: Cluster, items: Sequence[AttributeRequest]
) -> list[ContainerInstance]:
    """PutAttributes: create or overwrite each attribute on its instance.

    Returns:
        The instances whose attributes changed (each announced once).

    Raises:
        InvalidParameterException: a bad name or value, no targetId, or a
            bare id without targetType.
        TargetNotFoundException: a target is not an instance of the cluster.
        AttributeLimitExceededException: an instance would carry more than 10 custom
            attributes.
    """
    for item in items:
        _check_put(item)
    targets = _targets(ops, cluster, items)
    staged = _staged(targets)
    for item, instance in zip(items, targets, strict=True):
        staged[instance.id][1][item.name] = item.value
    for _, attributes in staged.values():
        check_limit(attributes)
    return _commit(ops, staged.values())


def delete(
    ops: ContainerInstanceOps, cluster: Cluster, items: Sequence[AttributeRequest]
) -> list[str | None]:
    """DeleteAttributes: remove each named attribute from its instance (values ignored).

    A name the instance does not carry is no error [U]. Instances whose attributes changed
    are announced once each.

    Returns:
        The value each item's attribute had (None for none), in item order: the answer
        lists the deleted attributes with their values (delete-attributes CLI example [O]).

    Raises:
        InvalidParameterException: a bad name, no targetId, or a bare id without
            targetType.
        TargetNotFoundException: a target is not an instance of the cluster.
    """
    for item in items:
        check_name(item.name)
    targets = _targets(ops, cluster, items)
    # A built-in attribute may be deleted too: no evidence shows ECS refusing it.
    staged = _staged(targets)
    removed = []
    for item, instance in zip(items, targets, strict=True):
        current = staged[instance.id][1]
        removed.append(current.get(item.name, instance.attributes.get(item.name)))
        current.pop(item.name, None)
    _commit(ops, staged.values())
    return removed


# -- listing -----------------------------------------------------------------------------


def listing(
    ops: ContainerInstanceOps, cluster: Cluster, name: str | None, value: str | None
) -> list[ListedAttribute]:
    """ListAttributes: one entry per (instance, attribute), built-ins included.

    Instances of the cluster that are not INACTIVE, in registration order; each one's
    attributes in their stored order (built-ins first). `value` filters only with `name`
    [M]; an attribute without a value never matches a value filter.

    Raises:
        InvalidParameterException: `value` without `name`.
    """
    if value is not None and name is None:
        raise InvalidParameterException(VALUE_NEEDS_NAME)
    out: list[ListedAttribute] = []
    for instance in ops.of_cluster(cluster.name):
        if instance.cluster_arn != cluster.arn or instance.status is InstanceStatus.INACTIVE:
            continue
        for key, stored in instance.attributes.items():
            if name is not None and key != name:
                continue
            if value is not None and stored != value:
                continue
            out.append(ListedAttribute(instance=instance, name=key, value=stored))
    return out
