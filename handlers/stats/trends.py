"""Five years month by month: attendance and dues collection over the last sixty months, so the
office sees the shape of the years (each month beside the same month a year before is the
attendance figure's comparison)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.stats.activity import attendance_by_months
from handlers.stats.model import Figure, Series, rate
from handlers.stats.scope import Scope
from models.base import local_today

YEARS = 5


def trends(session: Session, scope: Scope, year: int) -> Figure:
    today = local_today()
    rows = []
    months = attendance_by_months(session, scope, year - YEARS + 1, year)
    for y in range(year - YEARS + 1, year + 1):
        last = 12 if y < today.year else today.month
        for m in range(1, last + 1):
            invited, came, people = months.get((y, m), (0, 0, 0))
            rows.append((f"{y}年{m}月", rate(came, invited, people) if invited else "—"))
    return Figure(
        "trends",
        "近五年趋势",
        "近五年每月的参会率（实到人次除以应到人次，口径同“参会率”），当月应到少于5人的不显示。",
        scope.label,
        f"{year - YEARS + 1}年至{year}年",
        [Series("各月参会率（近五年）", "%", rows)],
    )
