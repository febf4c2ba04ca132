"""Figures of the year's Party work as its features record it: recruitment per stage against the
plan the 党委 issued, the dues collection rate month by month, and the 民主评议 grade distribution."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.dues.collection import OwedTable
from handlers.stats.activity import MONTHS
from handlers.stats.model import Figure, Series, people_series, rate
from handlers.stats.scope import Scope
from models import (
    GRADES,
    DuesPayment,
    Member,
    MemberReview,
    Recruit,
    RecruitPlan,
    RecruitStage,
    RecruitStep,
    ReviewEntry,
    ReviewStage,
)
from models.base import local_today

STAGES = [
    (RecruitStage.applicant, "申请人"),
    (RecruitStage.activist, "入党积极分子"),
    (RecruitStage.candidate, "发展对象"),
    (RecruitStage.probationary, "预备党员"),
]
#: Step 17: the 上级党委 approves the admission (the plan counts those).
ADMITTED_STEP = 17


def recruitment(session: Session, scope: Scope, year: int) -> Figure:
    branches = scope.branch_ids()
    stages = dict(
        session.execute(
            select(Recruit.stage, func.count())
            .where(Recruit.org_id.in_(branches), Recruit.stage.in_([s for s, _ in STAGES]))
            .group_by(Recruit.stage)
        ).all()
    )
    counts = [(label, stages.get(stage, 0)) for stage, label in STAGES]
    admitted = session.scalar(
        select(func.count(func.distinct(RecruitStep.recruit_id)))
        .join(Recruit, Recruit.id == RecruitStep.recruit_id)
        .where(
            Recruit.org_id.in_(branches),
            RecruitStep.step == ADMITTED_STEP,
            RecruitStep.done_on >= date(year, 1, 1),
            RecruitStep.done_on <= date(year, 12, 31),
        )
    )
    planned = session.scalar(
        select(func.coalesce(func.sum(RecruitPlan.issued), 0)).where(
            RecruitPlan.org_id.in_(branches), RecruitPlan.year == year
        )
    )
    total = sum(n for _, n in counts)
    return Figure(
        "recruitment",
        "发展党员",
        "本范围内各党支部正在培养的人员按阶段统计（申请人、入党积极分子、发展对象、预备党员）；当年发展数为当年经上级党委"
        "审批接收为预备党员的人数，对照党委下达的年度发展计划。",
        scope.label,
        f"{year}年",
        [
            people_series("培养阶段", counts, total),
            Series("年度计划", "人", [("计划数", planned or 0), ("已发展", admitted or 0)]),
        ],
        people=total,
    )


def dues_months(session: Session, scope: Scope, year: int) -> list[tuple[int, int, int]]:
    """(month, members owing that month, of them paid) for the year's months so far.

    Most members owe one amount all year: for them the database counts the month's payers. Only
    the others — a relief, a change of pay, admitted or assessed mid-year, not yet assessed — have
    their payments read and set against what they owed month by month (the dues book's rules)."""
    within = select(Member.id).where(Member.branch_id.in_(scope.branch_ids()), Member.left_at.is_(None))
    members = session.execute(select(Member.id, Member.joined_on).where(Member.id.in_(within))).all()
    owed = OwedTable(session, dict(members), year)
    today = local_today()
    months = [date(year, m, 1) for m in range(1, (12 if year < today.year else today.month) + 1)]
    in_year = (DuesPayment.month >= date(year, 1, 1), DuesPayment.month <= date(year, 12, 1))
    owing, came = [0] * 14, [0] * 14
    exceptions = []
    for member_id, _ in members:
        steady = owed.steady(member_id)
        if steady is not None and steady <= date(year, 1, 1):  # owes from January on, all year
            owing[1] += 1  # a running sum below turns these starts into each month's count
            owing[len(months) + 1] -= 1
        else:
            exceptions.append(member_id)
    for month, payers in session.execute(
        select(DuesPayment.month, func.count(func.distinct(DuesPayment.member_id)))
        .where(DuesPayment.member_id.in_(within), *in_year)
        .group_by(DuesPayment.month)
    ):
        came[month.month] += payers
    paid: dict = defaultdict(set)
    for start in range(0, len(exceptions), 900):  # bound the IN list (SQLite's parameter limit)
        for member_id, month in session.execute(
            select(DuesPayment.member_id, DuesPayment.month).where(
                DuesPayment.member_id.in_(exceptions[start : start + 900]), *in_year
            )
        ):
            paid[member_id].add(month.month)
    for member_id in exceptions:
        got = paid.get(member_id, set())
        for m in got:
            came[m] -= 1  # counted among all payers above; counted again below only if owing
        for month, amount in zip(months, owed.each_month(member_id, months), strict=True):
            if amount:
                owing[month.month] += 1
                owing[month.month + 1] -= 1
                came[month.month] += month.month in got
    running = 0
    for m in range(1, len(months) + 1):
        running += owing[m]
        owing[m] = running
    return [(month.month, owing[month.month], came[month.month]) for month in months]


def dues(session: Session, scope: Scope, year: int) -> Figure:
    months = dues_months(session, scope, year)
    rows = [(MONTHS[m - 1], rate(came, owing, owing) if owing else "—") for m, owing, came in months]
    people = session.scalar(
        select(func.count()).where(Member.branch_id.in_(scope.branch_ids()), Member.left_at.is_(None))
    )
    return Figure(
        "dues",
        "党费收缴率",
        "在册党员中当月应交党费（有已确认的核定额、当月不免交）的人数里已交的比例，按月统计；应交少于5人的月份不显示。",
        scope.label,
        f"{year}年",
        [Series("各月收缴率", "%", rows)],
        people=people or 0,
    )


def reviews(session: Session, scope: Scope, year: int) -> Figure:
    grades = Counter(
        session.scalars(
            select(ReviewEntry.grade)
            .join(MemberReview, MemberReview.id == ReviewEntry.review_id)
            .where(
                MemberReview.org_id.in_(scope.branch_ids()),
                MemberReview.year == year,
                MemberReview.stage.in_((ReviewStage.decided, ReviewStage.confirmed)),
                ReviewEntry.graded.is_(True),
                ReviewEntry.grade.is_not(None),
            )
        )
    )
    total = sum(grades.values())
    return Figure(
        "reviews",
        "民主评议等次",
        "当年民主评议已由支部党员大会评定的正式党员，按评定等次统计（预备党员不评定等次）；不列出个人。",
        scope.label,
        f"{year}年",
        [people_series("评定等次", [(g, grades.get(g, 0)) for g in GRADES], total)],
        people=total,
    )
