"""Finding transfers: those touching a branch the actor may see, at either end."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, holds, scope_orgs
from models import MemberTransfer, PartyOrg, TransferKind


def list_transfers(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    awaiting: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[MemberTransfer]:
    """Transfers touching a branch the actor may see (either end), newest first."""
    if not holds(actor, "member.view"):
        raise Forbidden("您无权查看组织关系转接。")
    orgs_seen = scope_orgs(actor, select(PartyOrg.id), "member.view")
    stmt = select(MemberTransfer).where(
        (MemberTransfer.from_branch_id.in_(orgs_seen)) | (MemberTransfer.to_branch_id.in_(orgs_seen))
    )
    if kind:
        try:
            stmt = stmt.where(MemberTransfer.kind == TransferKind(kind))
        except ValueError:
            raise ValidationFailed("转接类别不正确。", field="kind") from None
    if awaiting:
        stmt = stmt.where(MemberTransfer.kind != TransferKind.internal, MemberTransfer.receipt_on.is_(None))
    return paginate(
        session,
        stmt,
        page=page,
        per_page=per_page,
        order_by=(MemberTransfer.effective_on.desc(), MemberTransfer.id),
    )


def get_transfer(session: Session, actor: Actor, transfer_id: uuid.UUID) -> MemberTransfer:
    transfer = session.get(MemberTransfer, transfer_id)
    if transfer is None:
        raise NotFound()
    ends = [session.get(PartyOrg, i) for i in (transfer.from_branch_id, transfer.to_branch_id) if i]
    if not any(can(session, actor, "member.view", obj=o) for o in ends if o is not None):
        raise NotFound()
    return transfer
