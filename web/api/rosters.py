"""/api/v1/rosters: the scheduling system pushes a period's roster (same checks as an upload);
/api/v1/reminders: what the members in the token's scope were (or will be) reminded of, and why."""

from __future__ import annotations

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import reminders, rosters
from handlers.errors import ValidationFailed
from web import db_session
from web.api.frame import bp, date_field, json_body, listing_response, page_args


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
    return jsonify(
        {"import_id": str(report.batch.id), "members": report.members, "shifts": report.shifts}
    ), 201


@bp.get("/reminders")
def reminder_list() -> ResponseReturnValue:
    """What was and will be sent to the members in the token's scope, and why."""
    page, per_page = page_args()
    listing = reminders.scoped_page(
        db_session(),
        g.actor,
        status=request.args.get("status") or None,
        category=request.args.get("category") or None,
        page=page,
        per_page=per_page,
    )
    items = [
        {
            "id": str(r.id),
            "userid": r.person.wecom_userid,
            "category": r.category,
            "title": r.title,
            "reason": r.reason,
            "status": r.status.value,
            "deliver_at": r.deliver_at.isoformat(),
            "plan_note": r.plan_note,
            "sent_at": r.sent_at.isoformat() if r.sent_at else None,
            "cancelled_reason": r.cancelled_reason,
            "failure_reason": r.failure_reason,
        }
        for r in listing.items
    ]
    return listing_response(items, listing.page, per_page, listing.total)
