"""支部考核: the office's items measured from the 数据中心's figures (each traceable to its family)
or entered with evidence; a branch's sheet totals its points; grades come from the rule
catalogue; the branch enters its own evidence but neither grades itself nor sees another's."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.stats import assessment
from models.base import CHINA, local_today
from tests.helpers.figures import signed_off_meeting

YEAR = local_today().year - 1


def test_a_branch_sheet_from_figures_and_evidence(db_session, stats_hospital):
    office, big = stats_hospital["office"], stats_hospital["big"]
    attendance = assessment.define_item(
        db_session, office, year=YEAR, title="参加组织生活", weight=40, source="attendance"
    )
    manual = assessment.define_item(
        db_session, office, year=YEAR, title="党建品牌", weight=20, source="manual"
    )
    with pytest.raises(ValidationFailed, match="计算方式"):
        assessment.define_item(db_session, office, year=YEAR, title="x", weight=10, source="nonsense")
    with pytest.raises(Forbidden):
        assessment.define_item(
            db_session, stats_hospital["secretary"], year=YEAR, title="x", weight=10, source="manual"
        )
    signed_off_meeting(
        db_session, big, datetime(YEAR, 4, 1, 9, 0, tzinfo=CHINA), stats_hospital["members"], present=6
    )
    assessment.enter_score(
        db_session, office, item_id=manual.id, org_id=big.id, percent="75", evidence="院级党建品牌立项"
    )
    with pytest.raises(ValidationFailed, match="0–100"):
        assessment.enter_score(
            db_session, office, item_id=manual.id, org_id=big.id, percent="120", evidence="x"
        )
    sheet = assessment.sheet(db_session, office, big.id, YEAR)
    lines = {line.item.id: line for line in sheet.lines}
    # Attendance: 6 of 8 → 75.0%, 40 × 75% = 30 points; the brand: 20 × 75% = 15 points.
    assert lines[attendance.id].percent == Decimal("75.0") and lines[attendance.id].family == "attendance"
    assert lines[manual.id].points == Decimal("15.0") and lines[manual.id].evidence == "院级党建品牌立项"
    assert sheet.total == Decimal("45.0") and sheet.full_marks == 60

    secretary = stats_hospital["secretary"]  # of the small branch
    with pytest.raises(NotFound):
        assessment.sheet(db_session, secretary, big.id, YEAR)
    small = stats_hospital["small"].id
    assessment.enter_score(
        db_session, secretary, item_id=manual.id, org_id=small, percent="50", evidence="特色活动"
    )
    with pytest.raises(Forbidden):
        assessment.record_grade(
            db_session, secretary, org_id=stats_hospital["small"].id, year=YEAR, grade="五星", note=""
        )
    with pytest.raises(ValidationFailed, match="五星、四星"):
        assessment.record_grade(db_session, office, org_id=big.id, year=YEAR, grade="特等", note="")
    assessment.record_grade(db_session, office, org_id=big.id, year=YEAR, grade="四星", note="党委会议研究")
    with pytest.raises(Conflict, match="已评定"):
        assessment.enter_score(
            db_session, office, item_id=manual.id, org_id=big.id, percent="90", evidence="改"
        )
    listed = assessment.sheets(db_session, office, YEAR)
    assert [s.org.name for s in listed if s.org.id in (big.id, stats_hospital["small"].id)] == sorted(
        [big.name, stats_hospital["small"].name],
        key=lambda n: [s.org.path for s in listed if s.org.name == n][0],
    )
    assert next(s for s in listed if s.org.id == big.id).grade.grade == "四星"
