"""Account settings: Put, PutDefault, Delete, List."""

from __future__ import annotations

from typing import Any

from ecsmock.api._params import page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.errors import InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.clusters.account_settings import Setting, check_name


def setting_view(setting: Setting) -> dict[str, Any]:
    """The Setting object."""
    return {
        "name": setting.name,
        "value": setting.value,
        "principalArn": setting.principal_arn,
        "type": setting.type,
    }


@operation("PutAccountSetting")
def put_account_setting(backend: Backend, params: Params) -> Body:
    """PutAccountSetting: the caller's (root's) setting, or `principalArn`'s."""
    setting = backend.settings.put(params["name"], params["value"], params.get("principalArn"))
    return {"setting": setting_view(setting)}


@operation("PutAccountSettingDefault")
def put_account_setting_default(backend: Backend, params: Params) -> Body:
    """PutAccountSettingDefault: the account-wide default."""
    setting = backend.settings.put_default(params["name"], params["value"])
    return {"setting": setting_view(setting)}


@operation("DeleteAccountSetting")
def delete_account_setting(backend: Backend, params: Params) -> Body:
    """DeleteAccountSetting: drops a principal's own value, answering the removed one."""
    setting = backend.settings.delete(params["name"], params.get("principalArn"))
    return {"setting": setting_view(setting)}


@operation("ListAccountSettings")
def list_account_settings(backend: Backend, params: Params) -> Body:
    """ListAccountSettings: filters name, value (needs name), principalArn, effective.

    Pages of 1-10 settings (default 10).
    """
    name = params.get("name")
    value = params.get("value")
    if value is not None and name is None:
        # ECS's text was not captured; the wording follows the `value` parameter doc.
        # [M] ListAccountSettings `value` is used with `name` only; text [U]
        raise InvalidParameterException(
            "The value parameter can only be used when a setting name is also specified."
        )
    if name is not None:
        check_name(name)
    found = backend.settings.listing(
        params.get("principalArn"), bool(params.get("effectiveSettings", False))
    )
    chosen = [
        s for s in found if (name is None or s.name == name) and (value is None or s.value == value)
    ]
    chunk, token = page(params, chosen, most=10, default=10, scope="ListAccountSettings")
    return with_token({"settings": [setting_view(s) for s in chunk]}, token)
