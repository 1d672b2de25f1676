"""Account-setting layering, without botocore."""

from __future__ import annotations

import pytest

from ecsmock.errors import InvalidParameterException
from ecsmock.model.clusters.account_settings import AWS_DEFAULTS, AccountSettings, Setting

ROOT = "arn:aws:iam::123456789012:root"
BOB = "arn:aws:iam::123456789012:user/bob"


@pytest.fixture
def settings() -> AccountSettings:
    return AccountSettings("123456789012")


def test_aws_defaults_apply_when_nothing_is_set(settings: AccountSettings) -> None:
    assert settings.effective("containerInsights", BOB) == Setting(
        "containerInsights", "disabled", ROOT
    )
    assert settings.effective("guardDutyActivate", BOB) == Setting(
        "guardDutyActivate", "off", ROOT, "aws_managed"
    )


def test_principal_over_account_default_over_aws_default(settings: AccountSettings) -> None:
    settings.put_default("awsvpcTrunking", "enabled")
    assert settings.effective("awsvpcTrunking", BOB) == Setting("awsvpcTrunking", "enabled", ROOT)
    settings.put("awsvpcTrunking", "disabled", BOB)
    assert settings.effective("awsvpcTrunking", BOB) == Setting("awsvpcTrunking", "disabled", BOB)
    assert settings.delete("awsvpcTrunking", BOB) == Setting("awsvpcTrunking", "disabled", BOB)
    assert settings.effective("awsvpcTrunking", BOB).value == "enabled"
    settings.delete("awsvpcTrunking", None)
    assert settings.effective("awsvpcTrunking", BOB).value == "disabled"


def test_listing_is_by_name(settings: AccountSettings) -> None:
    settings.put("taskLongArnFormat", "disabled", None)
    settings.put("awsvpcTrunking", "enabled", None)
    assert [s.name for s in settings.listing(None, effective=False)] == [
        "awsvpcTrunking",
        "taskLongArnFormat",
    ]
    names = [s.name for s in settings.listing(BOB, effective=True)]
    assert names == sorted(AWS_DEFAULTS)
    assert settings.listing(BOB, effective=False) == []


@pytest.mark.parametrize(
    ("name", "value", "principal"),
    [
        ("nope", "enabled", None),
        ("awsvpcTrunking", "maybe", None),
        ("containerInsights", "on", None),
        ("tagResourceAuthorization", "enabled", None),
        ("guardDutyActivate", "on", None),
        ("fargateTaskRetirementWaitPeriod", "7", BOB),
        ("fargateFIPSMode", "enabled", BOB),
        ("awsvpcTrunking", "enabled", "arn:aws:iam::123456789012:group/devs"),
    ],
)
def test_put_refuses(
    settings: AccountSettings, name: str, value: str, principal: str | None
) -> None:
    with pytest.raises(InvalidParameterException):
        settings.put(name, value, principal)
    assert settings.listing(None, effective=False) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("containerInsights", "enhanced"),
        ("tagResourceAuthorization", "off"),
        ("fargateTaskRetirementWaitPeriod", "0"),
        ("defaultLogDriverMode", "blocking"),
        ("fargateEventWindows", "enabled"),
    ],
)
def test_put_accepts(settings: AccountSettings, name: str, value: str) -> None:
    assert settings.put(name, value, None) == Setting(name, value, ROOT)


def test_root_principal_is_the_account_default(settings: AccountSettings) -> None:
    settings.put("fargateTaskRetirementWaitPeriod", "14", ROOT)
    assert settings.effective("fargateTaskRetirementWaitPeriod", BOB).value == "14"
