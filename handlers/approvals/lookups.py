"""Who may decide a slot, which requests an actor may see, and what a request's page shows."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from handlers import attachments, links, workbench
from handlers.approval_kinds import KINDS, kind_of
from handlers.errors import NotFound, OutOfScope, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, Grant, load_actor, scope_paths
from models import (
    ApprovalDelegation,
    ApprovalRequest,
    ApprovalSlot,
    ApprovalStatus,
    Attachment,
    AttachmentOwner,
    PartyOrg,
    Person,
    Role,
    RoleGrant,
    SlotStatus,
)
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


def person_actor(person: Person) -> Actor:
    return Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id)


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


def may_decide(session: Session, actor: Actor, slot: ApprovalSlot, *, now: datetime) -> bool:
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
        raise NotFound() from None
    request = session.get(ApprovalRequest, rid, with_for_update=lock or None)
    if request is None:
        raise NotFound()
    if session.scalar(_visible_filter(actor).where(ApprovalRequest.id == rid)) is not None:
        return request
    now = utcnow()
    if any(s.status == SlotStatus.pending and may_decide(session, actor, s, now=now) for s in request.slots):
        return request
    raise OutOfScope()


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


def slot_of(session: Session, *, request_id: uuid.UUID | None, slot_id: uuid.UUID | None) -> ApprovalSlot:
    """One step's slot of one request (deciding it checks who may)."""
    slot = session.get(ApprovalSlot, slot_id) if slot_id else None
    if slot is None or slot.request_id != request_id:
        raise NotFound("审批事项或步骤不存在。")
    return slot


def my_requests(session: Session, actor: Actor, *, limit: int) -> list[ApprovalRequest]:
    """The actor's own requests, newest first."""
    return list(session.scalars(list_requests(session, actor, mine=True).order_by(*ORDER).limit(limit)))


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
    return [s for s in session.scalars(query) if may_decide(session, actor, s, now=now)]


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
            f"审批{kind_of(s.request.kind).label}：{s.request.applicant.name}",
            links.page("h5.approval_detail", request_id=s.request_id),
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


def attachments_of(session: Session, request: ApprovalRequest) -> list[Attachment]:
    return attachments.of(session, AttachmentOwner.approval_request, request.id)


def pending_slot_for(session: Session, actor: Actor, request: ApprovalRequest) -> ApprovalSlot | None:
    now = utcnow()
    return next(
        (
            s
            for s in request.slots
            if s.status == SlotStatus.pending and may_decide(session, actor, s, now=now)
        ),
        None,
    )
