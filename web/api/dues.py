"""/api/v1/dues and /api/v1/dues/assessments: a month's dues member by member (for the branch's
own secretary and 组织委员, as the console shows them — the base never appears), and the year's
assessed amounts (the office's, without the bases)."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.typing import ResponseReturnValue

from handlers import dues
from handlers.errors import Forbidden, ValidationFailed
from handlers.policy import holds
from models.base import local_today
from web import db_session
from web.api.frame import bp, listing_response, page_args


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


@bp.get("/dues")
def dues_list() -> ResponseReturnValue:
    page, per_page = page_args()
    month = (
        dues.parse_month(request.args.get("month", ""))
        if request.args.get("month")
        else local_today().replace(day=1)
    )
    if month is None:
        raise ValidationFailed("month 应写作 2026-11。", field="month")
    if not holds(g.actor, "dues.names"):
        raise Forbidden("党员逐月党费只提供给本支部书记、组织委员的令牌。")
    session = db_session()
    rows = []
    for branch in dues.named_branches(session, g.actor):
        for line in dues.branch_year(session, g.actor, branch.id, month.year):
            (owed, payment) = next((o, p) for m, o, p in line.months if m == month)
            rows.append(
                {
                    "member_id": str(line.member.id),
                    "name": line.member.person.name,
                    "branch_id": str(branch.id),
                    "month": f"{month:%Y-%m}",
                    "owed": _money(owed),
                    "paid": _money(payment.amount) if payment else None,
                    "paid_on": payment.paid_on.isoformat() if payment else None,
                    "way": payment.way if payment else None,
                }
            )
    start = (page - 1) * per_page
    return listing_response(rows[start : start + per_page], page, per_page, len(rows))


@bp.get("/dues/assessments")
def dues_assessment_list() -> ResponseReturnValue:
    page, per_page = page_args()
    year = request.args.get("year", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        raise ValidationFailed("year 不正确。", field="year")
    lines = dues.assessments_for(db_session(), g.actor, year=year)
    items = [
        {
            "member_id": str(line.row.member_id),
            "name": line.row.member.person.name,
            "year": line.row.year,
            "from_month": f"{line.row.from_month:%Y-%m}",
            "category": line.row.category,
            "bracket": line.row.bracket,
            "computed": _money(line.row.computed),
            "amount": _money(line.row.amount),
            "adjusted": line.row.adjust_reason is not None,
            "confirmed": line.row.confirmed_at is not None,
            "last_year": _money(line.last_year),
        }
        for line in lines
    ]
    start = (page - 1) * per_page
    return listing_response(items[start : start + per_page], page, per_page, len(items))
