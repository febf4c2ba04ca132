"""Reading the WeCom directory (docs 95350, 95351, 96067, 90200, 90196) into handlers/directory values.

What a real corp lets an app read (shared/reference/wecom-notes.md §9) decides the path:

- **The 通讯录同步 secret** (`WECOM_CONTACT_SECRET`, its own token): since 2022-08-15 it may call
  only `user/list_id` and `department/simplelist` from a new IP, so it says *who* is where;
  names and posts come from `department/get` and `user/get` with the app's own token, within
  the app's visibility, and where those are refused the fields are simply not sent.
- **The app secret with `user/list_id`** (an app granted the permission): the same, one token.
- **The app secret without it** (48002, common for self-built apps): walk `department/simplelist`
  within the app's visibility and call `user/simplelist` per department (`fetch_child` is gone,
  so each department is asked itself); that gives userid, name and departments, nothing more.

Since 2022-06-20 a new self-built app gets no mobile, email, gender or avatar at all, so the sync
never touches those; a field WeCom did not send stays None and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers.directory import DirectoryDepartment, DirectoryUser
from wecom.client import WeComClient, WeComError

#: WeCom status: 1 active, 2 disabled, 4 not yet activated, 5 left (doc 90196).
STAFF_STATUSES = frozenset({1, 4})
USER_NOT_FOUND = 60111
DEPARTMENT_NOT_FOUND = 60123
#: The app may not read this (no API permission, or outside its 可见范围): not sent, not gone.
NOT_READABLE = frozenset({48002, 60011})

#: How a full read went, in the words of the sync report.
READ_PATHS = {
    "contacts": "通讯录同步 Secret（user/list_id、department/simplelist），姓名职务经应用读取",
    "list_id": "应用 Secret（user/list_id）",
    "per_department": (
        "应用无 user/list_id 权限（48002）：按部门逐个读取（department/simplelist、user/simplelist）"
    ),
}


@dataclass(frozen=True)
class DirectoryRead:
    departments: list[DirectoryDepartment]
    users: list[DirectoryUser]
    #: A READ_PATHS key.
    path: str

    @property
    def path_text(self) -> str:
        return READ_PATHS[self.path]


def read_directory(
    app_client: WeComClient,
    contacts_client: WeComClient | None = None,
    *,
    page_size: int = 10000,
    progress: Callable[[int], None] = lambda n: None,
    total: Callable[[int], None] = lambda n: None,
) -> DirectoryRead:
    """The whole directory the app may see, by the best path this corp allows.
    `total(n)` is told how many members will be read one by one (for a progress bar)."""
    lister = contacts_client or app_client
    try:
        placed = list_department_members(lister, page_size=page_size)
    except WeComError as exc:
        if contacts_client is not None or exc.errcode != 48002:
            raise
        return _read_per_department(app_client, progress=progress, total=total)
    departments = [
        fetch_department(app_client, wecom_id, parent, tolerate_unreadable=True)
        for wecom_id, parent in department_ids(lister)
    ]
    total(len(placed))
    users = []
    for userid, in_departments in placed.items():
        user = fetch_user(app_client, userid, departments=in_departments)
        if user is not None:
            users.append(user)
        progress(1)
    return DirectoryRead(
        [d for d in departments if d is not None], users, "contacts" if contacts_client else "list_id"
    )


def _read_per_department(
    client: WeComClient, *, progress: Callable[[int], None], total: Callable[[int], None]
) -> DirectoryRead:
    ids = department_ids(client)
    total(len(ids))
    departments = []
    members: dict[str, dict[str, Any]] = {}
    for wecom_id, parent in ids:
        department = fetch_department(client, wecom_id, parent, tolerate_unreadable=True)
        if department is not None:
            departments.append(department)
        for row in client.get("user/simplelist", {"department_id": wecom_id}).get("userlist") or []:
            entry = members.setdefault(str(row["userid"]), {"name": row.get("name"), "departments": []})
            for listed in row.get("department") or [wecom_id]:
                if int(listed) not in entry["departments"]:
                    entry["departments"].append(int(listed))
        progress(1)
    users = [
        DirectoryUser(
            userid=userid,
            name=str(entry["name"]) if entry["name"] else None,
            departments=tuple(entry["departments"]),
        )
        for userid, entry in members.items()
    ]
    return DirectoryRead(departments, users, "per_department")


def department_ids(client: WeComClient) -> list[tuple[int, int | None]]:
    """(id, parent id) of every department the client may see (department/simplelist)."""
    listed = client.get("department/simplelist", {})["department_id"]
    return [(int(item["id"]), int(item.get("parentid") or 0) or None) for item in listed]


def fetch_department(
    client: WeComClient, wecom_id: int, parent: int | None = None, *, tolerate_unreadable: bool = False
) -> DirectoryDepartment | None:
    """One department, or None when WeCom no longer has it. `tolerate_unreadable`: when the
    app may not read it (listed by the contacts secret), it is known by id and parent only."""
    try:
        detail = client.get("department/get", {"id": wecom_id})["department"]
    except WeComError as exc:
        if exc.errcode == DEPARTMENT_NOT_FOUND:
            return None
        if tolerate_unreadable and exc.errcode in NOT_READABLE:
            return DirectoryDepartment(wecom_id=wecom_id, name=None, parent_wecom_id=parent)
        raise
    return DirectoryDepartment(
        wecom_id=int(detail["id"]),
        name=str(detail["name"]) if detail.get("name") else None,
        parent_wecom_id=int(detail.get("parentid") or 0) or None,
    )


def list_department_members(client: WeComClient, page_size: int = 10000) -> dict[str, tuple[int, ...]]:
    """user/list_id, every page: each userid with the departments it is listed in."""
    placed: dict[str, list[int]] = {}
    cursor = ""
    while True:
        page = client.post("user/list_id", {"cursor": cursor, "limit": page_size})
        for row in page.get("dept_user") or []:
            departments = placed.setdefault(str(row["userid"]), [])
            if row.get("department") is not None and int(row["department"]) not in departments:
                departments.append(int(row["department"]))
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return {userid: tuple(departments) for userid, departments in placed.items()}


def list_userids(client: WeComClient, page_size: int = 10000) -> list[str]:
    """Every userid in the client's view (a person in two departments is listed once)."""
    return list(list_department_members(client, page_size))


def fetch_user(
    client: WeComClient, userid: str, *, departments: tuple[int, ...] = ()
) -> DirectoryUser | None:
    """One member as user/get returns them, or None when WeCom no longer knows the userid.
    When the app may not read them (48002/60011), what is known (userid, the departments the
    listing or callback gave) is all that is sent: nothing else changes."""
    try:
        data = client.get("user/get", {"userid": userid})
    except WeComError as exc:
        if exc.errcode == USER_NOT_FOUND:
            return None
        if exc.errcode in NOT_READABLE:
            return DirectoryUser(userid=userid, departments=departments)
        raise
    return user_from(data, departments)


def user_from(data: dict[str, Any], listed: tuple[int, ...] = ()) -> DirectoryUser:
    departments = tuple(int(d) for d in data.get("department") or ()) or listed
    return DirectoryUser(
        userid=str(data["userid"]),
        name=str(data["name"]) if data.get("name") else None,
        main_department=int(data["main_department"]) if data.get("main_department") else None,
        position=str(data["position"] or "") if "position" in data else None,
        departments=departments,
        active=int(data.get("status", 1)) in STAFF_STATUSES,
    )
