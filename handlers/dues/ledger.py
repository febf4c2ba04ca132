"""The remittance ledger: what each branch passed to the 党委 for each period (the schedule is the
rule dues.remit_every_months) and what the 党委 passed upward, reconciled against the book to the
fen — every line that does not balance says by how much and where."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.dues.book import _amount, add_months, first_of
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds
from models import DuesPayment, DuesRemittance, DuesVoluntary, Member, OrgKind, PartyOrg
from models.base import local_today

ZERO = Decimal("0.00")


def periods(session: Session, year: int) -> list[tuple[date, date]]:
    """The year's remittance periods (first and last month), by the rule dues.remit_every_months."""
    every = rules.value(session, "dues.remit_every_months", date(year, 1, 1))
    if every not in (1, 2, 3, 4, 6, 12):
        every = 6
    return [(date(year, m, 1), add_months(date(year, m, 1), every - 1)) for m in range(1, 13, every)]


def record_remittance(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    period_start: date,
    amount: Any,
    remitted_on: date | None,
    note: str | None = None,
) -> DuesRemittance:
    """A branch passed a period's dues to the 党委 (its secretary, organizer or the office), or the
    党委 passed them upward (the office)."""
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind not in (OrgKind.branch, OrgKind.committee):
        raise NotFound()
    if not can(session, actor, "dues.record", obj=org):
        raise Forbidden("只能登记本人负责的党组织的党费上缴。")
    start = first_of(period_start)
    period = next((p for p in periods(session, start.year) if p[0] == start), None)
    if period is None:
        raise ValidationFailed("上缴期间应从规则规定的期间起始月份开始。", field="period_start")
    value = _amount(amount, high=100_000_000)
    if value is None:
        raise ValidationFailed("请填写上缴金额。", field="amount")
    remitted_on = remitted_on or local_today()
    if remitted_on > local_today():
        raise ValidationFailed("上缴日期不能晚于今天。", field="remitted_on")
    if session.scalar(
        select(DuesRemittance.id).where(DuesRemittance.org_id == org.id, DuesRemittance.period_start == start)
    ):
        raise Conflict(f"{org.name}{start:%Y年%m月}起这一期的上缴已登记。")
    row = DuesRemittance(
        org_id=org.id,
        period_start=start,
        period_end=period[1],
        amount=value,
        remitted_on=remitted_on,
        note=(note or "").strip()[:200] or None,
        recorded_by=actor.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "dues.remittance",
        object_type="org",
        object_id=org.id,
        detail={"period": f"{start:%Y-%m}", "amount": str(value)},
    )
    return row


@dataclass(frozen=True)
class Reconciled:
    where: str
    period: tuple[date, date]
    #: What the book says should have passed (collected in the period's months).
    book: Decimal
    remitted: Decimal | None

    @property
    def difference(self) -> Decimal:
        return (self.remitted or ZERO) - self.book

    @property
    def balanced(self) -> bool:
        return self.remitted is not None and self.difference == 0


def reconcile(session: Session, actor: Actor, year: int) -> list[Reconciled]:
    """Each branch's book for each period against what it remitted; then the 党委: the sum of what
    the branches remitted (and voluntary payments made in the period) against what it passed up.
    Every line says by how much and where it does not balance, to the fen."""
    if not holds(actor, "dues.assess"):
        raise Forbidden("党费对账由党委组织部办理。")
    branches = list(
        session.scalars(select(PartyOrg).where(PartyOrg.kind == OrgKind.branch).order_by(PartyOrg.path))
    )
    committees = list(session.scalars(select(PartyOrg).where(PartyOrg.kind == OrgKind.committee)))
    remitted = {
        (r.org_id, r.period_start): r.amount
        for r in session.scalars(
            select(DuesRemittance).where(func.extract("year", DuesRemittance.period_start) == year)
        )
    }
    lines = []
    for start, end in periods(session, year):
        collected = dict(
            session.execute(
                select(Member.branch_id, func.sum(DuesPayment.amount))
                .join(Member, DuesPayment.member_id == Member.id)
                .where(DuesPayment.month >= start, DuesPayment.month <= end)
                .group_by(Member.branch_id)
            ).all()
        )
        voluntary = session.scalar(
            select(func.coalesce(func.sum(DuesVoluntary.amount), 0)).where(
                DuesVoluntary.paid_on >= start, DuesVoluntary.paid_on < add_months(end, 1)
            )
        )
        branch_total = ZERO
        for branch in branches:
            book = Decimal(collected.get(branch.id) or 0).quantize(ZERO)
            sent = remitted.get((branch.id, start))
            if book or sent is not None:
                lines.append(Reconciled(branch.name, (start, end), book, sent))
            branch_total += sent or ZERO
        for committee in committees:
            book = (branch_total + Decimal(voluntary or 0)).quantize(ZERO)
            lines.append(
                Reconciled(
                    f"{committee.name}（向上级上缴）", (start, end), book, remitted.get((committee.id, start))
                )
            )
    return lines
