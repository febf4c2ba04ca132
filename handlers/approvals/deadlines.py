"""Deadlines: requests past their kind's expiry close; an overdue step reminds its deciders once,
then tells the level above once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, links, reminders, rules
from handlers.approval_kinds import kind_of
from handlers.approvals.cards import _grey_cards
from handlers.approvals.flow import _event, _finish, _open_slots, _settled
from handlers.approvals.lookups import _people_holding, deciders_of
from handlers.policy import Actor
from models import (
    ApprovalRequest,
    ApprovalSlot,
    ApprovalStatus,
    Person,
    Role,
    SlotStatus,
)
from models.base import utcnow


def expire_overdue(session: Session, now: datetime | None = None) -> int:
    """Requests whose kind gives them a hard end (leave after the meeting) and that are still
    undecided then are closed as expired, their cards greyed."""
    now = now or utcnow()
    expired = 0
    for request in session.scalars(
        select(ApprovalRequest).where(ApprovalRequest.status == ApprovalStatus.pending)
    ):
        latest = kind_of(request.kind).expires_at(session, request)
        if latest is None or latest > now:
            continue
        session.refresh(request, with_for_update=True)
        if request.status != ApprovalStatus.pending:
            continue
        for slot in _open_slots(request):
            slot.status = SlotStatus.closed
            _settled(session, slot)
            _grey_cards(session, slot, "已过期")
        _event(request, "系统", "expired", None, now)
        _finish(session, request, ApprovalStatus.expired, Actor.system("审批期限"), now)
        expired += 1
    return expired


def escalate_overdue(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """A slot past its deadline reminds its deciders once; if it is still undecided after the
    escalation delay, the next level up is told once. Both are marked on the slot in the same
    transaction as the messages, so a scheduler that was down catches up exactly once."""
    now = now or utcnow()
    reminded = escalated = 0
    slots = session.scalars(
        select(ApprovalSlot)
        .join(ApprovalRequest, ApprovalRequest.id == ApprovalSlot.request_id)
        .where(
            ApprovalSlot.status == SlotStatus.pending,
            ApprovalRequest.status == ApprovalStatus.pending,
            ApprovalSlot.due_at <= now,
            ApprovalSlot.escalated_at.is_(None),
        )
        .with_for_update(of=ApprovalSlot, skip_locked=True)
    ).all()
    for slot in slots:
        request = slot.request
        kind = kind_of(request.kind)
        if slot.reminded_at is None:
            slot.reminded_at = now
            after = timedelta(hours=rules.value(session, "approval.escalate_after_hours", now.date()))
            for person in deciders_of(session, slot, now):
                reminders.remind(
                    session,
                    person,
                    category="approval_step",
                    obligation=f"approval_slot:{slot.id}",
                    title=f"{request.applicant.name}的{kind.label}已超期",
                    reason=f"“{request.title}”已超过办理期限，请尽快审批（待办中可直接处理）。",
                    path=links.page("h5.approval_detail", request_id=request.id),
                    due_at=slot.due_at,
                    earliest=now,
                    latest=now + after,
                    now=now,
                )
            _event(request, "系统", "reminded", slot.step_name, now)
            reminded += 1
            continue
        after = timedelta(hours=rules.value(session, "approval.escalate_after_hours", now.date()))
        if now < slot.reminded_at + after:
            continue
        slot.escalated_at = now
        above = _escalation_targets(session, slot)
        for person in above:
            reminders.remind(
                session,
                person,
                category="approval_escalation",
                obligation=f"approval_escalation:{slot.id}",
                title=f"督办：{request.org.name}{kind.label}超期未办",
                reason=f"{request.applicant.name}的“{request.title}”在“{slot.step_name}”超期未办，已提醒过审批人。",
                path=links.page("h5.approval_detail", request_id=request.id),
                due_at=slot.due_at,
                earliest=now,
                # The office reads it in working hours; a day is soon enough.
                latest=now + timedelta(hours=24),
                now=now,
            )
        _event(request, "系统", "escalated", "、".join(p.name for p in above) or None, now)
        audit.record(
            session,
            Actor.system("审批督办"),
            "approval.escalate",
            object_type="approval",
            object_id=request.id,
            detail={"step": slot.step, "to": [p.wecom_userid for p in above]},
        )
        escalated += 1
    return reminded, escalated


def _escalation_targets(session: Session, slot: ApprovalSlot) -> list[Person]:
    """The next level up: the parent org's secretary (rule approval.escalate_to_parent), or the
    committee office; a step the committee office decides escalates to no one further."""
    org = slot.org or slot.request.org
    if rules.value(session, "approval.escalate_to_parent", utcnow().date()) and org.parent is not None:
        above = _people_holding(session, Role.secretary, org.parent)
        if above:
            return above
    if slot.role == Role.committee_office:
        return []
    return _people_holding(session, Role.committee_office, org)
