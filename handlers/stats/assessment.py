"""支部考核 (issue 22 item 4): the office sets the year's items — a title, a weight in points and how
each is measured: from the 数据中心's figures for the branch, or entered with its evidence — and
each branch gets its sheet, every number traceable to the figure it came from; the committee
records the branch's grade (五星 … or 标准化 levels, from the rule catalogue). Branches, never
people; the sheets are listed in the org tree's order, not by score."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds, scope_orgs
from handlers.stats.activity import attendance_by_month, study_hours
from handlers.stats.progress import ADMITTED_STEP, dues_months
from handlers.stats.scope import Scope
from handlers.validation import require_text
from models import (
    AssessmentGrade,
    AssessmentItem,
    AssessmentScore,
    OrgKind,
    PartyOrg,
    Recruit,
    RecruitPlan,
    RecruitStep,
)
from models.base import local_today


def _percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def _org_life(session: Session, org: PartyOrg, year: int) -> Decimal | None:
    from handlers import compliance

    orgs = list(
        session.scalars(select(PartyOrg).where(Scope(org, None).orgs(), PartyOrg.dissolved_at.is_(None)))
    )
    rates = compliance.by_kind(
        compliance.calendars_of(session, orgs, year, min(local_today(), date(year + 1, 1, 1)))
    )
    return _percent(sum(r.done for r in rates), sum(r.owed for r in rates))


def _attendance(session: Session, org: PartyOrg, year: int) -> Decimal | None:
    months = attendance_by_month(session, Scope(org, None), year).values()
    return _percent(sum(c for _, c, _ in months), sum(i for i, _, _ in months))


def _study(session: Session, org: PartyOrg, year: int) -> Decimal | None:
    hours = study_hours(session, Scope(org, None), year).values()
    return _percent(sum(1 for h, t in hours if h >= t), len(hours))


def _dues(session: Session, org: PartyOrg, year: int) -> Decimal | None:
    months = dues_months(session, Scope(org, None), year)
    return _percent(sum(c for _, _, c in months), sum(o for _, o, _ in months))


def _recruitment(session: Session, org: PartyOrg, year: int) -> Decimal | None:
    planned = session.scalar(
        select(RecruitPlan.issued).where(RecruitPlan.org_id == org.id, RecruitPlan.year == year)
    )
    admitted = session.scalar(
        select(func.count(func.distinct(RecruitStep.recruit_id)))
        .join(Recruit, Recruit.id == RecruitStep.recruit_id)
        .where(
            Recruit.org_id == org.id,
            RecruitStep.step == ADMITTED_STEP,
            RecruitStep.done_on >= date(year, 1, 1),
            RecruitStep.done_on <= date(year, 12, 31),
        )
    )
    found = _percent(admitted or 0, planned or 0)
    return min(found, Decimal(100)) if found is not None else None


#: How an item may be measured: (its name on the sheet, the 数据中心 family it traces to, how).
MEASURES: dict[str, tuple[str, str | None, Callable | None]] = {
    "org_life": ("组织生活完成率", "org_life", _org_life),
    "attendance": ("全年参会率", "attendance", _attendance),
    "study": ("学时达标党员比例", "study", _study),
    "dues": ("党费收缴率", "dues", _dues),
    "recruitment": ("年度发展计划完成率", "recruitment", _recruitment),
    "manual": ("录入（附依据）", None, None),
}


def _manage(actor: Actor) -> None:
    if not holds(actor, "assessment.manage"):
        raise Forbidden("支部考核由党委组织部设置和评定。")


def items(session: Session, year: int) -> list[AssessmentItem]:
    return list(
        session.scalars(
            select(AssessmentItem).where(AssessmentItem.year == year).order_by(AssessmentItem.position)
        )
    )


def define_item(
    session: Session, actor: Actor, *, year: int, title: str, weight: int, source: str, description: str = ""
) -> AssessmentItem:
    _manage(actor)
    if source not in MEASURES:
        raise ValidationFailed("请选择考核项目的计算方式。", field="source")
    if not 1 <= weight <= 100:
        raise ValidationFailed("分值应为 1–100 分。", field="weight")
    if any(g for g in session.scalars(select(AssessmentGrade.id).where(AssessmentGrade.year == year))):
        raise Conflict(f"{year} 年已有支部评定了等次，考核项目不能再增加。")
    existing = items(session, year)
    item = AssessmentItem(
        year=year,
        position=len(existing) + 1,
        title=require_text(title, "title", "考核项目", max_length=60),
        weight=weight,
        source=source,
        description=(description or "").strip()[:1000],
        created_by=actor.label[:100],
    )
    session.add(item)
    session.flush()
    audit.record(session, actor, "assessment.item", object_type="assessment_item", object_id=item.id,
                 detail={"weight": weight, "source": source})  # fmt: skip
    return item


def _branch(session: Session, actor: Actor, org_id: uuid.UUID, action: str = "stats.view") -> PartyOrg:
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or not can(session, actor, action, obj=org):
        raise NotFound()
    return org


def enter_score(
    session: Session, actor: Actor, *, item_id: uuid.UUID, org_id: uuid.UUID, percent: str, evidence: str
) -> AssessmentScore:
    """A manual item's value for a branch (0–100%) with its evidence, by the office or the
    branch's own leaders; replaced if entered again, until the branch is graded."""
    item = session.get(AssessmentItem, item_id)
    if item is None or item.source != "manual":
        raise NotFound()
    org = _branch(session, actor, org_id, "assessment.enter")
    if session.scalar(
        select(AssessmentGrade.id).where(AssessmentGrade.org_id == org.id, AssessmentGrade.year == item.year)
    ):
        raise Conflict("该支部已评定等次，考核数据不能再修改。")
    try:
        value = Decimal(str(percent).strip()).quantize(Decimal("0.1"))
    except InvalidOperation:
        value = None
    if value is None or not 0 <= value <= 100:
        raise ValidationFailed("完成程度应为 0–100 之间的数。", field="percent")
    words = require_text(evidence, "evidence", "依据", max_length=1000)
    row = session.scalar(
        select(AssessmentScore).where(AssessmentScore.item_id == item.id, AssessmentScore.org_id == org.id)
    )
    if row is None:
        row = AssessmentScore(
            item_id=item.id, org_id=org.id, percent=value, evidence=words, entered_by=actor.label[:100]
        )
        session.add(row)
    else:
        row.percent, row.evidence, row.entered_by = value, words, actor.label[:100]
    session.flush()
    audit.record(session, actor, "assessment.score", object_type="assessment_item", object_id=item.id,
                 detail={"branch": org.code})  # fmt: skip
    return row


@dataclass(frozen=True)
class Line:
    item: AssessmentItem
    measure: str
    #: The branch's measure (0–100%), or None when there is nothing to measure yet.
    percent: Decimal | None
    #: Where the number comes from: the 数据中心 family, or the entered evidence.
    family: str | None
    evidence: str | None

    @property
    def points(self) -> Decimal:
        return (Decimal(self.item.weight) * (self.percent or 0) / 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Sheet:
    org: PartyOrg
    year: int
    lines: list[Line]
    grade: AssessmentGrade | None

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))

    @property
    def full_marks(self) -> int:
        return sum(line.item.weight for line in self.lines)


def sheet_of(session: Session, org: PartyOrg, year: int) -> Sheet:
    entered = {
        s.item_id: s for s in session.scalars(select(AssessmentScore).where(AssessmentScore.org_id == org.id))
    }
    lines = []
    for item in items(session, year):
        label, family, measure = MEASURES[item.source]
        if measure is None:
            score = entered.get(item.id)
            lines.append(
                Line(item, label, score.percent if score else None, None, score.evidence if score else None)
            )
        else:
            lines.append(Line(item, label, measure(session, org, year), family, None))
    grade = session.scalar(
        select(AssessmentGrade).where(AssessmentGrade.org_id == org.id, AssessmentGrade.year == year)
    )
    return Sheet(org, year, lines, grade)


def sheet(session: Session, actor: Actor, org_id: uuid.UUID, year: int) -> Sheet:
    return sheet_of(session, _branch(session, actor, org_id), year)


def sheets(session: Session, actor: Actor, year: int) -> list[Sheet]:
    """Every branch the actor covers, in the org tree's order (never by score)."""
    live = select(PartyOrg).where(PartyOrg.kind == OrgKind.branch, PartyOrg.dissolved_at.is_(None))
    branches = session.scalars(scope_orgs(actor, live, "stats.view").order_by(PartyOrg.path))
    return [sheet_of(session, b, year) for b in branches]


def grades(session: Session) -> list[str]:
    return [
        g.strip()
        for g in str(rules.value(session, "assessment.grades")).replace("，", "、").split("、")
        if g.strip()
    ]


def record_grade(
    session: Session, actor: Actor, *, org_id: uuid.UUID, year: int, grade: str, note: str
) -> AssessmentGrade:
    _manage(actor)
    org = _branch(session, actor, org_id, "assessment.manage")
    if grade not in grades(session):
        raise ValidationFailed(f"等次应为：{'、'.join(grades(session))}。", field="grade")
    row = session.scalar(
        select(AssessmentGrade).where(AssessmentGrade.org_id == org.id, AssessmentGrade.year == year)
    )
    if row is None:
        row = AssessmentGrade(org_id=org.id, year=year, grade=grade, note=(note or "").strip()[:200],
                              decided_by=actor.label[:100])  # fmt: skip
        session.add(row)
    else:
        row.grade, row.note, row.decided_by = grade, (note or "").strip()[:200], actor.label[:100]
    session.flush()
    audit.record(session, actor, "assessment.grade", object_type="party_org", object_id=org.id,
                 detail={"year": year, "grade": grade})  # fmt: skip
    return row
