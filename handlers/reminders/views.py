"""What people see of reminders: the office's list and pauses, the member's own reminders,
snooze and quiet hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Forbidden, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, holds
from handlers.reminders.planning import CATEGORY_LABELS, is_met, plan, replan
from models import (
    Person,
    Reminder,
    ReminderPause,
    ReminderPreference,
    ReminderStatus,
)
from models.base import utcnow


def snooze(session: Session, person: Person, reminder_id: object, *, now: datetime | None = None) -> Reminder:
    """Once per reminder: ask again later (an hour on, or the end of the window), replanned."""
    from handlers.errors import Conflict, NotFound

    now = now or utcnow()
    row = session.get(Reminder, reminder_id)
    if row is None or row.person_id != person.id:
        raise NotFound("提醒不存在。")
    if row.snoozed:
        raise Conflict("每条提醒只能稍后提醒一次。")
    if is_met(session, row.obligation):
        raise Conflict("这件事已经办好了，不需要再提醒。")
    later = min(now + timedelta(hours=1), row.latest_at)
    row.deliver_at, row.plan_note = plan(
        session, person, earliest=later, latest=max(later, row.latest_at), priority=row.priority, now=now
    )
    row.status, row.snoozed, row.sent_at = ReminderStatus.planned, True, None
    return row


def page_of(session: Session, *, status: str | None, category: str | None, page: int | None) -> Page:
    """Reminders newest first, for the console (the office sees every member's, with reasons)."""
    query = select(Reminder)
    if status:
        try:
            query = query.where(Reminder.status == ReminderStatus(status))
        except ValueError:
            raise ValidationFailed("状态不正确。", field="status") from None
    if category:
        query = query.where(Reminder.category == category)
    return paginate(
        session, query, page=page, per_page=50, order_by=(Reminder.deliver_at.desc(), Reminder.id)
    )


def scoped_page(
    session: Session,
    actor: Actor,
    *,
    status: str | None,
    category: str | None,
    page: int | None,
    per_page: int,
) -> Page:
    """Reminders of the members the actor may see (the API): the office sees everyone's, a
    branch its members'. What and why, never more than the console shows."""
    from handlers.policy import scope_members
    from models import Member

    visible = scope_members(actor, select(Member.person_id))
    query = select(Reminder).where(Reminder.person_id.in_(visible))
    if status:
        try:
            query = query.where(Reminder.status == ReminderStatus(status))
        except ValueError:
            raise ValidationFailed("状态不正确。", field="status") from None
    if category:
        query = query.where(Reminder.category == category)
    return paginate(
        session, query, page=page, per_page=per_page, order_by=(Reminder.deliver_at.desc(), Reminder.id)
    )


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
    return {status.value: n for status, n in rows}


def paused(session: Session) -> set[str]:
    return set(session.scalars(select(ReminderPause.category)))


def set_paused(session: Session, actor: Actor, category: str, *, pause: bool) -> None:
    """Pause (or resume) a category hospital-wide: planned reminders wait, none is lost."""
    if not holds(actor, "reminder.manage"):
        raise Forbidden("只有党委组织部可以暂停提醒。")
    if category not in CATEGORY_LABELS:
        raise ValidationFailed("提醒类别不正确。", field="category")
    row = session.get(ReminderPause, category)
    if pause and row is None:
        session.add(ReminderPause(category=category, paused_by=actor.label[:100]))
    elif not pause and row is not None:
        session.delete(row)
    session.flush()
    audit.record(
        session,
        actor,
        "reminder.pause" if pause else "reminder.resume",
        object_type="reminder_category",
        object_id=category,
    )


def mine(session: Session, person: Person, limit: int = 30) -> list[Reminder]:
    """What the member was reminded of (sent), newest first: the page says why each came."""
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.person_id == person.id, Reminder.status == ReminderStatus.sent)
            .order_by(Reminder.sent_at.desc())
            .limit(limit)
        )
    )


def preference_of(session: Session, person: Person) -> ReminderPreference | None:
    """The member's own quiet hours and preferred time, if they set any."""
    return session.get(ReminderPreference, person.id)


def set_preference(
    session: Session,
    person: Person,
    *,
    quiet_start: time | None,
    quiet_end: time | None,
    preferred: time | None,
) -> ReminderPreference:
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationFailed(
            "免打扰时段请同时填写开始和结束，或都不填（使用医院默认）。", field="quiet_end"
        )
    row = session.get(ReminderPreference, person.id) or ReminderPreference(person_id=person.id)
    row.quiet_start, row.quiet_end, row.preferred_time, row.updated_at = (
        quiet_start,
        quiet_end,
        preferred,
        utcnow(),
    )
    session.add(row)
    session.flush()
    replan(session, {person.id}, utcnow())
    return row
