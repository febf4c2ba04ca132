"""This year's study hours toward 32 (56 for secretaries and committee members), and the pace
reminder for those falling behind."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import links, reminders, rules
from handlers.learning.recommendations import roles_of
from models import (
    Attendance,
    MeetingKind,
    MeetingSession,
    Person,
    ReminderPriority,
    StudyRecord,
    TrainingAttendance,
    TrainingDay,
    meeting_obligation,
)
from models.base import CHINA, utcnow


def format_hours(value: Decimal | int) -> str:
    """学时 as people write them: 32, 0.5, 1.5 (not 32.0)."""
    text = f"{Decimal(value).quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class YearHours:
    online: Decimal
    lectures: Decimal
    target: int
    #: Offline training days (集中培训) attended, as the office recorded them.
    training: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return self.online + self.lectures + self.training

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.target) - self.total, Decimal("0"))


def hours_this_year(session: Session, person: Person, now: datetime | None = None) -> YearHours:
    """This year's hours toward 32 (56 for secretaries and committee members), by source:
    lessons completed here, 党课 attended (credited per the rule catalogue), training days."""
    now = now or utcnow()
    year = now.astimezone(CHINA).year
    member = person.membership
    if member is None:
        return YearHours(Decimal("0"), Decimal("0"), 0)
    online = session.scalar(
        select(func.coalesce(func.sum(StudyRecord.credited_hours), 0)).where(
            StudyRecord.member_id == member.id, StudyRecord.year == year
        )
    )
    start = datetime(year, 1, 1, tzinfo=CHINA)
    lectures = session.scalar(
        select(func.count(func.distinct(Attendance.meeting_id)))
        .join(MeetingSession, MeetingSession.id == Attendance.session_id)
        .join(meeting_obligation, meeting_obligation.c.meeting_id == Attendance.meeting_id)
        .where(
            Attendance.member_id == member.id,
            Attendance.present.is_(True),
            meeting_obligation.c.kind == MeetingKind.party_lecture,
            MeetingSession.starts_at >= start,
            MeetingSession.starts_at < start.replace(year=year + 1),
        )
    )
    leads = bool(
        roles_of(session, person, now.astimezone(CHINA).date()) & {"secretary", "organizer", "committee"}
    )
    training = session.scalar(
        select(func.coalesce(func.sum(TrainingDay.hours), 0))
        .join(TrainingAttendance, TrainingAttendance.training_id == TrainingDay.id)
        .where(
            TrainingAttendance.member_id == member.id,
            TrainingDay.held_on >= start.date(),
            TrainingDay.held_on < start.date().replace(year=year + 1),
        )
    )
    target = rules.value(session, "study.leader_hours" if leads else "study.member_hours", now.date())
    per_lecture = rules.value(session, "study.lecture_hours", now.date())
    return YearHours(Decimal(online), Decimal(lectures or 0) * per_lecture, target, Decimal(training))


def queue_pace_reminders(session: Session, today: date) -> int:
    """In the last quarter, one reminder a month to each member still short of this year's hours
    (a private nudge, never a list of who is behind). Returns how many were planned."""
    from models import Member

    if today.month < 10:
        return 0
    now = utcnow()
    members = session.scalars(
        select(Person)
        .join(Member, Member.person_id == Person.id)
        .where(Member.left_at.is_(None), Person.is_active.is_(True))
    ).all()
    asks = []
    for person in members:
        hours = hours_this_year(session, person, now)
        if not hours.remaining:
            continue
        asks.append(
            reminders.Ask(
                person,
                "study_pace",
                f"study_pace:{person.id}:{today:%Y-%m}",
                f"本年还差 {format_hours(hours.remaining)} 学时",
                f"今年已学 {format_hours(hours.total)} / {hours.target} 学时，年底前请抽空完成"
                "（在线课程、党课均可）。",
                links.page("h5.study_hours"),
                due_at=datetime(today.year, 12, 31, 12, tzinfo=CHINA),
                earliest=now,
                latest=now + timedelta(days=3),
                priority=ReminderPriority.low,
            )
        )
    return reminders.remind_many(session, asks, now=now)


@reminders.obligation_check("study_pace")
def _caught_up(session: Session, key: str) -> bool:
    person = session.get(Person, uuid.UUID(key.split(":")[0]))
    return person is None or not hours_this_year(session, person).remaining
