"""组织关系转接 (domain notes §B6): within the committee, out with a 介绍信, in from one (letters.py);
the 回执 either way and the office warned once of a letter whose 回执 has not come within its
validity (letters.py); the printed letter (documents.py); and small edits of a member's record,
always by their branch of record."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, orgs, workbench
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can
from handlers.transfers.documents import letter_document  # noqa: F401
from handlers.transfers.letters import (  # noqa: F401
    awaiting_receipt,
    dues_month,
    letter_validity,
    record_receipt,
    register_inbound,
    warn_overdue_letters,
)
from handlers.transfers.lookups import get_transfer, list_transfers  # noqa: F401
from handlers.validation import require_text
from models import Member, MemberTransfer, OrgKind, PartyOrg, TransferKind
from models.base import utcnow


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
    audit.record(
        session,
        actor,
        "member.transfer",
        object_type="member",
        object_id=member.id,
        detail={"to": target.code},
    )
    workbench.touch(session, [member.person])
    return transfer


def transfer_out(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    destination: str,
    reason: str,
    effective_on: date,
    letter_number: str | None = None,
    dues_paid_to: str | None = None,
    valid_until: date | None = None,
) -> MemberTransfer:
    """The member leaves this committee (转出): the record stays, marked left, with the history.
    The 介绍信 is valid from the day it is issued (`effective_on`) for the configured days unless
    the letter says otherwise; its 回执 is awaited (warn_overdue_letters)."""
    member = _editable(session, actor, member_id)
    if member.branch_id is None:
        raise ValidationFailed("该党员的组织关系不在本院，不能从本院转出。")
    valid_until = valid_until or letter_validity(session, effective_on)
    if valid_until < effective_on:
        raise ValidationFailed("介绍信有效期不能早于开具日期。", field="valid_until")
    transfer = MemberTransfer(
        member_id=member.id,
        kind=TransferKind.outbound,
        from_branch_id=member.branch_id,
        destination=require_text(destination, "destination", "转往的党组织", max_length=200),
        reason=require_text(reason, "reason", "转接原因", max_length=500),
        effective_on=effective_on,
        decided_by=actor.label,
        letter_number=(letter_number or "").strip()[:40] or None,
        letter_issued_on=effective_on,
        valid_until=valid_until,
        dues_paid_to=dues_month(dues_paid_to),
    )
    member.left_at = utcnow()
    session.add(transfer)
    session.flush()
    orgs.end_seats(session, actor, member_id=member.id, reason="组织关系转出")
    audit.record(
        session,
        actor,
        "member.transfer_out",
        object_type="member",
        object_id=member.id,
        detail={"destination": transfer.destination},
    )
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
    """The console's small edit: the shift group, and the 入党日期 — an archive field, so it is
    checked and kept in the archive's history like any other (handlers/archive/fields)."""
    from handlers.archive import fields as archive_fields

    member = _editable(session, actor, member_id)
    archive_fields.apply(session, actor, member, {"joined_on": joined_on}, source="console", reason=None)
    shift = (shift_group or "").strip()[:32] or None
    if member.shift_group != shift:
        member.shift_group = shift
        audit.record(
            session,
            actor,
            "member.edit",
            object_type="member",
            object_id=member.id,
            detail={"fields": ["shift_group"]},
        )
        workbench.touch(session, [member.person])
    return member
