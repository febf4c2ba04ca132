"""党费 for branches and the office: collection per branch per month (owed, paid, rate — counts and
sums, never a person), a branch's year for its own secretary and 组织委员, the annual 公示 to a
branch's members (totals only), and voluntary payments. The remittance ledger is ledger.py."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, links, notify, rules
from handlers.dues.book import WAYS, _amount, first_of
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.figures import percent
from handlers.policy import Actor, can, holds, scope_orgs
from models import (
    DuesAssessment,
    DuesPayment,
    DuesReliefMonth,
    DuesVoluntary,
    Member,
    OrgKind,
    PartyOrg,
    Person,
)
from models.base import local_today

ZERO = Decimal("0.00")
#: A single voluntary payment this large goes wholly to the centre (2008 rules).
TO_CENTRE = Decimal("1000")


class OwedTable:
    """What every member of some branches owes for the months of one year, read in two queries
    (confirmed assessments and reliefs, as plain columns) rather than two per member-month.
    `joined`: each member's id and 入党日期 (nothing is owed before it)."""

    def __init__(self, session: Session, joined: dict[uuid.UUID, date | None], year: int) -> None:
        ids = list(joined)
        self.joined = joined
        self.rows: dict[uuid.UUID, list[tuple[date, Decimal]]] = defaultdict(list)
        for member_id, from_month, amount in session.execute(
            select(DuesAssessment.member_id, DuesAssessment.from_month, DuesAssessment.amount)
            .where(
                DuesAssessment.year == year,
                DuesAssessment.confirmed_at.is_not(None),
                DuesAssessment.member_id.in_(ids),
            )
            .order_by(DuesAssessment.from_month)
        ):
            self.rows[member_id].append((from_month, amount))
        self.relief = {
            (member_id, month): owed
            for member_id, month, owed in session.execute(
                select(DuesReliefMonth.member_id, DuesReliefMonth.month, DuesReliefMonth.owed).where(
                    DuesReliefMonth.member_id.in_(ids), func.extract("year", DuesReliefMonth.month) == year
                )
            )
        }
        self.relieved = {member_id for member_id, _ in self.relief}

    @classmethod
    def of_members(cls, session: Session, members: list[Member], year: int) -> OwedTable:
        return cls(session, {m.id: m.joined_on for m in members}, year)

    def of(self, member_id: uuid.UUID, month: date) -> Decimal | None:
        return self.each_month(member_id, [month])[0]

    def steady(self, member_id: uuid.UUID) -> date | None:
        """The month from which a member owes one unchanging amount for the rest of the year — one
        confirmed assessment, no relief, and a non-zero amount — else None (ask `each_month`)."""
        rows = self.rows.get(member_id, ())
        if len(rows) != 1 or not rows[0][1] or member_id in self.relieved:
            return None
        joined = self.joined[member_id]
        start = first_of(joined) if joined is not None else rows[0][0]
        return max(rows[0][0], start)

    def each_month(self, member_id: uuid.UUID, months: list[date]) -> list[Decimal | None]:
        """What the member owes for each of `months`: nothing before 入党, the relief's amount
        where relieved, else the latest confirmed assessment from before the month (None: not
        assessed). One member's months at once: the 数据中心 asks for 60,000 member-months."""
        joined = self.joined[member_id]
        start = first_of(joined) if joined is not None else None
        rows = self.rows.get(member_id, ())
        owed = []
        for month in months:
            if start is not None and month < start:
                owed.append(ZERO)
            elif (member_id, month) in self.relief:
                owed.append(self.relief[(member_id, month)])
            else:
                amount = None
                for from_month, value in rows:
                    if from_month <= month:
                        amount = value
                owed.append(amount)
        return owed


@dataclass(frozen=True)
class BranchMonth:
    branch: PartyOrg
    members: int
    owed: Decimal
    paid: Decimal
    #: Members who owe something this month and have not paid it.
    behind: int
    #: Members whose amount is not confirmed yet (核定 pending).
    unassessed: int

    @property
    def rate(self) -> int:
        return percent(int(self.paid * 100), int(self.owed * 100)) if self.owed else 100


def _branches(session: Session, actor: Actor) -> list[PartyOrg]:
    if not holds(actor, "dues.record"):
        raise Forbidden("只有党委组织部或支部书记、组织委员可以查看党费收缴情况。")
    stmt = scope_orgs(
        actor,
        select(PartyOrg).where(PartyOrg.kind == OrgKind.branch, PartyOrg.dissolved_at.is_(None)),
        "dues.record",
    )
    return list(session.scalars(stmt.order_by(PartyOrg.path)))


def _members(session: Session, branch_ids: list[uuid.UUID]) -> list[Member]:
    return list(
        session.scalars(select(Member).where(Member.branch_id.in_(branch_ids), Member.left_at.is_(None)))
    )


def collection(session: Session, actor: Actor, month: date) -> list[BranchMonth]:
    """One month, every branch the actor keeps: members, owed, paid, rate, how many are behind."""
    month = first_of(month)
    branches = _branches(session, actor)
    rows = session.execute(
        select(Member.id, Member.branch_id, Member.joined_on).where(
            Member.branch_id.in_([b.id for b in branches]), Member.left_at.is_(None)
        )
    ).all()
    owed = OwedTable(session, {member_id: joined for member_id, _, joined in rows}, month.year)
    paid = dict(
        session.execute(
            select(DuesPayment.member_id, DuesPayment.amount)
            .join(Member, DuesPayment.member_id == Member.id)
            .where(DuesPayment.month == month, Member.branch_id.in_([b.id for b in branches]))
        ).all()
    )
    by_branch: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for member_id, branch_id, _ in rows:
        by_branch[branch_id].append(member_id)
    lines = []
    for branch in branches:
        own = by_branch.get(branch.id, [])
        owing = [(m, owed.of(m, month)) for m in own]
        lines.append(
            BranchMonth(
                branch=branch,
                members=len(own),
                owed=sum((d for _, d in owing if d), ZERO),
                paid=sum((paid[m] or ZERO for m in own if m in paid), ZERO),
                behind=sum(1 for m, d in owing if d and m not in paid),
                unassessed=sum(1 for _, d in owing if d is None),
            )
        )
    return lines


def named_branches(session: Session, actor: Actor) -> list[PartyOrg]:
    """The branches whose members' dues the actor may see by name (their own secretary and 组织委员)."""
    stmt = scope_orgs(actor, select(PartyOrg).where(PartyOrg.kind == OrgKind.branch), "dues.names")
    return [
        b for b in session.scalars(stmt.order_by(PartyOrg.path)) if can(session, actor, "dues.names", obj=b)
    ]


def branch_of_year(session: Session, actor: Actor, branch_id: uuid.UUID) -> PartyOrg:
    """The branch a year view is of, for those who may see it (as branch_year decides)."""
    branch = session.get(PartyOrg, branch_id)
    if branch is None or branch.kind != OrgKind.branch or not can(session, actor, "dues.names", obj=branch):
        raise NotFound()
    return branch


@dataclass
class MemberYear:
    member: Member
    months: list[tuple[date, Decimal | None, DuesPayment | None]] = field(default_factory=list)


def branch_year(session: Session, actor: Actor, branch_id: uuid.UUID, year: int) -> list[MemberYear]:
    """A branch's year, member by member and month by month: names are for its own secretary and
    组织委员 only (the office sees the collection table's counts)."""
    branch = branch_of_year(session, actor, branch_id)
    members = list(
        session.scalars(
            select(Member)
            .join(Person, Member.person_id == Person.id)
            .where(Member.branch_id == branch.id, Member.left_at.is_(None))
            .options(joinedload(Member.person))
            .order_by(Person.name)
        )
    )
    owed = OwedTable.of_members(session, members, year)
    payments = {
        (p.member_id, p.month): p
        for p in session.scalars(
            select(DuesPayment).where(
                DuesPayment.member_id.in_([m.id for m in members]),
                DuesPayment.month >= date(year, 1, 1),
                DuesPayment.month <= date(year, 12, 1),
            )
        )
    }
    months = [date(year, m, 1) for m in range(1, 13)]
    return [
        MemberYear(m, [(month, owed.of(m.id, month), payments.get((m.id, month))) for month in months])
        for m in members
    ]


def publish_notice(session: Session, actor: Actor, *, branch_id: uuid.UUID, year: int) -> int:
    """The annual 公示 of a branch's collection, to its members: totals only, never an amount per
    person. Once per branch and year. Returns how many members it went to."""
    branch = session.get(PartyOrg, branch_id)
    if branch is None or branch.kind != OrgKind.branch or not can(session, actor, "dues.record", obj=branch):
        raise NotFound()
    members = _members(session, [branch.id])
    owed = OwedTable.of_members(session, members, year)
    last = date(year, 12, 1) if year < local_today().year else first_of(local_today())
    months = [date(year, m, 1) for m in range(1, last.month + 1)]
    total_owed = sum((owed.of(m.id, mo) or ZERO for m in members for mo in months), ZERO)
    total_paid = (
        session.scalar(
            select(func.coalesce(func.sum(DuesPayment.amount), 0)).where(
                DuesPayment.member_id.in_([m.id for m in members]), DuesPayment.month.in_(months)
            )
        )
        or ZERO
    )
    text = (
        f"{branch.name}{year}年党费收缴公示：党员 {len(members)} 人，"
        f"{months[0]:%m}月至{months[-1]:%m}月应交 {total_owed} 元，已交 {Decimal(total_paid):.2f} 元。"
        f"个人交纳情况请在“我的党费”查看：{links.page('h5.my_dues')}"
    )
    people = [m.person for m in members if m.person.is_active]
    key = f"dues_notice:{branch.id}:{year}"
    if notify.already_told(session, key + ":0"):
        raise Conflict(f"{branch.name}{year}年的党费公示已经发布过。")
    for n, start in enumerate(range(0, len(people), notify.MAX_RECIPIENTS)):
        notify.tell(
            session, people[start : start + notify.MAX_RECIPIENTS], "text", key=f"{key}:{n}", content=text
        )
    if can(session, actor, "notice.send"):  # the office: the 公示 also goes on the 党务公开 page
        from handlers import notices

        days = rules.value(session, "notice.public_days")
        notices.publish(
            session,
            actor,
            title=f"{branch.name}{year}年党费收缴公示",
            body=text.split("个人交纳情况")[0],
            days=days,
            source="dues",
        )
    audit.record(
        session,
        actor,
        "dues.notice",
        object_type="org",
        object_id=branch.id,
        detail={"year": year, "members": len(people)},
    )
    return len(people)


def record_voluntary(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    amount: Any,
    paid_on: date | None,
    way: str,
    note: str | None,
) -> DuesVoluntary:
    """A voluntary payment beyond the dues owed; one of 1,000 yuan or more is flagged for the centre."""
    member = session.get(Member, member_id)
    if member is None or not can(session, actor, "dues.record", obj=member):
        raise NotFound()
    value = _amount(amount)
    if value is None:
        raise ValidationFailed("请填写金额。", field="amount")
    if way not in WAYS:
        raise ValidationFailed(f"交纳方式应为：{'、'.join(WAYS)}。", field="way")
    paid_on = paid_on or local_today()
    if paid_on > local_today():
        raise ValidationFailed("交纳日期不能晚于今天。", field="paid_on")
    row = DuesVoluntary(
        member_id=member.id,
        amount=value,
        paid_on=paid_on,
        way=way,
        to_centre=value >= TO_CENTRE,
        note=(note or "").strip()[:200] or None,
        recorded_by=actor.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "dues.voluntary",
        object_type="member",
        object_id=member.id,
        detail={"to_centre": row.to_centre},
    )
    return row


def voluntary_for_centre(session: Session, actor: Actor, year: int) -> list[DuesVoluntary]:
    """The year's voluntary payments of 1,000 yuan or more: the office passes them wholly to the
    centre (through the provincial 组织部), each with the member's name for the centre's receipt."""
    if not holds(actor, "dues.assess"):
        raise Forbidden("上缴中央的自愿多交党费由党委组织部办理。")
    return list(
        session.scalars(
            select(DuesVoluntary)
            .where(DuesVoluntary.to_centre.is_(True), func.extract("year", DuesVoluntary.paid_on) == year)
            .order_by(DuesVoluntary.paid_on)
        )
    )
