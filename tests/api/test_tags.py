"""TagResource / UntagResource / ListTagsForResource through a real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from ecsmock import ECSMock

WEB = "arn:aws:ecs:eu-west-1:123456789012:cluster/web"
RESERVED = "Tag key '{}' is not valid: keys beginning with 'aws:' are reserved for AWS use."


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def tags_of(client: Any, arn: str = WEB) -> list[dict[str, str]]:
    response = client.list_tags_for_resource(resourceArn=arn)
    response.pop("ResponseMetadata")
    assert list(response) == ["tags"]
    return list(response["tags"])


def pairs(n: int, prefix: str = "k") -> list[dict[str, str]]:
    return [{"key": f"{prefix}{i}", "value": f"v{i}"} for i in range(n)]


@pytest.fixture
def web(client: Any, ecs: ECSMock) -> Any:
    """The cluster `web` (model object), tagged team=payments."""
    client.create_cluster(clusterName="web", tags=[{"key": "team", "value": "payments"}])
    return ecs.world.backend("123456789012", "eu-west-1").clusters["web"]


def test_tag_list_untag_round_trip(client: Any, web: Any) -> None:
    assert tags_of(client) == [{"key": "team", "value": "payments"}]
    answer = client.tag_resource(
        resourceArn=WEB,
        tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "search"}, {"key": "e"}],
    )
    answer.pop("ResponseMetadata")
    assert answer == {}
    assert tags_of(client) == [
        {"key": "team", "value": "search"},
        {"key": "env", "value": "prod"},
        {"key": "e", "value": ""},
    ]
    answer = client.untag_resource(resourceArn=WEB, tagKeys=["team", "absent", "E"])
    answer.pop("ResponseMetadata")
    assert answer == {}
    assert tags_of(client) == [{"key": "env", "value": "prod"}, {"key": "e", "value": ""}]
    found = client.describe_clusters(clusters=["web"], include=["TAGS"])["clusters"][0]
    assert found["tags"] == [{"key": "env", "value": "prod"}, {"key": "e", "value": ""}]


def test_keys_are_case_sensitive(client: Any, web: Any) -> None:
    client.tag_resource(resourceArn=WEB, tags=[{"key": "Team", "value": "x"}])
    assert tags_of(client) == [{"key": "team", "value": "payments"}, {"key": "Team", "value": "x"}]


def test_empty_tag_list_changes_nothing(client: Any, web: Any) -> None:
    client.tag_resource(resourceArn=WEB, tags=[])
    client.untag_resource(resourceArn=WEB, tagKeys=[])
    assert tags_of(client) == [{"key": "team", "value": "payments"}]


def test_allowed_characters(client: Any, web: Any) -> None:
    tags = [
        {"key": "a b+c-d=e.f_g:h/i@j", "value": "A Z 0 9 + - = . _ : / @"},
        {"key": "ключ", "value": "日本語"},
        {"key": "x" * 128, "value": "y" * 256},
    ]
    client.tag_resource(resourceArn=WEB, tags=tags)
    assert tags_of(client)[1:] == tags


def test_fifty_user_tags_fit(client: Any, web: Any) -> None:
    client.tag_resource(resourceArn=WEB, tags=pairs(49))
    assert len(tags_of(client)) == 50
    # Overwriting a key at the limit is fine: the count does not grow.
    client.tag_resource(resourceArn=WEB, tags=[{"key": "k0", "value": "new"}])
    assert tags_of(client)[1] == {"key": "k0", "value": "new"}


def test_fifty_first_user_tag_is_refused(client: Any, web: Any) -> None:
    client.tag_resource(resourceArn=WEB, tags=pairs(49))
    before = tags_of(client)
    with pytest.raises(client.exceptions.LimitExceededException) as err:
        client.tag_resource(resourceArn=WEB, tags=[{"key": "k0", "value": "x"}, *pairs(1, "n")])
    assert message(err) == (
        "The tag limit of 50 user tags per resource would be exceeded. "
        "Tags beginning with 'aws:' do not count toward the limit."
    )
    assert tags_of(client) == before


def test_more_than_fifty_tags_in_one_request(client: Any, web: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.tag_resource(resourceArn=WEB, tags=pairs(51))
    assert message(err) == "A resource can have at most 50 tags; the request has more."
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.create_cluster(clusterName="big", tags=pairs(51))
    assert tags_of(client) == [{"key": "team", "value": "payments"}]


def test_reserved_tags_do_not_count_and_cannot_be_removed(client: Any, web: Any) -> None:
    web.tags["aws:cloudformation:stack-name"] = "shop"
    web.tags["AWS:origin"] = "console"
    client.tag_resource(resourceArn=WEB, tags=pairs(49))
    listed = tags_of(client)
    assert len(listed) == 52
    assert listed[1:3] == [
        {"key": "aws:cloudformation:stack-name", "value": "shop"},
        {"key": "AWS:origin", "value": "console"},
    ]
    for key in ("aws:cloudformation:stack-name", "AWS:origin", "Aws:anything"):
        with pytest.raises(client.exceptions.InvalidParameterException) as err:
            client.untag_resource(resourceArn=WEB, tagKeys=["k0", key])
        assert message(err) == (
            f"Tag key '{key}' is not valid: keys beginning with 'aws:' are reserved for AWS "
            "use and cannot be removed."
        )
    assert tags_of(client) == listed


@pytest.mark.parametrize(
    ("tag", "text"),
    [
        ({"key": "aws:team", "value": "x"}, RESERVED.format("aws:team")),
        ({"key": "AWS:team", "value": "x"}, RESERVED.format("AWS:team")),
        ({"key": "aWs:team", "value": "x"}, RESERVED.format("aWs:team")),
        (
            {"key": "team", "value": "Aws:x"},
            "The value of tag 'team' is not valid: values beginning with 'aws:' are reserved "
            "for AWS use.",
        ),
        (
            {"key": "k" * 129, "value": "x"},
            f"Tag key '{'k' * 32}...' is too long: tag keys can have at most 128 characters.",
        ),
        (
            {"key": "team", "value": "v" * 257},
            "The value of tag 'team' is too long: tag values can have at most 256 characters.",
        ),
        (
            {"key": "a#b", "value": "x"},
            "Tag key 'a#b' contains invalid characters. Allowed: letters, numbers, spaces and "
            "+ - = . _ : / @",
        ),
        (
            {"key": "team", "value": "a*b"},
            "The value of tag 'team' contains invalid characters. Allowed: letters, numbers, "
            "spaces and + - = . _ : / @",
        ),
        ({"value": "no key"}, "Tag keys must not be empty."),
    ],
)
def test_bad_tags_are_refused_all_or_nothing(
    client: Any, web: Any, tag: dict[str, str], text: str
) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.tag_resource(resourceArn=WEB, tags=[{"key": "new", "value": "1"}, tag])
    assert message(err) == text
    assert tags_of(client) == [{"key": "team", "value": "payments"}]


def test_tags_on_an_inactive_cluster(client: Any, ecs: ECSMock, web: Any) -> None:
    client.delete_cluster(cluster="web")
    assert tags_of(client) == []
    calls: list[Callable[[], Any]] = [
        lambda: client.tag_resource(resourceArn=WEB, tags=[{"key": "a", "value": "b"}]),
        lambda: client.untag_resource(resourceArn=WEB, tagKeys=["team"]),
    ]
    for call in calls:
        with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
            call()
        assert message(err) == "The referenced cluster was inactive."
    ecs.advance(3600)
    with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
        client.list_tags_for_resource(resourceArn=WEB)
    assert message(err) == "Cluster not found."


def test_recreated_cluster_starts_untagged(client: Any, web: Any) -> None:
    client.delete_cluster(cluster="web")
    client.create_cluster(clusterName="web")
    assert tags_of(client) == []


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:ecs:eu-west-1:123456789012:cluster/nope",
        "arn:aws:ecs:us-east-1:123456789012:cluster/web",
        "arn:aws:ecs:eu-west-1:210987654321:cluster/web",
    ],
)
def test_unknown_cluster_arns(client: Any, web: Any, arn: str) -> None:
    calls: list[Callable[[], Any]] = [
        lambda: client.list_tags_for_resource(resourceArn=arn),
        lambda: client.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "b"}]),
        lambda: client.untag_resource(resourceArn=arn, tagKeys=["a"]),
    ]
    for call in calls:
        with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
            call()
        assert message(err) == "Cluster not found."


def test_other_resource_kinds(client: Any) -> None:
    service = "arn:aws:ecs:eu-west-1:123456789012:service/web/api"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as err:
        client.list_tags_for_resource(resourceArn=service)
    assert message(err) == "The specified resource wasn't found."
    container = "arn:aws:ecs:eu-west-1:123456789012:container/web/abc/def"
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.tag_resource(resourceArn=container, tags=[])
    assert message(err) == "The resource type 'container' does not support tagging."
    for bad in ("web", "arn:aws:s3:::bucket", "arn:aws:ecs:eu-west-1:123456789012:cluster"):
        with pytest.raises(client.exceptions.InvalidParameterException) as err:
            client.untag_resource(resourceArn=bad, tagKeys=["a"])
        assert message(err) == f"The ARN '{bad}' is not a valid Amazon ECS resource ARN."


def test_tags_are_per_region(client: Any, web: Any) -> None:
    other = boto3.client("ecs", region_name="us-east-1")
    other.create_cluster(clusterName="web", tags=[{"key": "where", "value": "us"}])
    us = "arn:aws:ecs:us-east-1:123456789012:cluster/web"
    assert tags_of(other, us) == [{"key": "where", "value": "us"}]
    assert tags_of(client) == [{"key": "team", "value": "payments"}]
