"""The demo hospital's 党建+业务 (issue 22 item 3): four department measures the office set up,
a value for every clinical department for each month of the last twelve (worked out from the
department's place and the month, not chance), and two 党员先锋岗 / 示范岗."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.mailbox import named_office
from handlers.policy import Actor
from handlers.stats import business
from handlers.workdays import months_after
from models import Department, DepartmentMeasure
from models.base import local_today
from models.org import party_org_department

MEASURES = (
    ("患者满意度", "%", True),
    ("投诉件数", "件", False),
    ("不良事件上报数", "件", True),
    ("科研立项数", "项", True),
)


def build(session: Session, fallback: Actor) -> None:
    office = named_office(session, fallback)
    made = [
        business.define_measure(session, office, name=name, unit=unit, higher_is_better=better)
        for name, unit, better in MEASURES
    ]
    departments = list(
        session.scalars(
            select(Department)
            .where(Department.id.in_(select(party_org_department.c.department_id)))
            .order_by(Department.name)
        )
    )
    first = months_after(local_today().replace(day=1), -11)
    for n, department in enumerate(departments):
        for m in range(12):
            month = months_after(first, m)
            values = (
                Decimal(90 + (n * 7 + m * 3) % 9) + Decimal((n + m) % 10) / 10,
                Decimal((n * 5 + m * 2) % 4),
                Decimal((n * 3 + m) % 6),
                Decimal(1 if (n + m) % 5 == 0 else 0),
            )
            for measure, value in zip(made, values, strict=True):
                session.add(DepartmentMeasure(department_id=department.id, measure_id=measure.id, month=month,
                                              value=value, imported_by=office.label))  # fmt: skip
    posts = (("党员先锋岗", 3), ("党员示范岗", 5))
    for department, (kind, month) in zip(departments, posts, strict=False):
        since = months_after(local_today().replace(day=1), -month)
        business.record_vanguard(
            session,
            office,
            department_id=department.id,
            kind=kind,
            title=f"{department.name}{kind}",
            since=since,
        )


#: Last year's 支部考核 as the office set it up: four measured items and one entered with evidence.
ITEMS = (
    ("按期开展组织生活", 30, "org_life"),
    ("党员参加组织生活", 20, "attendance"),
    ("党员学习教育", 20, "study"),
    ("按时交纳党费", 10, "dues"),
    ("党建与业务融合", 20, "manual"),
)


def assessment(session: Session, branches: list, fallback: Actor) -> None:
    """Last year's items, every branch's entered item with its evidence, and the first branches
    graded — the rest still waiting for the committee."""
    from handlers.stats import assessment as branch_assessment

    office = named_office(session, fallback)
    year = local_today().year - 1
    made = [
        branch_assessment.define_item(session, office, year=year, title=title, weight=weight, source=source)
        for title, weight, source in ITEMS
    ]
    grades = branch_assessment.grades(session)
    for n, branch in enumerate(branches):
        branch_assessment.enter_score(
            session, office, item_id=made[-1].id, org_id=branch.id, percent=str(60 + n * 7 % 40),
            evidence="科室党建与医疗质量提升项目总结",
        )  # fmt: skip
        if n < 6:
            branch_assessment.record_grade(
                session, office, org_id=branch.id, year=year, grade=grades[n % 3], note="党委会议研究决定"
            )
