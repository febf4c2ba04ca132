"""The emulator's JS-SDK tickets and workbench (docs 90506, 92535), with WeCom's limits.

Tickets: the corp ticket may be fetched 400 times an hour per corp, the app ticket 100 times
an hour per app; beyond that 45009. A ticket lives 7200 s. The inspection call
/api/jssdk/verify checks a page's signature as WeCom's client does when the page calls
wx.config / wx.agentConfig (40093 for a bad signature, 42012 for agentConfig signed with the
corp ticket).

Workbench: the template per app, data per member, each member's data settable 10 times a
minute (45009 beyond), the member inside the visibility range, and `type` matching the template.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from wecom.emulator.state import AS_USER_COOKIE, EmulatorState, error, guard, ok

TICKET_TTL = 7200
CORP_TICKETS_PER_HOUR, AGENT_TICKETS_PER_HOUR = 400, 100
WORKBENCH_PER_MEMBER_MINUTE = 10
WORKBENCH_TYPES = ("keydata", "image", "list", "webview", "normal")


def _within(window: deque[float], limit: int, seconds: int, now: float) -> bool:
    """Record a call in a sliding window; False when it exceeds the limit."""
    while window and window[0] <= now - seconds:
        window.popleft()
    if len(window) >= limit:
        return False
    window.append(now)
    return True


def _issue(state: EmulatorState, kind: str, limit: int) -> ResponseReturnValue:
    now = time.time()
    with state.lock:
        if not _within(state.ticket_calls[kind], limit, 3600, now):
            return error(45009, f": {kind} ticket over {limit} per hour")
        current = state.tickets.get(kind)
        if current is None or current[1] <= now:
            current = (secrets.token_urlsafe(64), now + TICKET_TTL)
            state.tickets[kind] = current
        return ok(ticket=current[0], expires_in=int(current[1] - now))


def create_blueprint(state: EmulatorState) -> Blueprint:
    bp = Blueprint("wecom_emulator_jsapi", __name__)

    @bp.get("/cgi-bin/get_jsapi_ticket")
    def corp_ticket() -> ResponseReturnValue:
        return guard(state, "get_jsapi_ticket") or _issue(state, "corp", CORP_TICKETS_PER_HOUR)

    @bp.get("/cgi-bin/ticket/get")
    def agent_ticket() -> ResponseReturnValue:
        refused = guard(state, "ticket/get")
        if refused:
            return refused
        if request.args.get("type") != "agent_config":
            return error(40058, ": type must be agent_config")
        return _issue(state, "agent", AGENT_TICKETS_PER_HOUR)

    @bp.post("/cgi-bin/agent/set_workbench_template")
    def set_workbench_template() -> ResponseReturnValue:
        refused = guard(state, "agent/set_workbench_template")
        if refused:
            return refused
        body = request.get_json(silent=True) or {}
        if str(body.get("agentid")) != state.agent_id:
            return error(40056)
        kind = body.get("type")
        if kind not in WORKBENCH_TYPES or (kind != "normal" and not isinstance(body.get(kind), dict)):
            return error(40058, f": bad workbench type {kind!r}")
        with state.lock:
            state.workbench_template = body
            if body.get("replace_user_data"):
                state.workbench_data.clear()
        return ok()

    @bp.post("/cgi-bin/agent/get_workbench_template")
    def get_workbench_template() -> ResponseReturnValue:
        refused = guard(state, "agent/get_workbench_template")
        if refused:
            return refused
        with state.lock:
            template = dict(state.workbench_template or {"type": "normal"})
        template.pop("agentid", None)
        return ok(**template)

    @bp.post("/cgi-bin/agent/set_workbench_data")
    def set_workbench_data() -> ResponseReturnValue:
        refused = guard(state, "agent/set_workbench_data")
        if refused:
            return refused
        body = request.get_json(silent=True) or {}
        user = str(body.get("userid") or "").lower()
        if str(body.get("agentid")) != state.agent_id:
            return error(40056)
        if not user or not state.visible(user):
            return error(60011, ": userid outside the app's visibility")
        with state.lock:
            template_type = (state.workbench_template or {}).get("type")
            kind = body.get("type")
            if kind != template_type or not isinstance(body.get(kind), dict):
                return error(40058, f": type {kind!r} does not match the template ({template_type!r})")
            if not _within(state.workbench_calls[user], WORKBENCH_PER_MEMBER_MINUTE, 60, time.time()):
                return error(45009, ": workbench data over 10 per minute for this member")
            state.workbench_data[user] = body
        return ok()

    return bp


def _stand_in_user() -> str:
    """Whose phone the stand-in runs on: the member the chat page opened the app as."""
    return (request.cookies.get(AS_USER_COOKIE) or request.args.get("user") or "").lower()


def create_inspection_blueprint(state: EmulatorState) -> Blueprint:
    bp = Blueprint("wecom_emulator_jsapi_inspect", __name__)

    @bp.post("/api/jssdk/verify")
    def verify() -> ResponseReturnValue:
        """What WeCom's client answers when a page calls wx.config or wx.agentConfig."""
        from wecom.jssdk import page_url, signature

        spec: dict[str, Any] = request.get_json(force=True)
        with state.lock:
            tickets = {k: v[0] for k, v in state.tickets.items() if v[1] > time.time()}
        wanted = "agent" if spec.get("kind") == "agentConfig" else "corp"
        url = page_url(str(spec.get("url", "")))

        def matches(kind: str) -> bool:
            ticket = tickets.get(kind)
            return bool(ticket) and signature(ticket, spec["nonceStr"], spec["timestamp"], url) == spec.get(
                "signature"
            )

        if matches(wanted):
            return ok()
        if wanted == "agent" and matches("corp"):
            return error(42012, ": agentConfig signed with the corp ticket")
        return error(40093)

    @bp.route("/api/jssdk/location", methods=["GET", "POST"])
    def location() -> ResponseReturnValue:
        """GET (the stand-in's getLocation): where this member's phone is, in GCJ-02 — their
        own position, else the one set for everyone; none set is a refusal, as when a member
        denies WeCom the location. POST {"user"?, "lat", "lng"}: put a phone somewhere."""
        if request.method == "POST":
            spec = request.get_json(force=True)
            with state.lock:
                state.locations[str(spec.get("user") or "").lower()] = (
                    float(spec["lat"]),
                    float(spec["lng"]),
                )
            return ok()
        user = _stand_in_user()
        with state.lock:
            state.jsapi_calls.append((user, "getLocation"))
            found = state.locations.get(user) or state.locations.get("")
        if found is None:
            return jsonify({"errMsg": "getLocation:fail auth deny"})
        return jsonify(
            {"errMsg": "getLocation:ok", "latitude": found[0], "longitude": found[1], "accuracy": 30}
        )

    @bp.route("/api/jssdk/scan", methods=["GET", "POST"])
    def scan() -> ResponseReturnValue:
        """GET (the stand-in's scanQRCode): what this member's camera reads next, once.
        POST {"user", "result"}: point their camera at a code."""
        if request.method == "POST":
            spec = request.get_json(force=True)
            with state.lock:
                state.scans[str(spec["user"]).lower()].append(str(spec["result"]))
            return ok()
        user = _stand_in_user()
        with state.lock:
            state.jsapi_calls.append((user, "scanQRCode"))
            queued = state.scans[user].popleft() if state.scans[user] else None
        if queued is None:
            return jsonify({"errMsg": "scanQRCode:fail nothing to scan"})
        return jsonify({"errMsg": "scanQRCode:ok", "resultStr": queued})

    @bp.get("/api/jssdk/calls")
    def calls() -> ResponseReturnValue:
        with state.lock:
            return jsonify([{"user": u, "api": a} for u, a in state.jsapi_calls])

    @bp.get("/api/workbench/<userid>")
    def workbench(userid: str) -> ResponseReturnValue:
        with state.lock:
            return ok(template=state.workbench_template, data=state.workbench_data.get(userid.lower()))

    return bp
