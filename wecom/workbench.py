"""Workbench custom display (工作台自定义展示, doc 92535): the keydata template and member data.

The template names the figures (待办, 本年学时 …) and where tapping each leads; each
member's data carries their own values. `type` must match the template's type.
"""

from __future__ import annotations

from typing import Any

from handlers.workbench import KeyItem

KEYDATA = "keydata"


def _item(item: KeyItem, value: str, base_url: str) -> dict[str, str]:
    return {"key": item.label, "data": value, "jump_url": f"{base_url.rstrip('/')}{item.path}"}


def template_body(agent_id: int, items: list[KeyItem], base_url: str) -> dict[str, Any]:
    """The app-wide template; values shown before a member's own data arrives are "-"."""
    return {
        "agentid": agent_id,
        "type": KEYDATA,
        KEYDATA: {"items": [_item(item, "-", base_url) for item in items]},
        "replace_user_data": False,  # keep members' figures when the template is re-applied
    }


def data_body(
    agent_id: int, userid: str, figures: list[tuple[KeyItem, str]], base_url: str
) -> dict[str, Any]:
    return {
        "agentid": agent_id,
        "userid": userid,
        "type": KEYDATA,
        KEYDATA: {"items": [_item(item, value, base_url) for item, value in figures]},
    }
