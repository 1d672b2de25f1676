"""Account-setting operations through a real boto3 client."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

ROOT = "arn:aws:iam::123456789012:root"
ALICE = "arn:aws:iam::123456789012:user/alice"
DEPLOYER = "arn:aws:iam::123456789012:role/deployer"
DEFAULTS = {
    "awsvpcTrunking": "disabled",
    "containerInsights": "disabled",
    "containerInstanceLongArnFormat": "enabled",
    "defaultLogDriverMode": "non-blocking",
    "fargateEventWindows": "disabled",
    "fargateFIPSMode": "disabled",
    "fargateTaskRetirementWaitPeriod": "7",
    "guardDutyActivate": "off",
    "serviceLongArnFormat": "enabled",
    "tagResourceAuthorization": "on",
    "taskLongArnFormat": "enabled",
}


def body(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata")
    return response


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def setting(name: str, value: str, principal: str = ROOT, kind: str = "user") -> dict[str, str]:
    return {"name": name, "value": value, "principalArn": principal, "type": kind}


def effective(client: Any, **filters: Any) -> dict[str, str]:
    found = client.list_account_settings(effectiveSettings=True, **filters)["settings"]
    return {s["name"]: s["value"] for s in found}


def test_nothing_set_lists_nothing(client: Any) -> None:
    assert body(client.list_account_settings()) == {"settings": []}
    assert body(client.list_account_settings(principalArn=ALICE)) == {"settings": []}


def test_effective_settings_are_the_aws_defaults(client: Any) -> None:
    first = client.list_account_settings(effectiveSettings=True)
    second = client.list_account_settings(effectiveSettings=True, nextToken=first["nextToken"])
    assert "nextToken" not in second
    found = first["settings"] + second["settings"]
    assert found == [
        setting(name, value, kind="aws_managed" if name == "guardDutyActivate" else "user")
        for name, value in DEFAULTS.items()
    ]


def test_put_account_setting_for_the_caller(client: Any) -> None:
    answer = body(client.put_account_setting(name="containerInsights", value="enhanced"))
    assert answer == {"setting": setting("containerInsights", "enhanced")}
    assert body(client.list_account_settings()) == {
        "settings": [setting("containerInsights", "enhanced")]
    }


def test_layering_principal_over_account_default_over_aws_default(client: Any) -> None:
    assert effective(client, name="awsvpcTrunking", principalArn=ALICE) == {
        "awsvpcTrunking": "disabled"
    }
    answer = client.put_account_setting_default(name="awsvpcTrunking", value="enabled")
    assert answer["setting"] == setting("awsvpcTrunking", "enabled")
    found = client.list_account_settings(
        name="awsvpcTrunking", principalArn=ALICE, effectiveSettings=True
    )["settings"]
    assert found == [setting("awsvpcTrunking", "enabled")]
    answer = client.put_account_setting(name="awsvpcTrunking", value="disabled", principalArn=ALICE)
    assert answer["setting"] == setting("awsvpcTrunking", "disabled", ALICE)
    found = client.list_account_settings(
        name="awsvpcTrunking", principalArn=ALICE, effectiveSettings=True
    )["settings"]
    assert found == [setting("awsvpcTrunking", "disabled", ALICE)]
    # Other principals still get the account default; root's own list has it.
    assert effective(client, name="awsvpcTrunking", principalArn=DEPLOYER) == {
        "awsvpcTrunking": "enabled"
    }
    assert client.list_account_settings(principalArn=ALICE)["settings"] == [
        setting("awsvpcTrunking", "disabled", ALICE)
    ]


def test_put_for_root_principal_is_the_account_default(client: Any) -> None:
    client.put_account_setting(name="containerInsights", value="enabled", principalArn=ROOT)
    assert effective(client, name="containerInsights", principalArn=ALICE) == {
        "containerInsights": "enabled"
    }


def test_delete_account_setting(client: Any) -> None:
    client.put_account_setting_default(name="serviceLongArnFormat", value="disabled")
    client.put_account_setting(name="serviceLongArnFormat", value="enabled", principalArn=ALICE)
    deleted = body(client.delete_account_setting(name="serviceLongArnFormat", principalArn=ALICE))
    assert deleted == {"setting": setting("serviceLongArnFormat", "enabled", ALICE)}
    assert client.list_account_settings(principalArn=ALICE)["settings"] == []
    assert effective(client, name="serviceLongArnFormat", principalArn=ALICE) == {
        "serviceLongArnFormat": "disabled"
    }
    root = body(client.delete_account_setting(name="serviceLongArnFormat"))
    assert root == {"setting": setting("serviceLongArnFormat", "disabled")}
    assert effective(client, name="serviceLongArnFormat", principalArn=ALICE) == {
        "serviceLongArnFormat": "enabled"
    }


def test_delete_of_an_unset_setting_answers_what_applies(client: Any) -> None:
    deleted = client.delete_account_setting(name="awsvpcTrunking", principalArn=ALICE)
    assert deleted["setting"] == setting("awsvpcTrunking", "disabled")
    assert client.list_account_settings(principalArn=ALICE)["settings"] == []


def test_list_filters(client: Any) -> None:
    client.put_account_setting(name="containerInsights", value="enabled")
    client.put_account_setting(name="awsvpcTrunking", value="enabled")
    client.put_account_setting(name="taskLongArnFormat", value="disabled")
    assert client.list_account_settings()["settings"] == [
        setting("awsvpcTrunking", "enabled"),
        setting("containerInsights", "enabled"),
        setting("taskLongArnFormat", "disabled"),
    ]
    assert client.list_account_settings(name="containerInsights")["settings"] == [
        setting("containerInsights", "enabled")
    ]
    by_value = client.list_account_settings(name="containerInsights", value="disabled")
    assert by_value["settings"] == []
    found = client.list_account_settings(
        name="serviceLongArnFormat", value="enabled", effectiveSettings=True
    )
    assert found["settings"] == [setting("serviceLongArnFormat", "enabled")]


def test_list_pagination(client: Any) -> None:
    pages = client.get_paginator("list_account_settings").paginate(
        effectiveSettings=True, PaginationConfig={"PageSize": 4}
    )
    sizes = [len(page["settings"]) for page in pages]
    assert sizes == [4, 4, 3]
    first = client.list_account_settings(effectiveSettings=True, maxResults=10)
    assert len(first["settings"]) == 10
    rest = body(
        client.list_account_settings(
            effectiveSettings=True, maxResults=10, nextToken=first["nextToken"]
        )
    )
    assert rest == {"settings": [setting("taskLongArnFormat", "enabled")]}


@pytest.mark.parametrize("size", [0, 11])
def test_list_rejects_bad_max_results(client: Any, size: int) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.list_account_settings(maxResults=size)
    assert message(err) == "maxResults must be between 1 and 10, inclusive."


def test_list_rejects_bad_tokens(client: Any) -> None:
    client.create_cluster(clusterName="a")
    client.create_cluster(clusterName="b")
    clusters_token = client.list_clusters(maxResults=1)["nextToken"]
    for token in ("nope", clusters_token):
        with pytest.raises(client.exceptions.InvalidParameterException) as err:
            client.list_account_settings(nextToken=token)
        assert (
            message(err) == "Invalid nextToken. Use the nextToken value from a previous response."
        )


def test_list_value_needs_a_name(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.list_account_settings(value="enabled")
    assert message(err) == (
        "The value parameter can only be used when a setting name is also specified."
    )


NAMES = ", ".join(
    [
        "serviceLongArnFormat",
        "taskLongArnFormat",
        "containerInstanceLongArnFormat",
        "awsvpcTrunking",
        "containerInsights",
        "fargateFIPSMode",
        "tagResourceAuthorization",
        "fargateTaskRetirementWaitPeriod",
        "guardDutyActivate",
        "defaultLogDriverMode",
        "fargateEventWindows",
    ]
)


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (
            lambda c: c.put_account_setting(name="dualStackIPv6", value="enabled"),
            "Invalid setting 'name'",
        ),
        (
            lambda c: c.list_account_settings(name="nope"),
            "Invalid setting 'name'",
        ),
        (
            lambda c: c.delete_account_setting(name="nope"),
            "Invalid setting 'name'",
        ),
        (
            lambda c: c.put_account_setting(name="taskLongArnFormat", value="ENABLED"),
            # Real output for `--value ENABLED` (aws/aws-cli#3785).
            "Invalid setting 'value'",
        ),
        (
            lambda c: c.put_account_setting_default(
                name="fargateTaskRetirementWaitPeriod", value="3"
            ),
            "Invalid setting 'value'",
        ),
        (
            lambda c: c.put_account_setting(name="guardDutyActivate", value="on"),
            "The account setting 'guardDutyActivate' is managed by AWS and cannot be changed.",
        ),
        (
            lambda c: c.delete_account_setting(name="guardDutyActivate"),
            "The account setting 'guardDutyActivate' is managed by AWS and cannot be changed.",
        ),
        (
            lambda c: c.put_account_setting(
                name="fargateTaskRetirementWaitPeriod", value="14", principalArn=ALICE
            ),
            "The account setting 'fargateTaskRetirementWaitPeriod' can only be changed for the "
            "root user.",
        ),
        (
            lambda c: c.put_account_setting(
                name="awsvpcTrunking", value="enabled", principalArn="alice"
            ),
            "Invalid principalArn 'alice'. Specify the ARN of the root user, an IAM user or an "
            "IAM role.",
        ),
        (
            lambda c: c.list_account_settings(
                principalArn="arn:aws:sts::123456789012:assumed-role/r/s"
            ),
            "Invalid principalArn 'arn:aws:sts::123456789012:assumed-role/r/s'. Specify the ARN "
            "of the root user, an IAM user or an IAM role.",
        ),
    ],
)
def test_rejections_change_nothing(client: Any, call: Any, text: str) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        call(client)
    assert message(err) == text
    assert client.list_account_settings()["settings"] == []


def test_root_only_settings_through_the_default(client: Any) -> None:
    answer = client.put_account_setting_default(name="fargateTaskRetirementWaitPeriod", value="14")
    assert answer["setting"] == setting("fargateTaskRetirementWaitPeriod", "14")
    client.put_account_setting_default(name="fargateFIPSMode", value="enabled")
    assert effective(client, name="fargateFIPSMode", principalArn=ALICE) == {
        "fargateFIPSMode": "enabled"
    }


def test_settings_are_per_region(client: Any) -> None:
    client.put_account_setting_default(name="containerInsights", value="enabled")
    other = boto3.client("ecs", region_name="us-east-1")
    assert other.list_account_settings()["settings"] == []
    made = other.create_cluster(clusterName="web")["cluster"]
    assert made["settings"] == [{"name": "containerInsights", "value": "disabled"}]
