"""Figures of the year's Party work as its features record it: recruitment per stage against the
plan the 党委 issued, the dues collection rate month by month, and the 民主评议 grade distribution."""

from __future__ import annotations

from collections import Counter
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
    """(month, members owing that month, of them paid) for the year's months so far."""
    members = session.execute(
        select(Member.id, Member.joined_on).where(
            Member.branch_id.in_(scope.branch_ids()), Member.left_at.is_(None)
        )
    ).all()
    owed = OwedTable(session, dict(members), year)
    paid = Counter()
    for member_id, month in session.execute(
        select(DuesPayment.member_id, DuesPayment.month).where(
            DuesPayment.member_id.in_([m for m, _ in members]),
            func.extract("year", DuesPayment.month) == year,
        )
    ):
        paid[(member_id, month.month)] += 1
    today = local_today()
    last = 12 if year < today.year else today.month
    found = []
    for m in range(1, last + 1):
        month = date(year, m, 1)
        owing = [member_id for member_id, _ in members if owed.of(member_id, month)]
        found.append((m, len(owing), sum(1 for member_id in owing if paid.get((member_id, m)))))
    return found


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
