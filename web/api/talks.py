"""/api/v1/talks: the 谈心谈话 plans of the branches a token follows — how many pairs the year asks
for, how many talked, how many were explained — and one branch's pairs with their state. Never a
note: those stay with the two people and the secretary."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.typing import ResponseReturnValue

from handlers import talks
from handlers.errors import ValidationFailed
from models.base import local_today
from web import db_session
from web.api.frame import bp, listing_response, page_args, parse_uuid


def _year() -> int:
    year = request.args.get("year", local_today().year, type=int)
    if year is None or not 2000 <= year <= 2100:
        raise ValidationFailed("year 取 2000–2100。", field="year")
    return year


def _summary(plan: talks.Coverage) -> dict[str, Any]:
    return {
        "org_id": str(plan.org.id),
        "org": plan.org.name,
        "year": plan.year,
        "required": len(plan.required),
        "done": len(plan.done),
        "explained": len(plan.explained),
        "gaps": len(plan.gaps),
    }


@bp.get("/talks")
def talk_plans() -> ResponseReturnValue:
    session, year = db_session(), _year()
    page, per_page = page_args()
    orgs = talks.branches(session, g.actor)
    shown = orgs[(page - 1) * per_page : page * per_page]
    return listing_response(
        [_summary(talks.coverage_of(session, o, year)) for o in shown], page, per_page, len(orgs)
    )


@bp.get("/talks/<org_id>")
def talk_plan(org_id: str) -> ResponseReturnValue:
    session = db_session()
    plan = talks.coverage(session, g.actor, parse_uuid(org_id, "org_id"), _year())
    names = {p.id: p.name for p in plan.people}

    def state(key: talks.Pair) -> str:
        return "done" if key in plan.done else "explained" if key in plan.explained else "open"

    body = _summary(plan)
    body["pairs"] = [
        {"first": names[a], "second": names[b], "state": state((a, b))}
        for a, b in sorted(plan.required, key=lambda k: (names[k[0]], names[k[1]]))
    ]
    return body
