"""The request's life: submit, open each step's slots, decide under a row lock, finish, withdraw
and correct-and-resubmit. Every move is a legal move of the state machine, audited and in the
request's history."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, reminders, rules, workbench
from handlers.approval_kinds import ApprovalKind, Cleaned, SlotSpec, kind_of
from handlers.approvals.cards import _grey_cards, _send_cards, _tell_applicant
from handlers.approvals.lookups import STATUS_LABELS, deciders_of, get_request, may_decide, person_actor
from handlers.errors import Conflict, Forbidden, ValidationFailed
from handlers.policy import Actor
from models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalSlot,
    ApprovalStatus,
    Person,
    SlotStatus,
)
from models.approval import TRANSITIONS
from models.base import utcnow

MAX_COMMENT = 500


def _move(session: Session, request: ApprovalRequest, to: ApprovalStatus, now: datetime) -> None:
    if to not in TRANSITIONS[request.status]:
        raise Conflict(f"该申请{STATUS_LABELS[request.status]}，不能再{_VERB[to]}。")
    request.status = to
    if to in (
        ApprovalStatus.approved,
        ApprovalStatus.rejected,
        ApprovalStatus.withdrawn,
        ApprovalStatus.expired,
    ):
        request.closed_at, request.current_step = now, None


_VERB = {
    ApprovalStatus.pending: "提交",
    ApprovalStatus.approved: "同意",
    ApprovalStatus.rejected: "驳回",
    ApprovalStatus.withdrawn: "撤回",
    ApprovalStatus.expired: "作废",
    ApprovalStatus.draft: "保存",
}


def _event(
    request: ApprovalRequest, actor: Actor | str, action: str, comment: str | None, now: datetime
) -> None:
    label = actor if isinstance(actor, str) else actor.label
    request.events.append(ApprovalEvent(at=now, actor=label[:100], action=action, comment=comment))


def _audit(session: Session, actor: Actor, action: str, request: ApprovalRequest, **detail: object) -> None:
    audit.record(
        session,
        actor,
        f"approval.{action}",
        object_type="approval",
        object_id=request.id,
        detail={"kind": request.kind, **detail},
    )


def submit(
    session: Session,
    person: Person | None,
    kind_name: str,
    *,
    raw_form: dict,
    now: datetime | None = None,
    draft: bool = False,
    actor: Actor | None = None,
) -> ApprovalRequest:
    """Validate the form, record the request and open its first step (or keep it a draft)."""
    now = now or utcnow()
    if person is None or not person.is_active:
        raise Forbidden("您的账号不能提交申请。")
    kind = kind_of(kind_name)
    actor = actor or person_actor(person)
    cleaned = kind.clean(session, person, kind.validate(raw_form), now)
    request = ApprovalRequest(
        kind=kind.name,
        title=cleaned.title[:120],
        org_id=cleaned.org.id,
        applicant_id=person.id,
        form=cleaned.form,
        status=ApprovalStatus.draft,
        dedupe_key=cleaned.dedupe_key,
        subject_id=cleaned.subject_id,
        created_at=now,
    )
    if cleaned.dedupe_key and session.scalar(
        select(ApprovalRequest.id).where(
            ApprovalRequest.dedupe_key == cleaned.dedupe_key,
            ApprovalRequest.status.in_(
                [ApprovalStatus.draft, ApprovalStatus.pending, ApprovalStatus.approved]
            ),
        )
    ):
        raise Conflict(f"您已提交过相同的{kind.label}申请。")
    session.add(request)
    session.flush()
    _event(request, actor, "created", None, now)
    _audit(session, actor, "create", request)
    if not draft:
        _send_in(session, request, actor, now, kind)
    return request


def send_draft(
    session: Session, person: Person, request_id: uuid.UUID | str, *, now: datetime | None = None
) -> ApprovalRequest:
    request = _own(session, person, request_id)
    if request.status != ApprovalStatus.draft:
        raise Conflict("只有草稿可以提交。")
    _send_in(session, request, person_actor(person), now or utcnow(), kind_of(request.kind))
    return request


def _send_in(
    session: Session, request: ApprovalRequest, actor: Actor, now: datetime, kind: ApprovalKind
) -> None:
    _move(session, request, ApprovalStatus.pending, now)
    request.submitted_at = now
    _event(request, actor, "submitted", None, now)
    _audit(session, actor, "submit", request, round=request.round)
    kind.on_submit(session, request, now)
    _open_step(session, request, 0, now, actor)


def _open_step(session: Session, request: ApprovalRequest, step: int, now: datetime, actor: Actor) -> None:
    """Open `step` (skipping steps a rule skips); past the last step the request is approved."""
    kind = kind_of(request.kind)
    while step < len(kind.steps):
        spec = kind.steps[step]
        slots = [] if spec.skip(session, request) else spec.deciders(session, request)
        if slots:
            break
        request.slots.append(
            ApprovalSlot(
                round=request.round,
                step=step,
                position=0,
                step_name=spec.name,
                status=SlotStatus.skipped,
                decided_at=now,
                comment=spec.skip_note,
            )
        )
        _event(request, "系统", "skipped", f"{spec.name}：{spec.skip_note}", now)
        step += 1
    else:
        _finish(session, request, ApprovalStatus.approved, actor, now)
        return
    request.current_step = step
    due = _due(session, request, spec.deadline_hours, now)
    for position, slot_spec in enumerate(slots):
        slot = _new_slot(request, step, position, spec.name, slot_spec, due)
        request.slots.append(slot)
        session.flush()
        people = deciders_of(session, slot, now)
        if not people:
            raise Conflict(f"“{spec.name}”暂无审批人，请联系党委组织部设置后再提交。")
        _send_cards(session, request, slot, people)


def _new_slot(
    request: ApprovalRequest, step: int, position: int, name: str, spec: SlotSpec, due: datetime | None
) -> ApprovalSlot:
    return ApprovalSlot(
        round=request.round,
        step=step,
        position=position,
        step_name=name,
        role=spec.role,
        org_id=spec.org_id,
        person_id=spec.person_id,
        status=SlotStatus.pending,
        due_at=due,
    )


def _due(session: Session, request: ApprovalRequest, hours: int | None, now: datetime) -> datetime | None:
    hours = hours or rules.value(session, "approval.step_deadline_hours", now.date())
    due = now + timedelta(hours=hours)
    latest = kind_of(request.kind).expires_at(session, request)
    return min(due, latest) if latest else due


def decide(
    session: Session,
    actor: Actor,
    *,
    slot_id: uuid.UUID | str,
    approve: bool,
    comment: str = "",
    now: datetime | None = None,
) -> ApprovalRequest:
    """One decision on one slot. The request row is locked first, so a second decider (or a
    second tap) waits, then finds the slot decided and is told by whom."""
    now = now or utcnow()
    try:
        slot_uuid = slot_id if isinstance(slot_id, uuid.UUID) else uuid.UUID(str(slot_id))
    except ValueError:
        raise Forbidden("这张审批卡片无效。") from None
    request_id = session.scalar(select(ApprovalSlot.request_id).where(ApprovalSlot.id == slot_uuid))
    if request_id is None:
        raise Forbidden("这张审批卡片无效。")
    request = session.get(ApprovalRequest, request_id, with_for_update=True, populate_existing=True)
    slot = session.get(ApprovalSlot, slot_uuid, populate_existing=True)
    if not may_decide(session, actor, slot, now=now):
        raise Forbidden("您不是这一步的审批人。")
    if slot.status != SlotStatus.pending or request.status != ApprovalStatus.pending:
        if slot.status in (SlotStatus.approved, SlotStatus.rejected):
            word = "同意" if slot.status == SlotStatus.approved else "驳回"
            raise Conflict(f"这一步已由{slot.decided_by}{word}，无需重复处理。")
        raise Conflict(f"该申请{STATUS_LABELS[request.status]}，这张卡片已失效。")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(f"意见不能超过{MAX_COMMENT}字。", field="comment")
    if not approve and not comment:
        raise ValidationFailed("驳回时请填写理由。", field="comment")
    slot.status = SlotStatus.approved if approve else SlotStatus.rejected
    slot.decided_by_id, slot.decided_by, slot.decided_at = actor.person_id, actor.label[:100], now
    slot.comment = comment or None
    _event(request, actor, "approved" if approve else "rejected", comment or None, now)
    _audit(session, actor, "decide", request, step=slot.step, round=slot.round, approved=approve)
    _grey_cards(session, slot, "已同意" if approve else "已驳回")
    _settled(session, slot)
    if not approve:
        for other in _open_slots(request):
            other.status = SlotStatus.closed
            _settled(session, other)
            _grey_cards(session, other, "已驳回")
        _finish(session, request, ApprovalStatus.rejected, actor, now, reason=comment)
    elif not _open_slots(request):
        step = slot.step
        kind = kind_of(request.kind)
        _open_step(session, request, step + 1, now, actor)
        if request.status == ApprovalStatus.pending:
            _tell_applicant(
                session,
                request,
                f"“{kind.steps[step].name}”已同意",
                f"下一步：{kind.steps[request.current_step].name}",
                f"{request.round}:{step}:ok",
            )
    session.flush()
    return request


def _settled(session: Session, slot: ApprovalSlot) -> None:
    """The slot is decided or closed: its reminders and escalation notices are not needed."""
    reminders.cancel(session, f"approval_slot:{slot.id}", "已审批")
    reminders.cancel(session, f"approval_escalation:{slot.id}", "已审批")


@reminders.obligation_check("approval_slot")
@reminders.obligation_check("approval_escalation")
def _slot_decided(session: Session, slot_id: str) -> bool:
    slot = session.get(ApprovalSlot, uuid.UUID(slot_id))
    return slot is None or slot.status != SlotStatus.pending


def _open_slots(request: ApprovalRequest) -> list[ApprovalSlot]:
    return [s for s in request.slots if s.status == SlotStatus.pending]


def _finish(
    session: Session,
    request: ApprovalRequest,
    to: ApprovalStatus,
    actor: Actor,
    now: datetime,
    reason: str = "",
) -> None:
    kind = kind_of(request.kind)
    _move(session, request, to, now)
    if to == ApprovalStatus.approved:
        kind.on_approved(session, request, actor, now)
        _tell_applicant(session, request, "已同意", kind.after_approval, f"{request.round}:approved")
    elif to == ApprovalStatus.rejected:
        kind.on_rejected(session, request, actor, now)
        _tell_applicant(
            session, request, f"已驳回：{reason}", kind.after_rejection, f"{request.round}:rejected"
        )
    else:
        kind.on_closed(session, request, actor, now)
    _audit(session, actor, to.value, request, round=request.round)
    workbench.touch(session, [request.applicant])


def _own(session: Session, person: Person, request_id: uuid.UUID | str) -> ApprovalRequest:
    actor = person_actor(person)
    request = get_request(session, actor, request_id, lock=True)
    if request.applicant_id != person.id:
        raise Forbidden("只有申请人本人可以这样做。")
    return request


def withdraw(
    session: Session, person: Person, request_id: uuid.UUID | str, *, now: datetime | None = None
) -> ApprovalRequest:
    now = now or utcnow()
    request = _own(session, person, request_id)
    actor = person_actor(person)
    open_slots = _open_slots(request)
    _move(session, request, ApprovalStatus.withdrawn, now)
    for slot in open_slots:
        slot.status = SlotStatus.closed
        _settled(session, slot)
        _grey_cards(session, slot, "已撤回")
    kind_of(request.kind).on_closed(session, request, actor, now)
    _event(request, actor, "withdrawn", None, now)
    _audit(session, actor, "withdraw", request)
    return request


def resubmit(
    session: Session,
    person: Person,
    request_id: uuid.UUID | str,
    *,
    raw_form: dict,
    now: datetime | None = None,
) -> ApprovalRequest:
    """A rejected request, corrected, starts again at the first step in a new round."""
    now = now or utcnow()
    request = _own(session, person, request_id)
    if request.status != ApprovalStatus.rejected:
        raise Conflict("只有被驳回的申请可以修改后重新提交。")
    kind = kind_of(request.kind)
    if not kind.resubmittable:
        raise Conflict(f"{kind.label}被驳回后不能重新提交，请重新申请。")
    cleaned: Cleaned = kind.clean(session, person, kind.validate(raw_form), now)
    request.form, request.title, request.closed_at = cleaned.form, cleaned.title[:120], None
    request.round += 1
    _send_in(session, request, person_actor(person), now, kind)
    return request
