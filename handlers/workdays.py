"""Working days in China: the State Council's 法定节假日 and 调休 as the bundled `chinese-calendar`
package knows them (up to its release), corrected or extended by the days the office marks in
the console when a new year's schedule is published. A 公示 of "5 working days" is counted here;
a span reaching into a year neither the package nor the office has confirmed is counted Monday
to Friday and says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Forbidden, ValidationFailed
from handlers.policy import Actor, can
from models import CalendarDay, CalendarYear

#: Beyond this a count of working days is a typing error, not a 公示.
MAX_WORKING_DAYS = 60


def bundled_years() -> set[int]:
    """The years the package carries the State Council's schedule for."""
    return {day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays}


@dataclass
class Calendar:
    """The calendar as the office has it now: the package, then the office's own marks on top."""

    marks: dict[date, bool]
    confirmed: set[int]

    @classmethod
    def load(cls, session: Session, start: date, end: date) -> Calendar:
        marks = dict(
            session.execute(
                select(CalendarDay.day, CalendarDay.is_workday).where(CalendarDay.day.between(start, end))
            ).all()
        )
        confirmed = set(session.scalars(select(CalendarYear.year))) | bundled_years()
        return cls(marks, confirmed)

    def is_workday(self, day: date) -> bool:
        if day in self.marks:
            return self.marks[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package does not know: Monday to Friday
            return day.weekday() < 5


@dataclass(frozen=True)
class Span:
    starts_on: date
    ends_on: date
    working_days: int
    #: Years the span reaches into whose holidays nobody has confirmed (counted Monday–Friday).
    unconfirmed_years: tuple[int, ...]

    @property
    def note(self) -> str:
        if not self.unconfirmed_years:
            return ""
        years = "、".join(f"{y}年" for y in self.unconfirmed_years)
        return f"{years}的节假日安排尚未确认，按周一至周五计算；国务院公布后请在规则页面补充。"


def working_span(session: Session, starts_on: date, working_days: int) -> Span:
    """The period of `working_days` working days from `starts_on` (counted from the first working
    day on or after it)."""
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationFailed(f"工作日天数应在 1 到 {MAX_WORKING_DAYS} 之间。", field="working_days")
    calendar = Calendar.load(session, starts_on, starts_on + timedelta(days=working_days * 3 + 30))
    day, counted, first = starts_on, 0, None
    while True:
        if calendar.is_workday(day):
            first = first or day
            counted += 1
            if counted == working_days:
                break
        day += timedelta(days=1)
    years = sorted({y for y in range(starts_on.year, day.year + 1)} - calendar.confirmed)
    return Span(first, day, working_days, tuple(years))


def mark_day(session: Session, actor: Actor, *, day: date, is_workday: bool, note: str = "") -> CalendarDay:
    """The office marks a day a holiday or a 调休 working day (a new schedule, a correction)."""
    if not can(session, actor, "org.manage"):
        raise Forbidden("节假日安排由党委组织部维护。")
    row = session.get(CalendarDay, day) or CalendarDay(day=day)
    row.is_workday, row.note = bool(is_workday), (note or "").strip()[:60]
    session.add(row)
    audit.record(
        session,
        actor,
        "calendar.mark",
        object_type="calendar",
        object_id=None,
        detail={"day": str(day), "workday": row.is_workday},
    )
    return row


def confirm_year(session: Session, actor: Actor, year: int) -> CalendarYear:
    """The office confirms a year's holidays as marked (after the State Council publishes them)."""
    if not can(session, actor, "org.manage"):
        raise Forbidden("节假日安排由党委组织部维护。")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年份不正确。", field="year")
    row = session.get(CalendarYear, year) or CalendarYear(year=year, confirmed_by=actor.label)
    row.confirmed_by = actor.label
    session.add(row)
    audit.record(
        session, actor, "calendar.confirm", object_type="calendar", object_id=None, detail={"year": year}
    )
    return row


def unconfirmed_years(session: Session, years: list[int]) -> list[int]:
    confirmed = set(session.scalars(select(CalendarYear.year))) | bundled_years()
    return [y for y in years if y not in confirmed]


def marked(session: Session) -> list[CalendarDay]:
    return list(session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc()).limit(200)))


def confirmed_years(session: Session) -> list[CalendarYear]:
    return list(session.scalars(select(CalendarYear).order_by(CalendarYear.year.desc())))


def months_after(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day where it is shorter:
    a probation from 31 January ends on the last day of February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
