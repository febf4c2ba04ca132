"""Completion rates of the year's statutory meetings, for the compliance page's charts: per 党总支
(its branches and 党小组 together) and per month.

A period counts once it is owed — it has ended, or it is already done — and counts as done when
its meetings' records are signed off (calendar.Period.status). Periods before an org existed are
not owed. Rates are over obligations of organisations, never over people."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.compliance.calendar import OrgCalendar
from handlers.figures import percent
from models import OrgKind, PartyOrg

#: Branches straight under the committee, with no 总支 between.
DIRECT = "直属党支部"


@dataclass(frozen=True)
class Rate:
    label: str
    done: int
    owed: int

    @property
    def percent(self) -> int:
        return percent(self.done, self.owed)

    @property
    def row(self) -> tuple[str, int, int, str]:
        """The rate as its chart's table shows it: label, done, owed, percentage."""
        return (self.label, self.done, self.owed, f"{self.percent}%")


def _tally(periods) -> tuple[int, int]:
    owed = [p for p in periods if p.status == "done" or p.status == "overdue"]
    return sum(1 for p in owed if p.status == "done"), len(owed)


def by_general_branch(session: Session, calendars: list[OrgCalendar]) -> list[Rate]:
    """One rate per 党总支 (in tree order), then the branches directly under the committee."""
    generals = list(
        session.scalars(
            select(PartyOrg)
            .where(PartyOrg.kind == OrgKind.general_branch, PartyOrg.dissolved_at.is_(None))
            .order_by(PartyOrg.path)
        )
    )
    done: dict[str, int] = defaultdict(int)
    owed: dict[str, int] = defaultdict(int)
    for entry in calendars:
        home = next((g.name for g in generals if entry.org.path.startswith(g.path)), DIRECT)
        for obligation in entry.obligations:
            d, o = _tally(obligation.periods)
            done[home] += d
            owed[home] += o
    order = [g.name for g in generals] + [DIRECT]
    return [Rate(name, done[name], owed[name]) for name in order if owed[name]]


def by_month(calendars: list[OrgCalendar], year: int, today: date) -> list[Rate]:
    """For each month of the year so far: of the periods ending in it, how many were done."""
    done: dict[int, int] = defaultdict(int)
    owed: dict[int, int] = defaultdict(int)
    for entry in calendars:
        for obligation in entry.obligations:
            for period in obligation.periods:
                status = period.status
                if status == "done" or status == "overdue":
                    month = (period.end.month - 2) % 12 + 1  # end is exclusive: the next 1st
                    owed[month] += 1
                    done[month] += status == "done"
    months = range(1, 13) if year < today.year else range(1, today.month + 1)
    return [Rate(f"{m}月", done[m], owed[m]) for m in months if owed[m]]


def by_kind(calendars: list[OrgCalendar]) -> list[Rate]:
    """One rate per kind of meeting (支委会, 党员大会, 主题党日 …): of the periods owed so far, how
    many were done."""
    done: dict[str, int] = defaultdict(int)
    owed: dict[str, int] = defaultdict(int)
    order: list[str] = []
    for entry in calendars:
        for obligation in entry.obligations:
            if obligation.label not in order:
                order.append(obligation.label)
            d, o = _tally(obligation.periods)
            done[obligation.label] += d
            owed[obligation.label] += o
    return [Rate(label, done[label], owed[label]) for label in order if owed[label]]
