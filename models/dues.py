"""党费: what each member owes and what they paid (handlers/dues).

DuesPayment: one row per member per month paid. DuesAssessment: the monthly amount fixed for a
member at the January 核定 (or from the month a change of pay takes effect), with the base it
was computed from (encrypted). DuesReliefMonth: an approved 减免 setting one month's owed amount.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow
from models.crypto import EncryptedField
from models.member import DECIMAL


class DuesPayment(UUIDPrimaryKey, Base):
    __tablename__ = "dues_payment"
    __table_args__ = (UniqueConstraint("member_id", "month"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    #: The month paid for (its first day).
    month: Mapped[date] = mapped_column(Date, index=True)
    #: As paid, when the book says (yuan); unknown for an imported list without amounts.
    amount: Mapped[Decimal | None] = mapped_column(Numeric(9, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    #: How it was paid: 现金, 转账 or 院内收缴 (deduction from pay is forbidden by the rules).
    way: Mapped[str | None] = mapped_column(String(10))
    #: 代交: the relative or member who paid for them, as the book says.
    paid_by: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuesAssessment(UUIDPrimaryKey, Base):
    """The monthly amount a member owes from `from_month` on, for the rest of `year` (核定).

    Drafted by an import of bases, adjusted with a reason, then confirmed by the office: only a
    confirmed row sets what is owed. A change of pay mid-year is a second row from its month."""

    __tablename__ = "dues_assessment"
    __table_args__ = (UniqueConstraint("member_id", "year", "from_month"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    from_month: Mapped[date] = mapped_column(Date)
    #: The base it was computed from (yuan per month): sensitive, encrypted like the member's.
    base_ciphertext: Mapped[str | None] = mapped_column(Text)
    base = EncryptedField[Decimal](codec=DECIMAL)
    category: Mapped[str] = mapped_column(String(20))
    #: The bracket's words ("3000元以下 0.5%"), so the member sees how it was computed.
    bracket: Mapped[str] = mapped_column(String(40))
    #: As computed from the base by the rules.
    computed: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    #: What is owed each month (the computed amount, or the office's adjustment).
    amount: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    adjust_reason: Mapped[str | None] = mapped_column(String(200))
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")


class DuesReliefMonth(UUIDPrimaryKey, Base):
    """One month's owed amount set by an approved 党费减免 (0 for 免交)."""

    __tablename__ = "dues_relief_month"
    __table_args__ = (UniqueConstraint("member_id", "month"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    owed: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    approval_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("approval_request.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuesVoluntary(UUIDPrimaryKey, Base):
    """A voluntary payment beyond what is owed (自愿多交). One of 1,000 yuan or more goes wholly to
    the centre through the 基层党委 and the provincial 组织部: flagged for the office."""

    __tablename__ = "dues_voluntary"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    way: Mapped[str] = mapped_column(String(10))
    to_centre: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")


class DuesRemittance(UUIDPrimaryKey, Base):
    """Dues passed up: a branch to the 党委, or the 党委 upward (org_id is the committee), for a
    period of months (the schedule is the rule dues.remit_every_months)."""

    __tablename__ = "dues_remittance"
    __table_args__ = (UniqueConstraint("org_id", "period_start"),)

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    remitted_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
