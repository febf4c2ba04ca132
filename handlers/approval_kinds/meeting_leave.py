"""请假: a member asks leave from one meeting; the branch secretary decides with one tap.

Approved leave makes the member a make-up (补学) candidate; a request still undecided when
the meeting ends expires (the question no longer arises).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from handlers import notify
from handlers.approval_kinds.registry import (
    ApprovalKind,
    Cleaned,
    Field,
    StepSpec,
    branch_secretary_slot,
    register,
)
from handlers.errors import Conflict, ValidationFailed
from handlers.meetings import cancel_checkin_card, notice_key, own_invitation, when_text
from models import (
    ApprovalRequest,
    Invitation,
    Meeting,
    MeetingStatus,
    OrgKind,
    Person,
    Response,
)

if TYPE_CHECKING:
    from handlers.policy import Actor


def invitation_of(session: Session, request: ApprovalRequest) -> Invitation:
    return session.get(Invitation, uuid.UUID(request.form["invitation_id"]))


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    invitation = own_invitation(session, person, form["invitation_id"] or "")
    meeting = session.get(Meeting, invitation.meeting_id)
    if meeting.status != MeetingStatus.planned or meeting.sessions[-1].ends_at <= now:
        raise Conflict("会议已结束，不能再请假；可在会后参加补学。")
    if len(form["reason"]) < 2:
        raise ValidationFailed("请填写请假事由（如：夜班、外出学习）。", field="reason")
    if invitation.response in (Response.leave_requested, Response.on_leave):
        raise Conflict("您已提交过请假。")
    # The branch decides, also for a 党小组's meeting.
    org = meeting.org if meeting.org.kind != OrgKind.group else meeting.org.parent
    return Cleaned(
        form={"invitation_id": str(invitation.id), "reason": form["reason"]},
        org=org,
        title=meeting.topic,
        subject_id=meeting.id,
        dedupe_key=f"meeting_leave:{meeting.id}:{invitation.member_id}",
    )


def _summary(session: Session, request: ApprovalRequest) -> list[tuple[str, str]]:
    invitation = invitation_of(session, request)
    meeting = invitation.meeting
    chosen = invitation.session or meeting.sessions[0]
    return [("会议", meeting.topic[:26]), ("时间", when_text(chosen)), ("事由", request.form["reason"][:26])]


def _on_submit(session: Session, request: ApprovalRequest, now: datetime) -> None:
    invitation = invitation_of(session, request)
    invitation.response, invitation.responded_at = Response.leave_requested, now
    # The member's notice card can take no more taps.
    notify.close_card(
        session,
        request.applicant,
        card_key=notice_key(invitation.id),
        label="已请假",
        key=f"leave_notice_update:{request.id}:{request.round}",
    )


def _on_approved(session: Session, request: ApprovalRequest, actor: Actor, now: datetime) -> None:
    invitation = invitation_of(session, request)
    invitation.response = Response.on_leave
    cancel_checkin_card(session, invitation, "已请假")


def _back_to_pending(session: Session, request: ApprovalRequest, actor: Actor, now: datetime) -> None:
    invitation = invitation_of(session, request)
    if invitation.response == Response.leave_requested:
        invitation.response = Response.pending


def _expires_at(session: Session, request: ApprovalRequest) -> datetime | None:
    meeting = invitation_of(session, request).meeting
    return meeting.sessions[-1].ends_at


KIND = register(
    ApprovalKind(
        name="meeting_leave",
        label="请假",
        description="因值班、手术等不能参加会议时请假，由支部书记审批；获批后会后补学。",
        fields=(
            Field("invitation_id", "会议", kind="hidden", max_length=40),
            Field("reason", "请假事由", max_length=200, hint="如：夜班、外出学习"),
        ),
        clean=_clean,
        steps=(StepSpec("支部书记审批", deciders=lambda s, r: branch_secretary_slot(s, r.org)),),
        summary=_summary,
        on_submit=_on_submit,
        on_approved=_on_approved,
        on_rejected=_back_to_pending,
        on_closed=_back_to_pending,
        expires_at=_expires_at,
        after_approval="会后请完成补学。",
        after_rejection="请按时参加。",
        resubmittable=False,
        listed=False,
    )
)
