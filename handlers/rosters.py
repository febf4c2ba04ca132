"""Roster import (排班): a workbook or CSV from the scheduling system, or its API push.

Every row is checked first (a member in the importer's scope, a known shift code, a date
inside the period, no two shifts of one member overlapping); a file with any error applies
nothing and says why, row by row. A clean import replaces the period for the members it
covers: their earlier shifts in the period are kept, marked superseded. Reminders already
planned for those members are replanned against the new roster.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handlers import audit, exports, reminders
from handlers.errors import Forbidden, ValidationFailed
from handlers.policy import Actor, can, holds
from handlers.tables import RowProblem, read_table
from models import Person, RosterImport, RosterShift, ShiftCode
from models.base import CHINA, utcnow

TEMPLATE_COLUMNS = ("企业微信账号", "日期", "班次")
#: A period longer than this is a mistake (a whole year pasted in), not a roster.
MAX_PERIOD_DAYS = 62
MAX_ROWS = 50_000


@dataclass
class RosterReport:
    errors: list[RowProblem] = field(default_factory=list)
    members: int = 0
    shifts: int = 0
    replanned: int = 0
    batch: RosterImport | None = None


@dataclass(frozen=True)
class _Shift:
    line: int
    person: Person
    day: date
    code: ShiftCode
    starts_at: datetime | None
    ends_at: datetime | None


def template() -> bytes:
    return exports.workbook("排班", TEMPLATE_COLUMNS, [["zhangsan", "2026-12-01", "N"]])


def read_file(filename: str, content: bytes) -> list[tuple[int, list[Any]]]:
    """(line number, cells) of a workbook or CSV, header checked against the template."""
    return read_table(filename, content, columns=TEMPLATE_COLUMNS, max_rows=MAX_ROWS)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip().replace("/", "-"))
    except ValueError:
        return None


def _times(code: ShiftCode, day: date) -> tuple[datetime | None, datetime | None]:
    if code.starts is None or code.ends is None:
        return None, None
    starts = datetime.combine(day, code.starts, CHINA)
    ends = datetime.combine(day, code.ends, CHINA)
    if ends <= starts:  # ends the next morning (夜班), or a 24-hour 听班
        ends += timedelta(days=1)
    return starts, ends


def check_rows(
    session: Session, actor: Actor, rows: list[tuple[int, list[Any]]], *, period_start: date, period_end: date
) -> tuple[list[_Shift], list[RowProblem]]:
    if period_end < period_start or (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(f"排班周期应为 1–{MAX_PERIOD_DAYS} 天，且结束不早于开始。", field="period_end")
    codes = {c.code: c for c in session.scalars(select(ShiftCode))}
    by_label = {c.label: c for c in codes.values()}
    userids = {str(cells[0] or "").strip() for _, cells in rows if cells}
    people = {
        p.wecom_userid: p for p in session.scalars(select(Person).where(Person.wecom_userid.in_(userids)))
    }
    shifts: list[_Shift] = []
    errors: list[RowProblem] = []
    for line, cells in rows:
        cells = [*cells, None, None, None][:3]
        userid, raw_day, raw_code = str(cells[0] or "").strip(), cells[1], str(cells[2] or "").strip()
        person = people.get(userid)
        known = person is not None and person.membership is not None and person.membership.left_at is None
        if not known or not can(session, actor, "roster.manage", obj=person):
            # The same words whether they are unknown or someone else's: a roster push must not
            # reveal who works here or who is a Party member outside the importer's own orgs.
            errors.append(RowProblem(line, f"“{userid}”不在您管理的党组织的党员名单中。"))
            continue
        day = _day(raw_day)
        if day is None:
            errors.append(RowProblem(line, "日期应为 2026-12-01 的格式。"))
            continue
        if not period_start <= day <= period_end:
            errors.append(
                RowProblem(line, f"日期 {day} 不在本次排班周期（{period_start} 至 {period_end}）内。")
            )
            continue
        code = codes.get(raw_code) or by_label.get(raw_code)
        if code is None:
            known = "、".join(f"{c.code} {c.label}" for c in codes.values())
            errors.append(RowProblem(line, f"未知的班次“{raw_code}”（可用：{known}）。"))
            continue
        starts_at, ends_at = _times(code, day)
        shifts.append(_Shift(line, person, day, code, starts_at, ends_at))
    errors += _overlaps(shifts)
    return shifts, sorted(errors, key=lambda e: e.line)


def _overlaps(shifts: list[_Shift]) -> list[RowProblem]:
    errors = []
    mine: dict[Any, list[_Shift]] = defaultdict(list)
    for shift in shifts:
        mine[shift.person.id].append(shift)
    for rows in mine.values():
        timed = sorted((s for s in rows if s.starts_at), key=lambda s: s.starts_at)
        for before, after in zip(timed, timed[1:], strict=False):
            if after.starts_at < before.ends_at:
                errors.append(RowProblem(after.line, f"与第 {before.line} 行的班次时间重叠。"))
        days: dict[date, int] = {}
        for s in rows:
            if s.starts_at is None and s.day in days:
                errors.append(RowProblem(s.line, f"与第 {days[s.day]} 行是同一天。"))
            days.setdefault(s.day, s.line)
    return errors


def import_roster(
    session: Session,
    actor: Actor,
    rows: list[tuple[int, list[Any]]],
    *,
    period_start: date,
    period_end: date,
    source: str,
    now: datetime | None = None,
) -> RosterReport:
    """All rows or none: errors come back in the report and nothing is written."""
    now = now or utcnow()
    if not holds(actor, "roster.manage"):
        raise Forbidden("您无权导入排班。")
    shifts, errors = check_rows(session, actor, rows, period_start=period_start, period_end=period_end)
    report = RosterReport(errors=errors)
    if errors:
        return report
    if not shifts:
        raise ValidationFailed("文件中没有排班数据。", field="file")
    person_ids = {s.person.id for s in shifts}
    batch = RosterImport(
        period_start=period_start,
        period_end=period_end,
        source=source,
        imported_by=actor.label,
        imported_at=now,
        members=len(person_ids),
        shifts=len(shifts),
    )
    session.add(batch)
    session.flush()
    session.execute(
        update(RosterShift)
        .where(
            RosterShift.person_id.in_(person_ids),
            RosterShift.day.between(period_start, period_end),
            RosterShift.superseded_by.is_(None),
        )
        .values(superseded_by=batch.id)
    )
    session.add_all(
        RosterShift(
            person_id=s.person.id,
            day=s.day,
            code=s.code.code,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            import_id=batch.id,
        )
        for s in shifts
    )
    session.flush()
    report.members, report.shifts, report.batch = len(person_ids), len(shifts), batch
    report.replanned = reminders.replan(session, person_ids, now)
    audit.record(
        session,
        actor,
        "roster.import",
        object_type="roster",
        object_id=batch.id,
        detail={
            "members": report.members,
            "shifts": report.shifts,
            "from": str(period_start),
            "to": str(period_end),
            "source": source,
        },
    )
    return report


def recent_imports(session: Session, limit: int = 10) -> list[RosterImport]:
    return list(session.scalars(select(RosterImport).order_by(RosterImport.imported_at.desc()).limit(limit)))


def shift_codes(session: Session) -> list[ShiftCode]:
    return list(session.scalars(select(ShiftCode).order_by(ShiftCode.code)))


def save_shift_code(
    session: Session, actor: Actor, *, code: str, label: str, kind: str, starts: str, ends: str
) -> ShiftCode:
    """Add or change a shift code (the hospital's own names and times). Past shifts keep the
    times they were imported with; the next import uses the new ones."""
    from models import ShiftKind

    if not holds(actor, "org.manage"):
        raise Forbidden("只有党委组织部可以修改班次代码。")
    code = (code or "").strip()
    if not code or len(code) > 16 or not code.isprintable():
        raise ValidationFailed("班次代码为 1–16 个字符。", field="code")
    label = (label or "").strip()
    if not label or len(label) > 32:
        raise ValidationFailed("请填写班次名称（32字以内）。", field="label")
    try:
        shift_kind = ShiftKind(kind)
    except ValueError:
        raise ValidationFailed("请选择班次类型。", field="kind") from None
    times = []
    for name, raw in (("starts", starts), ("ends", ends)):
        raw = (raw or "").strip()
        try:
            times.append(datetime.strptime(raw, "%H:%M").time() if raw else None)
        except ValueError:
            raise ValidationFailed("时间格式应为 08:00。", field=name) from None
    if shift_kind != ShiftKind.rest and None in times:
        raise ValidationFailed("除休息外，班次须填写开始和结束时间。", field="starts")
    row = session.get(ShiftCode, code) or ShiftCode(code=code)
    row.label, row.kind = label, shift_kind
    row.starts, row.ends = (None, None) if shift_kind == ShiftKind.rest else tuple(times)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "roster.shift_code",
        object_type="shift_code",
        object_id=code,
        detail={"label": label, "kind": shift_kind.value, "starts": starts, "ends": ends},
    )
    return row
