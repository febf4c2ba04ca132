"""/_emulator/: a member's WeCom chat in the browser, for the demo and for end-to-end tests.

Pick a staff member; see what the app sent them (text, markdown, textcards, news and
template cards, rendered); tap a card's button and the emulator POSTs the real encrypted,
signed template_card_event to the app's callback URL with the card's response_code; type a
message and it goes as a text callback; passive replies show up in the chat (a text) or on
the card (update_button). "打开应用" goes through the OAuth flow as that person.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import requests
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from wecom.emulator.state import AS_USER_COOKIE, ChatLine, Delivery, EmulatorState
from wecom.emulator.wire import Delivered, card_event_xml, deliver, deliver_plaintext
from wecom.messages import MalformedXml, parse_xml

MAX_TYPED_BYTES = 2048


def create_blueprint(state: EmulatorState) -> Blueprint:
    bp = Blueprint(
        "wecom_emulator_chat",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static/emulator",
    )

    @bp.context_processor
    def _links() -> dict[str, Any]:
        def as_member(url: str) -> str:
            """A link in a message opens the app as the member whose chat this is."""
            user = (request.view_args or {}).get("user") or request.args.get("user")
            if user and state.app_home_url and url.startswith(_app_root(state)):
                return url_for(".open_app", user=user, next=url)
            return url

        return {"as_member": as_member}

    @bp.get("/")
    def index() -> ResponseReturnValue:
        user = (request.args.get("user") or "").lower() or None
        with state.lock:
            staff = sorted((state.users or {}).values(), key=lambda u: (u["main_department"], u["userid"]))
            departments = {d["id"]: d["name"] for d in state.departments.values()}
            person = (state.users or {}).get(user) if user else None
            roles = dict(state.demo_roles)
        return render_template(
            "emulator/chat.html",
            staff=staff,
            departments=departments,
            roles=roles,
            user=user,
            person=person,
            timeline=_timeline(state, user) if user else [],
            can_open=bool(state.app_home_url),
            can_send=state.callback is not None,
            location=(state.locations.get(user or "") or state.locations.get("")) if user else None,
        )

    @bp.get("/chat/<user>/feed")
    def feed(user: str) -> ResponseReturnValue:
        return render_template(
            "emulator/_timeline.html", user=user.lower(), timeline=_timeline(state, user.lower())
        )

    @bp.post("/chat/<user>/say")
    def say(user: str) -> ResponseReturnValue:
        user = user.lower()
        text = (request.form.get("text") or "").strip()
        if text and state.callback is not None:
            text = text.encode()[:MAX_TYPED_BYTES].decode("utf-8", "ignore")
            _append(state, ChatLine(user, "member", text, time.time()))
            msg_id = str(secrets.randbelow(9 * 10**18) + 10**18)  # WeCom MsgIds are 19 digits
            _answer(state, user, None, lambda: deliver(state, user, "text", Content=text, MsgId=msg_id))
        return redirect(url_for(".index", user=user) + "#bottom")

    @bp.post("/chat/<user>/locate")
    def locate(user: str) -> ResponseReturnValue:
        """Where this member's phone is, for the JS-SDK stand-in's getLocation (GCJ-02)."""
        try:
            lat, lng = float(request.form.get("lat", "")), float(request.form.get("lng", ""))
        except ValueError:
            abort(400)
        with state.lock:
            state.locations[user.lower()] = (lat, lng)
        return redirect(url_for(".index", user=user.lower()))

    _tap_and_open_routes(bp, state)
    return bp


def _tap_and_open_routes(bp: Blueprint, state: EmulatorState) -> None:
    """A tap on a card's button (a signed callback to the app), and opening the app as the person."""

    @bp.post("/chat/<user>/tap")
    def tap(user: str) -> ResponseReturnValue:
        user = user.lower()
        card = _card(state, user, request.form.get("msgid", ""))
        key = request.form.get("key", "")
        if card is None or not key or state.callback is None:
            abort(404)
        body = card.body["template_card"]
        selected = [
            (name.removeprefix("q:"), request.form.getlist(name))
            for name in request.form
            if name.startswith("q:") and request.form.getlist(name)
        ]
        plain = card_event_xml(
            state.corp_id,
            user,
            state.agent_id,
            event_key=key,
            task_id=card.task_id or "",
            card_type=body.get("card_type", "button_interaction"),
            response_code=card.response_code or "",
            selected=selected or None,
        )
        _answer(state, user, card, lambda: deliver_plaintext(state, plain))
        return redirect(url_for(".index", user=user) + "#bottom")

    @bp.get("/chat/<user>/open")
    def open_app(user: str) -> ResponseReturnValue:
        """The workbench entry, or a card's link (`next`), opened by this member inside WeCom:
        the OAuth page will know who they are, as WeCom's webview does."""
        if not state.app_home_url:
            abort(404)
        target = request.args.get("next") or state.app_home_url
        if not target.startswith(_app_root(state)):
            abort(400)  # only the app's own pages open with the member's identity
        response = redirect(target)
        if state.app_session_cookie and request.cookies.get(AS_USER_COOKIE) != user.lower():
            # Another member's phone: the app must log this one in, not reuse the last login.
            response.delete_cookie(state.app_session_cookie, path="/")
        response.set_cookie(AS_USER_COOKIE, user.lower(), httponly=True, samesite="Lax", path="/")
        return response


def _app_root(state: EmulatorState) -> str:
    return (state.app_home_url or "").removesuffix("m/")


def _append(state: EmulatorState, line: ChatLine) -> None:
    with state.lock:
        state.conversation.append(line)


def _card(state: EmulatorState, user: str, msgid: str) -> Delivery | None:
    with state.lock:
        for delivery in state.deliveries:
            if delivery.msgid == msgid and delivery.to_user == user and delivery.msgtype == "template_card":
                return None if delivery.recalled else delivery
    return None


def _answer(state: EmulatorState, user: str, card: Delivery | None, send: Any) -> None:
    """Deliver the callback and show what the app answered, as the WeCom client would."""
    try:
        delivered: Delivered = send()
    except requests.RequestException as exc:
        _append(state, ChatLine(user, "system", f"回调未送达（{type(exc).__name__}）", time.time()))
        return
    if delivered.status_code != 200:
        _append(state, ChatLine(user, "system", f"回调返回 HTTP {delivered.status_code}", time.time()))
        return
    if not delivered.reply:
        return
    try:
        reply = parse_xml(delivered.reply)
    except MalformedXml:
        _append(state, ChatLine(user, "system", "应用的被动回复不是合法的 XML", time.time()))
        return
    kind = reply.findtext("MsgType")
    if kind == "update_button" and card is not None:
        with state.lock:
            card.replaced_with = reply.findtext("Button/ReplaceName") or "已处理"
    elif kind == "text":
        _append(state, ChatLine(user, "app", reply.findtext("Content") or "", time.time()))


def _timeline(state: EmulatorState, user: str) -> list[dict[str, Any]]:
    with state.lock:
        items: list[dict[str, Any]] = [
            {"at": d.at, "side": "app", "delivery": d} for d in state.deliveries if d.to_user == user
        ]
        items += [{"at": c.at, "side": c.side, "text": c.text} for c in state.conversation if c.user == user]
    for item in items:
        item["clock"] = time.strftime("%H:%M", time.localtime(item["at"]))
    return sorted(items, key=lambda item: item["at"])
