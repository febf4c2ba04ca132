"""The demo hospital's dues (issue 20): bases for everyone, plausible by 职称 (a pension for the
retired), last year's and this year's 核定 confirmed through the handlers, last year's book
complete and this year's paid to last month — but for one member six months behind — a student,
a relief approved through the approvals engine, a voluntary 1,200 yuan payment, and every
branch's remittances so that the ledger reconciles to the fen."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from handlers import approvals, dues, exports
from handlers.dues.collection import OwedTable
from handlers.policy import Actor, load_actor
from models import (
    DuesCategory,
    DuesPayment,
    Member,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Person,
)
from models.base import CHINA

#: Monthly base by 职称 (yuan, after tax): a range the demo draws from.
BASE_BY_TITLE = {
    "主任医师": (15000, 19000),
    "副主任医师": (11500, 15000),
    "主治医师": (8500, 11500),
    "医师": (5500, 8500),
    "主任护师": (11000, 14000),
    "副主任护师": (9000, 11500),
    "主管护师": (7000, 9000),
    "护师": (5200, 7000),
    "护士": (4200, 5600),
    "工程师": (6500, 9000),
    "会计师": (6500, 9000),
    "技师": (5500, 7500),
}
PENSION = (3800, 7800)
OTHER = (4800, 8800)


class DemoDues:
    def __init__(self, session: Session, rng: Any, today: date, actor: Actor) -> None:
        self.session, self.rng, self.today, self.actor = session, rng, today, actor

    def build(self) -> None:
        members = list(
            self.session.scalars(
                select(Member)
                .join(Member.person)
                .where(Member.branch_id.is_not(None))
                .order_by(Person.wecom_userid)
            )
        )
        student = next(m for m in members if m.status == MemberStatus.probationary)
        student.dues_category = DuesCategory.student  # a 研究生 who joined here: the flat 0.20
        this_year, last_year = self.today.year, self.today.year - 1
        bases = {m.id: self.base(m) for m in members}
        for year, factor in ((last_year, Decimal("0.96")), (this_year, Decimal("1"))):
            rows = [
                [
                    m.person.wecom_userid,
                    "",
                    ""
                    if m.dues_category == DuesCategory.student
                    else f"{(bases[m.id] * factor).quantize(Decimal('0.01'))}",
                    "",
                    "",
                ]
                for m in members
            ]
            content = exports.workbook("基数", dues.BASE_COLUMNS, rows)
            dues.import_bases(self.session, self.actor, "bases.xlsx", content, year=year)
            dues.confirm_year(self.session, self.actor, year=year)
        self.book(members, behind=members[len(members) // 3])
        self.relief(members)
        first = next(
            m for m in members if m.dues_category == DuesCategory.in_service and m.status == MemberStatus.full
        )
        dues.record_voluntary(
            self.session,
            self.actor,
            member_id=first.id,
            amount="1200",
            paid_on=date(this_year, 6, 28),
            way="转账",
            note="七一前自愿多交",
        )
        self.remittances(last_year)
        self.remittances(this_year)

    def base(self, member: Member) -> Decimal:
        low, high = (
            PENSION
            if member.dues_category == DuesCategory.retired
            else BASE_BY_TITLE.get(member.technical_title, OTHER)
        )
        return Decimal(self.rng.randrange(low * 100, high * 100, 50)) / 100

    def book(self, members: list[Member], *, behind: Member) -> None:
        """Last year complete; this year to last month; `behind` stopped paying six months ago."""
        last_month = dues.add_months(self.today.replace(day=1), -1)
        stop = dues.add_months(last_month, -6)
        rows = []
        owed_by_year = {
            y: OwedTable.of_members(self.session, members, y) for y in (self.today.year - 1, self.today.year)
        }
        for member in members:
            month = date(self.today.year - 1, 1, 1)
            start = member.joined_on.replace(day=1) if member.joined_on else month
            end = stop if member.id == behind.id else last_month
            while month <= end:
                if month >= start:
                    owed = owed_by_year[month.year].of(member.id, month) or Decimal("0.20")
                    paid_on = month + timedelta(days=self.rng.randrange(3, 25))
                    rows.append(
                        {
                            "id": uuid.uuid4(),
                            "member_id": member.id,
                            "month": month,
                            "amount": owed,
                            "paid_on": paid_on,
                            "way": self.rng.choice(dues.WAYS),
                            "recorded_by": "演示数据",
                        }
                    )
                month = dues.add_months(month, 1)
        self.session.execute(insert(DuesPayment), rows)
        self.session.expire_all()  # the rows went in below the ORM

    def relief(self, members: list[Member]) -> None:
        """A member in hardship exempted for the next two months: branch discussion, then the 党委."""
        member = members[len(members) // 2]
        request = approvals.submit(
            self.session,
            member.person,
            "dues_relief",
            raw_form={
                "relief": "免交",
                "from_month": f"{self.today:%Y-%m}",
                "months": "2",
                "reason": "本人长期病休，家庭收入骤减",
            },
            now=datetime.combine(self.today - timedelta(days=6), time(10), CHINA),
        )
        for step in range(2):
            slot = next(s for s in request.slots if s.status == "pending")
            decider = load_actor(self.session, approvals.principal_deciders(self.session, slot)[0])
            approvals.decide(
                self.session,
                decider,
                slot_id=slot.id,
                approve=True,
                comment="同意",
                now=datetime.combine(self.today - timedelta(days=5 - step), time(11), CHINA),
            )

    def remittances(self, year: int) -> None:
        """Every branch passed each finished period's dues to the 党委, and the 党委 passed the
        total (with the voluntary payments) upward: the book and the ledger agree to the fen."""
        committee = self.session.scalar(select(PartyOrg).where(PartyOrg.kind == OrgKind.committee))
        for start, end in dues.periods(self.session, year):
            if dues.add_months(end, 1) > self.today.replace(day=1):
                continue  # the period is not over yet
            sums = dict(
                self.session.execute(
                    select(Member.branch_id, func.sum(DuesPayment.amount))
                    .join(Member, DuesPayment.member_id == Member.id)
                    .where(DuesPayment.month >= start, DuesPayment.month <= end)
                    .group_by(Member.branch_id)
                ).all()
            )
            on = min(dues.add_months(end, 1) + timedelta(days=6), self.today)
            for branch_id, amount in sums.items():
                dues.record_remittance(
                    self.session,
                    self.actor,
                    org_id=branch_id,
                    period_start=start,
                    amount=f"{Decimal(amount):.2f}",
                    remitted_on=on,
                )
            upward = next(
                r
                for r in dues.reconcile(self.session, self.actor, year)
                if r.period[0] == start and r.where.endswith("（向上级上缴）")
            )
            dues.record_remittance(
                self.session,
                self.actor,
                org_id=committee.id,
                period_start=start,
                amount=f"{upward.book:.2f}",
                remitted_on=min(on + timedelta(days=10), self.today),
            )
