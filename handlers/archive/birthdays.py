"""政治生日: on the anniversary of joining, one private card from the member's branch (the text is
the rule archive.political_birthday_text), timed by the reminder engine around their roster. No
list of whose day it is is shown anywhere; a secretary may turn the cards off for the branch."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime, time

from sqlalchemy import extract, select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, links, reminders, rules
from handlers.errors import Forbidden, NotFound
from handlers.policy import Actor, can
from models import Member, OrgKind, PartyOrg, ReminderPriority
from models.base import CHINA, utcnow


def _anniversary_days(today: date) -> list[tuple[int, int]]:
    """(month, day) pairs whose anniversary is today: 29 February is kept on the 28th in other years."""
    days = [(today.month, today.day)]
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        days.append((2, 29))
    return days


def queue_cards(session: Session, today: date) -> int:
    """Plan today's 政治生日 cards (once per member per year: the obligation key carries the year)."""
    text = rules.value(session, "archive.political_birthday_text", today)
    asks = []
    now = utcnow()
    for month, day in _anniversary_days(today):
        found = session.scalars(
            select(Member)
            .join(PartyOrg, Member.branch_id == PartyOrg.id)
            .where(
                Member.left_at.is_(None),
                Member.joined_on.is_not(None),
                extract("month", Member.joined_on) == month,
                extract("day", Member.joined_on) == day,
                PartyOrg.political_birthday_cards.is_(True),
            )
            .options(joinedload(Member.person), joinedload(Member.branch))
        )
        for member in found:
            years = today.year - member.joined_on.year
            if years < 1 or not member.person.is_active:
                continue
            asks.append(
                reminders.Ask(
                    member.person,
                    "political_birthday",
                    f"political_birthday:{member.id}:{today.year}",
                    "政治生日快乐",
                    f"{years}年前的今天，您在党旗下庄严宣誓。{text}——{member.branch.name}",
                    links.page("h5.mine_archive"),
                    due_at=datetime.combine(today, time(20), CHINA),
                    earliest=now,
                    latest=datetime.combine(today, time(21), CHINA),
                    priority=ReminderPriority.low,
                )
            )
    return reminders.remind_many(session, asks, now=now)


@reminders.obligation_check("political_birthday")
def _never_met(session: Session, key: str) -> bool:
    """A greeting owes nothing: it is sent on its day, never cancelled as met."""
    return False


def set_cards(session: Session, actor: Actor, *, org_id: uuid.UUID, on: bool) -> PartyOrg:
    """The branch's secretary (or the office) turns its 政治生日 cards on or off."""
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch:
        raise NotFound()
    if not can(session, actor, "member.edit", obj=org):
        raise Forbidden("只有本支部书记、组织委员或党委组织部可以设置。")
    if org.political_birthday_cards != on:
        org.political_birthday_cards = on
        audit.record(
            session, actor, "org.political_birthday", object_type="org", object_id=org.id, detail={"on": on}
        )
    return org
