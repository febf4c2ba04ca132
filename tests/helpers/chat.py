"""WeCom's side of a chat in tests: reading passive replies, tapping cards, finding a delivered card."""

from __future__ import annotations

import itertools
import time

from wecom.emulator import wire
from wecom.messages import parse_xml

MSG_IDS = itertools.count(9_100_000)


def say(app, send, user, text):
    """A member types `text` to the app, as WeCom delivers it (each with a new MsgId)."""
    xml = wire.message_xml(
        app.config["WECOM_CORP_ID"],
        user,
        app.config["WECOM_AGENT_ID"],
        "text",
        Content=text,
        MsgId=next(MSG_IDS),
    )
    return send(xml)


def opened(wecom, response):
    """Decrypt a passive reply the way the WeCom client would."""
    envelope = parse_xml(response.data)
    encrypt = envelope.find("Encrypt").text
    assert wecom.signature_matches(
        envelope.find("MsgSignature").text,
        envelope.find("TimeStamp").text,
        envelope.find("Nonce").text,
        encrypt,
    )
    return parse_xml(wecom.decrypt(encrypt))


def tap(app, send, user, key, delivery, later=0):
    """A tap as WeCom delivers it (`later` seconds on: a distinct event, not a retry)."""
    xml = wire.card_event_xml(
        app.config["WECOM_CORP_ID"], user, app.config["WECOM_AGENT_ID"], event_key=key,
        task_id=delivery.task_id, response_code=delivery.response_code, create_time=int(time.time()) + later,
    )  # fmt: skip
    return send(xml)


def card_for(emulator, user, kind_prefix):
    return next(
        d
        for d in emulator.state.deliveries
        if d.to_user == user and (d.task_id or "").startswith(kind_prefix)
    )
