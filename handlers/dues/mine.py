"""我的党费: a member's own year — the monthly amount and how it was computed (the bracket; the
base masked unless they choose to see it, which is audited), each month owed and paid, and a
receipt per payment. Only ever the member's own: nothing here takes another person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.dues.annual import current_assessment, owed
from handlers.dues.book import add_months, first_of
from handlers.errors import NotFound
from handlers.policy import Actor
from models import DuesAssessment, DuesPayment, DuesReliefMonth, Member, Person
from models.base import local_today


@dataclass(frozen=True)
class MonthLine:
    month: date
    owed: Decimal | None
    payment: DuesPayment | None
    #: An approved 减免 set this month's amount.
    relief: bool = False

    @property
    def state(self) -> str:
        if self.payment is not None:
            return "已交"
        if self.owed is None:
            return "待核定"
        if self.owed == 0:
            return "免交" if self.relief else "无需交纳"
        return "未交（已减）" if self.relief else "未交"


@dataclass
class MyDues:
    member: Member
    year: int
    assessment: DuesAssessment | None
    months: list[MonthLine] = field(default_factory=list)

    @property
    def owed_total(self) -> Decimal:
        return sum((m.owed or Decimal(0) for m in self.months), Decimal("0.00"))

    @property
    def paid_total(self) -> Decimal:
        return sum((m.payment.amount or Decimal(0) for m in self.months if m.payment), Decimal("0.00"))

    @property
    def unpaid_months(self) -> int:
        return sum(1 for m in self.months if m.state.startswith("未交"))


def my_year(
    session: Session, person: Person, year: int | None = None, today: date | None = None
) -> MyDues | None:
    """The member's year up to this month (None for a person who is not a member of record here)."""
    member = person.membership
    if member is None or member.branch_id is None:
        return None
    today = today or local_today()
    year = year or today.year
    last = first_of(today) if year == today.year else date(year, 12, 1)
    first = date(year, 1, 1)
    paid = {
        p.month: p
        for p in session.scalars(
            select(DuesPayment).where(
                DuesPayment.member_id == member.id, DuesPayment.month >= first, DuesPayment.month <= last
            )
        )
    }
    relief = set(
        session.scalars(
            select(DuesReliefMonth.month).where(
                DuesReliefMonth.member_id == member.id,
                DuesReliefMonth.month >= first,
                DuesReliefMonth.month <= last,
            )
        )
    )
    months = []
    month = first
    while month <= last:
        months.append(MonthLine(month, owed(session, member, month), paid.get(month), month in relief))
        month = add_months(month, 1)
    return MyDues(member, year, current_assessment(session, member, last), months[::-1])


def reveal_my_base(session: Session, actor: Actor, person: Person) -> Decimal | None:
    """The member chose to see their own base: shown to them, the choice audited."""
    member = person.membership
    row = current_assessment(session, member, local_today()) if member else None
    audit.record(
        session, actor, "dues.base_reveal", object_type="member", object_id=member.id if member else None
    )
    return row.base if row is not None else None


def receipt(session: Session, person: Person, payment_id: uuid.UUID) -> DuesPayment:
    """One of the member's own payments; anyone else's is not found."""
    payment = session.get(DuesPayment, payment_id)
    if payment is None or person.membership is None or payment.member_id != person.membership.id:
        raise NotFound()
    return payment


def receipt_number(payment: DuesPayment) -> str:
    """A receipt number the member can quote: the month and the payment's id, shortened."""
    return f"DF{payment.month:%Y%m}-{payment.id.hex[:8].upper()}"


def chat_summary(dues: MyDues) -> str:
    """The same as the page, in a chat answer's few lines."""
    lines = [f"{dues.year}年党费："]
    if dues.assessment is None:
        lines.append("本年党费尚未核定。")
    else:
        lines.append(f"每月应交 {dues.assessment.amount} 元（{dues.assessment.bracket}）。")
    paid = sum(1 for m in dues.months if m.payment)
    lines.append(f"已交 {paid} 个月，共 {dues.paid_total} 元；未交 {dues.unpaid_months} 个月。")
    return "\n".join(lines)
