"""核定 each January: the office imports the members' bases from HR or finance, sees each member's
assessed amount beside last year's, adjusts one with a reason, and confirms; the confirmed amounts
hold for the year. A change of pay mid-year is a row from the month it takes effect. What a member
owes for a month is then the confirmed amount — or what an approved 减免 set for that month.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, people, rules
from handlers.dues.assessment import CATEGORY_LABELS, assess
from handlers.dues.book import first_of, parse_month
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds, scope_members, scope_paths
from handlers.tables import ImportRefused, RowProblem, read_table
from handlers.validation import require_text
from models import DuesAssessment, DuesCategory, DuesReliefMonth, Member, PartyOrg, Person
from models.base import utcnow

BASE_COLUMNS = ("企业微信账号", "身份证号", "党费计算基数（元/月）", "人员类别", "起始月份")
CATEGORY_OF = {label: category for category, label in CATEGORY_LABELS.items()}
MAX_ROWS = 10_000


def _require_assess(actor: Actor) -> None:
    if not holds(actor, "dues.assess"):
        raise Forbidden("党费核定由党委组织部办理。")


def _base(raw: Any, bound: int) -> Decimal:
    text = str(raw if raw is not None else "").strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed("计算基数应为金额（元），如 6800.00。") from None
    if not value.is_finite() or value < 0:
        raise ValidationFailed("计算基数不能为负数。")
    if value > bound:
        raise ValidationFailed(f"计算基数超过 {bound} 元/月，请核对（规则“党费计算基数上限”）。")
    if value.as_tuple().exponent < -2:
        raise ValidationFailed("计算基数最多两位小数。")
    return value.quantize(Decimal("0.01"))


@dataclass
class _Row:
    member: Member
    base: Decimal | None
    category: DuesCategory
    from_month: date


class _Lookups:
    """What every row of a bases file is checked against, read once (5,000 rows, not 20,000
    queries): the people by WeCom account with their membership, which branches the actor may
    assess, and the year's assessments already there."""

    def __init__(self, session: Session, actor: Actor, year: int) -> None:
        self.session = session
        self.by_userid = {
            p.wecom_userid: p
            for p in session.scalars(select(Person).options(joinedload(Person.membership))).unique()
        }
        paths = scope_paths(actor, "dues.assess")
        self.allowed = {
            org_id
            for org_id, path in session.execute(select(PartyOrg.id, PartyOrg.path))
            if paths is None or any(path.startswith(p) for p in paths)
        }
        self.existing = {
            (a.member_id, a.from_month): a
            for a in session.scalars(select(DuesAssessment).where(DuesAssessment.year == year))
        }

    def person(self, userid: str, id_number: str) -> Person | None:
        person = self.by_userid.get(userid) if userid else None
        if person is None and id_number:
            try:
                person = people.find_by_id_number(self.session, id_number)
            except ValidationFailed:
                raise ValidationFailed("身份证号格式不正确。") from None
        return person


def import_bases(session: Session, actor: Actor, filename: str, content: bytes, *, year: int) -> int:
    """A workbook of bases keyed by 企业微信账号 (工号) or 身份证号: every row checked, then all
    drafted, or none. Returns how many drafts were written (each replaces an earlier draft)."""
    _require_assess(actor)
    rows = read_table(filename, content, columns=BASE_COLUMNS, max_rows=MAX_ROWS)
    if not rows:
        raise ValidationFailed("文件里没有党员的计算基数。", field="file")
    bound = rules.value(session, "dues.base_max")
    lookups = _Lookups(session, actor, year)
    computing = _Computing(session)
    planned, problems, seen = [], [], {}
    for line, cells in rows:
        cells = [*cells, None, None, None, None, None]
        try:
            row = _check_row(lookups, cells, year, bound)
            key = (row.member.id, row.from_month)
            if key in seen:
                raise ValidationFailed(f"与第 {seen[key]} 行重复。")
            earlier = lookups.existing.get(key)
            if earlier is not None and earlier.confirmed_at is not None:
                raise ValidationFailed(
                    f"{row.member.person.name} {row.from_month:%Y年%m月}起的党费已核定，调整请另起月份。"
                )
            seen[key] = line
            planned.append(row)
        except ValidationFailed as wrong:
            problems.append(RowProblem(line, wrong.message))
    if problems:
        raise ImportRefused(problems, nothing_done="未写入任何计算基数")
    for row in planned:
        _draft(session, actor, row, lookups.existing.get((row.member.id, row.from_month)), computing)
    session.flush()
    audit.record(session, actor, "dues.bases_import", detail={"year": year, "rows": len(planned)})
    return len(planned)


class _Computing:
    """The rules an assessment reads, read once per file (they hold for the file's year)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[date, tuple[Decimal, bool]] = {}

    def __call__(self, category: DuesCategory, base: Decimal | None, on: date) -> Any:
        if on not in self.cache:
            self.cache[on] = (
                Decimal(rules.value(self.session, "dues.monthly_cap", on)),
                rules.value(self.session, "dues.round_up_to_jiao", on),
            )
        cap, up_to_jiao = self.cache[on]
        return assess(category, base, cap=cap, up_to_jiao=up_to_jiao)


def _check_row(lookups: _Lookups, cells: list[Any], year: int, bound: int) -> _Row:
    userid, id_number = str(cells[0] or "").strip(), str(cells[1] or "").strip()
    person = lookups.person(userid, id_number)
    if person is None:
        raise ValidationFailed(f"找不到职工“{userid or id_number or '（空）'}”。")
    member = person.membership
    if member is None or member.left_at is not None or member.branch_id is None:
        raise ValidationFailed(f"{person.name} 不是本院在册党员。")
    if member.branch_id not in lookups.allowed:
        raise ValidationFailed(f"{person.name} 不在您负责的党组织。")
    label = str(cells[3] or "").strip()
    if label and label not in CATEGORY_OF:
        raise ValidationFailed(f"人员类别应为：{'、'.join(CATEGORY_OF)}。")
    category = CATEGORY_OF[label] if label else member.dues_category
    month = parse_month(cells[4]) if cells[4] not in (None, "") else _first_month(member, year)
    if month is None or month.year != year:
        raise ValidationFailed(f"起始月份应为 {year} 年内的月份，如 {year}-01。")
    raw_base = cells[2]
    flat = category not in (DuesCategory.in_service, DuesCategory.retired)
    base = None if flat and raw_base in (None, "") else _base(raw_base, bound)
    return _Row(member, base, category, month)


def _first_month(member: Member, year: int) -> date:
    """Where a year's assessment starts when the file leaves it blank: January, or the month a
    member joined that year (预备党员 owe from the 支部大会 that admitted them)."""
    joined = member.joined_on
    return date(year, joined.month, 1) if joined is not None and joined.year == year else date(year, 1, 1)


def unassessed(session: Session, actor: Actor, *, year: int) -> list[Member]:
    """Members of record in the actor's scope with no assessment for the year at all — in January
    everyone, later the newly admitted and those transferred in — so the office knows whom the
    next bases file must carry (until then the book shows their months as 待核定)."""
    _require_assess(actor)
    assessed = select(DuesAssessment.member_id).where(DuesAssessment.year == year)
    return list(
        session.scalars(
            scope_members(actor, select(Member), "dues.assess")
            .join(Person, Member.person_id == Person.id)
            .join(PartyOrg, Member.branch_id == PartyOrg.id)
            .where(Member.left_at.is_(None), Member.id.not_in(assessed))
            .options(joinedload(Member.person), joinedload(Member.branch))
            .order_by(PartyOrg.path, Person.name)
        )
    )


def template_rows(session: Session, actor: Actor, *, year: int) -> list[list[str]]:
    """The bases template, filled with the year's unassessed members (account, category and
    first month set; base left for HR or finance), or one sample row when there are none."""
    rows = [
        [m.person.wecom_userid, "", "", CATEGORY_LABELS[m.dues_category], f"{_first_month(m, year):%Y-%m}"]
        for m in unassessed(session, actor, year=year)
    ]
    return rows or [["zhangsan", "", "6800.00", CATEGORY_LABELS[DuesCategory.in_service], f"{year}-01"]]


def _draft(
    session: Session, actor: Actor, row: _Row, existing: DuesAssessment | None, computing: _Computing
) -> DuesAssessment:
    computed = computing(row.category, row.base, row.from_month)
    draft = existing or DuesAssessment(
        member_id=row.member.id, year=row.from_month.year, from_month=row.from_month, created_by=actor.label
    )
    draft.base = row.base
    draft.category, draft.bracket = row.category.value, computed.bracket
    draft.computed = draft.amount = computed.amount
    draft.adjust_reason = None
    if existing is None:
        session.add(draft)
    row.member.dues_category = row.category
    row.member.dues_base = row.base
    return draft


def adjust(
    session: Session, actor: Actor, *, assessment_id: uuid.UUID, amount: Any, reason: str
) -> DuesAssessment:
    """The office sets a draft's monthly amount by hand, with the reason kept beside it."""
    _require_assess(actor)
    row = session.get(DuesAssessment, assessment_id)
    if row is None or not can(session, actor, "dues.assess", obj=row.member):
        raise NotFound()
    if row.confirmed_at is not None:
        raise Conflict("已核定的金额不能再改；工资变化请从生效月份另行核定。")
    try:
        value = Decimal(str(amount).strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationFailed("金额应为数字，如 45.00。", field="amount") from None
    cap = Decimal(rules.value(session, "dues.monthly_cap", row.from_month))
    if not Decimal("0") <= value <= cap:
        raise ValidationFailed(f"每月金额应在 0–{cap} 元之间（超出部分按自愿多交处理）。", field="amount")
    row.amount = value
    row.adjust_reason = require_text(reason, "reason", "调整原因", max_length=200)
    audit.record(
        session,
        actor,
        "dues.assessment_adjust",
        object_type="member",
        object_id=row.member_id,
        detail={"year": row.year, "from": f"{row.from_month:%Y-%m}"},
    )
    return row


def confirm_year(session: Session, actor: Actor, *, year: int) -> int:
    """Confirm every draft of the year in the actor's scope: from now on they are what is owed."""
    _require_assess(actor)
    drafts = session.scalars(
        select(DuesAssessment)
        .where(DuesAssessment.year == year, DuesAssessment.confirmed_at.is_(None))
        .where(DuesAssessment.member_id.in_(scope_members(actor, select(Member.id), "dues.assess")))
    ).all()
    now = utcnow()
    for row in drafts:
        row.confirmed_at, row.confirmed_by = now, actor.label
    audit.record(session, actor, "dues.assessment_confirm", detail={"year": year, "rows": len(drafts)})
    return len(drafts)


@dataclass(frozen=True)
class AssessmentLine:
    row: DuesAssessment
    #: Last year's confirmed amount (its latest), for the change the office checks.
    last_year: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.last_year is None else self.row.amount - self.last_year


def assessments_for(session: Session, actor: Actor, *, year: int) -> list[AssessmentLine]:
    """The year's assessments in the actor's scope, by branch and name, each with last year's."""
    _require_assess(actor)
    visible = scope_members(actor, select(Member.id), "dues.assess")
    rows = session.scalars(
        select(DuesAssessment)
        .join(Member, DuesAssessment.member_id == Member.id)
        .join(Person, Member.person_id == Person.id)
        .where(DuesAssessment.year == year, DuesAssessment.member_id.in_(visible))
        .join(PartyOrg, Member.branch_id == PartyOrg.id)
        .options(
            joinedload(DuesAssessment.member).joinedload(Member.person),
            joinedload(DuesAssessment.member).joinedload(Member.branch),
        )
        .order_by(PartyOrg.path, Person.name, DuesAssessment.from_month)
    ).all()
    last = {}
    for previous in session.scalars(
        select(DuesAssessment)
        .where(
            DuesAssessment.year == year - 1,
            DuesAssessment.confirmed_at.is_not(None),
            DuesAssessment.member_id.in_([r.member_id for r in rows]),
        )
        .order_by(DuesAssessment.from_month)
    ):
        last[previous.member_id] = previous.amount
    return [AssessmentLine(r, last.get(r.member_id)) for r in rows]


def current_assessment(session: Session, member: Member, month: date) -> DuesAssessment | None:
    """The confirmed assessment in force for a month: that year's latest from_month on or before it."""
    return session.scalar(
        select(DuesAssessment)
        .where(
            DuesAssessment.member_id == member.id,
            DuesAssessment.year == month.year,
            DuesAssessment.from_month <= first_of(month),
            DuesAssessment.confirmed_at.is_not(None),
        )
        .order_by(DuesAssessment.from_month.desc())
        .limit(1)
    )


def owed(session: Session, member: Member, month: date) -> Decimal | None:
    """What the member owes for a month: nothing before they joined (预备党员 owe from the 支部大会);
    an approved 减免's amount for its months; else the confirmed assessment; None when not yet 核定."""
    month = first_of(month)
    if member.joined_on is not None and month < first_of(member.joined_on):
        return Decimal("0.00")
    relief = session.scalar(
        select(DuesReliefMonth.owed).where(
            DuesReliefMonth.member_id == member.id, DuesReliefMonth.month == month
        )
    )
    if relief is not None:
        return relief
    row = current_assessment(session, member, month)
    return None if row is None else row.amount
