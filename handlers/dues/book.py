"""党费收缴台账 and the unpaid-dues reminder (issue 8's "dues unpaid (secretary only)").

The branch of record records which months each member paid for — ticked in the console, or
imported from its book or the finance office's list (企业微信账号, 月份, 金额). From that book
the weekly job finds members who have gone `dues.unpaid_warning_months` months (six: 党章第九条)
without paying, and tells the branch's secretary once a month, privately: a count and where to
look, never a list sent to anyone else, never a message to the member.

Months are counted only from when the branch started keeping its book here (its first recorded
payment), so a branch that has not started yet gets no false alarms; a member is counted from the
month they joined (预备党员 pay from the day the branch meeting accepts them). The current month
is never overdue.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from handlers import audit, links, reminders, rules
from handlers.errors import Conflict, Forbidden, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, holds, scope_orgs
from handlers.tables import ImportRefused, RowProblem, read_table
from models import DuesPayment, DuesReliefMonth, Member, OrgKind, PartyOrg, Person, ReminderPriority
from models.base import CHINA, local_today, utcnow

IMPORT_COLUMNS = ("企业微信账号", "月份", "金额")
#: How dues may be paid. Deduction from pay (扣缴) is forbidden by the 2008 rules, so it is not one.
WAYS = ("现金", "转账", "院内收缴")
MAX_IMPORT_ROWS = 20_000
#: A month paid in advance at most this far ahead (预交).
MAX_AHEAD_MONTHS = 12


def first_of(day: date) -> date:
    return day.replace(day=1)


def months_between(start: date, end: date) -> int:
    """Whole months from `start`'s month to `end`'s month (0 when the same month)."""
    return (end.year - start.year) * 12 + end.month - start.month


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(raw: Any) -> date | None:
    """ "2026-11", "2026/11", "2026年11月" or a date cell → the month's first day."""
    if isinstance(raw, datetime):
        return raw.date().replace(day=1)
    if isinstance(raw, date):
        return raw.replace(day=1)
    match = re.fullmatch(r"\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*", str(raw or ""))
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2100:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def _amount(raw: Any, high: int = 100_000) -> Decimal | None:
    """A sum of money as typed or imported (yuan, to the fen); `high` bounds it (a member's dues
    by default, a whole branch's or committee's remittance when larger)."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationFailed("金额应为数字，如 15.00。", field="amount") from None
    if not value.is_finite() or not Decimal("0.01") <= value <= high:
        raise ValidationFailed(f"金额应在 0.01–{high} 元之间。", field="amount")
    return value


def _check_month(month: date, member: Member, paid_on: date, makeup_months: int | None = None) -> None:
    if month > add_months(first_of(paid_on), MAX_AHEAD_MONTHS):
        raise ValidationFailed(f"最多预交 {MAX_AHEAD_MONTHS} 个月。", field="month")
    if member.joined_on and month < first_of(member.joined_on):
        raise ValidationFailed(f"{month:%Y年%m月}早于入党时间。", field="month")
    if makeup_months is not None and month < add_months(first_of(paid_on), -makeup_months):
        raise ValidationFailed(
            f"{month:%Y年%m月}的党费补交已超过 {makeup_months} 个月（规则“补交党费最多”），"
            "请报党委组织部处理。",
            field="month",
        )


def record(
    session: Session,
    actor: Actor,
    *,
    member_ids: list[uuid.UUID],
    month: date,
    amount: Any = None,
    paid_on: date | None = None,
    way: str = "现金",
    paid_by: str | None = None,
) -> int:
    """Mark a month paid for these members (their branch of record only): the amount as given,
    else what the member owes for it. A month already recorded for a member is left as it was;
    when every one of them already has it, the whole entry is refused. 补交 reaches back at most
    the rule dues.makeup_max_months. Returns how many were newly recorded."""
    from handlers.dues.annual import owed

    paid_on = paid_on or local_today()
    if paid_on > local_today():
        raise ValidationFailed("交纳日期不能晚于今天。", field="paid_on")
    if way not in WAYS:
        raise ValidationFailed(f"交纳方式应为：{'、'.join(WAYS)}（不得从工资中代扣）。", field="way")
    paid_by = (paid_by or "").strip()[:64] or None
    value = _amount(amount)
    makeup = rules.value(session, "dues.makeup_max_months", paid_on)
    if not member_ids:
        raise ValidationFailed("请选择交纳党费的党员。", field="member_ids")
    members = list(session.scalars(select(Member).where(Member.id.in_(member_ids))))
    if len(members) != len(set(member_ids)) or any(
        not can(session, actor, "dues.record", obj=m) for m in members
    ):
        raise Forbidden("只能登记本人负责的党组织（组织关系所在支部）党员的党费。")
    month = first_of(month)
    recorded = 0
    already = set(
        session.scalars(
            select(DuesPayment.member_id).where(
                DuesPayment.member_id.in_(member_ids), DuesPayment.month == month
            )
        )
    )
    if already >= {m.id for m in members}:
        raise Conflict(f"{month:%Y年%m月}的党费已登记，不能重复登记。", field="month")
    for member in members:
        _check_month(month, member, paid_on, makeup)
        if member.id in already:
            continue
        session.add(
            DuesPayment(
                member_id=member.id,
                month=month,
                amount=value if value is not None else owed(session, member, month),
                paid_on=paid_on,
                way=way,
                paid_by=paid_by,
                recorded_by=actor.label[:100],
            )
        )
        recorded += 1
    session.flush()
    audit.record(
        session,
        actor,
        "dues.record",
        object_type="dues_month",
        object_id=f"{month:%Y-%m}",
        detail={"members": recorded},
    )
    return recorded


def import_book(
    session: Session, actor: Actor, filename: str, *, content: bytes, paid_on: date | None = None
) -> int:
    """A branch's book or the finance office's list: every row checked, then all or nothing."""
    if not holds(actor, "dues.record"):
        raise Forbidden("只有党委组织部或支部书记、组织委员可以登记党费。")
    paid_on = paid_on or local_today()
    rows = read_table(filename, content, columns=IMPORT_COLUMNS, max_rows=MAX_IMPORT_ROWS)
    if not rows:
        raise ValidationFailed("文件里没有党费记录。", field="file")
    userids = {str(cells[0] or "").strip() for _, cells in rows if cells}
    members = dict(
        session.execute(
            select(Person.wecom_userid, Member)
            .join(Member, Member.person_id == Person.id)
            .where(Person.wecom_userid.in_(userids), Member.left_at.is_(None))
        ).all()
    )
    existing = {
        (member_id, month)
        for member_id, month in session.execute(
            select(DuesPayment.member_id, DuesPayment.month).where(
                DuesPayment.member_id.in_([m.id for m in members.values()])
            )
        )
    }
    problems, accepted, seen = [], [], set()
    for line, cells in rows:
        cells = [*cells, None, None, None]
        userid, month = str(cells[0] or "").strip(), parse_month(cells[1])
        member = members.get(userid)
        try:
            if member is None:
                raise ValidationFailed(f"“{userid}”不是在册党员。")
            if not can(session, actor, "dues.record", obj=member):
                raise ValidationFailed(f"“{userid}”不在您负责的党组织。")
            if month is None:
                raise ValidationFailed("月份应写作 2026-11。")
            _check_month(month, member, paid_on)
            amount = _amount(cells[2])
            if (member.id, month) in seen:
                raise ValidationFailed(f"{month:%Y-%m} 在文件中重复。")
        except ValidationFailed as wrong:
            problems.append(RowProblem(line, wrong.message))
            continue
        seen.add((member.id, month))
        if (member.id, month) not in existing:
            accepted.append((member.id, month, amount))
    if problems:
        raise ImportRefused(problems, nothing_done="未登记任何党费")
    for member_id, month, amount in accepted:
        session.add(
            DuesPayment(
                member_id=member_id,
                month=month,
                amount=amount,
                paid_on=paid_on,
                recorded_by=actor.label[:100],
            )
        )
    session.flush()
    audit.record(session, actor, "dues.import", object_type="dues_month", detail={"rows": len(accepted)})
    return len(accepted)


# -- the book as the branch reads it ----------------------------------------------------------------


@dataclass(frozen=True)
class DuesLine:
    member: Member
    last_paid: date | None
    #: Consecutive months unpaid up to last month (0: nothing overdue).
    unpaid: int


def _branch_starts(session: Session, branch_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    """When each branch started keeping its book here: its first recorded month."""
    return dict(
        session.execute(
            select(Member.branch_id, func.min(DuesPayment.month))
            .join(Member, Member.id == DuesPayment.member_id)
            .where(Member.branch_id.in_(branch_ids))
            .group_by(Member.branch_id)
        ).all()
    )


def _members_of(branch_ids: list[uuid.UUID]) -> Select:
    return (
        select(Member)
        .join(Person, Person.id == Member.person_id)
        .where(Member.branch_id.in_(branch_ids), Member.left_at.is_(None))
    )


def book(session: Session, branch_ids: list[uuid.UUID], today: date | None = None) -> list[DuesLine]:
    """Each current member of these branches with the last month paid and the months unpaid since."""
    members = list(session.scalars(_members_of(branch_ids).order_by(Person.name)))
    return _lines(session, members, branch_ids, today or local_today())


def _lines(
    session: Session, members: list[Member], branch_ids: list[uuid.UUID], today: date
) -> list[DuesLine]:
    last_month = add_months(first_of(today), -1)
    starts = _branch_starts(session, branch_ids)
    last_paid = dict(
        session.execute(
            select(DuesPayment.member_id, func.max(DuesPayment.month))
            .where(DuesPayment.member_id.in_([m.id for m in members]), DuesPayment.month <= last_month)
            .group_by(DuesPayment.member_id)
        ).all()
    )
    # A month an approved 减免 exempts (免交) owes nothing, so it never counts as unpaid.
    exempt: dict[uuid.UUID, set[date]] = {}
    for member_id, month in session.execute(
        select(DuesReliefMonth.member_id, DuesReliefMonth.month).where(
            DuesReliefMonth.member_id.in_([m.id for m in members]), DuesReliefMonth.owed == 0
        )
    ):
        exempt.setdefault(member_id, set()).add(month)
    lines = []
    for member in members:
        start = starts.get(member.branch_id)
        paid = last_paid.get(member.id)
        if start is None:  # the branch keeps no book here yet: nothing can be said
            lines.append(DuesLine(member, paid, 0))
            continue
        owed_from = max(start, first_of(member.joined_on) if member.joined_on else start)
        since = max(add_months(paid, 1) if paid else owed_from, owed_from)
        months = max(0, months_between(since, last_month) + 1)
        free = sum(1 for m in exempt.get(member.id, ()) if since <= m <= last_month)
        lines.append(DuesLine(member, paid, months - free))
    return lines


def book_for(
    session: Session, actor: Actor, org_id: uuid.UUID | None = None, *, page: int = 1, per_page: int = 50
) -> Page[DuesLine]:
    """One page of the book of the branches the actor keeps (one of them when chosen), by name:
    a hospital's 5,000 members are not one page."""
    if not holds(actor, "dues.record"):
        raise Forbidden("只有党委组织部或支部书记、组织委员可以查看党费台账。")
    query = scope_orgs(actor, select(PartyOrg.id).where(PartyOrg.kind == OrgKind.branch), "dues.record")
    if org_id is not None:
        query = query.where(PartyOrg.id == org_id)
    branch_ids = list(session.scalars(query))
    members = paginate(
        session, _members_of(branch_ids), page=page, per_page=per_page, order_by=(Person.name, Member.id)
    )
    lines = _lines(session, members.items, branch_ids, local_today())
    return Page(lines, members.page, members.per_page, members.total)


# -- the reminder to the secretary --------------------------------------------------------------------


def queue_unpaid_reminders(session: Session, today: date) -> int:
    """Once a month, each branch with members N months behind tells its secretary (or, with
    none, its organizer): how many, and where the book is. Returns how many were planned."""
    from handlers.roles import branch_leaders

    threshold = rules.value(session, "dues.unpaid_warning_months", today)
    branches = list(
        session.scalars(
            select(PartyOrg).where(PartyOrg.kind == OrgKind.branch, PartyOrg.dissolved_at.is_(None))
        )
    )
    behind: dict[uuid.UUID, int] = {}
    for line in book(session, [b.id for b in branches], today):
        if line.unpaid >= threshold:
            behind[line.member.branch_id] = behind.get(line.member.branch_id, 0) + 1
    now = utcnow()
    asks = []
    for branch in branches:
        if branch.id not in behind:
            continue
        for leader in branch_leaders(session, branch)[1]:
            asks.append(
                reminders.Ask(
                    leader,
                    "dues_unpaid",
                    f"dues_unpaid:{branch.id}:{today:%Y-%m}",
                    f"{behind[branch.id]} 名党员已连续 {threshold} 个月以上未交党费",
                    f"{branch.name}的党费台账显示有党员长期未交纳（党章第九条），请了解情况、提醒本人；"
                    "确有困难的可按规定申请减免。此提醒仅发给您。",
                    links.page("admin.dues_index", org_id=branch.id),
                    due_at=datetime.combine(today + timedelta(days=7), time(12), CHINA),
                    earliest=now,
                    latest=now + timedelta(days=3),
                    priority=ReminderPriority.low,
                )
            )
    return reminders.remind_many(session, asks, now=now)


@reminders.obligation_check("dues_unpaid")
def _caught_up(session: Session, key: str) -> bool:
    """Met once nobody in the branch is that far behind any more."""
    branch_id = uuid.UUID(key.split(":")[0])
    threshold = rules.value(session, "dues.unpaid_warning_months")
    return all(line.unpaid < threshold for line in book(session, [branch_id]))
