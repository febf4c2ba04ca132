"""Dispatching what is due: claimed with row locks (SKIP LOCKED, so several dispatchers share the
work and none takes a row twice), cancelled when the obligation was met, held past the hourly
allowance, and written to the outbox in the same transaction that marks the reminders sent, so a
dispatcher killed mid-batch leaves them all planned."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import rules
from handlers.reminders.digests import (
    _send_card,
    _send_digest,
    _send_notices,
    _send_shared_cards,
)
from handlers.reminders.planning import PROMPT, is_met
from models import (
    Person,
    Reminder,
    ReminderPause,
    ReminderStatus,
)
from models.base import utcnow

#: How many reminders one dispatcher run claims.
BATCH = 5000


@dataclass
class DispatchReport:
    sent: int = 0
    digests: int = 0
    cancelled: int = 0
    held: int = 0
    calls: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} sent ({self.digests} digests, {self.calls} outbox rows), "
            f"{self.cancelled} cancelled, {self.held} held for the hourly limit"
        )


def dispatch_due(session: Session, now: datetime | None = None, batch: int = BATCH) -> DispatchReport:
    """Send what is due now: one transaction, its rows locked so no other dispatcher takes them."""
    now = now or utcnow()
    report = DispatchReport()
    paused = set(session.scalars(select(ReminderPause.category)))
    query = (
        select(Reminder)
        .where(Reminder.status == ReminderStatus.planned, Reminder.deliver_at <= now)
        .order_by(Reminder.deliver_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    if paused:
        query = query.where(Reminder.category.not_in(paused))
    due = session.scalars(query).all()
    by_person: dict = defaultdict(list)
    for row in due:
        if is_met(session, row.obligation):
            row.status, row.cancelled_reason = ReminderStatus.cancelled, "事项已办理，无需提醒"
            report.cancelled += 1
            continue
        by_person[row.person_id].append(row)
    if not by_person:
        return report
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(list(by_person))))}
    allowance = rules.value(session, "reminder.max_per_hour", now.date())
    sent_this_hour = dict(
        session.execute(
            select(Reminder.person_id, func.count(func.distinct(Reminder.outbox_key)))
            .where(Reminder.person_id.in_(list(by_person)), Reminder.sent_at > now - timedelta(hours=1))
            .group_by(Reminder.person_id)
        ).all()
    )
    singles: dict[tuple, list[tuple[Person, Reminder]]] = defaultdict(list)
    shared_cards: dict[tuple, list[tuple[Person, Reminder]]] = defaultdict(list)
    for person_id, rows in by_person.items():
        person = people[person_id]
        # Urgent ones and feature cards go alone; the rest due together fold into one digest.
        alone = [r for r in rows if r.priority in PROMPT or r.card_kind]
        rest = [r for r in rows if r not in alone]
        messages = [[r] for r in alone] + ([rest] if rest else [])
        budget = allowance - sent_this_hour.get(person_id, 0)
        for message in messages:
            # An urgent reminder is never held (a meeting in 30 minutes cannot wait an hour);
            # WeCom's own per-member limits still apply to it in the outbox.
            if budget <= 0 and message[0].priority not in PROMPT:
                # Over the member's hourly allowance: wait for the next hour, in one digest.
                for r in message:
                    r.deliver_at, r.plan_note = now + timedelta(hours=1), "本小时提醒已达上限，稍后合并发送"
                report.held += len(message)
                continue
            budget -= 1
            if message[0].card_kind and not message[0].card_key:
                # A card without a per-member key (a campaign's lesson card) is the same for
                # everyone who gets it at this moment: one call for up to 1,000 of them.
                r = message[0]
                shared_cards[(r.card_kind, json.dumps(r.card_params, sort_keys=True))].append((person, r))
            elif message[0].card_kind:
                _send_card(session, person, message[0], now)
                report.calls += 1
            elif len(message) == 1:
                r = message[0]
                singles[(r.category, r.title, r.reason, r.path, r.detail)].append((person, r))
            else:
                _send_digest(session, person, message, now)
                report.digests += 1
                report.calls += 1
            report.sent += len(message)
    report.calls += _send_notices(session, singles, now) + _send_shared_cards(session, shared_cards, now)
    session.flush()
    return report
