"""The year's statutory meetings per org, period by period, and each member's attendance."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from handlers import rules
from handlers.errors import Forbidden, OutOfScope
from handlers.meetings import KIND_LABELS
from handlers.policy import Actor, can, holds, scope_orgs
from models import (
    Attendance,
    Invitation,
    MakeupStudy,
    Meeting,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    OrgKind,
    PartyOrg,
    Response,
    meeting_obligation,
)
from models.base import CHINA

#: Obligations by org kind, with the catalogue rule giving the yearly number.
OBLIGATIONS = {
    OrgKind.branch: (
        (MeetingKind.committee_meeting, "meeting.committee_per_year"),
        (MeetingKind.general_assembly, "meeting.assembly_per_year"),
        (MeetingKind.theme_day, "meeting.theme_day_per_year"),
        (MeetingKind.party_lecture, "meeting.lecture_per_year"),
        (MeetingKind.org_life_meeting, "meeting.org_life_per_year"),
        (MeetingKind.member_review, "meeting.member_review_per_year"),
    ),
    OrgKind.group: ((MeetingKind.group_meeting, "meeting.group_per_year"),),
}


STATUS_LABELS = {
    "done": "已完成",
    "planned": "已安排",
    "due": "本期待办",
    "overdue": "逾期",
    "upcoming": "未到期",
}


@dataclass
class Period:
    label: str
    start: date
    end: date  #: exclusive
    status: str = "upcoming"


@dataclass
class Obligation:
    kind: MeetingKind
    target: int
    periods: list[Period]
    done: int = 0

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def overdue(self) -> int:
        return sum(1 for p in self.periods if p.status == "overdue")


@dataclass
class OrgCalendar:
    org: PartyOrg
    obligations: list[Obligation] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(o.overdue for o in self.obligations)

    @property
    def due(self) -> int:
        return sum(1 for o in self.obligations for p in o.periods if p.status == "due")


def _periods(year: int, per_year: int) -> list[Period]:
    """Monthly, quarterly, half-yearly or yearly periods; a count that does not divide the year
    is one yearly period needing that many meetings."""
    if per_year <= 0:
        return []
    months = 12 // per_year if 12 % per_year == 0 else 12
    periods = []
    for index in range(12 // months):
        first = date(year, index * months + 1, 1)
        last_month = index * months + months
        end = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
        label = {
            1: f"{index + 1}月",
            3: f"第{index + 1}季度",
            6: "上半年" if index == 0 else "下半年",
            12: "全年",
        }
        periods.append(Period(label.get(months, f"第{index + 1}期"), first, end))
    return periods


def first_session_starts() -> Subquery:
    """Each meeting's first session's start (meeting_id, starts_at): the moment a meeting is
    dated by in the calendar and the branch page."""
    return (
        select(MeetingSession.meeting_id, func.min(MeetingSession.starts_at).label("starts_at"))
        .group_by(MeetingSession.meeting_id)
        .subquery()
    )


def _meeting_facts(session: Session, org_ids: list[uuid.UUID], year: int) -> list[tuple]:
    """(org id, kind, first session's start, status) of the year's meetings of these orgs."""
    first_start = first_session_starts()
    begin = datetime(year, 1, 1, tzinfo=CHINA).astimezone(UTC)
    finish = datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(UTC)
    return list(
        session.execute(
            select(Meeting.org_id, meeting_obligation.c.kind, first_start.c.starts_at, Meeting.status)
            .join(meeting_obligation, meeting_obligation.c.meeting_id == Meeting.id)
            .join(first_start, first_start.c.meeting_id == Meeting.id)
            .where(
                Meeting.org_id.in_(org_ids),
                Meeting.status != MeetingStatus.cancelled,
                first_start.c.starts_at >= begin,
                first_start.c.starts_at < finish,
            )
        )
    )


def calendar(
    session: Session, actor: Actor, *, year: int, today: date, org_id: uuid.UUID | None = None
) -> list[OrgCalendar]:
    """Every branch and 党小组 the actor manages (or those under `org_id`), the most overdue first."""
    stmt = scope_orgs(actor, select(PartyOrg), "meeting.manage").where(
        PartyOrg.kind.in_(OBLIGATIONS), PartyOrg.dissolved_at.is_(None)
    )
    if org_id is not None:
        root = session.get(PartyOrg, org_id)
        if root is None or not can(session, actor, "meeting.manage", obj=root):
            raise OutOfScope()
        stmt = stmt.where(PartyOrg.path.startswith(root.path, autoescape=True))
    orgs = list(session.scalars(stmt.order_by(PartyOrg.path)))
    if org_id is None and not holds(actor, "meeting.manage"):
        raise Forbidden("您无权查看组织生活情况。")
    return sorted(calendars_of(session, orgs, year, today), key=lambda c: (-c.overdue, -c.due, c.org.path))


def calendars_of(session: Session, orgs: list[PartyOrg], year: int, today: date) -> list[OrgCalendar]:
    """The year's obligations of these orgs (branches and 党小组), period by period, in their order:
    the one reckoning behind the calendar page, the warnings and the 数据中心's completion."""
    targets = {
        kind: rules.value(session, key, date(year, 12, 31))
        for pairs in OBLIGATIONS.values()
        for kind, key in pairs
    }
    held: dict[tuple[uuid.UUID, MeetingKind], list[tuple[date, MeetingStatus]]] = defaultdict(list)
    for org, kind, starts_at, status in _meeting_facts(session, [o.id for o in orgs], year):
        aware = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)
        held[(org, MeetingKind(kind))].append((aware.astimezone(CHINA).date(), MeetingStatus(status)))
    calendars = []
    for org in orgs:
        entry = OrgCalendar(org)
        for kind, _key in OBLIGATIONS[org.kind]:
            periods = _periods(year, targets[kind])
            meetings_of_kind = held.get((org.id, kind), [])
            obligation = Obligation(kind, targets[kind], periods)
            obligation.done = sum(1 for _, status in meetings_of_kind if status == MeetingStatus.signed_off)
            per_period = 1 if len(periods) > 1 else max(targets[kind], 1)
            for period in periods:
                inside = [status for day, status in meetings_of_kind if period.start <= day < period.end]
                signed = sum(1 for s in inside if s == MeetingStatus.signed_off)
                if org.established_on and period.end <= org.established_on:
                    period.status = "before"  # nothing was owed before the org existed
                elif signed >= per_period:
                    period.status = "done"
                elif inside:
                    period.status = "planned"
                elif period.end <= today:
                    period.status = "overdue"
                elif period.start <= today:
                    period.status = "due"
            entry.obligations.append(obligation)
        calendars.append(entry)
    return calendars


@dataclass(frozen=True)
class MemberYear:
    invited: int
    attended: int
    on_leave: int
    made_up: int = 0
    #: Whether make-up counts toward taking part (a catalogue rule); attendance never includes it.
    makeup_counts: bool = True

    @property
    def took_part(self) -> int:
        return self.attended + (self.made_up if self.makeup_counts else 0)


def member_attendance(
    session: Session, member_ids: list[uuid.UUID], year: int, *, now: datetime
) -> dict[uuid.UUID, MemberYear]:
    """Each member's year: meetings they were invited to (held ones), attended, and on leave.
    For the member themselves and their branch's managers only — never a ranking."""
    begin = datetime(year, 1, 1, tzinfo=CHINA).astimezone(UTC)
    finish = datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(UTC)
    in_year = (
        select(Meeting.id)
        .where(Meeting.status != MeetingStatus.cancelled)
        .where(
            Meeting.id.in_(
                select(MeetingSession.meeting_id).where(
                    MeetingSession.starts_at >= begin,
                    MeetingSession.starts_at < finish,
                    MeetingSession.starts_at <= now,
                )
            )
        )
    )
    invited = dict(
        session.execute(
            select(Invitation.member_id, func.count())
            .where(Invitation.member_id.in_(member_ids), Invitation.meeting_id.in_(in_year))
            .group_by(Invitation.member_id)
        ).all()
    )
    leave = dict(
        session.execute(
            select(Invitation.member_id, func.count())
            .where(
                Invitation.member_id.in_(member_ids),
                Invitation.meeting_id.in_(in_year),
                Invitation.response == Response.on_leave,
            )
            .group_by(Invitation.member_id)
        ).all()
    )
    attended = dict(
        session.execute(
            select(Attendance.member_id, func.count())
            .where(
                Attendance.member_id.in_(member_ids),
                Attendance.meeting_id.in_(in_year),
                Attendance.present.is_(True),
            )
            .group_by(Attendance.member_id)
        ).all()
    )
    made_up = dict(
        session.execute(
            select(MakeupStudy.member_id, func.count())
            .where(MakeupStudy.member_id.in_(member_ids), MakeupStudy.meeting_id.in_(in_year))
            .group_by(MakeupStudy.member_id)
        ).all()
    )
    counts = rules.value(session, "meeting.makeup_counts", now.date())
    return {
        m: MemberYear(invited.get(m, 0), attended.get(m, 0), leave.get(m, 0), made_up.get(m, 0), counts)
        for m in member_ids
    }
