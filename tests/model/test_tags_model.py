"""The tag rules, without botocore."""

from __future__ import annotations

import pytest

from ecsmock.errors import InvalidParameterException, LimitExceededException
from ecsmock.model import tags


@pytest.mark.parametrize(
    ("text", "expected"),
    [("aws:x", True), ("AWS:x", True), ("aWs:", True), ("aws", False), ("xaws:", False)],
)
def test_reserved(text: str, expected: bool) -> None:
    assert tags.reserved(text) is expected


def test_user_count_skips_reserved_keys() -> None:
    assert tags.user_count({"a": "1", "aws:b": "2", "AWS:c": "3", "d": "aws:x"}) == 2


@pytest.mark.parametrize("key", ["a", "k" * 128, "with space", "ключ", "a+b-c=d.e_f:g/h@i"])
def test_check_key_accepts(key: str) -> None:
    tags.check_key(key)


@pytest.mark.parametrize("key", ["", "k" * 129, "a#b", "a\tb", "aws:x", "Aws:x", "emoji🙂"])
def test_check_key_refuses(key: str) -> None:
    with pytest.raises(InvalidParameterException):
        tags.check_key(key)


@pytest.mark.parametrize("value", ["", "v" * 256, "日本 語", "a@b.c"])
def test_check_value_accepts(value: str) -> None:
    tags.check_value("k", value)


@pytest.mark.parametrize("value", ["v" * 257, "a*b", "aws:v", "AWS:"])
def test_check_value_refuses(value: str) -> None:
    with pytest.raises(InvalidParameterException):
        tags.check_value("k", value)


def test_merged_overwrites_and_appends_without_touching_current() -> None:
    current = {"a": "1", "b": "2"}
    assert tags.merged(current, [("b", "3"), ("c", "4")]) == {"a": "1", "b": "3", "c": "4"}
    assert current == {"a": "1", "b": "2"}


def test_merged_limit_counts_user_tags_only() -> None:
    current = {f"k{i}": "" for i in range(49)} | {"aws:x": "1"}
    assert len(tags.merged(current, [("new", "v")])) == 51
    with pytest.raises(LimitExceededException) as err:
        tags.merged(current, [("new", "v"), ("newer", "v")])
    assert err.value.message == tags.TOO_MANY_ON_RESOURCE
    assert len(current) == 50


def test_merged_refuses_more_than_fifty_in_one_request() -> None:
    with pytest.raises(InvalidParameterException) as err:
        tags.merged({}, [(f"k{i}", "") for i in range(51)])
    assert err.value.message == tags.TOO_MANY_IN_REQUEST


def test_merged_checks_every_tag_before_merging() -> None:
    with pytest.raises(InvalidParameterException):
        tags.merged({"a": "1"}, [("ok", "1"), ("aws:no", "2")])


def test_without_ignores_missing_and_refuses_reserved() -> None:
    current = {"a": "1", "b": "2", "aws:c": "3"}
    assert tags.without(current, ["a", "zzz"]) == {"b": "2", "aws:c": "3"}
    with pytest.raises(InvalidParameterException):
        tags.without(current, ["a", "AWS:c"])
    assert current == {"a": "1", "b": "2", "aws:c": "3"}
