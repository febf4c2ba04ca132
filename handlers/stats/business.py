"""党建+业务 (issue 22 item 3): the office configures the hospital's department measures, imports
their monthly values from a workbook (科室, 月份, 指标, 数值 — refused row by row, nothing half
written), records 党员先锋岗 / 示范岗, and reads each department's measures beside its branch's Party
figures for the same months, with a plain correlation across branches. Branches and departments,
never people; no score that ranks anyone."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.dues.book import parse_month
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds
from handlers.stats.activity import attendance_by_month
from handlers.stats.model import rate
from handlers.stats.scope import Scope
from handlers.tables import ImportRefused, RowProblem, read_table  # noqa: F401 (ImportRefused: the pages catch it here)
from handlers.validation import require_text
from models import VANGUARD_KINDS, BusinessMeasure, Department, DepartmentMeasure, OrgKind, PartyOrg, Vanguard
from models.base import local_today
from models.org import party_org_department

IMPORT_COLUMNS = ("科室", "月份", "指标", "数值")
MAX_ROWS = 20_000


def _manage(actor: Actor) -> None:
    if not holds(actor, "business.manage"):
        raise Forbidden("业务指标由党委组织部维护。")


def measures(session: Session) -> list[BusinessMeasure]:
    return list(session.scalars(select(BusinessMeasure).order_by(BusinessMeasure.name)))


def departments(session: Session) -> list[Department]:
    """The departments a measure may belong to: those still in the directory, by name."""
    return list(
        session.scalars(select(Department).where(Department.removed.is_(False)).order_by(Department.name))
    )


def define_measure(
    session: Session, actor: Actor, *, name: str, unit: str, higher_is_better: bool
) -> BusinessMeasure:
    _manage(actor)
    name = require_text(name, "name", "指标名称", max_length=40)
    if session.scalar(select(BusinessMeasure.id).where(BusinessMeasure.name == name)):
        raise Conflict(f"已有指标“{name}”。")
    measure = BusinessMeasure(
        name=name,
        unit=(unit or "").strip()[:10],
        higher_is_better=higher_is_better,
        created_by=actor.label[:100],
    )
    session.add(measure)
    session.flush()
    audit.record(session, actor, "business.measure", object_type="business_measure", object_id=measure.id,
                 detail={"name": name})  # fmt: skip
    return measure


def _value(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and abs(value) < Decimal("1e9") else None


def import_measures(session: Session, actor: Actor, filename: str, content: bytes) -> int:
    """Import a workbook of monthly values; any bad row refuses the whole file, each row named.
    A value already imported for the same department, measure and month is replaced."""
    _manage(actor)
    rows = read_table(filename, content, columns=IMPORT_COLUMNS, max_rows=MAX_ROWS)
    by_department = {d.name: d for d in departments(session)}
    by_name = {m.name: m for m in measures(session)}
    this_month = local_today().replace(day=1)
    problems, seen, good = [], {}, []
    for line, cells in rows:
        dept_name, month_raw, measure_name, value_raw = (list(cells) + [None] * 4)[:4]
        department = by_department.get(str(dept_name or "").strip())
        measure = by_name.get(str(measure_name or "").strip())
        month, value = parse_month(month_raw), _value(value_raw)
        wrong = [
            "科室不存在" if department is None else None,
            "指标未设置（请先在本页添加）" if measure is None else None,
            "月份应为 2026-03 这样的格式"
            if month is None
            else "月份不能晚于本月"
            if month > this_month
            else None,
            "数值应为数字" if value is None else None,
        ]
        if department and measure and month:
            key = (department.id, measure.id, month)
            if key in seen:
                wrong.append(f"与第 {seen[key]} 行重复")
            seen.setdefault(key, line)
        wrong = [w for w in wrong if w]
        if wrong:
            problems.append(RowProblem(line, "；".join(wrong) + "。"))
        else:
            good.append((department, measure, month, value))
    if problems:
        raise ImportRefused(problems, nothing_done="没有导入任何数据")
    if not good:
        raise ValidationFailed("表格中没有数据。", field="file")
    existing = {
        (r.department_id, r.measure_id, r.month): r
        for r in session.scalars(
            select(DepartmentMeasure).where(DepartmentMeasure.month.in_({m for _, _, m, _ in good}))
        )
    }
    for department, measure, month, value in good:
        row = existing.get((department.id, measure.id, month))
        if row is None:
            session.add(DepartmentMeasure(department_id=department.id, measure_id=measure.id, month=month,
                                          value=value, imported_by=actor.label[:100]))  # fmt: skip
        else:
            row.value, row.imported_by = value, actor.label[:100]
    audit.record(
        session, actor, "business.import", object_type="business_measure", detail={"rows": len(good)}
    )
    return len(good)


def record_vanguard(
    session: Session, actor: Actor, *, department_id: uuid.UUID, kind: str, title: str, since: date | None
) -> Vanguard:
    _manage(actor)
    department = session.get(Department, department_id)
    if department is None or department.removed:
        raise NotFound()
    if kind not in VANGUARD_KINDS:
        raise ValidationFailed("请选择党员先锋岗或党员示范岗。", field="kind")
    if since is None or since > local_today():
        raise ValidationFailed("请填写设岗日期（不晚于今天）。", field="since")
    title = require_text(title, "title", "岗位名称", max_length=60)
    post = Vanguard(
        department_id=department.id, kind=kind, title=title, since=since, recorded_by=actor.label[:100]
    )
    session.add(post)
    session.flush()
    audit.record(session, actor, "business.vanguard", object_type="department", object_id=department.id,
                 detail={"kind": kind})  # fmt: skip
    return post


@dataclass(frozen=True)
class DepartmentYear:
    department: Department
    branches: list[PartyOrg]
    measures: list[BusinessMeasure]
    #: month → {measure id: value}
    values: dict[int, dict[uuid.UUID, Decimal]]
    #: month → the branches' attendance rate (or words when masked, "—" with no meeting)
    attendance: dict[int, int | str]
    vanguards: list[Vanguard]


def _branches_of(session: Session, department_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[PartyOrg]]:
    found: dict[uuid.UUID, list[PartyOrg]] = {}
    for department_id, org in session.execute(
        select(party_org_department.c.department_id, PartyOrg)
        .join(PartyOrg, PartyOrg.id == party_org_department.c.org_id)
        .where(
            party_org_department.c.department_id.in_(department_ids),
            PartyOrg.kind == OrgKind.branch,
            PartyOrg.dissolved_at.is_(None),
        )
    ):
        found.setdefault(department_id, []).append(org)
    return found


def department_year(session: Session, actor: Actor, department_id: uuid.UUID, year: int) -> DepartmentYear:
    """A department's measures month by month beside its branches' attendance, for those whose
    stats.view covers one of its branches (the office: every department)."""
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound()
    branches = _branches_of(session, [department.id]).get(department.id, [])
    if not holds(actor, "business.manage") and not any(
        can(session, actor, "stats.view", obj=b) for b in branches
    ):
        raise NotFound()
    values: dict[int, dict[uuid.UUID, Decimal]] = {}
    for row in session.scalars(
        select(DepartmentMeasure).where(
            DepartmentMeasure.department_id == department.id,
            DepartmentMeasure.month >= date(year, 1, 1),
            DepartmentMeasure.month <= date(year, 12, 1),
        )
    ):
        values.setdefault(row.month.month, {})[row.measure_id] = row.value
    attendance: dict[int, int | str] = {}
    totals: dict[int, list[int]] = {}
    for branch in branches:
        for month, (invited, came, people) in attendance_by_month(session, Scope(branch, None), year).items():
            t = totals.setdefault(month, [0, 0, 0])
            t[0], t[1], t[2] = t[0] + invited, t[1] + came, t[2] + people
    for month in range(1, 13):
        invited, came, people = totals.get(month, (0, 0, 0))
        attendance[month] = rate(came, invited, people) if invited else "—"
    posts = list(session.scalars(select(Vanguard).where(Vanguard.department_id == department.id)))
    return DepartmentYear(department, branches, measures(session), values, attendance, posts)


@dataclass(frozen=True)
class Correlation:
    measure: BusinessMeasure
    #: (branch name, its year's attendance rate, its departments' mean of the measure)
    points: list[tuple[str, int, float]]
    r: float | None

    def explain(self) -> str:
        if self.r is None:
            return "可比较的党支部少于 5 个，不计算相关系数。"
        strength = "较强" if abs(self.r) >= 0.6 else "中等" if abs(self.r) >= 0.3 else "较弱"
        way = "正" if self.r > 0 else "负"
        found = f"{len(self.points)} 个党支部，相关系数 r = {self.r:.2f}（{strength}的{way}相关）。"
        return found + "相关不等于因果，仅供分析参考。"


def correlation(session: Session, actor: Actor, measure_id: uuid.UUID, year: int) -> Correlation:
    """Across the branches the actor covers: each branch's attendance for the year against its
    departments' mean of the measure — a plain Pearson r when at least five branches compare."""
    if not holds(actor, "stats.view"):
        raise NotFound()
    measure = session.get(BusinessMeasure, measure_id)
    if measure is None:
        raise NotFound()
    means: dict[uuid.UUID, list[Decimal]] = {}
    for department_id, value in session.execute(
        select(DepartmentMeasure.department_id, DepartmentMeasure.value).where(
            DepartmentMeasure.measure_id == measure.id,
            DepartmentMeasure.month >= date(year, 1, 1),
            DepartmentMeasure.month <= date(year, 12, 1),
        )
    ):
        means.setdefault(department_id, []).append(value)
    points = []
    by_branch: dict[uuid.UUID, tuple[PartyOrg, list[Decimal]]] = {}
    for department_id, orgs in _branches_of(session, list(means)).items():
        for org in orgs:
            if can(session, actor, "stats.view", obj=org):
                by_branch.setdefault(org.id, (org, []))[1].extend(means[department_id])
    for org, values in sorted(by_branch.values(), key=lambda pair: pair[0].path):
        months = attendance_by_month(session, Scope(org, None), year)
        invited = sum(i for i, _, _ in months.values())
        came = sum(c for _, c, _ in months.values())
        people = max((p for _, _, p in months.values()), default=0)
        shown = rate(came, invited, people) if invited else None
        if isinstance(shown, int) and values:
            points.append((org.name, shown, float(sum(values) / len(values))))
    return Correlation(measure, points, _pearson(points) if len(points) >= 5 else None)


def _pearson(points: list[tuple[str, int, float]]) -> float | None:
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sx * sy)
