"""/api/v1/stats/{name}: one figure family for the hospital's own BI tools — scope (org_id or
campus_id, else the token's own) and year as parameters; the values as the pages show them,
masked the same way (a small group's cells are strings, never numbers), with the definition."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.typing import ResponseReturnValue

from handlers import stats
from handlers.errors import ValidationFailed
from web import db_session
from web.api.frame import bp, parse_uuid


def figure_body(figure: stats.Figure) -> dict[str, Any]:
    return {
        "name": figure.name,
        "title": figure.title,
        "definition": figure.definition,
        "scope": figure.scope,
        "period": figure.period,
        "people": figure.people,
        "masked": figure.masked,
        "series": [
            {
                "title": s.title,
                "unit": s.unit,
                "rows": [{"label": label, "value": value} for label, value in s.rows],
                "compare": s.compare,
                "compare_label": s.compare_label or None,
            }
            for s in figure.series
        ],
        "children": [{"org_id": i, "name": n, "members": m} for i, n, m in figure.children],
    }


def _year() -> int | None:
    raw = request.args.get("year")
    if raw is None:
        return None
    if not raw.isdigit():
        raise ValidationFailed("year 应为年份，如 2026。", field="year")
    return int(raw)


@bp.get("/stats/<name>")
def stat(name: str) -> ResponseReturnValue:
    args = request.args
    figure = stats.figure(
        db_session(),
        g.actor,
        name,
        org_id=parse_uuid(args["org_id"], "org_id") if args.get("org_id") else None,
        campus_id=parse_uuid(args["campus_id"], "campus_id") if args.get("campus_id") else None,
        year=_year(),
    )
    return figure_body(figure)
