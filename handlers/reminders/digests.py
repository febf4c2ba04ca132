"""How due reminders leave, through the one notify door: the feature's own card, a digest of
several, and identical notices or shared cards for many members in calls of up to 1,000."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import notify
from models import Person, Reminder, ReminderStatus

#: WeCom accepts up to 1,000 recipients per message/send call.
MAX_RECIPIENTS = notify.MAX_RECIPIENTS

#: Reminders due together for many members, keyed by what makes their message the same.
Recipients = dict[tuple, list[tuple[Person, Reminder]]]


def _sent(rows: Iterable[Reminder], now: datetime, key: str) -> None:
    for r in rows:
        r.status, r.sent_at, r.outbox_key = ReminderStatus.sent, now, key


def mark_undelivered(session: Session, outbox_keys: list[str], refused: dict[str, str]) -> int:
    """WeCom did not reach these members (userid → reason): the reminders that went out under
    these outbox keys are failed for them, with the reason — not sent, and never counted as such."""
    if not outbox_keys or not refused:
        return 0
    rows = session.scalars(
        select(Reminder)
        .join(Person, Reminder.person_id == Person.id)
        .where(Reminder.outbox_key.in_(outbox_keys), Person.wecom_userid.in_(list(refused)))
    ).all()
    for row in rows:
        row.status = ReminderStatus.failed
        row.failure_reason = notify.undelivered_text(refused[row.person.wecom_userid])[:100]
    return len(rows)


def _send_card(session: Session, person: Person, row: Reminder, now: datetime) -> None:
    """The feature's own card (interactive buttons and all), under the key it is known by."""
    key = row.card_key or f"reminder:{row.id}"
    notify.tell(session, person, row.card_kind, key=key, new_key=row.card_key is None, **row.card_params)
    _sent([row], now, key)


def _send_digest(session: Session, person: Person, rows: list[Reminder], now: datetime) -> None:
    key = f"reminder_digest:{rows[0].id}"
    items = [{"title": r.title, "reason": r.reason, "path": r.path} for r in rows]
    notify.tell(session, person, "reminder_digest", key=key, new_key=True, items=items)
    _sent(rows, now, key)


def _send_notices(session: Session, singles: Recipients, now: datetime) -> int:
    """Identical notices for many members at once go out as one call (≤ 1,000 each)."""
    calls = 0
    for (category, title, reason, path, detail), recipients in singles.items():
        for chunk in _chunks(recipients, MAX_RECIPIENTS):
            key = f"reminder:{chunk[0][1].id}"
            notify.tell(
                session,
                [p for p, _ in chunk],
                "reminder",
                key=key,
                new_key=True,
                title=title,
                reason=reason,
                path=path,
                category=category,
                detail=detail,
                reminder_id=str(chunk[0][1].id) if len(chunk) == 1 else None,
            )
            _sent((r for _, r in chunk), now, key)
            calls += 1
    return calls


def _send_shared_cards(session: Session, shared_cards: Recipients, now: datetime) -> int:
    """A card without a per-member key, the same for everyone who gets it at this moment."""
    calls = 0
    for (card_kind, _), recipients in shared_cards.items():
        for chunk in _chunks(recipients, MAX_RECIPIENTS):
            key = f"reminder:{chunk[0][1].id}"
            # The batch key gives interactive cards a task id of their own per call.
            params = {**chunk[0][1].card_params, "batch": key}
            notify.tell(session, [p for p, _ in chunk], card_kind, key=key, new_key=True, **params)
            _sent((r for _, r in chunk), now, key)
            calls += 1
    return calls


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
