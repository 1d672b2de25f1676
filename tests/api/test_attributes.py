"""PutAttributes, DeleteAttributes and ListAttributes through a real boto3 client."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from instance_world import AGENT_ATTRIBUTES, DOCUMENT, DOCUMENT_ATTRIBUTES, RESOURCES

from ecsmock import ECSMock

ARN = "arn:aws:ecs:eu-west-1:123456789012:"
INSTANCE_EVENT = "ECS Container Instance State Change"
CI = "container-instance"
# Messages (ecsmock.model.capacity.attributes, ecsmock.api._params).
TARGET_NOT_FOUND = "Could not find container instance {}."
LIMIT = "You can apply up to 10 custom attributes for each resource."
NEEDS_TYPE = "targetType must be specified when targetId '{}' is not a full ARN."
NO_TARGET = "Attribute '{}' must have a targetId."
BAD_NAME = (
    "Invalid attribute name '{}'. An attribute name must be 1-128 characters: letters, "
    "numbers, hyphens, underscores, forward slashes, back slashes or periods."
)
BAD_VALUE = (
    "Invalid value '{}' for attribute 'stack'. An attribute value must be 1-128 "
    "characters: letters, numbers, hyphens, underscores, periods, at signs, forward "
    "slashes, back slashes, colons or spaces, and cannot start or end with a space."
)
VALUE_NEEDS_NAME = "attributeValue can only be specified together with attributeName."
BAD_TYPE = "Invalid value 'task' for {}. Valid values: container-instance."
TOO_MANY = "attributes can have at most 10 items."
EMPTY = "Attributes cannot be empty."
CLUSTER_NOT_FOUND = "Cluster not found."
BUILTIN_NAMES = [*DOCUMENT_ATTRIBUTES, *(a["name"] for a in AGENT_ATTRIBUTES)]


def body(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata")
    return response


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def code(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Code"])


def register(client: Any, cluster: str = "web", **kw: Any) -> str:
    """RegisterContainerInstance as a real agent calls it (its attributes first)."""
    kw["attributes"] = [*AGENT_ATTRIBUTES, *kw.get("attributes", [])]
    made = client.register_container_instance(
        cluster=cluster, instanceIdentityDocument=DOCUMENT, totalResources=RESOURCES, **kw
    )
    return str(made["containerInstance"]["containerInstanceArn"])


def short(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def describe(client: Any, arn: str, cluster: str = "web") -> dict[str, Any]:
    found = client.describe_container_instances(cluster=cluster, containerInstances=[arn])
    instance: dict[str, Any] = found["containerInstances"][0]
    return instance


def custom(client: Any, arn: str, cluster: str = "web") -> list[dict[str, str]]:
    """The instance's attributes after the built-in ones, as DescribeContainerInstances says."""
    attributes: list[dict[str, str]] = describe(client, arn, cluster)["attributes"]
    assert [a["name"] for a in attributes[: len(BUILTIN_NAMES)]] == BUILTIN_NAMES
    return attributes[len(BUILTIN_NAMES) :]


def instance_events(ecs: ECSMock) -> list[int]:
    return [e["detail"]["version"] for e in ecs.events if e["detail-type"] == INSTANCE_EVENT]


def everything(client: Any, cluster: str = "web", **kw: Any) -> list[dict[str, str]]:
    pages = client.get_paginator("list_attributes").paginate(cluster=cluster, targetType=CI, **kw)
    return [a for page in pages for a in page["attributes"]]


@pytest.fixture
def web(client: Any) -> Any:
    client.create_cluster(clusterName="web")
    return client


@pytest.fixture
def arn(web: Any) -> str:
    return register(web)


# -- PutAttributes ---------------------------------------------------------------------


def test_put_by_arn_echoes_the_request_and_shows_in_describe(
    web: Any, arn: str, ecs: ECSMock
) -> None:
    assert describe(web, arn)["version"] == 1
    answer = web.put_attributes(
        cluster="web", attributes=[{"name": "stack", "value": "production", "targetId": arn}]
    )
    assert body(answer) == {
        "attributes": [{"name": "stack", "value": "production", "targetId": arn}]
    }
    assert custom(web, arn) == [{"name": "stack", "value": "production"}]
    assert describe(web, arn)["version"] == 2
    assert instance_events(ecs) == [1, 2]


def test_put_by_id_with_target_type_and_without_value(web: Any, arn: str) -> None:
    item = {"name": "gpu", "targetType": CI, "targetId": short(arn)}
    assert body(web.put_attributes(cluster="web", attributes=[item])) == {"attributes": [item]}
    assert custom(web, arn) == [{"name": "gpu"}]


def test_put_by_cluster_arn_and_legacy_instance_arn(web: Any, arn: str) -> None:
    legacy = f"{ARN}container-instance/{short(arn)}"
    web.put_attributes(
        cluster=ARN + "cluster/web", attributes=[{"name": "a", "value": "1", "targetId": legacy}]
    )
    assert custom(web, arn) == [{"name": "a", "value": "1"}]


def test_put_on_default_cluster_when_none_is_named(client: Any) -> None:
    client.create_cluster()
    arn = register(client, "default")
    client.put_attributes(attributes=[{"name": "a", "value": "1", "targetId": arn}])
    assert custom(client, arn, "default") == [{"name": "a", "value": "1"}]


def test_put_overwrites_in_place(web: Any, arn: str) -> None:
    web.put_attributes(
        cluster="web",
        attributes=[
            {"name": "stack", "value": "prod", "targetId": arn},
            {"name": "team", "value": "core", "targetId": arn},
        ],
    )
    web.put_attributes(
        cluster="web", attributes=[{"name": "stack", "value": "dev", "targetId": arn}]
    )
    assert custom(web, arn) == [
        {"name": "stack", "value": "dev"},
        {"name": "team", "value": "core"},
    ]
    web.put_attributes(cluster="web", attributes=[{"name": "stack", "targetId": arn}])
    assert custom(web, arn) == [{"name": "stack"}, {"name": "team", "value": "core"}]
    assert describe(web, arn)["version"] == 4


def test_put_of_the_same_value_changes_nothing(web: Any, arn: str, ecs: ECSMock) -> None:
    item = {"name": "stack", "value": "prod", "targetId": arn}
    web.put_attributes(cluster="web", attributes=[item])
    web.put_attributes(cluster="web", attributes=[item])
    assert describe(web, arn)["version"] == 2
    assert instance_events(ecs) == [1, 2]


def test_one_event_per_changed_instance(web: Any, arn: str, ecs: ECSMock) -> None:
    other = register(web)
    web.put_attributes(
        cluster="web",
        attributes=[
            {"name": "a", "value": "1", "targetId": arn},
            {"name": "b", "value": "2", "targetId": short(arn), "targetType": CI},
            {"name": "a", "value": "1", "targetId": other},
        ],
    )
    assert describe(web, arn)["version"] == 2
    assert describe(web, other)["version"] == 2
    assert instance_events(ecs) == [1, 1, 2, 2]
    assert custom(web, arn) == [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]


def test_later_items_win_within_one_call(web: Any, arn: str) -> None:
    web.put_attributes(
        cluster="web",
        attributes=[
            {"name": "a", "value": "1", "targetId": arn},
            {"name": "a", "value": "2", "targetId": arn},
        ],
    )
    assert custom(web, arn) == [{"name": "a", "value": "2"}]


def test_names_and_values_at_the_edges_of_the_patterns(web: Any, arn: str) -> None:
    name = "Ab9-_/\\." + "x" * 120
    value = "a-z_A.Z/0\\9@host:80 b" + "v" * 107
    assert len(name) == len(value) == 128
    web.put_attributes(cluster="web", attributes=[{"name": name, "value": value, "targetId": arn}])
    assert custom(web, arn) == [{"name": name, "value": value}]


def test_ten_custom_attributes_fit_and_built_ins_do_not_count(web: Any, arn: str) -> None:
    first = [{"name": f"a{i}", "value": "v", "targetId": arn} for i in range(10)]
    web.put_attributes(cluster="web", attributes=first)
    assert len(describe(web, arn)["attributes"]) == len(BUILTIN_NAMES) + 10
    # Overwriting one of the ten is no eleventh.
    web.put_attributes(cluster="web", attributes=[{"name": "a0", "value": "w", "targetId": arn}])
    with pytest.raises(web.exceptions.AttributeLimitExceededException) as err:
        web.put_attributes(cluster="web", attributes=[{"name": "a10", "targetId": arn}])
    assert message(err) == LIMIT
    assert [a["name"] for a in custom(web, arn)] == [f"a{i}" for i in range(10)]
    assert custom(web, arn)[0] == {"name": "a0", "value": "w"}


def test_attributes_given_at_registration_count_toward_the_limit(web: Any) -> None:
    arn = register(web, attributes=[{"name": f"r{i}", "value": "v"} for i in range(6)])
    five = [{"name": f"p{i}", "targetId": arn} for i in range(5)]
    with pytest.raises(web.exceptions.AttributeLimitExceededException):
        web.put_attributes(cluster="web", attributes=five)
    assert [a["name"] for a in custom(web, arn)] == [f"r{i}" for i in range(6)]
    web.put_attributes(cluster="web", attributes=five[:4])
    assert len(custom(web, arn)) == 10


def test_limit_is_per_instance(web: Any, arn: str) -> None:
    other = register(web)
    web.put_attributes(
        cluster="web", attributes=[{"name": f"a{i}", "targetId": arn} for i in range(10)]
    )
    web.put_attributes(
        cluster="web", attributes=[{"name": f"a{i}", "targetId": other} for i in range(10)]
    )
    assert len(custom(web, other)) == 10


def test_unknown_target_is_target_not_found_and_changes_nothing(
    web: Any, arn: str, ecs: ECSMock
) -> None:
    missing = "0" * 32
    with pytest.raises(web.exceptions.TargetNotFoundException) as err:
        web.put_attributes(
            cluster="web",
            attributes=[
                {"name": "a", "value": "1", "targetId": arn},
                {"name": "b", "value": "2", "targetId": missing, "targetType": CI},
            ],
        )
    assert message(err) == TARGET_NOT_FOUND.format(missing)
    assert custom(web, arn) == []
    assert describe(web, arn)["version"] == 1
    assert instance_events(ecs) == [1]


@pytest.mark.parametrize(
    "target",
    [
        "arn:aws:ecs:us-east-1:123456789012:container-instance/web/{id}",
        "arn:aws:ecs:eu-west-1:999999999999:container-instance/web/{id}",
        "arn:aws:ecs:eu-west-1:123456789012:container-instance/other/{id}",
        "arn:aws:ecs:eu-west-1:123456789012:task/web/{id}",
        "arn:aws:ecs:eu-west-1:123456789012:container-instance/x/web/{id}",
    ],
)
def test_arns_naming_other_places_are_not_found(web: Any, arn: str, target: str) -> None:
    web.create_cluster(clusterName="other")
    ref = target.format(id=short(arn))
    with pytest.raises(web.exceptions.TargetNotFoundException) as err:
        web.put_attributes(cluster="web", attributes=[{"name": "a", "targetId": ref}])
    assert message(err) == TARGET_NOT_FOUND.format(ref)


def test_instance_of_another_cluster_is_not_found(web: Any, arn: str) -> None:
    web.create_cluster(clusterName="other")
    with pytest.raises(web.exceptions.TargetNotFoundException) as err:
        web.put_attributes(cluster="other", attributes=[{"name": "a", "targetId": arn}])
    assert message(err) == TARGET_NOT_FOUND.format(arn)


def test_deregistered_instance_takes_no_attributes(web: Any, arn: str) -> None:
    web.deregister_container_instance(cluster="web", containerInstance=arn)
    with pytest.raises(web.exceptions.TargetNotFoundException) as err:
        web.put_attributes(cluster="web", attributes=[{"name": "a", "targetId": arn}])
    assert message(err) == TARGET_NOT_FOUND.format(arn)


def test_bare_id_needs_target_type(web: Any, arn: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.put_attributes(cluster="web", attributes=[{"name": "a", "targetId": short(arn)}])
    assert message(err) == NEEDS_TYPE.format(short(arn))
    assert custom(web, arn) == []


def test_target_id_is_needed(web: Any, arn: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.put_attributes(cluster="web", attributes=[{"name": "a", "targetType": CI}])
    assert message(err) == NO_TARGET.format("a")


@pytest.mark.parametrize("name", ["", "has space", "x" * 129, "a#b", "ä"])
def test_bad_names(web: Any, arn: str, name: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.put_attributes(
            cluster="web",
            attributes=[
                {"name": "fine", "targetId": arn},
                {"name": name, "targetId": arn},
            ],
        )
    assert message(err) == BAD_NAME.format(name)
    assert custom(web, arn) == []


@pytest.mark.parametrize("value", ["", " lead", "trail ", " ", "x" * 129, "a#b", "tab\there"])
def test_bad_values(web: Any, arn: str, value: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.put_attributes(
            cluster="web", attributes=[{"name": "stack", "value": value, "targetId": arn}]
        )
    assert message(err) == BAD_VALUE.format(value)


def test_agent_namespaces_may_be_put_and_do_not_count(web: Any, arn: str) -> None:
    # No evidence shows ECS refusing names in the agent's namespaces, so ecsmock takes
    # them; they do not count toward the 10 custom attributes.
    web.put_attributes(
        cluster="web",
        attributes=[
            {"name": "ecs.instance-type", "value": "m5.xlarge", "targetId": arn},
            {"name": "com.amazonaws.ecs.capability.foo", "targetId": arn},
            *({"name": f"a{i}", "targetId": arn} for i in range(8)),
        ],
    )
    attributes = describe(web, arn)["attributes"]
    assert {"name": "ecs.instance-type", "value": "m5.xlarge"} in attributes
    assert {"name": "com.amazonaws.ecs.capability.foo"} in attributes
    web.put_attributes(
        cluster="web", attributes=[{"name": f"b{i}", "targetId": arn} for i in range(2)]
    )
    with pytest.raises(web.exceptions.AttributeLimitExceededException):
        web.put_attributes(cluster="web", attributes=[{"name": "c", "targetId": arn}])


def test_other_target_type_is_refused(web: Any, arn: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.put_attributes(
            cluster="web",
            attributes=[
                {"name": "a", "targetId": arn},
                {"name": "b", "targetId": arn, "targetType": "task"},
            ],
        )
    assert message(err) == BAD_TYPE.format("attributes[1].targetType")
    assert custom(web, arn) == []


def test_batch_size(web: Any, arn: str) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.put_attributes(
            cluster="web", attributes=[{"name": f"a{i}", "targetId": arn} for i in range(11)]
        )
    assert message(err) == TOO_MANY
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.put_attributes(cluster="web", attributes=[])
    assert message(err) == EMPTY
    assert custom(web, arn) == []


def test_unknown_or_deleted_cluster(web: Any, arn: str) -> None:
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.put_attributes(cluster="nope", attributes=[{"name": "a", "targetId": arn}])
    assert message(err) == CLUSTER_NOT_FOUND
    web.create_cluster(clusterName="gone")
    web.delete_cluster(cluster="gone")
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.put_attributes(cluster="gone", attributes=[{"name": "a", "targetId": arn}])
    assert message(err) == "The referenced cluster was inactive."


# -- DeleteAttributes ------------------------------------------------------------------


def test_delete_echoes_the_request_and_removes(web: Any, arn: str, ecs: ECSMock) -> None:
    web.put_attributes(
        cluster="web",
        attributes=[
            {"name": "stack", "value": "prod", "targetId": arn},
            {"name": "team", "value": "core", "targetId": arn},
        ],
    )
    items = [
        {"name": "stack", "targetId": arn},
        {"name": "team", "value": "ignored", "targetId": short(arn), "targetType": CI},
    ]
    # Each deleted attribute with the value it had (delete-attributes CLI example).
    assert body(web.delete_attributes(cluster="web", attributes=items)) == {
        "attributes": [
            {"name": "stack", "targetId": arn, "value": "prod"},
            {"name": "team", "targetId": short(arn), "targetType": CI, "value": "core"},
        ]
    }
    assert custom(web, arn) == []
    assert describe(web, arn)["version"] == 3
    assert instance_events(ecs) == [1, 2, 3]


def test_delete_of_an_absent_name_is_no_error_and_no_change(
    web: Any, arn: str, ecs: ECSMock
) -> None:
    item = {"name": "never", "targetId": arn}
    assert body(web.delete_attributes(cluster="web", attributes=[item])) == {"attributes": [item]}
    assert describe(web, arn)["version"] == 1
    assert instance_events(ecs) == [1]


def test_delete_frees_room_under_the_limit(web: Any, arn: str) -> None:
    web.put_attributes(
        cluster="web", attributes=[{"name": f"a{i}", "targetId": arn} for i in range(10)]
    )
    web.delete_attributes(cluster="web", attributes=[{"name": "a3", "targetId": arn}])
    web.put_attributes(cluster="web", attributes=[{"name": "b", "targetId": arn}])
    assert [a["name"] for a in custom(web, arn)][-2:] == ["a9", "b"]


def test_built_in_attributes_may_be_deleted(web: Any, arn: str) -> None:
    # No evidence shows ECS refusing it.
    web.put_attributes(cluster="web", attributes=[{"name": "stack", "targetId": arn}])
    answer = web.delete_attributes(
        cluster="web",
        attributes=[{"name": "stack", "targetId": arn}, {"name": "ecs.os-type", "targetId": arn}],
    )
    assert answer["attributes"][1] == {"name": "ecs.os-type", "targetId": arn, "value": "linux"}
    names = [a["name"] for a in describe(web, arn)["attributes"]]
    assert "ecs.os-type" not in names
    assert "stack" not in names


def test_delete_errors_change_nothing(web: Any, arn: str) -> None:
    web.put_attributes(cluster="web", attributes=[{"name": "stack", "targetId": arn}])
    missing = f"{ARN}container-instance/web/{'0' * 32}"
    with pytest.raises(web.exceptions.TargetNotFoundException) as err:
        web.delete_attributes(
            cluster="web",
            attributes=[{"name": "stack", "targetId": arn}, {"name": "x", "targetId": missing}],
        )
    assert message(err) == TARGET_NOT_FOUND.format(missing)
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.delete_attributes(cluster="web", attributes=[{"name": "stack", "targetId": short(arn)}])
    assert message(err) == NEEDS_TYPE.format(short(arn))
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.delete_attributes(cluster="web", attributes=[{"name": "bad name", "targetId": arn}])
    assert message(err) == BAD_NAME.format("bad name")
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.delete_attributes(
            cluster="web", attributes=[{"name": f"a{i}", "targetId": arn} for i in range(11)]
        )
    assert message(err) == TOO_MANY
    with pytest.raises(web.exceptions.ClusterNotFoundException):
        web.delete_attributes(cluster="nope", attributes=[{"name": "stack", "targetId": arn}])
    assert custom(web, arn) == [{"name": "stack"}]


# -- ListAttributes --------------------------------------------------------------------


def test_list_includes_built_ins_in_stored_order(web: Any, arn: str) -> None:
    web.put_attributes(
        cluster="web", attributes=[{"name": "stack", "value": "prod", "targetId": arn}]
    )
    stored = describe(web, arn)["attributes"]
    listed = everything(web)
    assert listed == [{**a, "targetType": CI, "targetId": arn} for a in stored]
    assert [a["name"] for a in listed] == [*BUILTIN_NAMES, "stack"]
    assert {
        "name": "ecs.instance-type",
        "value": "m5.large",
        "targetType": CI,
        "targetId": arn,
    } in (listed)
    assert listed[4] == {
        "name": "com.amazonaws.ecs.capability.docker-remote-api.1.17",
        "targetType": CI,
        "targetId": arn,
    }


def test_list_filters_by_name_and_value(web: Any, arn: str) -> None:
    other = register(web)
    web.put_attributes(
        cluster="web",
        attributes=[
            {"name": "stack", "value": "prod", "targetId": arn},
            {"name": "stack", "value": "dev", "targetId": other},
            {"name": "flag", "targetId": other},
        ],
    )
    assert everything(web, attributeName="stack") == [
        {"name": "stack", "value": "prod", "targetType": CI, "targetId": arn},
        {"name": "stack", "value": "dev", "targetType": CI, "targetId": other},
    ]
    assert everything(web, attributeName="stack", attributeValue="dev") == [
        {"name": "stack", "value": "dev", "targetType": CI, "targetId": other},
    ]
    assert everything(web, attributeName="flag") == [
        {"name": "flag", "targetType": CI, "targetId": other},
    ]
    assert everything(web, attributeName="flag", attributeValue="x") == []
    assert everything(web, attributeName="ecs.os-type", attributeValue="linux") == [
        {"name": "ecs.os-type", "value": "linux", "targetType": CI, "targetId": arn},
        {"name": "ecs.os-type", "value": "linux", "targetType": CI, "targetId": other},
    ]
    assert everything(web, attributeName="missing") == []


def test_list_value_filter_needs_a_name(web: Any) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.list_attributes(cluster="web", targetType=CI, attributeValue="prod")
    assert message(err) == VALUE_NEEDS_NAME


def test_list_skips_inactive_instances_and_other_clusters(web: Any, arn: str) -> None:
    web.create_cluster(clusterName="other")
    elsewhere = register(web, "other")
    kept = register(web)
    web.deregister_container_instance(cluster="web", containerInstance=arn)
    assert {a["targetId"] for a in everything(web)} == {kept}
    assert {a["targetId"] for a in everything(web, "other")} == {elsewhere}


def test_list_of_a_cluster_without_instances(web: Any) -> None:
    assert body(web.list_attributes(cluster="web", targetType=CI)) == {"attributes": []}


def test_list_pages(web: Any, arn: str) -> None:
    register(web)
    whole = everything(web)
    assert len(whole) == 2 * len(BUILTIN_NAMES)
    first = web.list_attributes(cluster="web", targetType=CI)  # 100 by default
    assert first["attributes"] == whole[:100]
    second = web.list_attributes(cluster="web", targetType=CI, nextToken=first["nextToken"])
    assert second["attributes"] == whole[100:]
    assert "nextToken" not in second
    pages = web.get_paginator("list_attributes").paginate(
        cluster="web", targetType=CI, PaginationConfig={"PageSize": 7}
    )
    assert [a for p in pages for a in p["attributes"]] == whole


def test_list_errors(web: Any) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.list_attributes(cluster="web", targetType="task")
    assert message(err) == BAD_TYPE.format("targetType")
    for size in (0, 101):
        with pytest.raises(web.exceptions.InvalidParameterException) as err:
            web.list_attributes(cluster="web", targetType=CI, maxResults=size)
        assert message(err) == "maxResults must be between 1 and 100, inclusive."
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        web.list_attributes(cluster="web", targetType=CI, nextToken="bogus")
    assert message(err) == "Invalid nextToken. Use the nextToken value from a previous response."
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.list_attributes(cluster="nope", targetType=CI)
    assert message(err) == CLUSTER_NOT_FOUND


def test_token_of_one_cluster_is_refused_by_another(web: Any, arn: str) -> None:
    web.create_cluster(clusterName="other")
    register(web, "other")
    token = web.list_attributes(cluster="web", targetType=CI, maxResults=1)["nextToken"]
    with pytest.raises(web.exceptions.InvalidParameterException):
        web.list_attributes(cluster="other", targetType=CI, nextToken=token)


def test_each_region_has_its_own_attributes(web: Any, arn: str) -> None:
    east = boto3.client("ecs", region_name="us-east-1")
    east.create_cluster(clusterName="web")
    assert body(east.list_attributes(cluster="web", targetType=CI)) == {"attributes": []}
    with pytest.raises(east.exceptions.TargetNotFoundException) as err:
        east.put_attributes(cluster="web", attributes=[{"name": "a", "targetId": arn}])
    assert code(err) == "TargetNotFoundException"
