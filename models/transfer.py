"""组织关系转接: a member's move between branches here, or out of the hospital's Party committee.

The member row keeps pointing at its current branch; these rows are the history. An outbound
transfer also sets Member.left_at: the member stays on record, no longer in any branch's life.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow


class TransferKind(enum.StrEnum):
    internal = "internal"  # between two branches of this committee
    outbound = "outbound"  # 转出 to an org elsewhere (介绍信)
    inbound = "inbound"  # 转入 from an org elsewhere, registered from its 介绍信


class MemberTransfer(UUIDPrimaryKey, Base):
    __tablename__ = "member_transfer"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[TransferKind] = mapped_column(
        Enum(TransferKind, name="transfer_kind", native_enum=False, length=16, validate_strings=True)
    )
    #: Internal and outbound transfers: the branch they leave (None for an inbound one).
    from_branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"))
    #: Internal and inbound transfers: the receiving branch here.
    to_branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"))
    #: Outbound transfers: the receiving organisation as written on the 介绍信.
    destination: Mapped[str | None] = mapped_column(String(200))
    # -- the 介绍信 (inbound and outbound; §B6) ----------------------------------------------------------
    #: Inbound: the organisation that issued the letter.
    issuing_org: Mapped[str | None] = mapped_column(String(200))
    letter_number: Mapped[str | None] = mapped_column(String(40))
    letter_issued_on: Mapped[date | None]
    #: The member must report to the receiving organisation by this day.
    valid_until: Mapped[date | None]
    #: 党费交至年月 as "2026-11".
    dues_paid_to: Mapped[str | None] = mapped_column(String(7))
    #: 回执: inbound — the day ours was sent back; outbound — the day the receiver's came back.
    receipt_on: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date]
    decided_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")
    from_branch = relationship("PartyOrg", foreign_keys=[from_branch_id])
    to_branch = relationship("PartyOrg", foreign_keys=[to_branch_id])
