"""One entry, many outputs: the archive exported in the column layout another system imports
(members, changes since a day, transfers), by column map (column_maps.py). Reading a member list
back in is exchange_import.py; both are re-exported here, the one door of the exchange."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, exports
from handlers.archive import fields as archive_fields
from handlers.archive.column_maps import (  # noqa: F401
    ColumnMap,
    column_map,
    column_maps,
    describe,
    export_reason,
    member_cell,
    require_exchange,
    sample,
)
from handlers.archive.exchange_import import ExchangeReport, PlannedRow, import_members  # noqa: F401
from handlers.errors import ValidationFailed
from handlers.policy import Actor, scope_members
from models import ArchiveChange, Member, MemberTransfer, PartyOrg, Person, TransferKind


def members_of_record(session: Session, actor: Actor) -> list[Member]:
    """Members of record here the actor may exchange (a member of record elsewhere is reported by
    their own organisation), in branch and name order."""
    stmt = scope_members(
        actor,
        select(Member)
        .join(Person, Member.person_id == Person.id)
        .join(PartyOrg, Member.branch_id == PartyOrg.id)
        .where(Member.left_at.is_(None)),
        "archive.exchange",
    )
    return list(
        session.scalars(
            stmt.options(joinedload(Member.person), joinedload(Member.branch)).order_by(
                PartyOrg.path, Person.name, Member.id
            )
        )
    )


def export_members(session: Session, actor: Actor, target: ColumnMap, *, reason: str) -> bytes:
    """Every member of record in the target's layout, sensitive fields in full (the receiving
    system needs them): for the office only, with a reason, audited with the count."""
    require_exchange(actor)
    reason = export_reason(reason)
    listing = members_of_record(session, actor)
    rows = ([member_cell(m, c.field) for c in target.members] for m in listing)
    content = exports.workbook("党员信息", target.headers, rows)
    audit.record(
        session,
        actor,
        "archive.export",
        detail={"reason": reason, "target": target.name, "what": "members", "rows": len(listing)},
    )
    return content


def export_changes(session: Session, actor: Actor, target: ColumnMap, since: date, *, reason: str) -> bytes:
    """Every archive change since a day, for members of record the actor may exchange."""
    require_exchange(actor)
    reason = export_reason(reason)
    if not target.changes:
        raise ValidationFailed("该格式没有定义变更表。", field="target")
    visible = scope_members(actor, select(Member.id), "archive.exchange")
    changes = session.execute(
        select(ArchiveChange, Member)
        .join(Member, ArchiveChange.member_id == Member.id)
        .where(
            ArchiveChange.changed_at >= datetime.combine(since, datetime.min.time()), Member.id.in_(visible)
        )
        .options(joinedload(Member.person))
        .order_by(ArchiveChange.changed_at)
    ).all()

    def cell(change: ArchiveChange, member: Member, name: str) -> str:
        if name == "change_field":
            spec = archive_fields.BY_NAME.get(change.field)
            return spec.label if spec else change.field
        if name == "change_old":
            return change.old_value or ""
        if name == "change_new":
            return change.new_value or ""
        if name == "change_at":
            from models.base import local_text

            return local_text(change.changed_at)
        return member_cell(member, name)

    rows = [[cell(c, m, col.field) for col in target.changes] for c, m in changes]
    audit.record(
        session,
        actor,
        "archive.export",
        detail={
            "reason": reason,
            "target": target.name,
            "what": "changes",
            "rows": len(rows),
            "since": since.isoformat(),
        },
    )
    return exports.workbook("党员信息变更", [c.header for c in target.changes], rows)


def export_transfers(session: Session, actor: Actor, target: ColumnMap, since: date, *, reason: str) -> bytes:
    """Transfers in and out since a day, in the target's layout."""
    require_exchange(actor)
    reason = export_reason(reason)
    if not target.transfers:
        raise ValidationFailed("该格式没有定义转接表。", field="target")
    visible = scope_members(actor, select(Member.id), "archive.exchange")
    found = session.scalars(
        select(MemberTransfer)
        .where(
            MemberTransfer.kind != TransferKind.internal,
            MemberTransfer.effective_on >= since,
            MemberTransfer.member_id.in_(visible),
        )
        .order_by(MemberTransfer.effective_on)
    ).all()

    def cell(t: MemberTransfer, name: str) -> str:
        inbound = t.kind == TransferKind.inbound
        values = {
            "transfer_kind": "转入" if inbound else "转出",
            "transfer_from": t.issuing_org if inbound else (t.from_branch.name if t.from_branch else ""),
            "transfer_to": (t.to_branch.name if t.to_branch else "") if inbound else t.destination,
            "letter_number": t.letter_number,
            "letter_issued_on": t.letter_issued_on,
            "valid_until": t.valid_until,
            "dues_paid_to": t.dues_paid_to,
            "receipt_on": t.receipt_on,
        }
        if name in values:
            value = values[name]
            return value.isoformat() if isinstance(value, date) else (value or "")
        return member_cell(t.member, name)

    rows = [[cell(t, c.field) for c in target.transfers] for t in found]
    audit.record(
        session,
        actor,
        "archive.export",
        detail={"reason": reason, "target": target.name, "what": "transfers", "rows": len(rows)},
    )
    return exports.workbook("组织关系转接", [c.header for c in target.transfers], rows)
