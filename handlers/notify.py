"""The one door through which use-cases tell people things: an outbox row, written in the caller's
transaction, that names what to tell whom (a kind and its parameters) — never a WeCom payload.

The sender job (jobs/outbox.py) renders each row with wecom/cards and sends it through
wecom/client once the transaction has committed; nothing is sent for a rolled-back change. The
same key written twice is one message, so a replayed request or a retried job tells nobody twice.
Anything timed (a reminder that should reach a member when their roster allows) goes through the
reminder engine, which comes back here when the moment arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OutboundMessage, OutboundStatus, Person

#: The kind that takes the buttons off a card already sent (its label says what happened).
CLOSE_CARD = "close_card"
#: WeCom takes at most this many recipients in one send (doc 90236).
MAX_RECIPIENTS = 1000
#: Why WeCom did not reach a recipient, by the field of message/send's answer that named them
#: (doc 90236), in the words the console shows beside the member's reminder.
UNDELIVERED_REASONS = {
    "invaliduser": "企业微信未送达：账号不存在或不在应用可见范围内",
    "unlicenseduser": "企业微信未送达：该成员没有接口许可（账号未激活许可）",
    "invalidparty": "企业微信未送达：部门不存在或不在应用可见范围内",
    "invalidtag": "企业微信未送达：标签不存在或不在应用可见范围内",
}


def undelivered_text(reason: str) -> str:
    return UNDELIVERED_REASONS.get(reason, f"企业微信未送达（{reason}）")


def record_undelivered(row: OutboundMessage, refused: dict[str, str]) -> list[str]:
    """Note on an outbox row which of its recipients WeCom refused and why; the row counts as
    sent only when somebody was reached. Returns the row's refused userids."""
    mine = {user: refused[user] for user in row.to_users.split("|") if user in refused}
    row.undelivered = mine or None
    if mine and len(mine) == len(row.to_users.split("|")):
        row.status = OutboundStatus.failed
        row.last_error = "；".join(sorted({undelivered_text(r) for r in mine.values()}))[:500]
    return list(mine)


def origin_keys(row: OutboundMessage) -> list[str]:
    """The keys a row was written under: its own, and — for a member's share split off a
    broadcast because they were over budget (`{key}|{userid}`) — the broadcast's."""
    keys = [row.dedupe_key]
    suffix = f"|{row.to_users}"
    if "|" not in row.to_users and row.dedupe_key.endswith(suffix):
        keys.append(row.dedupe_key.removesuffix(suffix))
    return keys


def userids(to: Person | str | Iterable[Person | str]) -> list[str]:
    """WeCom userids of people (or userids already), in order, without repeats."""
    items = [to] if isinstance(to, (Person, str)) else list(to)
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item.wecom_userid if isinstance(item, Person) else item, None)
    return list(seen)


def tell(
    session: Session,
    to: Person | str | Iterable[Person | str],
    kind: str,
    /,
    *,
    key: str,
    not_before: datetime | None = None,
    new_key: bool = False,
    **params: Any,
) -> OutboundMessage | None:
    """Tell `to` (up to MAX_RECIPIENTS people, or their userids) a message of `kind` (one renderer
    in wecom/cards per kind) with `params`. `key` names the intent: written again, it is the same
    message and nothing new is written (None is returned). `new_key`: the key carries a new row's
    id and cannot have been used, so the look-up is skipped (the reminder dispatcher's hot path)."""
    recipients = userids(to)
    if not recipients:
        return None
    if len(recipients) > MAX_RECIPIENTS:
        raise ValueError(f"{len(recipients)} recipients: split the audience into calls of {MAX_RECIPIENTS}")
    key = key[:200]
    if not new_key and already_told(session, key):
        return None
    row = OutboundMessage(kind=kind, to_users="|".join(recipients), params=params, dedupe_key=key)
    if not_before is not None:
        row.not_before = not_before
    session.add(row)
    return row


def close_card(
    session: Session, to: Person | str, *, card_key: str, label: str, key: str, say_instead: str = ""
) -> OutboundMessage | None:
    """The card sent under `card_key` takes no more taps: its buttons become `label`. If the card
    can no longer change (WeCom keeps that possibility 72 hours), `say_instead` is sent in chat."""
    return tell(session, to, CLOSE_CARD, key=key, card_key=card_key, label=label, say_instead=say_instead)


def withdraw(session: Session, key: str, why: str) -> bool:
    """The message under `key` is no longer needed: if it has not gone out yet, it never will."""
    row = session.scalar(select(OutboundMessage).where(OutboundMessage.dedupe_key == key))
    if row is None or row.status not in (OutboundStatus.pending, OutboundStatus.deferred):
        return False
    row.status, row.last_error = OutboundStatus.cancelled, why
    return True


def already_told(session: Session, key: str) -> bool:
    """Whether a message under this key was ever written (sent or not)."""
    return session.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == key)) is not None


def cards_sent_under(session: Session, key_prefix: str) -> list[OutboundMessage]:
    """The messages whose keys start with `key_prefix` (every card of one approval slot, say)."""
    return list(
        session.scalars(select(OutboundMessage).where(OutboundMessage.dedupe_key.startswith(key_prefix)))
    )
