"""党费收缴台账: which month each member's dues were paid for (issue 8's "dues unpaid" producer).

One row per member per month paid. What is owed (the base, the bracket, 核定 at the start of the
year, 减免) is not here yet: the branch records what was paid, from its own book or the finance
office's list, and the system tells the secretary — and only the secretary — when a member has
gone N months without paying (党章第九条: six months is treated as leaving the Party).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow


class DuesPayment(UUIDPrimaryKey, Base):
    __tablename__ = "dues_payment"
    __table_args__ = (UniqueConstraint("member_id", "month"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    #: The month paid for (its first day).
    month: Mapped[date] = mapped_column(Date, index=True)
    #: As paid, when the book says (yuan); unknown for an imported list without amounts.
    amount: Mapped[Decimal | None] = mapped_column(Numeric(9, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
