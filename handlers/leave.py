"""请假 for a meeting: the member asks with a reason, the branch secretary decides with one tap.

Shaped like an approval with one step (request → decide → tell the applicant) so that the
approvals engine (issue 7) can take it over as its "meeting leave" kind: the request row,
the decider lookup and the decision are the three pieces it will replace.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, workbench
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.meetings import cancel_checkin_card, notice_key, own_invitation, when_text
from handlers.policy import Actor, can, holds, load_actor
from models import (
    Invitation,
    LeaveRequest,
    LeaveStatus,
    Meeting,
    MeetingStatus,
    OrgKind,
    OutboundMessage,
    PartyOrg,
    Person,
    Response,
    Role,
    RoleGrant,
)
from models.base import utcnow


def deciders(session: Session, meeting: Meeting) -> list[Person]:
    """Who decides: the secretary of the meeting's branch (a 党小组's parent branch); without
    one, its organizer."""
    return branch_secretaries(
        session, meeting.org if meeting.org.kind != OrgKind.group else meeting.org.parent
    )


def branch_secretaries(session: Session, branch: PartyOrg) -> list[Person]:
    """The branch's secretaries, or its organizers when it has no secretary."""
    for role in (Role.secretary, Role.organizer):
        people = list(
            session.scalars(
                select(Person)
                .join(RoleGrant, RoleGrant.person_id == Person.id)
                .where(RoleGrant.role == role, RoleGrant.org_id == branch.id, RoleGrant.revoked_at.is_(None))
                .where(Person.is_active.is_(True))
            )
        )
        if people:
            return people
    return []


def card_key(leave_id: uuid.UUID, userid: str) -> str:
    return f"leave_request:{leave_id}:{userid}"


def request_leave(
    session: Session, person: Person | None, *, invitation_id: str, reason: str, now: datetime | None = None
) -> LeaveRequest:
    now = now or utcnow()
    invitation = own_invitation(session, person, invitation_id)
    meeting = session.get(Meeting, invitation.meeting_id)
    if meeting.status != MeetingStatus.planned or meeting.sessions[-1].ends_at <= now:
        raise Conflict("会议已结束，不能再请假；可在会后参加补学。")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed("请填写请假事由（如：夜班、外出学习）。", field="reason")
    if len(reason) > 200:
        raise ValidationFailed("请假事由不能超过200字。", field="reason")
    if invitation.response in (Response.leave_requested, Response.on_leave):
        raise Conflict("您已提交过请假。")
    decided_by = deciders(session, meeting)
    if not decided_by:
        raise Conflict("支部尚未设置书记，暂时无法在线请假，请联系党委组织部。")
    leave = LeaveRequest(
        meeting_id=meeting.id, member_id=invitation.member_id, reason=reason, status=LeaveStatus.pending
    )
    session.add(leave)
    invitation.response, invitation.responded_at = Response.leave_requested, now
    session.flush()
    chosen = invitation.session or meeting.sessions[0]
    facts = {"leave_id": str(leave.id), "org": meeting.org.name, "topic": meeting.topic,
             "applicant": person.name, "reason": reason, "when": when_text(chosen)}  # fmt: skip
    for decider in decided_by:
        session.add(
            OutboundMessage(
                kind="leave_request",
                to_users=decider.wecom_userid,
                params={**facts, "decider": decider.wecom_userid},
                dedupe_key=card_key(leave.id, decider.wecom_userid),
            )
        )
    # The member's notice card can take no more taps.
    session.add(
        OutboundMessage(
            kind="card_update",
            to_users=person.wecom_userid,
            params={"card_key": notice_key(invitation.id), "replace_name": "已请假", "fallback_text": ""},
            dedupe_key=f"leave_notice_update:{leave.id}",
        )
    )
    audit.record(session, _member_actor(person), "meeting.leave.request", object_type="meeting",
                 object_id=meeting.id, detail={"leave": str(leave.id)})  # fmt: skip
    return leave


def _member_actor(person: Person) -> Actor:
    return Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id)


def decide(
    session: Session,
    actor: Actor,
    *,
    leave_id: str,
    approve: bool,
    note: str = "",
    now: datetime | None = None,
) -> LeaveRequest:
    """One decision; a second decider (or a double tap) is told it is already decided."""
    now = now or utcnow()
    try:
        leave = session.get(LeaveRequest, uuid.UUID(leave_id), with_for_update=True)
    except ValueError:
        leave = None
    if leave is None:
        raise NotFound("请假申请不存在。")
    meeting = leave.meeting
    if not can(session, actor, "meeting.manage", meeting.org):
        raise Forbidden("您无权审批该请假申请。")
    if leave.status != LeaveStatus.pending:
        word = "批准" if leave.status == LeaveStatus.approved else "驳回"
        raise Conflict(f"该请假已由{leave.decided_by}{word}。")
    note = (note or "").strip()[:200]
    if not approve and not note:
        raise ValidationFailed("驳回请假请填写理由。", field="note")
    leave.status = LeaveStatus.approved if approve else LeaveStatus.rejected
    leave.decided_by, leave.decided_at, leave.decision_note = actor.label, now, note or None
    invitation = session.scalar(
        select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.member_id == leave.member_id)
    )
    invitation.response = Response.on_leave if approve else Response.pending
    if approve:
        cancel_checkin_card(session, invitation, "on leave")
    applicant = leave.member.person
    result = "已批准，会后请完成补学" if approve else f"未获批准（{note}），请按时参加"
    session.add(
        OutboundMessage(
            kind="text",
            to_users=applicant.wecom_userid,
            params={"content": f"您对“{meeting.topic}”的请假{result}。"},
            dedupe_key=f"leave_result:{leave.id}",
        )
    )
    # Every decider's card goes grey, so nobody taps a finished request.
    label = "已批准" if approve else "已驳回"
    for decider in deciders(session, meeting):
        session.add(
            OutboundMessage(
                kind="card_update",
                to_users=decider.wecom_userid,
                params={"card_key": card_key(leave.id, decider.wecom_userid), "replace_name": label,
                        "fallback_text": ""},
                dedupe_key=f"leave_card_update:{leave.id}:{decider.wecom_userid}",
            )
        )  # fmt: skip
    audit.record(session, actor, "meeting.leave.decide", object_type="meeting", object_id=meeting.id,
                 detail={"leave": str(leave.id), "approved": approve})  # fmt: skip
    return leave


def pending_for(session: Session, actor: Actor) -> list[LeaveRequest]:
    """Leave requests the actor may decide, oldest first (the H5 to-do list)."""
    rows = session.scalars(
        select(LeaveRequest)
        .where(LeaveRequest.status == LeaveStatus.pending)
        .order_by(LeaveRequest.requested_at)
    )
    return [leave for leave in rows if can(session, actor, "meeting.manage", leave.meeting.org)]


@workbench.todo_source
def leave_to_decide(session: Session, person: Person) -> list[workbench.Todo]:
    actor = load_actor(session, person)
    if not holds(actor, "meeting.manage"):
        return []
    return [
        workbench.Todo(f"审批请假：{r.member.person.name}", f"/m/leave/{r.id}")
        for r in pending_for(session, actor)
    ]
