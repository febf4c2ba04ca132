"""A member's own year, as the H5 home and 我的 show it: the next meeting, this year's hours, the
lessons pushed and not finished, the to-dos, dues, and every meeting they were invited to with its
real outcome. Everything here is the member's own — never compared with anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import workbench
from handlers.learning.hours import YearHours, format_hours, hours_this_year
from handlers.learning.recommendations import DueLesson, plan_for
from models import (
    Attendance,
    Invitation,
    MakeupStudy,
    Meeting,
    MeetingSession,
    MeetingStatus,
    Person,
    Response,
)
from models.base import local_text, utcnow

#: What a member's place in a meeting came to (the outcome, as the record keeps it).
OUTCOME_LABELS = {
    "attended": "已签到",
    "on_leave": "请假",
    "made_up": "已补学",
    "absent": "缺席",
    "attending": "已报名",
    "leave_requested": "请假审批中",
    "pending": "待回复",
}
#: The meetings 我的 lists (a member's whole record stays in the console's 台账).
RECORD_LIMIT = 60


@dataclass(frozen=True)
class MeetingLine:
    invitation: Invitation
    meeting: Meeting
    #: The session the member is in (or the first one), for its time.
    session: MeetingSession
    outcome: str

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def is_past(self) -> bool:
        return self.outcome in ("attended", "on_leave", "made_up", "absent")


@dataclass(frozen=True)
class HomeFacts:
    next_meeting: MeetingLine | None
    hours: YearHours | None
    due_lessons: list[DueLesson]
    todos: list[workbench.Todo]


def meeting_record(session: Session, person: Person, now: datetime | None = None) -> list[MeetingLine]:
    """Every meeting the member was invited to (not cancelled), newest first, with what it came to:
    签到 (present), 请假 (leave granted), 补学 done, 缺席 — or, before it ends, their answer."""
    lines = _lines(session, person, now)
    lines.sort(key=lambda line: line.session.starts_at, reverse=True)
    return lines[:RECORD_LIMIT]


def _lines(
    session: Session, person: Person, now: datetime | None, meeting: Meeting | None = None
) -> list[MeetingLine]:
    """The member's lines (for one meeting, or the newest invitations): three queries in all."""
    member = person.membership
    if member is None:
        return []
    now = now or utcnow()
    query = (
        select(Invitation)
        .join(Meeting, Invitation.meeting_id == Meeting.id)
        .options(
            joinedload(Invitation.session), joinedload(Invitation.meeting).selectinload(Meeting.sessions)
        )
        .where(Invitation.member_id == member.id, Meeting.status != MeetingStatus.cancelled)
    )
    if meeting is not None:
        query = query.where(Invitation.meeting_id == meeting.id)
    # Planned order is close to held order; twice the page's length leaves room for the difference.
    invitations = list(
        session.scalars(query.order_by(Meeting.created_at.desc()).limit(RECORD_LIMIT * 2)).unique()
    )
    meeting_ids = [i.meeting_id for i in invitations]
    present = set(
        session.scalars(
            select(Attendance.meeting_id).where(
                Attendance.member_id == member.id, Attendance.meeting_id.in_(meeting_ids), Attendance.present
            )
        )
    )
    made_up = set(
        session.scalars(
            select(MakeupStudy.meeting_id).where(
                MakeupStudy.member_id == member.id, MakeupStudy.meeting_id.in_(meeting_ids)
            )
        )
    )
    return [_line(i, present, made_up, now) for i in invitations if i.meeting.sessions]


def _line(invitation: Invitation, present: set, made_up: set, now: datetime) -> MeetingLine:
    meeting = invitation.meeting
    own = invitation.session or meeting.sessions[0]
    ended = meeting.status == MeetingStatus.signed_off or meeting.sessions[-1].ends_at <= now
    if meeting.id in present:
        outcome = "attended"
    elif not ended:
        outcome = invitation.response.value
    elif invitation.response == Response.on_leave:
        outcome = "made_up" if meeting.id in made_up else "on_leave"
    else:
        outcome = "made_up" if meeting.id in made_up else "absent"
    return MeetingLine(invitation, meeting, own, outcome)


def outcome_in(
    session: Session, person: Person, meeting: Meeting, now: datetime | None = None
) -> MeetingLine | None:
    """The member's line for one meeting (a past meeting's page shows what it came to)."""
    return next(iter(_lines(session, person, now, meeting)), None)


def next_meeting(session: Session, person: Person, now: datetime | None = None) -> MeetingLine | None:
    """The member's next meeting that has not ended yet (the soonest first)."""
    now = now or utcnow()
    upcoming = [
        line
        for line in meeting_record(session, person, now)
        if not line.is_past and line.session.ends_at > now
    ]
    return min(upcoming, key=lambda line: line.session.starts_at, default=None)


def home_facts(session: Session, person: Person, now: datetime | None = None) -> HomeFacts:
    """What the member's home page shows, in one call."""
    now = now or utcnow()
    member = person.membership
    return HomeFacts(
        next_meeting=next_meeting(session, person, now),
        hours=hours_this_year(session, person, now) if member else None,
        due_lessons=plan_for(session, person, now, suggestions=0).due if member else [],
        todos=workbench.todos_for(session, person),
    )


# The workbench (工作台) shows the same figures as the home page, each opening its page.
@workbench.key_item("本年学时", "h5.study_hours", order=20)
def hours_figure(session: Session, person: Person) -> str:
    if person.membership is None:
        return "-"
    return format_hours(hours_this_year(session, person).total)


@workbench.key_item("待学课程", "h5.lesson_list", order=30)
def due_lessons_figure(session: Session, person: Person) -> str:
    if person.membership is None:
        return "-"
    return str(len(plan_for(session, person, suggestions=0).due))


@workbench.key_item("下次会议", "h5.meeting_list", order=40)
def next_meeting_figure(session: Session, person: Person) -> str:
    line = next_meeting(session, person)
    return local_text(line.session.starts_at, "%m-%d") if line else "无"
