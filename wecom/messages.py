"""Decrypted callback XML → one typed value (docs 90239, 90240; template cards doc 90236).

Parsed with defusedxml: a DTD or entity declaration is refused before anything expands.
Repeated elements (SelectedItem, OptionId) are normalised to lists whether WeCom sent one
or several.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class MalformedXml(Exception):
    pass


#: An XML declaration naming an encoding: WeCom sends UTF-8 only, and expat cannot read the
#: multi-byte ones (gbk, …) at all — refused up front, before any parser sees the body.
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def parse_xml(text: str | bytes) -> Element:
    raw = text.encode() if isinstance(text, str) else text
    declared = _DECLARED_ENCODING.match(raw[:200])
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise MalformedXml("encoding other than UTF-8 declared")
    try:
        return fromstring(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, UnicodeError) as exc:
        raise MalformedXml(type(exc).__name__) from None


#: Numbers WeCom sends and the largest each may be (doc 90239/90240 and change_contact, doc
#: 90970): ids are unsigned 32-bit, times and message ids 64-bit. Anything else is refused
#: here (a 400), never handed to the database or a job to fail on.
NUMBER_FIELDS = {
    "CreateTime": 2**63 - 1,
    "MsgId": 2**64 - 1,
    "AgentID": 2**32 - 1,
    "Id": 2**32 - 1,
    "ParentId": 2**32 - 1,
    "Order": 2**32 - 1,
}
#: Comma-separated department ids (change_contact's Department).
NUMBER_LIST_FIELDS = {"Department": 2**32 - 1, "IsLeaderInDept": 1}


def _check_numbers(simple: dict[str, str]) -> None:
    for name, most in NUMBER_FIELDS.items():
        value = simple.get(name, "").strip()
        if value and not (value.isdigit() and len(value) <= 20 and int(value) <= most):
            raise MalformedXml(f"{name} is not a number WeCom sends")
    for name, most in NUMBER_LIST_FIELDS.items():
        for part in (p.strip() for p in simple.get(name, "").split(",")):
            if part and not (part.isdigit() and len(part) <= 20 and int(part) <= most):
                raise MalformedXml(f"{name} is not a list of numbers WeCom sends")


@dataclass(frozen=True)
class SelectedItem:
    question_key: str
    option_ids: tuple[str, ...]


@dataclass(frozen=True)
class Inbound:
    """One message or event from a member (or `sys` for directory changes)."""

    msg_type: str  #: text, image, …, or event
    from_user: str
    create_time: int
    agent_id: str | None = None
    msg_id: str | None = None
    content: str | None = None  #: text messages
    event: str | None = None  #: lower-cased: click, enter_agent, template_card_event, change_contact …
    event_key: str | None = None
    task_id: str | None = None
    card_type: str | None = None
    response_code: str | None = None
    selected_items: tuple[SelectedItem, ...] = ()
    change_type: str | None = None  #: change_contact: create_user, update_party …
    fields: dict[str, str] = field(default_factory=dict)  #: every other simple element, raw

    @property
    def dedupe_key(self) -> str:
        """WeCom's advice: MsgId for messages, FromUserName + CreateTime for events (doc 90238),
        plus the event's identity so two different taps in the same second stay distinct."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        identity = "|".join(x or "" for x in (self.event, self.event_key, self.task_id, self.change_type))
        extra = self.fields.get("UserID") or self.fields.get("Id") or ""
        return f"evt:{self.from_user}:{self.create_time}:{identity}:{extra}"[:200]


def _text(root: Element, name: str) -> str | None:
    node = root.find(name)
    return node.text if node is not None and node.text is not None else None


def parse_inbound(xml: str) -> Inbound:
    root = parse_xml(xml)
    msg_type = (_text(root, "MsgType") or "").strip()
    from_user = _text(root, "FromUserName")
    create_time = _text(root, "CreateTime")
    if not msg_type or not from_user or not (create_time or "").isdigit():
        raise MalformedXml("MsgType, FromUserName and CreateTime are required")
    selected = tuple(
        SelectedItem(
            question_key=_text(item, "QuestionKey") or "",
            option_ids=tuple(o.text or "" for o in item.findall("OptionIds/OptionId")),
        )
        for item in root.findall("SelectedItems/SelectedItem")
    )
    simple = {child.tag: (child.text or "") for child in root if len(child) == 0}
    _check_numbers(simple)
    return Inbound(
        msg_type=msg_type,
        from_user=from_user,
        create_time=int(create_time),
        agent_id=_text(root, "AgentID"),
        msg_id=_text(root, "MsgId"),
        content=_text(root, "Content"),
        event=(_text(root, "Event") or "").lower() or None,
        event_key=_text(root, "EventKey"),
        task_id=_text(root, "TaskId"),
        card_type=_text(root, "CardType"),
        response_code=_text(root, "ResponseCode"),
        selected_items=selected,
        change_type=_text(root, "ChangeType"),
        fields=simple,
    )


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to_user: str, corp_id: str, content: str, now: int) -> str:
    """Passive text reply plaintext (doc 90241); WeCom truncates beyond 2048 bytes."""
    body = content.encode()[:2048].decode("utf-8", "ignore")
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(corp_id)}</FromUserName>"
        f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(body)}</Content></xml>"
    )


def update_button_reply(to_user: str, corp_id: str, replace_name: str, now: int) -> str:
    """Passive reply to a template_card_event that greys the tapped card's buttons out."""
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(corp_id)}</FromUserName>"
        f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[update_button]]></MsgType>"
        f"<Button><ReplaceName>{_cdata(replace_name)}</ReplaceName></Button></xml>"
    )
