"""How due reminders leave: the feature's own card, a digest of several, identical notices and
shared cards for many members in calls of up to 1,000."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from models import (
    OutboundMessage,
    Person,
    Reminder,
    ReminderStatus,
)

#: WeCom accepts up to 1,000 recipients per message/send call.
MAX_RECIPIENTS = 1000


def _send_card(session: Session, person: Person, row: Reminder, now: datetime) -> None:
    """The feature's own card (interactive buttons and all), under the key it is known by."""
    session.add(
        OutboundMessage(
            kind=row.card_kind,
            to_users=person.wecom_userid,
            params=row.card_params,
            dedupe_key=row.card_key or f"reminder:{row.id}",
        )
    )
    row.status, row.sent_at, row.outbox_key = ReminderStatus.sent, now, row.card_key or f"reminder:{row.id}"


def _send_digest(session: Session, person: Person, rows: list[Reminder], now: datetime) -> None:
    key = f"reminder_digest:{rows[0].id}"
    session.add(
        OutboundMessage(
            kind="reminder_digest",
            to_users=person.wecom_userid,
            params={"items": [{"title": r.title, "reason": r.reason, "path": r.path} for r in rows]},
            dedupe_key=key,
        )
    )
    for r in rows:
        r.status, r.sent_at, r.outbox_key = ReminderStatus.sent, now, key


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
