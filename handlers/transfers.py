"""组织关系转接 and small edits of a member's record, always by their branch of record."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, orgs, workbench
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can
from handlers.validation import require_text
from models import Member, MemberTransfer, OrgKind, PartyOrg, TransferKind
from models.base import local_today, utcnow


def _editable(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    member = session.get(Member, member_id)
    if member is None or not can(session, actor, "member.edit", obj=member):
        raise Forbidden("只有党员组织关系所在支部或党委组织部可以办理。")
    if member.left_at is not None:
        raise Conflict("该党员的组织关系已转出。")
    return member


def transfer_within(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    to_branch_id: uuid.UUID,
    reason: str,
    effective_on: date,
) -> MemberTransfer:
    """Move a member's branch of record to another branch of this committee, keeping the history."""
    member = _editable(session, actor, member_id)
    target = session.get(PartyOrg, to_branch_id)
    if target is None or target.kind != OrgKind.branch or target.dissolved_at is not None:
        raise NotFound("接收支部不存在。")
    if target.id == member.branch_id:
        raise ValidationFailed("接收支部与当前支部相同。", field="to_branch_id")
    if not can(session, actor, "member.edit", obj=target):
        raise Forbidden("您无权把党员转入该支部，请由党委组织部办理。")
    transfer = MemberTransfer(
        member_id=member.id,
        kind=TransferKind.internal,
        from_branch_id=member.branch_id,
        to_branch_id=target.id,
        reason=require_text(reason, "reason", "转接原因", max_length=500),
        effective_on=effective_on,
        decided_by=actor.label,
    )
    member.branch_id, member.group_id = target.id, None  # the new branch places them in a group
    session.add(transfer)
    session.flush()
    # Committee seats go with the branch: kept only where the new branch is still inside the org.
    orgs.end_seats(session, actor, member_id=member.id, reason=f"转入{target.name}", keep_under=target.path)
    audit.record(session, actor, "member.transfer", object_type="member", object_id=member.id,
                 detail={"to": target.code})  # fmt: skip
    workbench.touch(session, [member.person])
    return transfer


def transfer_out(
    session: Session, actor: Actor, *, member_id: uuid.UUID, destination: str, reason: str, effective_on: date
) -> MemberTransfer:
    """The member leaves this committee (转出): the record stays, marked left, with the history."""
    member = _editable(session, actor, member_id)
    transfer = MemberTransfer(
        member_id=member.id,
        kind=TransferKind.outbound,
        from_branch_id=member.branch_id,
        destination=require_text(destination, "destination", "转往的党组织", max_length=200),
        reason=require_text(reason, "reason", "转接原因", max_length=500),
        effective_on=effective_on,
        decided_by=actor.label,
    )
    member.left_at = utcnow()
    session.add(transfer)
    session.flush()
    orgs.end_seats(session, actor, member_id=member.id, reason="组织关系转出")
    audit.record(session, actor, "member.transfer_out", object_type="member", object_id=member.id,
                 detail={"destination": transfer.destination})  # fmt: skip
    return transfer


def history(session: Session, member: Member) -> list[MemberTransfer]:
    return list(
        session.scalars(
            select(MemberTransfer)
            .where(MemberTransfer.member_id == member.id)
            .order_by(MemberTransfer.effective_on.desc(), MemberTransfer.created_at.desc())
        )
    )


def update_record(
    session: Session, actor: Actor, *, member_id: uuid.UUID, shift_group: str | None, joined_on: date | None
) -> Member:
    member = _editable(session, actor, member_id)
    if joined_on and joined_on > local_today():
        raise ValidationFailed("入党日期不能晚于今天。", field="joined_on")
    changed = []
    for name, new in (("shift_group", (shift_group or "").strip()[:32] or None), ("joined_on", joined_on)):
        if getattr(member, name) != new:
            setattr(member, name, new)
            changed.append(name)
    if changed:
        audit.record(session, actor, "member.edit", object_type="member", object_id=member.id,
                     detail={"fields": changed})  # fmt: skip
        workbench.touch(session, [member.person])
    return member
