"""The emulator's directory (通讯录): department/simplelist, department/get, user/list_id,
user/simplelist and user/get as WeCom answers a self-built app created after 2022 (no mobile,
email or avatar in user/get); the 通讯录同步 secret reads only user/list_id and
department/simplelist (state.guard); the app can be refused user/list_id with 48002. Plus
the inspection calls that add, change and remove staff — optionally telling the app
through a signed `change_contact` callback carrying the reduced field set (UserID/Department
only for users, as WeCom does for callbacks configured after 2022-08-15).

Error codes 60111 (userid not found) and 60123 (invalid department id) are WeCom's general
codes (doc 90313); they are not in shared/reference/wecom-notes.md's table.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from wecom.emulator.state import EmulatorState, error, guard, ok

logger = logging.getLogger(__name__)

#: What user/get returns to a self-built app created after 2022-06-20 (doc 90196).
USER_FIELDS = ("userid", "name", "department", "order", "position", "main_department", "status", "alias")
LIST_ID_MAX = 10000


def normalise_user(raw: str | dict[str, Any]) -> dict[str, Any]:
    """A directory entry from the inspection API: a bare userid or a user/get-shaped dict."""
    user = {"userid": raw, "name": raw} if isinstance(raw, str) else dict(raw)
    user["userid"] = str(user["userid"]).lower()
    user.setdefault("name", user["userid"])
    departments = [int(d) for d in user.get("department") or [1]]
    user["department"] = departments
    user.setdefault("order", [0] * len(departments))
    user["main_department"] = int(user.get("main_department") or departments[0])
    user.setdefault("position", "")
    user["status"] = int(user.get("status", 1))
    return user


def load_directory(
    state: EmulatorState, departments: list[dict[str, Any]], users: list[str | dict[str, Any]]
) -> None:
    with state.lock:
        state.departments = {
            int(d["id"]): {
                "id": int(d["id"]),
                "name": d["name"],
                "parentid": int(d.get("parentid") or 0),
                "order": int(d.get("order", 0)),
            }
            for d in departments
        }
        state.users = {}
        for raw in users:
            user = normalise_user(raw)
            state.users[user["userid"]] = user


def _subtree(state: EmulatorState, root: int | None) -> list[dict[str, Any]]:
    if root is None:
        return sorted(state.departments.values(), key=lambda d: (d["parentid"], d["order"], d["id"]))
    result, frontier = [], [root]
    while frontier:
        current = frontier.pop(0)
        if current in state.departments:
            result.append(state.departments[current])
        frontier.extend(d["id"] for d in state.departments.values() if d["parentid"] == current)
    return result


def create_blueprint(state: EmulatorState) -> Blueprint:
    bp = Blueprint("wecom_emulator_directory", __name__)

    @bp.get("/cgi-bin/department/simplelist")
    def department_simplelist() -> ResponseReturnValue:
        refused = guard(state, "department/simplelist")
        if refused:
            return refused
        root = request.args.get("id", type=int)
        with state.lock:
            if root is not None and root not in state.departments:
                return error(60123)
            rows = _subtree(state, root)
            return ok(
                department_id=[{"id": d["id"], "parentid": d["parentid"], "order": d["order"]} for d in rows]
            )

    @bp.get("/cgi-bin/department/get")
    def department_get() -> ResponseReturnValue:
        refused = guard(state, "department/get")
        if refused:
            return refused
        with state.lock:
            department = state.departments.get(request.args.get("id", type=int) or -1)
            if department is None:
                return error(60123)
            return ok(department={**department, "name_en": "", "department_leader": []})

    _user_routes(bp, state)
    return bp


def _user_routes(bp: Blueprint, state: EmulatorState) -> None:
    """user/list_id, user/simplelist and user/get."""

    @bp.post("/cgi-bin/user/list_id")
    def user_list_id() -> ResponseReturnValue:
        refused = guard(state, "user/list_id")
        if refused:
            return refused
        body = request.get_json(silent=True) or {}
        limit = int(body.get("limit") or LIST_ID_MAX)
        if not 1 <= limit <= LIST_ID_MAX:
            return error(40058, ": limit must be 1 to 10000")
        cursor = str(body.get("cursor") or "")
        with state.lock:
            pairs = sorted(
                (user["userid"], department)
                for user in (state.users or {}).values()
                if user["status"] != 5
                for department in user["department"]
            )
        # The cursor is opaque to the app; here it is the position to resume from.
        start = int(cursor) if cursor.isdigit() else 0
        page = pairs[start : start + limit]
        following = start + limit
        return ok(
            next_cursor=str(following) if following < len(pairs) else "",
            dept_user=[{"userid": u, "department": d} for u, d in page],
        )

    @bp.get("/cgi-bin/user/simplelist")
    def user_simplelist() -> ResponseReturnValue:
        """Members of one department (doc 90200): userid, name, department, open_userid.
        `fetch_child` is gone (ignored, as WeCom now ignores it): the caller walks the tree.
        Lists active and not-yet-activated members (UNCONFIRMED: whether disabled ones appear)."""
        refused = guard(state, "user/simplelist")
        if refused:
            return refused
        department = request.args.get("department_id", type=int)
        with state.lock:
            if department is None or department not in state.departments:
                return error(60123)
            rows = [
                {
                    "userid": user["userid"],
                    "name": user["name"],
                    "department": user["department"],
                    "open_userid": "wo" + user["userid"],
                }
                for user in sorted((state.users or {}).values(), key=_by_userid)
                if department in user["department"] and user["status"] in (1, 4)
            ]
        return ok(userlist=rows)

    @bp.get("/cgi-bin/user/get")
    def user_get() -> ResponseReturnValue:
        refused = guard(state, "user/get")
        if refused:
            return refused
        with state.lock:
            user = (state.users or {}).get((request.args.get("userid") or "").lower())
            if user is None or user["status"] == 5:
                return error(60111)
            return ok(**{k: user[k] for k in USER_FIELDS if k in user})


def create_inspection_blueprint(state: EmulatorState) -> Blueprint:
    """Steer the directory as a WeCom administrator would (not part of WeCom)."""
    bp = Blueprint("wecom_emulator_directory_inspect", __name__)

    @bp.get("/api/directory")
    def show() -> ResponseReturnValue:
        with state.lock:
            return jsonify(
                {
                    "departments": sorted(state.departments.values(), key=lambda d: d["id"]),
                    "users": None if state.users is None else sorted(state.users.values(), key=_by_userid),
                }
            )

    @bp.post("/api/directory")
    def replace() -> ResponseReturnValue:
        spec = request.get_json(force=True)
        if spec.get("users") is None:
            with state.lock:
                state.users = None
                state.departments.clear()
            return ok()
        load_directory(state, spec.get("departments") or [], spec["users"])
        return ok()

    @bp.post("/api/directory/users")
    def upsert_user() -> ResponseReturnValue:
        """Add or change one member; `notify` sends the app a change_contact callback."""
        spec = request.get_json(force=True)
        user = normalise_user(spec["user"])
        with state.lock:
            if state.users is None:
                state.users = {}
            existed = user["userid"] in state.users
            state.users[user["userid"]] = user
        delivered = None
        if spec.get("notify"):
            change = "update_user" if existed else "create_user"
            delivered = _notify(
                state,
                ChangeType=change,
                UserID=user["userid"],
                Department=",".join(str(d) for d in user["department"]),
            )
        return ok(callback_status=delivered)

    @bp.post("/api/directory/permissions")
    def set_permissions() -> ResponseReturnValue:
        """Which directory APIs the app is refused with 48002: {"denied": ["user/list_id"]}."""
        denied = request.get_json(force=True).get("denied") or []
        with state.lock:
            state.app_denied = {str(api) for api in denied}
        return ok()

    @bp.post("/api/directory/unlicensed")
    def set_unlicensed() -> ResponseReturnValue:
        """The members who hold no 接口许可 (message/send answers them in unlicenseduser)."""
        names = request.get_json(force=True).get("users") or []
        with state.lock:
            state.unlicensed = {str(u).lower() for u in names}
        return ok()

    @bp.delete("/api/directory/users/<userid>")
    def delete_user(userid: str) -> ResponseReturnValue:
        with state.lock:
            removed = (state.users or {}).pop(userid.lower(), None)
        if removed is None:
            return error(60111)
        delivered = (
            _notify(state, ChangeType="delete_user", UserID=userid.lower())
            if request.args.get("notify")
            else None
        )
        return ok(callback_status=delivered)

    return bp


def _by_userid(user: dict[str, Any]) -> str:
    return user["userid"]


def _notify(state: EmulatorState, **fields: object) -> int | None:
    """POST a change_contact event to the app's callback URL, signed as WeCom signs it."""
    from wecom.emulator.wire import deliver

    if state.callback is None:
        return None
    try:
        response = deliver(state, "sys", "event", Event="change_contact", agent_id="", **fields)
    except requests.RequestException as exc:
        logger.warning("emulator: change_contact callback failed: %s", type(exc).__name__)
        return None
    return response.status_code
