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
import time
from typing import Any

from flask import Blueprint, Flask, request
from flask.typing import ResponseReturnValue

from wecom.emulator import inspection, oauth
from wecom.emulator.state import (
    INTERACTIVE,
    PER_MEMBER_HOUR,
    PER_MEMBER_MINUTE,
    RECALL_WINDOW,
    RESPONSE_CODE_TTL,
    TOKEN_TTL,
    Delivery,
    EmulatorState,
    error,
    guard,
    ok,
)


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
        secret = request.args.get("corpsecret")
        contacts = state.contact_secret is not None and secret == state.contact_secret
        if secret != state.secret and not contacts:
            return error(40001)
        with state.lock:
            now = time.time()
            # Each secret has its own token (doc 91039): the app's and the contacts secret's.
            current = state.current_contact_token if contacts else state.current_token
            if current is None or state.tokens.get(current, 0) <= now:
                current = secrets.token_urlsafe(96)  # real tokens run to 512 bytes
                state.tokens[current] = now + TOKEN_TTL
                if contacts:
                    state.contact_tokens.add(current)
                    state.current_contact_token = current
                else:
                    state.current_token = current
            expires_in = int(state.tokens[current] - now)
        return ok(access_token=current, expires_in=expires_in)

    @bp.post("/cgi-bin/message/send")
    def message_send() -> ResponseReturnValue:
        return guard(state, "message/send") or _message_send(state, request.get_json(silent=True) or {})

    _sent_message_routes(bp, state)
    return bp


def _message_send(state: EmulatorState, body: dict[str, Any]) -> ResponseReturnValue:
    """message/send once the token and rates passed (doc 90236)."""
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
    unlicensed = [u for u in users if u not in invalid and u.lower() in state.unlicensed]
    valid = [u.lower() for u in users if u not in invalid and u not in unlicensed]
    if not valid and not unlicensed:
        return error(81013)  # doc 90236: every recipient invalid
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
        # Partly undeliverable sends still answer errcode 0 and name who was not reached
        # (doc 90236). All unlicensed and none invalid: errcode 0 too (UNCONFIRMED).
        result: dict[str, Any] = {
            "msgid": msgid,
            "invaliduser": "|".join(invalid),
            "invalidparty": "",
            "invalidtag": "",
            "unlicenseduser": "|".join(unlicensed),
        }
        if code:
            state.response_codes[code] = (now, valid, task)
            result["response_code"] = code
    return ok(**result)


def _sent_message_routes(bp: Blueprint, state: EmulatorState) -> None:
    """Changing what was sent: a card's buttons by its response code, a message recalled."""

    @bp.post("/cgi-bin/message/update_template_card")
    def update_template_card() -> ResponseReturnValue:
        refused = guard(state, "message/update_template_card")
        if refused:
            return refused
        body = request.get_json(silent=True) or {}
        userids = body.get("userids")
        if userids is not None and (not isinstance(userids, list) or len(userids) > 1000):
            return error(40058, ": userids is a list of at most 1000")  # doc 94888: an array
        if not userids and not body.get("atall"):
            # doc 94888 lists userids/partyids/tagids/atall without saying what none of them
            # means (UNCONFIRMED): refused here, so the app always names whose card changes.
            return error(40058, ": name the recipients (userids) or set atall")
        with state.lock:
            issued = state.response_codes.pop(body.get("response_code", ""), None)
            if issued is None or issued[0] + RESPONSE_CODE_TTL < time.time():
                return error(42016)
            _, recipients, task = issued
            targets = recipients if body.get("atall") else [u.lower() for u in userids]
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


def _seen(state: EmulatorState, user: str, digest: str, now: float, interval: int) -> bool:
    seen = state.dedupe.get((user, digest))
    return seen is not None and now - seen[0] < interval


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
    if msgtype == "news":
        articles = part.get("articles") or []
        if not 1 <= len(articles) <= 8:
            return 40058, ": 1 to 8 articles"
        if not all(isinstance(a, dict) and a.get("title") and a.get("url") for a in articles):
            return 40058, ": an article needs title and url"  # doc 90236: both required
    if msgtype == "template_card":
        return _validate_card(part)
    return None


def _validate_card(part: dict[str, Any]) -> int | tuple[int, str] | None:
    """template_card by card_type (doc 90236). Codes are 40058 (invalid parameter) where the doc
    names none (UNCONFIRMED which code WeCom gives for each)."""
    card_type = part.get("card_type")
    if card_type not in ("text_notice", "news_notice", *INTERACTIVE):
        return 40058, f": unknown card_type {card_type!r}"
    has_title = bool((part.get("main_title") or {}).get("title"))
    if card_type == "text_notice" and not has_title and not part.get("sub_title_text"):
        return 41016  # text_notice: main_title.title or sub_title_text
    if card_type != "text_notice" and not has_title:
        return 41016, ": main_title.title required"  # required for every other card type
    if card_type == "news_notice":
        problem = _news_image(part)
        if problem:
            return problem
    if card_type == "vote_interaction":
        checkbox = part.get("checkbox") or {}
        if not checkbox.get("question_key") or not 1 <= len(checkbox.get("option_list") or []) <= 20:
            return 40058, ": checkbox needs question_key and 1 to 20 options"
    if card_type == "multiple_interaction":
        selects = part.get("select_list") or []
        if not 1 <= len(selects) <= 3 or not all(1 <= len(q.get("option_list") or []) <= 10 for q in selects):
            return 40058, ": select_list needs 1 to 3 questions of 1 to 10 options"
    if card_type in ("vote_interaction", "multiple_interaction") and not (
        part.get("submit_button") or {}
    ).get("key"):
        return 40058, ": submit_button with a key required"
    return _validate_card_common(part, card_type)


def _news_image(part: dict[str, Any]) -> tuple[int, str] | None:
    """news_notice needs card_image (url) or image_text_area (image_url); the ratio, when
    given, lies strictly between 1.3 and 2.25 (doc 90236 "1.3-2.25"; the edges refused)."""
    image = part.get("card_image") or {}
    area = part.get("image_text_area") or {}
    if not image.get("url") and not area.get("image_url"):
        return 40058, ": news_notice needs card_image or image_text_area"
    ratio = image.get("aspect_ratio")
    if ratio is not None:
        try:
            inside = 1.3 < float(ratio) < 2.25
        except (TypeError, ValueError):
            inside = False
        if not inside:
            return 40058, f": aspect_ratio {ratio!r} outside (1.3, 2.25)"
    return None


def _validate_card_common(part: dict[str, Any], card_type: str) -> int | tuple[int, str] | None:
    """task_id (digits, letters and _-@, ≤128 bytes; required for interactive cards, doc 90236;
    42014 is the legacy task-card code, UNCONFIRMED for template cards), card_action for notices,
    1 to 6 buttons."""
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


def create_emulator_app(corp_id: str, secret: str, agent_id: str, contact_secret: str | None = None) -> Flask:
    """A standalone emulator (tests run it on a free port)."""
    app = Flask(__name__)
    state = EmulatorState(corp_id, secret, str(agent_id), contact_secret=contact_secret)
    app.extensions["wecom_emulator"] = state
    register(app, state)
    return app


def register(app: Flask, state: EmulatorState, url_prefix: str = "") -> None:
    """Mount every part of the emulator: WeCom's APIs and the inspection API."""
    from wecom.emulator import chat, directory, jsapi

    app.register_blueprint(create_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(directory.create_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(oauth.create_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(inspection.create_inspection_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(directory.create_inspection_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(jsapi.create_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(jsapi.create_inspection_blueprint(state), url_prefix=url_prefix or None)
    app.register_blueprint(chat.create_blueprint(state), url_prefix=url_prefix or None)
