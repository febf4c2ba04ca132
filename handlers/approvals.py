"""The approvals engine: submit, decide, withdraw, resubmit, expire, remind and escalate.

A kind (handlers/approval_kinds) says what its form holds, who decides at each step and
what happens when the request is approved or rejected; this module runs every kind the
same way. Each transition happens under a row lock on the request, so two deciders tapping
in the same second, or a double tap, produce one decision; the loser is told who decided.
Cards name the slot they ask about: a tap on a card of a step that has moved on finds a
slot that is no longer pending and is refused politely.

Messages go through the outbox in the same transaction as the decision: a worker killed
while sending loses nothing and the outbox's dedupe keys send each message once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from handlers import audit, reminders, rules, uploads, workbench
from handlers.approval_kinds import KINDS, ApprovalKind, Cleaned, SlotSpec, kind_of
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, Grant, load_actor, scope_paths
from models import (
    ApprovalAttachment,
    ApprovalDelegation,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalSlot,
    ApprovalStatus,
    OutboundMessage,
    PartyOrg,
    Person,
    Role,
    RoleGrant,
    SlotStatus,
)
from models.approval import TRANSITIONS
from models.base import utcnow

STATUS_LABELS = {
    ApprovalStatus.draft: "草稿",
    ApprovalStatus.pending: "审批中",
    ApprovalStatus.approved: "已同意",
    ApprovalStatus.rejected: "已驳回",
    ApprovalStatus.withdrawn: "已撤回",
    ApprovalStatus.expired: "已过期",
}
#: The history's actions as the pages say them.
EVENT_LABELS = {
    "created": "创建",
    "submitted": "提交",
    "approved": "同意",
    "rejected": "驳回",
    "withdrawn": "撤回",
    "expired": "过期作废",
    "skipped": "跳过",
    "reminded": "超期提醒",
    "escalated": "报上级督办",
}
MAX_COMMENT = 500


def person_actor(person: Person) -> Actor:
    return Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id)


# -- who decides --------------------------------------------------------------------------------


def _people_holding(session: Session, role: Role, org: PartyOrg) -> list[Person]:
    """People granted `role` over the org: on the org itself for branch roles; anywhere above
    it (or hospital-wide) for the committee office."""
    query = (
        select(Person)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.role == role, RoleGrant.revoked_at.is_(None), Person.is_active.is_(True))
    )
    if role == Role.committee_office:
        # Paths are "/<id>/<id>/…/": the org's ancestors are its path's prefixes.
        parts = org.path.strip("/").split("/")
        prefixes = ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
        above = select(PartyOrg.id).where(PartyOrg.path.in_(prefixes))
        query = query.where(or_(RoleGrant.org_id.is_(None), RoleGrant.org_id.in_(above)))
    else:
        query = query.where(RoleGrant.org_id == org.id)
    return list(session.scalars(query.order_by(Person.name)).unique())


def _delegates(session: Session, principal_ids: Iterable[uuid.UUID], now: datetime) -> list[Person]:
    ids = list(principal_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Person)
            .join(ApprovalDelegation, ApprovalDelegation.to_person_id == Person.id)
            .where(
                ApprovalDelegation.from_person_id.in_(ids),
                ApprovalDelegation.revoked_at.is_(None),
                ApprovalDelegation.starts_at <= now,
                ApprovalDelegation.ends_at > now,
                Person.is_active.is_(True),
            )
        ).unique()
    )


def principal_deciders(session: Session, slot: ApprovalSlot) -> list[Person]:
    if slot.person_id is not None:
        person = session.get(Person, slot.person_id)
        return [person] if person and person.is_active else []
    return _people_holding(session, slot.role, slot.org)


def deciders_of(session: Session, slot: ApprovalSlot, now: datetime | None = None) -> list[Person]:
    """Everyone who may decide the slot now: its deciders and whoever they delegated to."""
    principals = principal_deciders(session, slot)
    extra = [
        d for d in _delegates(session, [p.id for p in principals], now or utcnow()) if d not in principals
    ]
    return principals + extra


def _holds_slot_role(actor: Actor, slot: ApprovalSlot) -> bool:
    """A branch role decides for its own org only; the committee office over its subtree."""
    for grant in actor.grants:
        if grant.role != slot.role:
            continue
        if grant.org_path == slot.org.path or (
            slot.role == Role.committee_office and grant.covers(slot.org.path)
        ):
            return True
    return False


def may_decide(session: Session, actor: Actor, slot: ApprovalSlot, now: datetime) -> bool:
    """The slot's decider in their own right (a person or an API token holding the role), or
    someone a decider delegated to for now."""
    if slot.person_id is None and _holds_slot_role(actor, slot):
        return True
    if actor.person_id is None:
        return False
    principal_ids = {slot.person_id} if slot.person_id else {p.id for p in principal_deciders(session, slot)}
    if actor.person_id in principal_ids:
        return True
    return any(d.id == actor.person_id for d in _delegates(session, principal_ids, now))


# -- reading ------------------------------------------------------------------------------------


def _visible_filter(actor: Actor) -> Select:
    """Requests the actor may see: their own, those they decide or decided, and every request
    of an org they manage approvals for."""
    paths = scope_paths(actor, "approval.view")
    conditions = []
    if actor.person_id is not None:
        conditions.append(ApprovalRequest.applicant_id == actor.person_id)
        conditions.append(
            ApprovalRequest.id.in_(
                select(ApprovalSlot.request_id).where(
                    or_(
                        ApprovalSlot.person_id == actor.person_id,
                        ApprovalSlot.decided_by_id == actor.person_id,
                    )
                )
            )
        )
    if paths is None:
        conditions.append(ApprovalRequest.id.is_not(None))
    elif paths:
        conditions.append(
            ApprovalRequest.org_id.in_(
                select(PartyOrg.id).where(or_(*[PartyOrg.path.startswith(p, autoescape=True) for p in paths]))
            )
        )
    return (
        select(ApprovalRequest).where(or_(*conditions))
        if conditions
        else select(ApprovalRequest).where(ApprovalRequest.id.is_(None))
    )


def get_request(
    session: Session, actor: Actor, request_id: uuid.UUID | str, *, lock: bool = False
) -> ApprovalRequest:
    """A request the actor may see (a decider of a pending slot included); otherwise 404."""
    try:
        rid = request_id if isinstance(request_id, uuid.UUID) else uuid.UUID(str(request_id))
    except ValueError:
        raise NotFound("审批事项不存在。") from None
    request = session.get(ApprovalRequest, rid, with_for_update=lock or None)
    if request is None:
        raise NotFound("审批事项不存在。")
    if session.scalar(_visible_filter(actor).where(ApprovalRequest.id == rid)) is not None:
        return request
    now = utcnow()
    if any(s.status == SlotStatus.pending and may_decide(session, actor, s, now) for s in request.slots):
        return request
    raise NotFound("审批事项不存在，或您无权查看。")


def list_requests(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    org_id: uuid.UUID | None = None,
    overdue_only: bool = False,
    mine: bool = False,
    now: datetime | None = None,
) -> Select:
    """The query behind every list (H5 mine, console, API): scoped and filtered; order it by
    ORDER (newest first)."""
    query = _visible_filter(actor)
    if mine:
        query = query.where(ApprovalRequest.applicant_id == actor.person_id)
    if kind:
        if kind not in KINDS:
            raise ValidationFailed("审批类型不正确。", field="kind")
        query = query.where(ApprovalRequest.kind == kind)
    if status:
        try:
            query = query.where(ApprovalRequest.status == ApprovalStatus(status))
        except ValueError:
            raise ValidationFailed("状态不正确。", field="status") from None
    if org_id:
        org = session.get(PartyOrg, org_id)
        if org is None:
            raise NotFound("党组织不存在。")
        query = query.where(
            ApprovalRequest.org_id.in_(
                select(PartyOrg.id).where(PartyOrg.path.startswith(org.path, autoescape=True))
            )
        )
    if overdue_only:
        query = query.where(
            ApprovalRequest.status == ApprovalStatus.pending,
            ApprovalRequest.id.in_(
                select(ApprovalSlot.request_id).where(
                    ApprovalSlot.status == SlotStatus.pending, ApprovalSlot.due_at < (now or utcnow())
                )
            ),
        )
    return query


ORDER = (ApprovalRequest.created_at.desc(), ApprovalRequest.id)


def page_of(session: Session, actor: Actor, *, page: int | None, per_page: int = 30, **filters: Any) -> Page:
    return paginate(
        session, list_requests(session, actor, **filters), page=page, per_page=per_page, order_by=ORDER
    )


def current_step_name(request: ApprovalRequest) -> str:
    if request.current_step is None:
        return ""
    return kind_of(request.kind).steps[request.current_step].name


def to_decide(session: Session, actor: Actor, now: datetime | None = None) -> list[ApprovalSlot]:
    """Pending slots the actor may decide, oldest first (待办, the H5 to-do list).

    Every member's home page asks this, so the candidates are narrowed in SQL to slots naming
    the actor or one of their roles; someone standing in for a decider (delegation) gets the
    full list, checked slot by slot."""
    now = now or utcnow()
    query = (
        select(ApprovalSlot)
        .join(ApprovalRequest, ApprovalRequest.id == ApprovalSlot.request_id)
        .where(ApprovalSlot.status == SlotStatus.pending, ApprovalRequest.status == ApprovalStatus.pending)
        .order_by(ApprovalSlot.due_at.nulls_last(), ApprovalRequest.submitted_at)
    )
    standing_in = actor.person_id is not None and session.scalar(
        select(ApprovalDelegation.id)
        .where(
            ApprovalDelegation.to_person_id == actor.person_id,
            ApprovalDelegation.revoked_at.is_(None),
            ApprovalDelegation.starts_at <= now,
            ApprovalDelegation.ends_at > now,
        )
        .limit(1)
    )
    if not standing_in:
        candidates = [_slots_of_grant(g) for g in actor.grants]
        if actor.person_id is not None:
            candidates.append(ApprovalSlot.person_id == actor.person_id)
        if not candidates:
            return []
        query = query.where(or_(*candidates))
    return [s for s in session.scalars(query) if may_decide(session, actor, s, now)]


def _slots_of_grant(grant: Grant) -> ColumnElement[bool]:
    """The slots a grant decides, as SQL (the same rule as _holds_slot_role)."""
    if grant.role == Role.committee_office:
        if grant.org_path is None:
            return ApprovalSlot.role == grant.role
        below = select(PartyOrg.id).where(PartyOrg.path.startswith(grant.org_path, autoescape=True))
        return and_(ApprovalSlot.role == grant.role, ApprovalSlot.org_id.in_(below))
    exact = select(PartyOrg.id).where(PartyOrg.path == grant.org_path)
    return and_(ApprovalSlot.role == grant.role, ApprovalSlot.org_id.in_(exact))


@workbench.todo_source
def approvals_to_decide(session: Session, person: Person) -> list[workbench.Todo]:
    actor = load_actor(session, person)
    return [
        workbench.Todo(
            f"审批{kind_of(s.request.kind).label}：{s.request.applicant.name}", f"/m/approvals/{s.request_id}"
        )
        for s in to_decide(session, actor)
    ]


@dataclass(frozen=True)
class StepView:
    name: str
    slots: list[ApprovalSlot]


def steps_of(request: ApprovalRequest) -> list[StepView]:
    """The current round's steps with their slots, for the detail page."""
    steps: dict[int, StepView] = {}
    for slot in request.slots:
        if slot.round == request.round:
            steps.setdefault(slot.step, StepView(slot.step_name, [])).slots.append(slot)
    return [steps[k] for k in sorted(steps)]


def page_facts(session: Session, actor: Actor, request_id: uuid.UUID | str) -> dict[str, Any]:
    """What the request's page shows (the H5 page and the console alike), if the actor may see it."""
    found = get_request(session, actor, request_id)
    kind = kind_of(found.kind)
    return {
        "req": found,
        "kind": kind,
        "summary": kind.summary(session, found),
        # The long texts in full (the summary cuts them for the card).
        "fields": [(f, found.form.get(f.name)) for f in kind.fields if f.kind == "textarea"],
        "steps": steps_of(found),
        "slot": pending_slot_for(session, actor, found),
        "files": attachments_of(session, found),
        "states": STATUS_LABELS,
        "events": EVENT_LABELS,
    }


MAX_ATTACHMENTS = 5


def attach(session: Session, request: ApprovalRequest, filename: str, content: bytes) -> ApprovalAttachment:
    upload = uploads.check(filename, content)
    if len(attachments_of(session, request)) >= MAX_ATTACHMENTS:
        raise ValidationFailed(f"每项申请最多 {MAX_ATTACHMENTS} 个附件。", field="file")
    row = ApprovalAttachment(
        request_id=request.id,
        filename=upload.filename,
        content_type=upload.content_type,
        size=len(content),
        content=content,
    )
    session.add(row)
    session.flush()
    return row


def attachments_of(session: Session, request: ApprovalRequest) -> list[ApprovalAttachment]:
    return list(
        session.scalars(
            select(ApprovalAttachment)
            .where(ApprovalAttachment.request_id == request.id)
            .order_by(ApprovalAttachment.uploaded_at)
        )
    )


def attachment_for(
    session: Session, actor: Actor, request_id: uuid.UUID | str, attachment_id: uuid.UUID | str
) -> ApprovalAttachment:
    found = get_request(session, actor, request_id)
    try:
        row = session.get(ApprovalAttachment, uuid.UUID(str(attachment_id)))
    except ValueError:
        row = None
    if row is None or row.request_id != found.id:
        raise NotFound("附件不存在。")
    return row


def pending_slot_for(session: Session, actor: Actor, request: ApprovalRequest) -> ApprovalSlot | None:
    now = utcnow()
    return next(
        (s for s in request.slots if s.status == SlotStatus.pending and may_decide(session, actor, s, now)),
        None,
    )


# -- writing ------------------------------------------------------------------------------------


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
    raw_form: dict,
    *,
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
    session: Session, person: Person, request_id: uuid.UUID | str, now: datetime | None = None
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


def card_key(slot_id: uuid.UUID, userid: str) -> str:
    return f"approval_card:{slot_id}:{userid}"


def card_params(session: Session, request: ApprovalRequest, slot: ApprovalSlot, userid: str) -> dict:
    kind = kind_of(request.kind)
    return {
        "request_id": str(request.id),
        "slot_id": str(slot.id),
        "kind": kind.label,
        "applicant": request.applicant.name,
        "org": request.org.name,
        "title": request.title,
        "step": slot.step_name,
        "fields": [list(f) for f in kind.summary(session, request)][:5],
        "decider": userid,
    }


def _send_cards(
    session: Session, request: ApprovalRequest, slot: ApprovalSlot, people: Iterable[Person]
) -> None:
    for person in people:
        session.add(
            OutboundMessage(
                kind="approval_request",
                to_users=person.wecom_userid,
                params=card_params(session, request, slot, person.wecom_userid),
                dedupe_key=card_key(slot.id, person.wecom_userid),
            )
        )
    workbench.touch(session, people)


def _grey_cards(session: Session, slot: ApprovalSlot, label: str) -> None:
    """Every card sent for this slot stops taking taps (update_template_card by its code)."""
    cards = session.scalars(
        select(OutboundMessage).where(OutboundMessage.dedupe_key.startswith(f"approval_card:{slot.id}:"))
    )
    for card in cards:
        session.add(
            OutboundMessage(
                kind="card_update",
                to_users=card.to_users,
                params={"card_key": card.dedupe_key, "replace_name": label, "fallback_text": ""},
                dedupe_key=f"approval_card_update:{slot.id}:{card.to_users}",
            )
        )
    holders = session.scalars(select(Person).where(Person.wecom_userid.in_([c.to_users for c in cards])))
    workbench.touch(session, holders)


def _tell_applicant(
    session: Session, request: ApprovalRequest, outcome: str, next_step: str, key: str
) -> None:
    session.add(
        OutboundMessage(
            kind="approval_result",
            to_users=request.applicant.wecom_userid,
            params={
                "request_id": str(request.id),
                "kind": kind_of(request.kind).label,
                "title": request.title,
                "outcome": outcome,
                "next": next_step,
            },
            dedupe_key=f"approval_result:{request.id}:{key}",
        )
    )


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
    if not may_decide(session, actor, slot, now):
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
    session: Session, person: Person, request_id: uuid.UUID | str, now: datetime | None = None
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
    session: Session, person: Person, request_id: uuid.UUID | str, raw_form: dict, now: datetime | None = None
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
                    path=f"/m/approvals/{request.id}",
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
                path=f"/m/approvals/{request.id}",
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


# -- delegation ---------------------------------------------------------------------------------


def delegate(
    session: Session,
    person: Person,
    *,
    to_userid: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    now: datetime | None = None,
) -> ApprovalDelegation:
    now = now or utcnow()
    actor = load_actor(session, person)
    if not any(g.role in (Role.secretary, Role.organizer, Role.committee_office) for g in actor.grants):
        raise Forbidden("只有审批人可以设置代理审批。")
    target = session.scalar(select(Person).where(Person.wecom_userid == (to_userid or "").strip()))
    if target is None or not target.is_active or target.id == person.id:
        raise ValidationFailed("请选择本院的另一位在职人员作为代理人。", field="to_userid")
    if ends_at <= starts_at or ends_at <= now:
        raise ValidationFailed("结束时间应晚于开始时间和当前时间。", field="ends_at")
    if ends_at - starts_at > timedelta(days=92):
        raise ValidationFailed("代理期限最长三个月。", field="ends_at")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ValidationFailed("请填写代理原因（200字以内）。", field="reason")
    row = ApprovalDelegation(
        from_person_id=person.id,
        to_person_id=target.id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "approval.delegate",
        object_type="person",
        object_id=target.id,
        detail={"from": str(starts_at), "to": str(ends_at), "reason": reason},
    )
    return row


def revoke_delegation(
    session: Session, person: Person, delegation_id: uuid.UUID, now: datetime | None = None
) -> None:
    row = session.get(ApprovalDelegation, delegation_id)
    if row is None or row.from_person_id != person.id:
        raise NotFound("代理设置不存在。")
    row.revoked_at = now or utcnow()
    audit.record(
        session,
        person_actor(person),
        "approval.delegate.revoke",
        object_type="person",
        object_id=row.to_person_id,
    )


def delegations_of(session: Session, person: Person) -> list[ApprovalDelegation]:
    return list(
        session.scalars(
            select(ApprovalDelegation)
            .where(ApprovalDelegation.from_person_id == person.id, ApprovalDelegation.revoked_at.is_(None))
            .order_by(ApprovalDelegation.starts_at.desc())
        )
    )
