"""/api/v1/rosters: the scheduling system pushes a period's roster (same checks as an upload)."""

from __future__ import annotations

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from handlers import rosters
from handlers.errors import ValidationFailed
from web import db_session
from web.api import bp, date_field, json_body


@bp.post("/rosters")
def roster_push() -> ResponseReturnValue:
    body = json_body()
    start, end = date_field(body, "period_start"), date_field(body, "period_end")
    if start is None or end is None:
        raise ValidationFailed("period_start 与 period_end 为必填。", field="period_start")
    shifts = body.get("shifts")
    if not isinstance(shifts, list) or not all(isinstance(s, dict) for s in shifts):
        raise ValidationFailed("shifts 应为班次对象的数组。", field="shifts")
    rows = [(n, [s.get("userid"), s.get("day"), s.get("code")]) for n, s in enumerate(shifts, start=1)]
    report = rosters.import_roster(
        db_session(), g.actor, rows, period_start=start, period_end=end, source="api"
    )
    if report.errors:
        db_session().rollback()
        problems = [{"index": e.line, "message": e.message} for e in report.errors]
        return jsonify(
            {"code": "invalid", "message": "排班有误，未导入任何数据。", "details": {"rows": problems}}
        ), 422
    db_session().commit()
    return jsonify(
        {"import_id": str(report.batch.id), "members": report.members, "shifts": report.shifts}
    ), 201
