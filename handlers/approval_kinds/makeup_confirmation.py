"""补学确认: a member who read a missed meeting's material and answered its question writes a
short 心得; the branch secretary confirms. Make-up is never attendance (DOMAIN.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.approval_kinds.registry import (
    ApprovalKind,
    Cleaned,
    Field,
    StepSpec,
    branch_secretary_slot,
    register,
)
from handlers.errors import Conflict, Forbidden, ValidationFailed
from models import ApprovalRequest, MakeupStudy, Meeting, OrgKind, Person

if TYPE_CHECKING:
    from handlers.policy import Actor


def _makeup(session: Session, request: ApprovalRequest) -> MakeupStudy | None:
    return session.scalar(
        select(MakeupStudy).where(
            MakeupStudy.meeting_id == request.subject_id,
            MakeupStudy.member_id == uuid.UUID(request.form["member_id"]),
        )
    )


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    try:
        meeting = session.get(Meeting, uuid.UUID(form["meeting_id"] or ""))
    except ValueError:
        meeting = None
    member = person.membership
    if meeting is None or member is None:
        raise Forbidden("找不到这次会议。")
    done = session.scalar(
        select(MakeupStudy).where(MakeupStudy.meeting_id == meeting.id, MakeupStudy.member_id == member.id)
    )
    if done is None:
        raise Conflict("请先在补学页面阅读会议材料并回答问题。")
    if len(form["reflection"]) < 10:
        raise ValidationFailed("学习心得请至少写10个字。", field="reflection")
    org = meeting.org if meeting.org.kind != OrgKind.group else meeting.org.parent
    return Cleaned(
        form={"meeting_id": str(meeting.id), "member_id": str(member.id), "reflection": form["reflection"]},
        org=org,
        title=meeting.topic,
        subject_id=meeting.id,
        dedupe_key=f"makeup_confirmation:{meeting.id}:{member.id}",
    )


def _on_approved(session: Session, request: ApprovalRequest, actor: Actor, now: datetime) -> None:
    makeup = _makeup(session, request)
    makeup.confirmed_by, makeup.confirmed_at = actor.label[:100], now


KIND = register(
    ApprovalKind(
        name="makeup_confirmation",
        label="补学确认",
        description="补学后提交学习心得，由支部书记确认。",
        fields=(
            Field("meeting_id", "会议", kind="hidden", max_length=40),
            Field("reflection", "学习心得", kind="textarea", max_length=1000),
        ),
        clean=_clean,
        steps=(StepSpec("支部书记确认", deciders=lambda s, r: branch_secretary_slot(s, r.org)),),
        summary=lambda session, request: [
            ("会议", request.title[:26]),
            ("心得", request.form["reflection"][:26]),
        ],
        on_approved=_on_approved,
        after_approval="补学已确认，记入您本年度的补学记录（不计为出席）。",
        listed=False,
    )
)
