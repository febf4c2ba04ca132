"""The emulator's state (WeCom's view of what happened: tokens, deliveries, chats, faults) and
what every emulated API shares: WeCom's error bodies and the guard each call passes first
(token, IP allow-list, per-API rate, injected faults and latency)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from flask import jsonify, request
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
    48002: "api forbidden",
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
    #: The 通讯录同步 secret (管理工具 → 通讯录同步); None: the corp has not enabled it.
    contact_secret: str | None = None
    #: Tokens issued for the contacts secret, and the one currently valid.
    contact_tokens: set[str] = field(default_factory=set)
    current_contact_token: str | None = None
    #: Directory APIs the *app* has no permission for (48002, doc 90313): a self-built app
    #: is often refused user/list_id (doc 96067). Steered through /api/directory/permissions.
    app_denied: set[str] = field(default_factory=set)
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
    #: Members without a 接口许可 (account licence): message/send names them in
    #: `unlicenseduser` and does not deliver (doc 90236).
    unlicensed: set[str] = field(default_factory=set)
    #: What the demo calls a person in the staff list ("支部书记 · 心内科党支部"): a guide for
    #: whoever tries the demo, shown by the chat page only — no WeCom API returns it.
    demo_roles: dict[str, str] = field(default_factory=dict)
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
    #: The JS-SDK stand-in's world: where each member's phone is (GCJ-02, as getLocation with
    #: type gcj02 answers; "" is everyone without a position of their own), what their camera
    #: will scan next, and every JS API a page called (user, api), for tests to see.
    locations: dict[str, tuple[float, float]] = field(default_factory=dict)
    scans: defaultdict[str, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    jsapi_calls: list[tuple[str, str]] = field(default_factory=list)
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
            self.contact_tokens.clear()
            self.current_contact_token = None
            self.app_denied.clear()
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
            self.demo_roles.clear()
            self.unlicensed.clear()
            self.departments.clear()
            self.conversation.clear()
            self.tickets.clear()
            self.ticket_calls.clear()
            self.locations.clear()
            self.scans.clear()
            self.jsapi_calls.clear()
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
        contacts = token in state.contact_tokens
    if expires is None:
        return error(40014)
    if expires <= time.time():
        return error(42001)
    if contacts and api not in CONTACT_SECRET_APIS:
        # The contacts secret from an IP first used after 2022-08-15 reads only these two
        # (wecom-notes §9). The errcode WeCom gives is UNCONFIRMED: 48002 (api forbidden).
        return error(48002, ": the contacts secret may call only user/list_id and department/simplelist")
    if not contacts and api in state.app_denied:
        return error(48002)
    return None


#: What the 通讯录同步 secret may read from a new IP (since 2022-08-15 10:00, wecom-notes §9).
CONTACT_SECRET_APIS = frozenset({"user/list_id", "department/simplelist"})


AS_USER_COOKIE = "wecom_emulator_user"


def _busiest_minute(times: list[float]) -> int:
    """The most events in any 60-second window of these sorted times."""
    best = start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 60:
            start += 1
        best = max(best, end - start + 1)
    return best
