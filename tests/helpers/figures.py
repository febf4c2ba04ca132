"""What the 数据中心's tests share (their hospital is tests/conftest.py's `stats_hospital`): a
series' rows by label, and a signed-off meeting with its roster."""

from __future__ import annotations

from datetime import timedelta

from models import (
    Attendance,
    CheckInMethod,
    Invitation,
    InvitationVia,
    Meeting,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Response,
    VenueMode,
)
from models.base import local_today
from models.meeting import meeting_obligation

TODAY = local_today()


def rows_of(figure, title):
    return dict(next(s for s in figure.series if s.title == title).rows)


def signed_off_meeting(db_session, org, starts_at, members, present):
    meeting = Meeting(org_id=org.id, topic="大会", venue_mode=VenueMode.online, planned_by="测试")
    meeting.status = MeetingStatus.signed_off
    db_session.add(meeting)
    db_session.flush()
    db_session.execute(
        meeting_obligation.insert().values(meeting_id=meeting.id, kind=MeetingKind.general_assembly)
    )
    sitting = MeetingSession(
        meeting_id=meeting.id, label="全体", starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )
    db_session.add(sitting)
    db_session.flush()
    for n, member in enumerate(members):
        invited = Invitation(
            meeting_id=meeting.id, member_id=member.id, via=InvitationVia.record, voting=True
        )
        invited.session_id, invited.response = sitting.id, Response.pending
        db_session.add(invited)
        if n < present:
            db_session.add(Attendance(meeting_id=meeting.id, session_id=sitting.id, member_id=member.id,
                                      method=CheckInMethod.host, present=True))  # fmt: skip
    db_session.flush()
