"""The 上级党委's decisions on a person's way in — 备案 (steps 4, 8, 18), 预审 (13) and 审批 (17, 24) —
asked for by the branch and decided through the approval engine, so the office decides with one
tap on a WeCom card, with the engine's deadlines and escalation. Approval records the step in the
office's name, checked by the same rules as a step recorded in the console; the office may still
record a step directly there (a decision taken on paper)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.errors import NotFound, ValidationFailed
from handlers.policy import Actor, load_actor
from handlers.recruitment.pipeline import check, find, record_step
from handlers.recruitment.steps import step
from models import ApprovalRequest, ApprovalStatus, Person, Recruit
from models.base import local_today

KIND = "recruit_decision"
#: The office steps that are decisions the branch reports up for (the others — 集中培训, the
#: office's own talk, 材料归档 — are the office's own work, recorded in the console).
DECISION_STEPS = (4, 8, 13, 17, 18, 24)


def report(
    session: Session, actor: Actor, *, recruit_id: uuid.UUID, number: int, note: str = ""
) -> ApprovalRequest:
    """The branch asks the office to decide a step: filed as the actor, checked now as it will be
    checked when the office approves (the steps before it done, its rules met today)."""
    from handlers import approvals

    person = session.get(Person, actor.person_id) if actor.person_id else None
    return approvals.submit(
        session,
        person,
        KIND,
        raw_form={"recruit": str(recruit_id), "step": number, "note": note},
        actor=actor,
    )


def clean(session: Session, person: Person, form: dict, now: datetime) -> tuple[Recruit, int]:
    """The request's recruit (within what the filer may manage; otherwise not found) and step."""
    try:
        recruit = find(session, load_actor(session, person), uuid.UUID(str(form["recruit"])))
    except ValueError:
        raise NotFound() from None
    number = int(form["step"])
    if number not in DECISION_STEPS:
        raise ValidationFailed("这一步不需要报上级党委审批。", field="step")
    check(session, recruit, number, local_today())
    return recruit, number


def approved(session: Session, request: ApprovalRequest, actor: Actor, now: datetime) -> None:
    """Record the step in the office's name on the day it was decided."""
    from handlers.approval_kinds.registry import in_the_office_name  # the kinds import this module

    record_step(
        session,
        in_the_office_name(actor),
        recruit_id=request.subject_id,
        number=int(request.form["step"]),
        done_on=local_today(),
        evidence=f"企业微信审批，{step(int(request.form['step'])).evidence}见审批单",
    )


def open_reports(session: Session, recruit: Recruit) -> list[ApprovalRequest]:
    """The person's requests waiting for the office (shown on their page, linked to the decision)."""
    return list(
        session.scalars(
            select(ApprovalRequest)
            .where(
                ApprovalRequest.kind == KIND,
                ApprovalRequest.subject_id == recruit.id,
                ApprovalRequest.status == ApprovalStatus.pending,
            )
            .order_by(ApprovalRequest.created_at)
        )
    )
