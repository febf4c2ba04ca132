"""The emulator's WeCom API: what the app reaches through WECOM_API_BASE.

It behaves as the notes in shared/reference/wecom-notes.md describe WeCom: HTTP 200 with
{"errcode", "errmsg"} always; tokens per app valid 7200 s; message/send validates every
message type Dangjian sends, caps recipients at 1,000, and silently drops what exceeds
30 messages a minute or 1,000 an hour per member (recorded here so tests can see it);
`enable_duplicate_check` suppresses an identical message within the interval; response
codes are single use for 72 hours; recall works for 24 hours. Faults (-1, 45009, 60020, an
expired token) and latency can be injected.

Choices where WeCom's behaviour is undocumented are marked UNCONFIRMED.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, jsonify, redirect, render_template_string, request
from flask.typing import ResponseReturnValue

TOKEN_TTL = 7200
RESPONSE_CODE_TTL = 72 * 3600
RECALL_WINDOW = 24 * 3600
PER_MEMBER_MINUTE, PER_MEMBER_HOUR = 30, 1000
#: Each API, per corp: 10,000 calls a minute (WeCom's 频率限制, doc 90312); 45009 beyond.
#: Counted by calendar minute (UNCONFIRMED whether WeCom's window is calendar or sliding;
#: Dangjian's own limiter, wecom/limits.CorpRate, stays under it either way at 9,500).
CORP_API_PER_MINUTE = 10_000

ERRMSG = {
    -1: "system busy",
    40001: "invalid credential",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40031: "invalid userid list",
    40029: "invalid code",
    40056: "invalid agentid",
    40058: "invalid parameter",
    41001: "access_token missing",
    41016: "missing title",
    42001: "access_token expired",
    42014: "invalid task_id",  # UNCONFIRMED for template cards: the legacy taskcard code
    42016: "response_code not found or used",  # UNCONFIRMED: undocumented for update_template_card
    44004: "empty content",
    45009: "api freq out of limit",
    50001: "redirect_url not trusted",
    60011: "no privilege to access/modify contact/party/agent",
    60020: "not allow to access from your ip",
    60111: "userid not found",
    60123: "invalid party id",
    40093: "invalid jsapi signature",
    42012: "jsapi ticket not available",
    81013: "user & party & tag all invalid",
}
INTERACTIVE = ("button_interaction", "vote_interaction", "multiple_interaction")


@dataclass
class Delivery:
    msgid: str
    to_user: str
    msgtype: str
    body: dict[str, Any]
    at: float
    task_id: str | None = None
    #: The code message/send issued for an interactive card; a tap's callback carries it.
    response_code: str | None = None
    #: A card's button once the app updated it (update_button / replace_text).
    replaced_with: str | None = None
    recalled: bool = False


@dataclass(frozen=True)
class ChatLine:
    user: str
    #: "member" (typed in the chat) or "app" (the app's passive reply).
    side: str
    text: str
    at: float


@dataclass(frozen=True)
class CallbackTarget:
    url: str
    token: str
    encoding_aes_key: str


@dataclass
class EmulatorState:
    corp_id: str
    secret: str
    agent_id: str
    lock: threading.RLock = field(default_factory=threading.RLock)
    tokens: dict[str, float] = field(default_factory=dict)  # token → expires at
    current_token: str | None = None
    gettoken_calls: int = 0
    api_calls: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    deliveries: list[Delivery] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    recent: defaultdict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    dedupe: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    task_ids: set[str] = field(default_factory=set)
    response_codes: dict[str, tuple[float, list[str], str | None]] = field(default_factory=dict)
    faults: deque[tuple[str, int]] = field(default_factory=deque)  # (api or "*", errcode)
    latency_ms: int = 0
    #: Calls per API in the current calendar minute: api → (minute, count); and the 45009s given.
    corp_minute: dict[str, tuple[int, int]] = field(default_factory=dict)
    rate_refusals: int = 0
    #: Every API call's time (for benchmarks measuring the rate the app sustains).
    call_times: list[float] = field(default_factory=list)
    #: The corp's directory as user/get returns it, keyed by lower-cased userid. None (tests
    #: that do not care): any userid is a valid recipient and the directory APIs list nobody.
    users: dict[str, dict[str, Any]] | None = None
    #: Departments as department/get returns them, by id (1 is the corp's root).
    departments: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: Where WeCom posts the app's callbacks (接收消息服务器): url, token, EncodingAESKey.
    callback: CallbackTarget | None = None
    #: The app's workbench entry (应用主页), opened by the chat page's "open app" button.
    app_home_url: str | None = None
    #: The app's login cookie on this origin (demo only: the emulator shares the app's host).
    #: Opening the app as another member drops it, as if on that member's own phone.
    app_session_cookie: str | None = None
    #: The chat page's own lines: what a member typed and the app's passive replies.
    conversation: list[ChatLine] = field(default_factory=list)
    #: JS-SDK tickets ("corp", "agent") → (ticket, expires at), and fetch times per kind.
    tickets: dict[str, tuple[str, float]] = field(default_factory=dict)
    ticket_calls: defaultdict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    #: The workbench template (set_workbench_template body) and each member's data.
    workbench_template: dict[str, Any] | None = None
    workbench_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    workbench_calls: defaultdict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    #: OAuth codes: code → (userid or "openid:…", issued at). Single use, 5 minutes.
    oauth_codes: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: The app's 可信域名 (host[:port]); redirect_uri must match it. None: accept any.
    trusted_domain: str | None = None

    def visible(self, userid: str) -> bool:
        """In the app's visibility range (everyone, when no directory was loaded)."""
        return self.users is None or userid.lower() in self.users

    def reset(self) -> None:
        with self.lock:
            self.tokens.clear()
            self.current_token = None
            self.gettoken_calls = 0
            self.api_calls.clear()
            self.deliveries.clear()
            self.dropped.clear()
            self.recent.clear()
            self.dedupe.clear()
            self.task_ids.clear()
            self.response_codes.clear()
            self.faults.clear()
            self.latency_ms = 0
            self.corp_minute.clear()
            self.rate_refusals = 0
            self.call_times.clear()
            self.users = None
            self.departments.clear()
            self.conversation.clear()
            self.tickets.clear()
            self.ticket_calls.clear()
            self.workbench_template = None
            self.workbench_data.clear()
            self.workbench_calls.clear()
            self.oauth_codes.clear()


def error(errcode: int, extra: str = "") -> ResponseReturnValue:
    hint = f"{ERRMSG.get(errcode, 'error')}{extra}, hint: [{secrets.token_hex(6)}]"
    return jsonify({"errcode": errcode, "errmsg": hint})


def ok(**data: Any) -> ResponseReturnValue:
    return jsonify({"errcode": 0, "errmsg": "ok", **data})


def guard(state: EmulatorState, api: str) -> ResponseReturnValue | None:
    """Latency, injected faults, then the access token (checked before anything else)."""
    if state.latency_ms:
        time.sleep(state.latency_ms / 1000)
    with state.lock:
        state.api_calls[api] += 1
        now = time.time()
        state.call_times.append(now)
        minute, count = state.corp_minute.get(api, (0, 0))
        count = count + 1 if minute == int(now // 60) else 1
        state.corp_minute[api] = (int(now // 60), count)
        if count > CORP_API_PER_MINUTE:
            state.rate_refusals += 1
            return error(45009)
        if state.faults and state.faults[0][0] in (api, "*"):
            _, errcode = state.faults.popleft()
            return error(errcode, f", from ip: {request.remote_addr}" if errcode == 60020 else "")
    token = request.args.get("access_token")
    if not token:
        return error(41001)
    with state.lock:
        expires = state.tokens.get(token)
    if expires is None:
        return error(40014)
    if expires <= time.time():
        return error(42001)
    return None


def create_blueprint(state: EmulatorState) -> Blueprint:
    bp = Blueprint("wecom_emulator_api", __name__)

    @bp.get("/cgi-bin/gettoken")
    def gettoken() -> ResponseReturnValue:
        with state.lock:
            state.gettoken_calls += 1
            if state.faults and state.faults[0][0] in ("gettoken", "*"):
                return error(state.faults.popleft()[1])
        if request.args.get("corpid") != state.corp_id:
            return error(40013)
        if request.args.get("corpsecret") != state.secret:
            return error(40001)
        with state.lock:
            now = time.time()
            if state.current_token is None or state.tokens.get(state.current_token, 0) <= now:
                state.current_token = secrets.token_urlsafe(96)  # real tokens run to 512 bytes
                state.tokens[state.current_token] = now + TOKEN_TTL
            token = state.current_token
            expires_in = int(state.tokens[token] - now)
        return ok(access_token=token, expires_in=expires_in)

    @bp.post("/cgi-bin/message/send")
    def message_send() -> ResponseReturnValue:
        refused = guard(state, "message/send")
        if refused:
            return refused
        body = request.get_json(silent=True) or {}
        if str(body.get("agentid")) != state.agent_id:
            return error(40056)
        problem = _validate(body)
        if problem:
            return error(*problem) if isinstance(problem, tuple) else error(problem)
        users = [u for u in str(body.get("touser", "")).split("|") if u]
        if not users:
            return error(40031)
        if len(users) > 1000:
            return error(40031, ": more than 1000 users")
        invalid = [u for u in users if not state.visible(u)]
        valid = [u.lower() for u in users if u not in invalid]
        if not valid:
            return error(81013)
        card = body.get("template_card") or {}
        task = card.get("task_id")
        now = time.time()
        digest = hashlib.sha256(
            json.dumps(
                {k: v for k, v in body.items() if k != "touser"}, sort_keys=True, ensure_ascii=False
            ).encode()
        ).hexdigest()
        interval = int(body.get("duplicate_check_interval") or 1800)
        with state.lock:
            fresh = [
                u
                for u in valid
                if not (body.get("enable_duplicate_check") and _seen(state, u, digest, now, interval))
            ]
            if task and fresh:
                if task in state.task_ids:
                    return error(42014, ": task_id already used")
                state.task_ids.add(task)
            msgid = secrets.token_urlsafe(24)
            code = secrets.token_urlsafe(32) if card.get("card_type") in INTERACTIVE else None
            for user in fresh:
                if body.get("enable_duplicate_check"):
                    state.dedupe[(user, digest)] = (now, msgid)
                if _over_limit(state, user, now):
                    state.dropped.append({"to_user": user, "msgtype": body.get("msgtype"), "at": now})
                    continue
                state.recent[user].append(now)
                state.deliveries.append(Delivery(msgid, user, body["msgtype"], body, now, task, code))
            result: dict[str, Any] = {"msgid": msgid, "invaliduser": "|".join(invalid)}
            if code:
                state.response_codes[code] = (now, valid, task)
                result["response_code"] = code
        return ok(**result)

    @bp.post("/cgi-bin/message/update_template_card")
    def update_template_card() -> ResponseReturnValue:
        refused = guard(state, "message/update_template_card")
        if refused:
            return refused
        body = request.get_json(silent=True) or {}
        with state.lock:
            issued = state.response_codes.pop(body.get("response_code", ""), None)
            if issued is None or issued[0] + RESPONSE_CODE_TTL < time.time():
                return error(42016)
            _, recipients, task = issued
            targets = [u.lower() for u in body.get("userids") or []] or recipients
            label = (
                (body.get("button") or {}).get("replace_name")
                or (body.get("template_card") or {}).get("replace_text")
                or "已处理"
            )
            for delivery in state.deliveries:
                if delivery.task_id == task and delivery.to_user in targets:
                    delivery.replaced_with = label
        return ok(invaliduser=[])

    @bp.post("/cgi-bin/message/recall")
    def recall() -> ResponseReturnValue:
        refused = guard(state, "message/recall")
        if refused:
            return refused
        msgid = (request.get_json(silent=True) or {}).get("msgid")
        with state.lock:
            matches = [d for d in state.deliveries if d.msgid == msgid]
            if not matches or matches[0].at + RECALL_WINDOW < time.time():
                return error(40058, ": msgid not found or older than 24 hours")
            for delivery in matches:
                delivery.recalled = True
        return ok()

    @bp.get("/cgi-bin/auth/getuserinfo")
    def auth_getuserinfo() -> ResponseReturnValue:
        refused = guard(state, "auth/getuserinfo")
        if refused:
            return refused
        with state.lock:
            issued = state.oauth_codes.pop(request.args.get("code", ""), None)
        if issued is None or issued[1] + OAUTH_CODE_TTL < time.time():
            return error(40029)  # invalid, used, or older than five minutes
        who = issued[0]
        if who.startswith("openid:"):
            return ok(openid=who.removeprefix("openid:"))
        return ok(userid=who)

    @bp.get("/connect/oauth2/authorize")
    def authorize() -> ResponseReturnValue:
        """WeCom's OAuth page (doc 91022), for whoever the emulator says is holding the phone."""
        return _issue_code(request.args.get("as_user") or request.cookies.get(AS_USER_COOKIE), PICK_USER_PAGE)

    @bp.get("/wwlogin/sso/login")
    def sso_login() -> ResponseReturnValue:
        """WeCom's web login page (doc 98151): a QR code a member scans with their phone. Here
        the scanner is named on the page (or by `as_user`); the code is exchanged the same way."""
        if request.args.get("login_type") != "CorpApp" or str(request.args.get("agentid")) != state.agent_id:
            return error(40056)
        return _issue_code(request.args.get("as_user"), SCAN_PAGE)

    def _issue_code(who: str | None, pick_page: str) -> ResponseReturnValue:
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        if args.get("appid") != state.corp_id:
            return error(40013)
        if state.trusted_domain and urlsplit(redirect_uri).netloc != state.trusted_domain:
            return error(50001)
        if not who:
            carried = {k: v for k, v in args.items() if k != "as_user"}
            return render_template_string(pick_page, args=carried), 200
        code = secrets.token_urlsafe(48)
        with state.lock:
            state.oauth_codes[code] = (who, time.time())
        separator = "&" if "?" in redirect_uri else "?"
        return redirect(
            f"{redirect_uri}{separator}{urlencode({'code': code, 'state': args.get('state', '')})}"
        )

    return bp


AS_USER_COOKIE = "wecom_emulator_user"
SCAN_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>企业微信登录（模拟器）</title>
<body><h3>企业微信扫码登录（模拟器）</h3><p>真实环境中此处显示二维码，由职工用企业微信扫码确认。</p>
<form method="get">{% for k, v in args.items() %}
<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<label>扫码的职工账号（userid）<input name="as_user" required></label>
<button>确认登录</button></form></body></html>"""
OAUTH_CODE_TTL = 300
PICK_USER_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>企业微信（模拟器）</title>
<body style="font-family:sans-serif;padding:16px"><h3>企业微信模拟器：以谁的身份打开应用？</h3>
<form method="get">{% for k, v in args.items() %}
<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<label>成员账号（userid）<input name="as_user" required></label> <button>进入</button></form></body></html>"""


def _seen(state: EmulatorState, user: str, digest: str, now: float, interval: int) -> bool:
    seen = state.dedupe.get((user, digest))
    return seen is not None and now - seen[0] < interval


def _busiest_minute(times: list[float]) -> int:
    """The most events in any 60-second window of these sorted times."""
    best = start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 60:
            start += 1
        best = max(best, end - start + 1)
    return best


def _over_limit(state: EmulatorState, user: str, now: float) -> bool:
    window = state.recent[user]
    while window and window[0] <= now - 3600:
        window.popleft()
    last_minute = sum(1 for t in window if t > now - 60)
    return last_minute >= PER_MEMBER_MINUTE or len(window) >= PER_MEMBER_HOUR


def _validate(body: dict[str, Any]) -> int | tuple[int, str] | None:
    """Reject what WeCom rejects for the message types Dangjian sends."""
    msgtype = body.get("msgtype")
    part = body.get(msgtype) if isinstance(msgtype, str) else None
    if msgtype not in ("text", "markdown", "textcard", "news", "template_card") or not isinstance(part, dict):
        return 40058, f": unsupported msgtype {msgtype!r}"
    if msgtype in ("text", "markdown"):
        content = part.get("content") or ""
        if not content:
            return 44004
        if len(content.encode()) > 2048:
            return 40058, ": content over 2048 bytes"
    if msgtype == "textcard" and not (part.get("title") and part.get("description") and part.get("url")):
        return 41016
    if msgtype == "news" and not 1 <= len(part.get("articles") or []) <= 8:
        return 40058, ": 1 to 8 articles"
    if msgtype == "template_card":
        card_type = part.get("card_type")
        if card_type not in ("text_notice", "news_notice", *INTERACTIVE):
            return 40058, f": unknown card_type {card_type!r}"
        if not (part.get("main_title") or {}).get("title") and not part.get("sub_title_text"):
            return 41016
        task = part.get("task_id")
        if card_type in INTERACTIVE and not task:
            return 42014, ": task_id required"
        if task and (len(task) > 128 or not all(c.isalnum() or c in "_-@" for c in task)):
            return 42014
        if card_type in ("text_notice", "news_notice") and not part.get("card_action"):
            return 40058, ": card_action required"
        if card_type == "button_interaction" and not 1 <= len(part.get("button_list") or []) <= 6:
            return 40058, ": 1 to 6 buttons"
    return None


def create_inspection_blueprint(state: EmulatorState) -> Blueprint:
    """What tests and the demo page read and steer (not part of WeCom)."""
    bp = Blueprint("wecom_emulator_inspect", __name__)

    @bp.get("/api/messages")
    def messages() -> ResponseReturnValue:
        user = request.args.get("user")
        with state.lock:
            rows = [d for d in state.deliveries if user is None or d.to_user == user.lower()]
            return jsonify(
                [
                    {
                        "msgid": d.msgid,
                        "to_user": d.to_user,
                        "msgtype": d.msgtype,
                        "body": d.body,
                        "at": d.at,
                        "replaced_with": d.replaced_with,
                        "recalled": d.recalled,
                    }
                    for d in rows
                ]
            )

    @bp.get("/api/stats")
    def stats() -> ResponseReturnValue:
        with state.lock:
            return jsonify(
                {
                    "gettoken_calls": state.gettoken_calls,
                    "api_calls": dict(state.api_calls),
                    "deliveries": len(state.deliveries),
                    "dropped": list(state.dropped),
                }
            )

    @bp.get("/api/rates")
    def rates() -> ResponseReturnValue:
        """What a load test needs: the busiest 60 seconds of calls and their span, the busiest
        minute of any one member, how many 45009 refusals, and the deliveries per member."""
        with state.lock:
            calls = sorted(state.call_times)
            per_member: defaultdict[str, list[float]] = defaultdict(list)
            for delivery in state.deliveries:
                per_member[delivery.to_user].append(delivery.at)
            refusals = state.rate_refusals
            accepted = len({d.msgid for d in state.deliveries})
        return jsonify(
            {
                "calls": len(calls),
                "peak_calls_per_minute": _busiest_minute(calls),
                "max_member_per_minute": max(
                    (_busiest_minute(sorted(t)) for t in per_member.values()), default=0
                ),
                "rate_refusals": refusals,
                "members": len(per_member),
                "deliveries": sum(len(t) for t in per_member.values()),
                "most_deliveries_to_one_member": max((len(t) for t in per_member.values()), default=0),
                # Calls that delivered (one msgid each); the rest were refused (token, limits, faults).
                "accepted_sends": accepted,
                # The span of the calls, for the rate while sending (calls ÷ span).
                "first_call_at": calls[0] if calls else None,
                "last_call_at": calls[-1] if calls else None,
            }
        )

    @bp.post("/api/faults")
    def faults() -> ResponseReturnValue:
        spec = request.get_json(force=True)
        with state.lock:
            for _ in range(int(spec.get("times", 1))):
                state.faults.append((spec.get("api", "*"), int(spec["errcode"])))
        return ok()

    @bp.post("/api/expire-token")
    def expire_token() -> ResponseReturnValue:
        with state.lock:
            for token in state.tokens:
                state.tokens[token] = time.time() - 1
        return ok()

    @bp.post("/api/latency")
    def latency() -> ResponseReturnValue:
        state.latency_ms = int(request.get_json(force=True).get("ms", 0))
        return ok()

    @bp.post("/api/reset")
    def reset() -> ResponseReturnValue:
        state.reset()
        return ok()

    return bp


def create_emulator_app(corp_id: str, secret: str, agent_id: str) -> Flask:
    """A standalone emulator (tests run it on a free port)."""
    app = Flask(__name__)
    state = EmulatorState(corp_id, secret, str(agent_id))
    app.extensions["wecom_emulator"] = state
    register(app, state)
    return app


def register(app: Flask, state: EmulatorState, url_prefix: str = "") -> None:
    """Mount every part of the emulator: WeCom's APIs and the inspection API."""
    from wecom.emulator import chat, directory, jsapi

    app.register_blueprint(create_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(directory.create_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(create_inspection_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(directory.create_inspection_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(jsapi.create_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(jsapi.create_inspection_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(chat.create_blueprint(state), url_prefix=url_prefix or None)
