"""A branch's year on one page, for its secretary (H5 本支部): members, the statutory meetings
done against the year's targets, attendance per month and how many have their study hours.

Figures are the branch's, never a person's: attendance is a rate per month over everyone
invited, study is a count of members at their target, and neither is broken down for a branch
of fewer than 5 people (handlers.figures)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.compliance.calendar import OrgCalendar, calendar, first_session_starts
from handlers.compliance.rates import Rate
from handlers.errors import NotFound
from handlers.figures import may_break_down
from handlers.learning.hours import hours_this_year
from handlers.meetings import hostable_orgs
from handlers.members import current_members
from handlers.policy import Actor, can
from models import (
    Attendance,
    Invitation,
    Meeting,
    MeetingStatus,
    MemberStatus,
    OrgKind,
    PartyOrg,
)
from models.base import CHINA


@dataclass(frozen=True)
class BranchYear:
    org: PartyOrg
    members: int
    probationary: int
    calendar: OrgCalendar | None
    #: Attendance rate per month of held meetings; empty when the branch is too small to show.
    attendance: list[Rate]
    #: Members who reached their year's study hours; None when the branch is too small to show.
    hours_met: int | None

    @property
    def broken_down(self) -> bool:
        return may_break_down(self.members)


def managed_branches(session: Session, actor: Actor) -> list[PartyOrg]:
    """The branches whose meetings this person runs (a secretary's own, usually one)."""
    return [o for o in hostable_orgs(session, actor) if o.kind == OrgKind.branch]


def branch_year(
    session: Session, actor: Actor, org_id: uuid.UUID, *, today: date, now: datetime
) -> BranchYear:
    org = session.get(PartyOrg, org_id)
    if org is None or org.dissolved_at is not None or not can(session, actor, "meeting.manage", obj=org):
        raise NotFound("党组织不存在。")
    people = current_members(session, org)
    # The calendar of the subtree holds the branch's 党小组 too (most overdue first): take the branch's.
    entry = next(
        (
            c
            for c in calendar(session, actor, year=today.year, today=today, org_id=org.id)
            if c.org.id == org.id
        ),
        None,
    )
    shown = may_break_down(len(people))
    met = None
    if shown:
        met = 0
        for member in people:
            hours = hours_this_year(session, member.person, now)
            met += hours.target > 0 and hours.total >= hours.target
    return BranchYear(
        org=org,
        members=len(people),
        probationary=sum(1 for m in people if m.status == MemberStatus.probationary),
        calendar=entry,
        attendance=_attendance_by_month(session, org, today.year, now) if shown else [],
        hours_met=met,
    )


def _attendance_by_month(session: Session, org: PartyOrg, year: int, now: datetime) -> list[Rate]:
    """Of the invitations to the branch's meetings held each month, how many were present."""
    begin = datetime(year, 1, 1, tzinfo=CHINA).astimezone(UTC)
    first = first_session_starts()
    held = (
        select(Meeting.id, first.c.starts_at)
        .join(first, first.c.meeting_id == Meeting.id)
        .where(
            Meeting.org_id == org.id,
            Meeting.status != MeetingStatus.cancelled,
            first.c.starts_at >= begin,
            first.c.starts_at <= now,
        )
    )
    starts = {meeting_id: starts_at for meeting_id, starts_at in session.execute(held)}
    if not starts:
        return []
    invited: dict[int, int] = defaultdict(int)
    present: dict[int, int] = defaultdict(int)
    month = {m: (s if s.tzinfo else s.replace(tzinfo=UTC)).astimezone(CHINA).month for m, s in starts.items()}
    for meeting_id, count in session.execute(
        select(Invitation.meeting_id, func.count())
        .where(Invitation.meeting_id.in_(starts))
        .group_by(Invitation.meeting_id)
    ):
        invited[month[meeting_id]] += count
    for meeting_id, count in session.execute(
        select(Attendance.meeting_id, func.count(func.distinct(Attendance.member_id)))
        .where(Attendance.meeting_id.in_(starts), Attendance.present.is_(True))
        .group_by(Attendance.meeting_id)
    ):
        present[month[meeting_id]] += count
    return [Rate(f"{m}月", present[m], invited[m]) for m in sorted(invited) if invited[m]]
