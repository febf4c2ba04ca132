"""Make-up study (补学) for those who missed the meeting: recorded as make-up, not as attendance."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, notify
from handlers.errors import Conflict, Forbidden, ValidationFailed
from handlers.meetings.invitations import _card_facts
from handlers.meetings.lookups import get_meeting, invitation_for
from handlers.policy import Actor
from handlers.validation import require_text
from models import (
    Attendance,
    Invitation,
    MakeupStudy,
    Meeting,
    MeetingStatus,
    Member,
    Person,
)
from models.base import utcnow


def set_makeup(
    session: Session,
    actor: Actor,
    *,
    meeting_id: uuid.UUID,
    material: str,
    question: str,
    options: list[str],
    answer: int,
) -> Meeting:
    """The material absentees read afterwards and one question to confirm they read it."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    material = require_text(material, "makeup_material", "补学材料", max_length=20000)
    question = require_text(question, "makeup_question", "确认问题", max_length=200)
    options = [o.strip() for o in options if o and o.strip()]
    if not 2 <= len(options) <= 4 or any(len(o) > 60 for o in options):
        raise ValidationFailed("请填写 2 至 4 个选项，每项不超过60字。", field="makeup_options")
    if not 0 <= answer < len(options):
        raise ValidationFailed("请选择正确答案。", field="makeup_answer")
    meeting.makeup_material, meeting.makeup_question = material, question
    meeting.makeup_options, meeting.makeup_answer = options, answer
    audit.record(session, actor, "meeting.makeup_material", object_type="meeting", object_id=meeting.id)
    return meeting


def makeup_candidates(session: Session, meeting: Meeting) -> list[Invitation]:
    """Invited members who were not present (on leave or absent) and have not made it up yet."""
    present = select(Attendance.member_id).where(
        Attendance.meeting_id == meeting.id, Attendance.present.is_(True)
    )
    done = select(MakeupStudy.member_id).where(MakeupStudy.meeting_id == meeting.id)
    return list(
        session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.member).joinedload(Member.person))
            .where(
                Invitation.meeting_id == meeting.id,
                Invitation.member_id.not_in(present),
                Invitation.member_id.not_in(done),
            )
        )
    )


def send_makeup(session: Session, actor: Actor, *, meeting_id: uuid.UUID, now: datetime | None = None) -> int:
    """Send the material to everyone who missed the meeting (once each); returns how many."""
    now = now or utcnow()
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status == MeetingStatus.cancelled or meeting.sessions[-1].ends_at > now:
        raise Conflict("会议结束后才能发送补学材料。")
    if not meeting.makeup_question:
        raise ValidationFailed("请先填写补学材料和确认问题。", field="makeup_material")
    sent = 0
    for invitation in makeup_candidates(session, meeting):
        if invitation.member.left_at is not None:
            continue
        key = f"makeup:{invitation.id}"
        if notify.tell(
            session, invitation.member.person, "makeup_notice", key=key, **_card_facts(session, meeting)
        ):
            sent += 1
    audit.record(
        session,
        actor,
        "meeting.makeup_sent",
        object_type="meeting",
        object_id=meeting.id,
        detail={"sent": sent},
    )
    return sent


def complete_makeup(
    session: Session,
    person: Person,
    *,
    meeting_id: uuid.UUID,
    choice: int | None,
    now: datetime | None = None,
) -> MakeupStudy:
    """The member read the material and answered correctly: recorded as make-up, not attendance."""
    meeting = session.get(Meeting, meeting_id)
    member = person.membership
    invitation = invitation_for(session, meeting_id, person.id) if meeting and member else None
    if invitation is None or not meeting.makeup_question:
        raise Forbidden("本次会议没有需要您完成的补学。")
    if all(i.member_id != member.id for i in makeup_candidates(session, meeting)):
        existing = session.scalar(
            select(MakeupStudy).where(
                MakeupStudy.meeting_id == meeting.id, MakeupStudy.member_id == member.id
            )
        )
        if existing is not None:
            return existing  # done already: answering again changes nothing
        raise Conflict("您已参加本次会议，无需补学。")
    if choice != meeting.makeup_answer:
        raise ValidationFailed("回答不正确，请再阅读一遍材料后作答。", field="choice")
    done = MakeupStudy(meeting_id=meeting.id, member_id=member.id, completed_at=now or utcnow())
    session.add(done)
    session.flush()
    return done
