"""Reading the WeCom directory (docs 95350, 95351, 96067, 90196) into handlers/directory values.

Since 2022 a self-built app reads the directory with `department/simplelist` (ids only, so
each department's name comes from `department/get`) and `user/list_id` (userids only, paged
by cursor), then `user/get` per person; mobile, email and avatar are no longer returned, so
the sync never touches those fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.directory import DirectoryDepartment, DirectoryUser
from wecom.client import WeComClient, WeComError

#: WeCom status: 1 active, 2 disabled, 4 not yet activated, 5 left (doc 90196).
STAFF_STATUSES = frozenset({1, 4})
USER_NOT_FOUND = 60111
DEPARTMENT_NOT_FOUND = 60123


def fetch_departments(client: WeComClient) -> list[DirectoryDepartment]:
    listed = client.get("department/simplelist", {})["department_id"]
    return [d for d in (fetch_department(client, int(item["id"])) for item in listed) if d is not None]


def fetch_department(client: WeComClient, wecom_id: int) -> DirectoryDepartment | None:
    """One department, or None when WeCom no longer has it."""
    try:
        detail = client.get("department/get", {"id": wecom_id})["department"]
    except WeComError as exc:
        if exc.errcode == DEPARTMENT_NOT_FOUND:
            return None
        raise
    return DirectoryDepartment(
        wecom_id=int(detail["id"]),
        name=str(detail["name"]),
        parent_wecom_id=int(detail.get("parentid") or 0) or None,
    )


def list_userids(client: WeComClient, page_size: int = 10000) -> list[str]:
    """Every userid in the app's visibility range (a person in two departments is listed twice)."""
    seen: dict[str, None] = {}
    cursor = ""
    while True:
        page = client.post("user/list_id", {"cursor": cursor, "limit": page_size})
        for row in page.get("dept_user") or []:
            seen.setdefault(str(row["userid"]), None)
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return list(seen)


def fetch_user(client: WeComClient, userid: str) -> DirectoryUser | None:
    """One member as user/get returns them, or None when WeCom no longer knows the userid."""
    try:
        data = client.get("user/get", {"userid": userid})
    except WeComError as exc:
        if exc.errcode == USER_NOT_FOUND:
            return None
        raise
    return user_from(data)


def user_from(data: dict[str, Any]) -> DirectoryUser:
    departments = data.get("department") or []
    return DirectoryUser(
        userid=str(data["userid"]),
        name=str(data.get("name") or data["userid"]),
        main_department=int(data.get("main_department") or (departments[0] if departments else 0)) or None,
        position=str(data.get("position") or "") or None,
        active=int(data.get("status", 1)) in STAFF_STATUSES,
    )


def fetch_users(
    client: WeComClient, userids: list[str], progress: Callable[[int], None] = lambda n: None
) -> list[DirectoryUser]:
    users = []
    for userid in userids:
        user = fetch_user(client, userid)
        if user is not None:
            users.append(user)
        progress(1)
    return users
