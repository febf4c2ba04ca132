"""党建+业务: a measures workbook refused row by row (unknown department or measure, a month in the
future, a duplicate row, a value that is not a number) with nothing written; a good one imported
and a re-import replacing its values; a department's measures beside its branch's attendance; a
measure against attendance across branches with a plain correlation; a 先锋岗 recorded."""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from handlers.errors import Forbidden, NotFound
from handlers.stats import business
from handlers.tables import ImportRefused
from models import Department, DepartmentMeasure, OrgKind, Role
from models.base import CHINA, local_today
from tests.helpers.figures import signed_off_meeting

TODAY = local_today()
MONTH = TODAY.replace(day=1)


def _csv(*rows):
    lines = ["科室,月份,指标,数值", *(",".join(r) for r in rows)]
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def wards(db_session, make_org, make_member, make_actor):
    committee = make_org(OrgKind.committee, name="业务测试党委")
    found = []
    for n in range(6):
        department = Department(wecom_id=9000 + n, name=f"病区{n}")
        db_session.add(department)
        branch = make_org(OrgKind.branch, parent=committee, name=f"病区{n}党支部")
        branch.departments.append(department)
        members = [make_member(branch=branch) for _ in range(5)]
        found.append((department, branch, members))
    db_session.flush()
    office = make_actor(Role.committee_office)
    business.define_measure(db_session, office, name="患者满意度", unit="%", higher_is_better=True)
    return {"wards": found, "office": office, "secretary": make_actor(Role.secretary, found[0][1])}


def test_a_bad_workbook_is_refused_row_by_row_and_a_good_one_imported(db_session, wards):
    office = wards["office"]
    future = (MONTH + timedelta(days=40)).replace(day=1)
    bad = _csv(
        ("病区0", f"{MONTH:%Y-%m}", "患者满意度", "95"),
        ("不存在科", f"{MONTH:%Y-%m}", "患者满意度", "95"),
        ("病区1", f"{MONTH:%Y-%m}", "未知指标", "95"),
        ("病区1", f"{future:%Y-%m}", "患者满意度", "95"),
        ("病区0", f"{MONTH:%Y-%m}", "患者满意度", "96"),
        ("病区2", f"{MONTH:%Y-%m}", "患者满意度", "很好"),
    )
    with pytest.raises(ImportRefused) as refused:
        business.import_measures(db_session, office, "m.csv", bad)
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (3, "科室不存在。"),
        (4, "指标未设置（请先在本页添加）。"),
        (5, "月份不能晚于本月。"),
        (6, "与第 2 行重复。"),
        (7, "数值应为数字。"),
    ]
    assert db_session.scalar(select(func.count()).select_from(DepartmentMeasure)) == 0
    good = _csv(*((f"病区{n}", f"{MONTH:%Y-%m}", "患者满意度", str(90 + n)) for n in range(6)))
    assert business.import_measures(db_session, office, "m.csv", good) == 6
    again = _csv(("病区0", f"{MONTH:%Y-%m}", "患者满意度", "88.5"))
    business.import_measures(db_session, office, "m.csv", again)
    values = dict(db_session.execute(select(Department.name, DepartmentMeasure.value).join(Department)).all())
    assert values["病区0"] == Decimal("88.5") and len(values) == 6
    with pytest.raises(Forbidden):
        business.import_measures(db_session, wards["secretary"], "m.csv", good)


def test_measures_beside_attendance_and_across_branches(db_session, wards):
    office = wards["office"]
    business.import_measures(
        db_session,
        office,
        "m.csv",
        _csv(*((f"病区{n}", f"{MONTH:%Y-%m}", "患者满意度", str(90 + n)) for n in range(6))),
    )
    start = datetime(MONTH.year, MONTH.month, 1, 9, 0, tzinfo=CHINA)
    for n, (_department, branch, members) in enumerate(wards["wards"]):
        signed_off_meeting(db_session, branch, start, members, present=n % 5 + 1)
    department, branch, _ = wards["wards"][2]
    year = business.department_year(db_session, office, department.id, MONTH.year)
    assert year.attendance[MONTH.month] == 3 * 100 // 5 and year.values[MONTH.month]
    assert list(year.values[MONTH.month].values()) == [Decimal("92")]
    assert business.department_year(db_session, wards["secretary"], wards["wards"][0][0].id, MONTH.year)
    with pytest.raises(NotFound):  # another branch's department
        business.department_year(db_session, wards["secretary"], department.id, MONTH.year)
    measure = business.measures(db_session)[0]
    compared = business.correlation(db_session, office, measure.id, MONTH.year)
    points = {name: (x, y) for name, x, y in compared.points}
    assert points["病区2党支部"] == (60, 92.0) and len(points) == 6
    # Counted here apart: attendance 20, 40, 60, 80, 100, 20 against satisfaction 90–95.
    expected = statistics.correlation([20, 40, 60, 80, 100, 20], [90, 91, 92, 93, 94, 95])
    assert compared.r == pytest.approx(expected) and "相关不等于因果" in compared.explain()
    post = business.record_vanguard(db_session, office, department_id=department.id, kind="党员先锋岗",
                                    title="胸痛中心党员先锋岗", since=date(TODAY.year, 1, 1))  # fmt: skip
    assert business.department_year(db_session, office, department.id, MONTH.year).vanguards == [post]
