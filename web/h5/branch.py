"""本支部: the secretary's branch on one page — members, the year's statutory meetings against
their targets, attendance per month, study hours — as figures for the branch, never a person."""

from __future__ import annotations

from flask import abort, g, render_template, request
from flask.typing import ResponseReturnValue

from handlers import compliance
from handlers.errors import NotFound
from models.base import local_today, utcnow
from web import charts, db_session, parse_uuid
from web.h5.frame import bp, member_pages

member_pages("h5.branch")


@bp.get("/branch")
def branch_page() -> ResponseReturnValue:
    session = db_session()
    branches = compliance.managed_branches(session, g.actor)
    if not branches:
        abort(404)
    wanted = request.args.get("org")
    org_id = parse_uuid(wanted) if wanted else branches[0].id
    try:
        year = compliance.branch_year(session, g.actor, org_id, today=local_today(), now=utcnow())
    except NotFound:
        abort(404)
    kinds = year.calendar.obligations if year.calendar else []
    return render_template(
        "h5/branch.html",
        year=year,
        branches=branches,
        kinds=kinds,
        kind_rows=[(o.label, o.done, o.target, o.overdue) for o in kinds],
        attendance_rows=[r.row for r in year.attendance],
        kinds_chart=charts.bars(
            [o.label for o in kinds],
            [min(o.done, o.target) * 100 // (o.target or 1) for o in kinds],
            unit="%",
            top=100,
        ),
        attendance_chart=charts.rate_chart(year.attendance, upright=True),
    )
