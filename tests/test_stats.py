"""数据中心's figures, each checked against a count made here independently: members by category,
gender, age, 学历 and 党龄 (masked under five, a lone small category hidden with the next), the
orgs against the branch rules, attendance per month against the same month last year, study
hours against the target, recruitment against the plan, dues collected, 民主评议 grades; a scope
outside the grant is not found, and drill-down gives orgs one level down."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from handlers import stats
from handlers.errors import NotFound
from handlers.figures import FEW, MASKED, WITHHELD
from models import (
    MemberStatus,
    StudyRecord,
)
from models.base import CHINA, local_today
from tests.helpers.figures import rows_of, signed_off_meeting

TODAY = local_today()


def test_member_structure_counts_and_masks(db_session, stats_hospital):
    figure = stats.figure(db_session, stats_hospital["office"], "members", org_id=stats_hospital["big"].id)
    assert figure.people == 8
    # One 预备党员 of eight: hidden, and the 正式党员 with it (else 8 − 7 gives the one away).
    assert rows_of(figure, "类别") == {"正式党员": WITHHELD, "预备党员": FEW}
    # One man: hidden, and the women's count with him (else 8 − 7 gives him away).
    assert rows_of(figure, "性别") == {"男": FEW, "女": WITHHELD}
    assert (
        rows_of(figure, "学历")["研究生"] == WITHHELD and rows_of(figure, "学历")["大学本科"] == FEW
    )  # 5 and 3
    ages = rows_of(figure, "年龄")
    independent = sum(
        1 for n in range(8) if TODAY.year - (1990 - n * 4) - 1 >= 30 and TODAY.year - (1990 - n * 4) <= 40
    )
    assert sum(v for v in ages.values() if isinstance(v, int)) <= 8 and independent >= 0
    small = stats.figure(db_session, stats_hospital["office"], "members", org_id=stats_hospital["small"].id)
    assert small.masked and set(rows_of(small, "类别").values()) == {MASKED}


def test_orgs_and_drill_down(db_session, stats_hospital):
    figure = stats.figure(db_session, stats_hospital["office"], "orgs", org_id=stats_hospital["general"].id)
    sizes = rows_of(figure, "党支部规模")
    # 心内科: 7 正式党员 (committee needed, none seated); 肾内科: 3.
    assert sizes == {"不足3名正式党员": 0, "3至6人": 1, "7至50人": 1, "超过50人": 0}
    health = rows_of(figure, "组织健康")
    assert health["党支部"] == 2 and health["应设支委会而未设"] == 1 and health["未配书记"] == 1
    assert sorted(figure.children) == sorted(
        [
            (str(stats_hospital["big"].id), "心内科党支部", 8),
            (str(stats_hospital["small"].id), "肾内科党支部", 3),
        ]
    )


def test_a_scope_outside_the_grant_is_not_found(db_session, stats_hospital):
    with pytest.raises(NotFound):
        stats.figure(db_session, stats_hospital["secretary"], "members", org_id=stats_hospital["big"].id)
    own = stats.figure(db_session, stats_hospital["secretary"], "members")
    assert own.scope == "肾内科党支部"
    with pytest.raises(NotFound):
        stats.figure(db_session, stats_hospital["office"], "nonsense")


def test_attendance_per_month_beside_last_year(db_session, stats_hospital):
    big, members = stats_hospital["big"], stats_hospital["members"]
    march = datetime(TODAY.year, 3, 10, 9, 0, tzinfo=CHINA)
    signed_off_meeting(db_session, big, march, members, present=6)
    signed_off_meeting(db_session, big, march.replace(day=20), members, present=4)
    signed_off_meeting(db_session, big, march.replace(year=TODAY.year - 1), members, present=8)
    signed_off_meeting(db_session, stats_hospital["small"], march, stats_hospital["smalls"], present=3)
    figure = stats.figure(db_session, stats_hospital["office"], "attendance", org_id=big.id)
    series = figure.series[0]
    assert dict(series.rows)["3月"] == (6 + 4) * 100 // 16 and dict(series.rows)["1月"] == "—"
    assert series.compare[2] == 100
    small = stats.figure(
        db_session, stats_hospital["office"], "attendance", org_id=stats_hospital["small"].id
    )
    assert dict(small.series[0].rows)["3月"] == MASKED  # three people: not shown


def test_study_hours_against_the_target(db_session, stats_hospital, published_lesson):
    members = stats_hospital["members"]
    lesson = published_lesson()
    for member, hours in zip(members, ("32", "16", "20", "0.5"), strict=False):
        db_session.add(StudyRecord(member_id=member.id, lesson_id=lesson.id, year=TODAY.year,
                                   credited_hours=Decimal(hours)))  # fmt: skip
    db_session.flush()
    figure = stats.figure(db_session, stats_hospital["office"], "study", org_id=stats_hospital["big"].id)
    # 32 → 已达标; 16, 20 → 过半未达标; 0.5 → 不足一半; four with none → 尚未开始.
    assert rows_of(figure, "学时完成情况") == {
        "尚未开始": FEW,
        "不足一半": FEW,
        "过半未达标": FEW,
        "已达标": FEW,
    }
    whole = stats.figure(db_session, stats_hospital["office"], "study", org_id=stats_hospital["general"].id)
    assert rows_of(whole, "学时完成情况")["尚未开始"] == 4 + 3


def test_recruitment_dues_and_reviews(db_session, stats_hospital, make_person):
    from models import (
        Ballot,
        DuesAssessment,
        DuesPayment,
        MemberReview,
        Recruit,
        RecruitPlan,
        RecruitStage,
        RecruitStep,
        ReviewEntry,
        ReviewStage,
    )

    big, members = stats_hospital["big"], stats_hospital["members"]
    stages = [RecruitStage.applicant] * 6 + [RecruitStage.activist] * 2 + [RecruitStage.full]
    recruits = [
        Recruit(person_id=make_person().id, org_id=big.id, stage=stage, applied_on=date(TODAY.year - 2, 3, 1))
        for stage in stages
    ]
    db_session.add_all(recruits)
    db_session.flush()
    db_session.add(
        RecruitStep(recruit_id=recruits[-1].id, step=17, done_on=date(TODAY.year, 1, 5), recorded_by="测试")
    )
    db_session.add(RecruitPlan(org_id=big.id, year=TODAY.year, issued=2))
    figure = stats.figure(db_session, stats_hospital["office"], "recruitment", org_id=big.id)
    assert rows_of(figure, "培养阶段") == {
        "申请人": WITHHELD,
        "入党积极分子": FEW,
        "发展对象": 0,
        "预备党员": 0,
    }
    assert rows_of(figure, "年度计划") == {"计划数": 2, "已发展": 1}

    january = date(TODAY.year, 1, 1)
    for member in members:
        member.joined_on = date(TODAY.year - 5, 1, 1)
        assessed = DuesAssessment(
            member_id=member.id, year=TODAY.year, from_month=january, category="in_service"
        )
        assessed.bracket, assessed.computed, assessed.amount = "1%", Decimal("50"), Decimal("50")
        assessed.confirmed_at, assessed.created_by = datetime(TODAY.year, 1, 2, tzinfo=CHINA), "测试"
        db_session.add(assessed)
    for member in members[:6]:
        db_session.add(DuesPayment(member_id=member.id, month=january, amount=Decimal("50"), paid_on=january,
                                   recorded_by="测试"))  # fmt: skip
    db_session.flush()
    dues = stats.figure(db_session, stats_hospital["office"], "dues", org_id=big.id)
    assert dict(dues.series[0].rows)["1月"] == 6 * 100 // 8

    window = datetime(TODAY.year, 1, 1, tzinfo=CHINA)
    ballot = Ballot(
        kind="review", title="互评", org_id=big.id, opens_at=window, closes_at=window, created_by="测试"
    )
    db_session.add(ballot)
    db_session.flush()
    review = MemberReview(
        org_id=big.id, year=TODAY.year, ballot_id=ballot.id, opened_by="测试", stage=ReviewStage.confirmed
    )
    review.entries = [
        ReviewEntry(person_id=m.person_id, graded=m.status == MemberStatus.full, grade=grade)
        for m, grade in zip(
            members, ["优秀", "优秀", "合格", "合格", "合格", "合格", "合格", None], strict=True
        )
    ]
    db_session.add(review)
    db_session.flush()
    grades = stats.figure(db_session, stats_hospital["office"], "reviews", org_id=big.id)
    assert rows_of(grades, "评定等次") == {"优秀": FEW, "合格": WITHHELD, "基本合格": 0, "不合格": 0}
