"""GET|POST /wecom/callback: verify, decrypt, dedupe, parse, dispatch, answer — fast.

WeCom waits 5 seconds and then retries three times, so the request does one small
transaction and leaves anything slow to jobs. Refusals write nothing but a log line, and
the log line carries no token, key, ciphertext or message text.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from typing import Any

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import IntegrityError

from handlers import notify
from handlers.errors import DomainError
from handlers.policy import Actor
from models import CallbackReceipt
from wecom.commands import router
from wecom.crypto import CallbackCrypto, MalformedPayload, WrongReceiver
from wecom.messages import Inbound, MalformedXml, parse_inbound, parse_xml, text_reply, update_button_reply
from wecom.router import CallbackContext, Reply

logger = logging.getLogger(__name__)
bp = Blueprint("wecom_callback", __name__)

MAX_BODY_BYTES = 64 * 1024
#: WeCom retries for well under a minute; ten minutes of memory covers every retry.
DEDUPE_TTL_SECONDS = 600


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _crypto() -> CallbackCrypto:
    return current_app.extensions["dangjian.wecom_crypto"]


def _signed_query() -> tuple[str, str, str]:
    signature = request.args.get("msg_signature", "")
    timestamp = request.args.get("timestamp", "")
    nonce = request.args.get("nonce", "")
    if not (signature and nonce and timestamp.isdigit()):
        raise Refused(400, "missing or malformed msg_signature/timestamp/nonce")
    window = current_app.config["WECOM_CALLBACK_WINDOW_SECONDS"]
    if abs(time.time() - int(timestamp)) > window:
        raise Refused(403, "timestamp outside the accepted window (replay?)")
    return signature, timestamp, nonce


def _refusal(exc: Refused) -> Response:
    logger.warning("wecom callback refused %s from %s: %s", exc.status, request.remote_addr, exc.reason)
    return Response("", status=exc.status)


@bp.get("/wecom/callback")
def verify_url() -> Response:
    """URL verification when the admin saves the callback settings (doc 90930)."""
    try:
        signature, timestamp, nonce = _signed_query()
        echostr = request.args.get("echostr", "")
        if not _crypto().signature_matches(signature, timestamp, nonce, echostr):
            raise Refused(403, "bad signature")
        plain = _crypto().decrypt(echostr)
    except Refused as exc:
        return _refusal(exc)
    except WrongReceiver:
        return _refusal(Refused(403, "echostr addressed to another corp"))
    except MalformedPayload:
        return _refusal(Refused(400, "echostr does not decrypt"))
    return Response(plain, mimetype="text/plain")  # exactly the plaintext: no newline


def _read_body() -> bytes:
    declared = request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        raise Refused(413, f"body of {declared} bytes")
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise Refused(413, "body over the limit")
    return body


def _open(body: bytes, signature: str, timestamp: str, nonce: str) -> Inbound:
    try:
        envelope = parse_xml(body)
    except MalformedXml as exc:
        raise Refused(400, f"envelope is not acceptable XML ({exc})") from None
    encrypt_node = envelope.find("Encrypt")
    if encrypt_node is None or not (encrypt_node.text or "").strip():
        raise Refused(400, "envelope has no Encrypt")
    encrypt = encrypt_node.text.strip()
    if not _crypto().signature_matches(signature, timestamp, nonce, encrypt):
        raise Refused(403, "bad signature")
    try:
        plain = _crypto().decrypt(encrypt)
    except WrongReceiver:
        raise Refused(403, "payload addressed to another corp") from None
    except MalformedPayload as exc:
        raise Refused(400, f"payload does not decrypt ({exc})") from None
    try:
        return parse_inbound(plain)
    except MalformedXml as exc:
        raise Refused(400, f"message is not acceptable XML ({exc})") from None


def _dedupe_key(inbound: Inbound) -> str:
    return "dj:wecom:seen:" + hashlib.sha256(inbound.dedupe_key.encode()).hexdigest()


@bp.post("/wecom/callback")
def receive() -> Response:
    try:
        signature, timestamp, nonce = _signed_query()
        inbound = _open(_read_body(), signature, timestamp, nonce)
    except Refused as exc:
        return _refusal(exc)

    redis = current_app.extensions["dangjian.jobs"].redis
    seen_key = _dedupe_key(inbound)
    if not redis.set(seen_key, b"1", nx=True, ex=DEDUPE_TTL_SECONDS):
        logger.info("wecom callback duplicate ignored (%s)", inbound.msg_type)
        return Response("")
    # The request's unit of work: web/transaction.py commits it when this view returns.
    unit = current_app.extensions["dangjian.request_unit"]
    try:
        reply = _dispatch(unit, inbound)
    except Exception:
        # Let WeCom's retry try again: nothing of this attempt is kept, and we forget we saw it.
        unit.session().rollback()
        redis.delete(seen_key)
        logger.exception("wecom callback failed (%s %s)", inbound.msg_type, inbound.event or "")
        return Response("", status=500)
    if reply is None:
        return Response("")
    return _passive(inbound, reply)


def _dispatch(unit: Any, inbound: Inbound) -> Reply | None:
    """Run the route in the request's transaction; a refusal becomes the member's explanation."""
    resolved = router.resolve(inbound)
    if resolved is None:
        return None
    route, argument = resolved
    session = unit.session()
    context = CallbackContext(inbound=inbound, session=session, argument=argument)
    try:
        if route.writes:
            # First in the transaction, so a duplicate fails before the route runs; the whole
            # transaction is rolled back then, which is all a savepoint would have kept apart.
            session.add(CallbackReceipt(dedupe_key=inbound.dedupe_key))
            session.flush()
        reply = route.fn(context)
        session.flush()  # what the route broke fails here, not in the commit after the answer
    except IntegrityError:
        session.rollback()
        logger.info("wecom callback already applied (database receipt)")
        return None
    except DomainError as exc:
        return _explain(unit, inbound, exc)
    return reply


def _explain(unit: Any, inbound: Inbound, error: DomainError) -> Reply | None:
    """Tell the member why: a passive text reply to a text, a chat message after a card tap.
    The route's writes are rolled back; a refusal for want of right (a forged card key, someone
    else's approval) is audited by the commit point like any other."""
    if inbound.msg_type != "text":
        error.recorded_by(
            lambda session: notify.tell(
                session, inbound.from_user, "text", key=f"explain:{inbound.dedupe_key}", content=error.message
            )
        )
    who = Actor(kind="wecom_user", id=inbound.from_user, label=inbound.from_user)
    unit.refused(error, actor=who, where=f"callback:{inbound.event_key or inbound.msg_type}")
    return Reply("text", error.message) if inbound.msg_type == "text" else None


def _passive(inbound: Inbound, reply: Reply) -> Response:
    now = int(time.time())
    corp_id = current_app.config["WECOM_CORP_ID"]
    if reply.kind == "update_button":
        plain = update_button_reply(inbound.from_user, corp_id, reply.text, now)
    else:
        plain = text_reply(inbound.from_user, corp_id, reply.text, now)
    envelope = _crypto().envelope(plain, str(now), secrets.token_hex(8))
    return Response(envelope, mimetype="application/xml")
