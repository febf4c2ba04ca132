"""WeCom's side of the callback wire: build message/event XML, encrypt and sign it.

The emulator's chat page and the tests deliver callbacks with this, so the app is always
exercised through the same encryption and signature a real corp's traffic carries.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from wecom.crypto import CallbackCrypto


@dataclass(frozen=True)
class SignedCallback:
    query: dict[str, str]
    body: str

    @property
    def query_string(self) -> str:
        return urlencode(self.query)  # percent-encodes '+' and '/' in echostr (doc 90930)


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(
    corp_id: str,
    from_user: str,
    agent_id: str,
    msg_type: str,
    create_time: int | None = None,
    **elements: object,
) -> str:
    """Plaintext callback XML; keyword elements become <Name>value</Name> (lists nest)."""
    parts = [
        f"<ToUserName>{_cdata(corp_id)}</ToUserName>",
        f"<FromUserName>{_cdata(from_user)}</FromUserName>",
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>",
        f"<MsgType>{_cdata(msg_type)}</MsgType>",
    ]
    for name, value in elements.items():
        parts.append(_element(name, value))
    if agent_id:
        parts.append(f"<AgentID>{escape(agent_id)}</AgentID>")
    return "<xml>" + "".join(parts) + "</xml>"


def _element(name: str, value: object) -> str:
    if isinstance(value, int):
        return f"<{name}>{value}</{name}>"
    if isinstance(value, str):
        return f"<{name}>{_cdata(value)}</{name}>"
    if isinstance(value, list):  # [("SelectedItem", {...}), ...] or plain strings
        return f"<{name}>" + "".join(_element(k, v) for k, v in value) + f"</{name}>"
    if isinstance(value, dict):
        return f"<{name}>" + "".join(_element(k, v) for k, v in value.items()) + f"</{name}>"
    raise TypeError(f"cannot render {name}={value!r}")


def card_event_xml(
    corp_id: str,
    from_user: str,
    agent_id: str,
    *,
    event_key: str,
    task_id: str,
    card_type: str = "button_interaction",
    response_code: str = "",
    selected: list[tuple[str, list[str]]] | None = None,
    menu: bool = False,
    create_time: int | None = None,
) -> str:
    elements: dict[str, object] = {
        "Event": "template_card_menu_event" if menu else "template_card_event",
        "EventKey": event_key,
        "TaskId": task_id,
        "CardType": card_type,
        "ResponseCode": response_code or secrets.token_hex(16),
    }
    if selected:
        elements["SelectedItems"] = [
            ("SelectedItem", {"QuestionKey": key, "OptionIds": [("OptionId", o) for o in options]})
            for key, options in selected
        ]
    return message_xml(corp_id, from_user, agent_id, "event", create_time, **elements)


def sign(crypto: CallbackCrypto, plaintext: str, *, timestamp: int | None = None) -> SignedCallback:
    """Encrypt and sign a callback as WeCom POSTs it."""
    ts = str(timestamp or int(time.time()))
    nonce = str(secrets.randbelow(10**10))
    encrypt = crypto.encrypt(plaintext)
    body = (
        f"<xml><ToUserName>{_cdata(crypto.receive_id)}</ToUserName><Encrypt>{_cdata(encrypt)}</Encrypt></xml>"
    )
    return SignedCallback(
        {"msg_signature": crypto.signature(ts, nonce, encrypt), "timestamp": ts, "nonce": nonce}, body
    )


def sign_echo(crypto: CallbackCrypto, echo: str, *, timestamp: int | None = None) -> SignedCallback:
    """The URL-verification GET WeCom sends when the callback settings are saved."""
    ts = str(timestamp or int(time.time()))
    nonce = str(secrets.randbelow(10**10))
    echostr = crypto.encrypt(echo)
    return SignedCallback(
        {
            "msg_signature": crypto.signature(ts, nonce, echostr),
            "timestamp": ts,
            "nonce": nonce,
            "echostr": echostr,
        },
        "",
    )
