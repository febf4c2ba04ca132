"""WeCom's side of the callback wire: build message/event XML, encrypt and sign it.

The emulator's chat page and the tests deliver callbacks with this, so the app is always
exercised through the same encryption and signature a real corp's traffic carries.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from wecom.crypto import CallbackCrypto

if TYPE_CHECKING:
    from wecom.emulator.state import EmulatorState

#: WeCom gives up on a callback after five seconds (then retries; doc 90238).
CALLBACK_TIMEOUT_SECONDS = 5


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


@dataclass(frozen=True)
class Delivered:
    status_code: int
    #: The app's passive reply, decrypted (empty when it answered with an empty body).
    reply: str


def deliver(
    state: EmulatorState, from_user: str, msg_type: str, *, agent_id: str | None = None, **elements: object
) -> Delivered:
    """Send one message or event to the app's 接收消息服务器 exactly as WeCom does."""
    plain = message_xml(
        state.corp_id, from_user, state.agent_id if agent_id is None else agent_id, msg_type, **elements
    )
    return deliver_plaintext(state, plain)


def deliver_plaintext(state: EmulatorState, plain: str) -> Delivered:
    """Encrypt, sign and POST a callback's plaintext XML; decrypt the passive reply."""
    import requests

    from wecom.messages import parse_xml

    target = state.callback
    if target is None:
        raise RuntimeError("the emulator has no callback URL configured")
    crypto = CallbackCrypto(target.token, target.encoding_aes_key, state.corp_id)
    signed = sign(crypto, plain)
    response = requests.post(
        f"{target.url}?{signed.query_string}",
        data=signed.body.encode(),
        headers={"Content-Type": "text/xml"},
        timeout=CALLBACK_TIMEOUT_SECONDS,
    )
    reply = ""
    if response.status_code == 200 and response.content.strip():
        encrypt = parse_xml(response.content).findtext("Encrypt") or ""
        reply = crypto.decrypt(encrypt)
    return Delivered(response.status_code, reply)
