"""The meeting's record: the roster with one tap per person, quorum and vote tally, minutes with
sign-off and the corrections appended after it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from handlers import audit
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.learning import points
from handlers.meetings.lookups import get_meeting, headline
from handlers.meetings.makeup import send_makeup
from handlers.policy import Actor
from handlers.validation import require_text
from models import (
    Attendance,
    CheckInMethod,
    Invitation,
    Meeting,
    MeetingCorrection,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Member,
)
from models.base import utcnow
from models.meeting import meeting_obligation


@dataclass(frozen=True)
class RosterLine:
    invitation: Invitation
    attendance: Attendance | None


def roster(session: Session, actor: Actor, meeting_id: uuid.UUID) -> list[RosterLine]:
    """Everyone invited, with their check-in (hosts only). One query for each table."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    invitations = session.scalars(
        select(Invitation)
        .options(joinedload(Invitation.member).joinedload(Member.person), joinedload(Invitation.session))
        .where(Invitation.meeting_id == meeting.id)
    ).all()
    present = {
        a.member_id: a for a in session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    lines = [RosterLine(i, present.get(i.member_id)) for i in invitations]
    return sorted(lines, key=lambda line: (line.attendance is None, line.invitation.member.person.name))


def confirm(
    session: Session,
    actor: Actor,
    *,
    meeting_id: uuid.UUID,
    member_id: uuid.UUID,
    present: bool,
    now: datetime | None = None,
) -> Attendance | None:
    """The host's one tap per person afterwards: mark present (host check-in) or strike off."""
    now = now or utcnow()
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.planned:
        raise Conflict("会议记录已签署或会议已取消，名单不能再修改；如需更正请追加更正说明。")
    invitation = session.scalar(
        select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.member_id == member_id)
    )
    if invitation is None:
        raise NotFound("该党员不在本次会议的参会名单中。")
    attendance = session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.member_id == member_id)
    )
    if present and attendance is None:
        first = invitation.session or meeting.sessions[0]
        attendance = Attendance(
            meeting_id=meeting.id,
            session_id=first.id,
            member_id=member_id,
            method=CheckInMethod.host,
            checked_in_at=now,
        )
        session.add(attendance)
    if attendance is not None:
        attendance.present, attendance.confirmed_by, attendance.confirmed_at = present, actor.label, now
    audit.record(
        session,
        actor,
        "meeting.roster",
        object_type="meeting",
        object_id=meeting.id,
        detail={"member": str(member_id), "present": present},
    )
    return attendance


@dataclass(frozen=True)
class Quorum:
    should_attend: int  #: full members invited (probationary members do not count)
    present: int  #: of them, present now

    @property
    def reached(self) -> bool:
        """党章: more than half of the full members who should attend are present."""
        return self.present * 2 > self.should_attend

    def passes(self, yes_votes: int) -> bool:
        """A resolution needs yes votes from more than half of those who should attend —
        not of those present."""
        return yes_votes * 2 > self.should_attend

    @property
    def needed(self) -> int:
        return self.should_attend // 2 + 1


def headcount(session: Session, meeting: Meeting) -> tuple[int, int]:
    """(present, invited) of a meeting the caller may host: two counts for the room screen,
    which polls every few seconds while 500 people check in — not the whole roster each time."""
    invited = session.scalar(select(func.count()).where(Invitation.meeting_id == meeting.id))
    return _present(session, meeting), invited or 0


def quorum(session: Session, meeting: Meeting) -> Quorum:
    should = session.scalar(
        select(func.count()).where(Invitation.meeting_id == meeting.id, Invitation.voting.is_(True))
    )
    return Quorum(should or 0, _present(session, meeting, Invitation.voting.is_(True)))


def assemblies(session: Session, org_id: uuid.UUID, since: datetime) -> list[Meeting]:
    """The org's 支部党员大会 (alone or held with other obligations) that began after `since`,
    newest first: the meetings whose roster decides a vote on a person or the members' grades."""
    assembly = select(meeting_obligation.c.meeting_id).where(
        meeting_obligation.c.kind == MeetingKind.general_assembly
    )
    started = select(MeetingSession.meeting_id).where(MeetingSession.starts_at >= since)
    return list(
        session.scalars(
            select(Meeting)
            .where(
                Meeting.org_id == org_id,
                Meeting.id.in_(assembly),
                Meeting.id.in_(started),
                Meeting.status != MeetingStatus.cancelled,
            )
            .order_by(Meeting.created_at.desc())
        )
    )


def assembly_quorum(session: Session, actor: Actor, org_id: uuid.UUID, meeting_id: uuid.UUID) -> Quorum:
    """Who should attend and who was present at the org's own 支部党员大会, as its roster has
    them — refused for any other meeting (a 支委会, another branch's assembly)."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    kinds = set(
        session.scalars(
            select(meeting_obligation.c.kind).where(meeting_obligation.c.meeting_id == meeting.id)
        )
    )
    if meeting.org_id != org_id or MeetingKind.general_assembly not in kinds:
        raise ValidationFailed("请选择本支部的支部党员大会。", field="meeting_id")
    return quorum(session, meeting)


def _present(session: Session, meeting: Meeting, *among: Any) -> int:
    """Invited members checked in as present (`among`: of those invitations only)."""
    present = session.scalar(
        select(func.count())
        .select_from(Attendance)
        .join(
            Invitation,
            (Invitation.meeting_id == Attendance.meeting_id) & (Invitation.member_id == Attendance.member_id),
        )
        .where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True), *among)
    )
    return present or 0


def tally(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, yes: int, no: int, abstain: int
) -> tuple[Quorum, bool]:
    """The vote tally helper: checks the numbers and applies the rule; the result goes into
    the resolutions by the secretary's own words."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if not meeting.has_vote:
        raise ValidationFailed("本次会议没有表决事项。")
    counts = quorum(session, meeting)
    if min(yes, no, abstain) < 0 or yes + no + abstain > counts.present:
        raise ValidationFailed(f"票数之和不能超过实到有表决权的 {counts.present} 人。")
    return counts, counts.passes(yes)


def save_minutes(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, minutes: str, resolutions: str, version: int
) -> Meeting:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status == MeetingStatus.signed_off:
        raise Conflict("会议记录已签署，不能修改；如需更正请追加更正说明。")
    if meeting.version != version:
        raise Conflict("会议记录已被他人修改，请刷新页面后在最新内容上修改。")
    meeting.minutes, meeting.resolutions = (minutes or "").strip()[:20000], (resolutions or "").strip()[:5000]
    audit.record(session, actor, "meeting.minutes", object_type="meeting", object_id=meeting.id)
    return meeting


def sign_off(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, now: datetime | None = None
) -> Meeting:
    """The secretary signs the record off: from now on it only grows by appended corrections."""
    now = now or utcnow()
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.planned:
        raise Conflict("会议已取消或记录已签署。")
    if meeting.sessions[0].starts_at > now:
        raise Conflict("会议还未开始，不能签署记录。")
    if not meeting.minutes.strip():
        raise ValidationFailed("请先填写会议记录。", field="minutes")
    meeting.status, meeting.signed_off_at, meeting.signed_off_by = MeetingStatus.signed_off, now, actor.label
    present, invited = headcount(session, meeting)
    meeting.invited_count, meeting.present_count = invited, present
    audit.record(session, actor, "meeting.sign_off", object_type="meeting", object_id=meeting.id)
    # Attendance is final once the record is signed: only now does it earn points (a check-in
    # the host later strikes off never did).
    label = f"参加{headline(session, meeting)}"
    for attendance in session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True))
    ):
        points.award(
            session, attendance.member, "meeting", source_key=f"meeting:{meeting.id}", label=label, now=now
        )
    if meeting.makeup_question and meeting.sessions[-1].ends_at <= now:
        send_makeup(session, actor, meeting_id=meeting.id, now=now)  # those who missed it can make it up
    return meeting


def add_correction(session: Session, actor: Actor, *, meeting_id: uuid.UUID, text: str) -> MeetingCorrection:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.signed_off:
        raise Conflict("记录尚未签署，请直接修改会议记录。")
    correction = MeetingCorrection(
        meeting_id=meeting.id,
        text=require_text(text, "text", "更正说明", max_length=2000),
        made_by=actor.label,
    )
    session.add(correction)
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.correction",
        object_type="meeting",
        object_id=meeting.id,
        detail={"correction": str(correction.id)},
    )
    return correction


def corrections(session: Session, meeting: Meeting) -> list[MeetingCorrection]:
    return list(
        session.scalars(
            select(MeetingCorrection)
            .where(MeetingCorrection.meeting_id == meeting.id)
            .order_by(MeetingCorrection.made_at)
        )
    )
