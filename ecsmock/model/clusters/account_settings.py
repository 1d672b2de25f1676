"""Account settings: AWS defaults, the account default (root) and per-principal overrides.

From the PutAccountSetting / ListAccountSettings pages: a principal's own value wins, else
the root user's value (which PutAccountSettingDefault sets) is the account default, else the
AWS default. ecsmock's caller is the account's root user. Settings are per region (each
backend holds its own `AccountSettings`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecsmock.errors import InvalidParameterException
from ecsmock.model.clusters.cluster import INVALID_SETTING_NAME, INVALID_SETTING_VALUE

# AWS defaults today (spec 11.2): long ARNs are on for everyone since 2021-04-01.
AWS_DEFAULTS: dict[str, str] = {
    "serviceLongArnFormat": "enabled",
    "taskLongArnFormat": "enabled",
    "containerInstanceLongArnFormat": "enabled",
    "awsvpcTrunking": "disabled",
    "containerInsights": "disabled",
    "fargateFIPSMode": "disabled",
    "tagResourceAuthorization": "on",
    "fargateTaskRetirementWaitPeriod": "7",
    "guardDutyActivate": "off",
    "defaultLogDriverMode": "non-blocking",
    "fargateEventWindows": "disabled",
}

ALLOWED_VALUES: dict[str, tuple[str, ...]] = {
    "serviceLongArnFormat": ("enabled", "disabled"),
    "taskLongArnFormat": ("enabled", "disabled"),
    "containerInstanceLongArnFormat": ("enabled", "disabled"),
    "awsvpcTrunking": ("enabled", "disabled"),
    "containerInsights": ("enhanced", "enabled", "disabled"),
    "fargateFIPSMode": ("enabled", "disabled"),
    "tagResourceAuthorization": ("on", "off"),
    "fargateTaskRetirementWaitPeriod": ("0", "7", "14"),
    "guardDutyActivate": ("on", "off"),
    "defaultLogDriverMode": ("blocking", "non-blocking"),
    "fargateEventWindows": ("enabled", "disabled"),
}

# Settings AWS manages: readable, never writable by the user.
AWS_MANAGED = frozenset({"guardDutyActivate"})
# Settings only the root user (the account default) may change: the PutAccountSetting
# `principalArn` doc ("You must use the root user when you set the Fargate wait time") and
# fargateFIPSMode, documented for PutAccountSettingDefault only.
ROOT_ONLY = frozenset({"fargateTaskRetirementWaitPeriod", "fargateFIPSMode"})
# Principals that can hold settings: the root user, IAM users and roles.
PRINCIPAL_RE = re.compile(r"arn:aws[\w-]*:iam::\d{12}:(root|user/.+|role/.+)")


@dataclass(frozen=True, slots=True)
class Setting:
    """One account setting as ListAccountSettings reports it."""

    name: str
    value: str
    principal_arn: str
    type: str = "user"


def check_name(name: str) -> None:
    """The setting name must be one of the SettingName enum [M] (text by analogy [I])."""
    if name not in AWS_DEFAULTS:
        raise InvalidParameterException(INVALID_SETTING_NAME)


def check_principal(principal: str) -> None:
    """A principal ARN names the root user, an IAM user or an IAM role."""
    if not PRINCIPAL_RE.fullmatch(principal):
        # [M] principalArn: the root user, an IAM user or role; text [U]
        raise InvalidParameterException(
            f"Invalid principalArn '{principal}'. Specify the ARN of the root user, an IAM "
            "user or an IAM role."
        )


def _check_managed(name: str) -> None:
    if name in AWS_MANAGED:
        # [D] guardDutyActivate is managed by AWS (Account settings page); text [U]
        raise InvalidParameterException(
            f"The account setting '{name}' is managed by AWS and cannot be changed."
        )


def check_writable(name: str, value: str) -> None:
    """Name known, value allowed for it, and not an AWS-managed setting."""
    check_name(name)
    _check_managed(name)
    if value not in ALLOWED_VALUES[name]:
        # Real output for `--value ENABLED` (aws/aws-cli#3785) [O].
        raise InvalidParameterException(INVALID_SETTING_VALUE)


class AccountSettings:
    """The settings of one account in one region."""

    def __init__(self, account: str) -> None:
        self.root = f"arn:aws:iam::{account}:root"
        self._own: dict[tuple[str, str], str] = {}

    def _who(self, principal: str | None) -> str:
        if principal is None:
            return self.root
        check_principal(principal)
        return principal

    def put(self, name: str, value: str, principal: str | None) -> Setting:
        """Set `name` for `principal` (the caller, root, when None).

        Raises:
            InvalidParameterException: unknown name, value not allowed for it, AWS-managed
                setting, bad principal ARN, or a root-only setting for another principal.
        """
        check_writable(name, value)
        who = self._who(principal)
        if who != self.root and name in ROOT_ONLY:
            # [M] PutAccountSetting `principalArn` doc: root only for these; text [U]
            raise InvalidParameterException(
                f"The account setting '{name}' can only be changed for the root user."
            )
        self._own[(who, name)] = value
        return Setting(name, value, who)

    def put_default(self, name: str, value: str) -> Setting:
        """Set the account default (the root user's value)."""
        return self.put(name, value, None)

    def delete(self, name: str, principal: str | None) -> Setting:
        """Drop `principal`'s own value; answer the setting as it was.

        Deleting a value that was never set answers what applies to `principal` and
        changes nothing.
        """
        check_name(name)
        _check_managed(name)
        who = self._who(principal)
        removed = self._own.pop((who, name), None)
        if removed is None:
            return self.effective(name, who)
        return Setting(name, removed, who)

    def effective(self, name: str, principal: str) -> Setting:
        """What applies to `principal`: its own value, else the account's, else AWS's."""
        own = self._own.get((principal, name))
        if own is not None:
            return Setting(name, own, principal)
        root = self._own.get((self.root, name))
        if root is not None:
            return Setting(name, root, self.root)
        kind = "aws_managed" if name in AWS_MANAGED else "user"
        return Setting(name, AWS_DEFAULTS[name], self.root, kind)

    def listing(self, principal: str | None, effective: bool) -> list[Setting]:
        """Every setting of `principal` (own values only unless `effective`), by name.

        Name order as in the list-account-settings CLI example (containerInstance...,
        service..., task...LongArnFormat).
        """
        who = self._who(principal)
        names = sorted(AWS_DEFAULTS)
        if effective:
            return [self.effective(name, who) for name in names]
        return [
            Setting(name, self._own[(who, name)], who) for name in names if (who, name) in self._own
        ]
