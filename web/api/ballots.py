"""/api/v1/ballots: the surveys a token's desk opened, with turnout; one with its questions and,
after close, the results as the secrecy rules allow — never who answered what."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.typing import ResponseReturnValue

from handlers import ballots
from models import Ballot
from web import db_session
from web.api.frame import bp, listing_response, page_args, parse_uuid


def _summary(ballot: Ballot, answered: int) -> dict[str, Any]:
    return {
        "id": str(ballot.id),
        "kind": ballot.kind,
        "title": ballot.title,
        "org_id": str(ballot.org_id) if ballot.org_id else None,
        "anonymous": ballot.anonymous,
        "opens_at": ballot.opens_at.isoformat(),
        "closes_at": ballot.closes_at.isoformat(),
        "electorate": ballot.electorate,
        "answered": answered,
    }


@bp.get("/ballots")
def ballot_list() -> ResponseReturnValue:
    session = db_session()
    page, per_page = page_args()
    rows = ballots.managed(session, g.actor)
    start = (page - 1) * per_page
    shown = [_summary(b, ballots.turnout(session, b)) for b in rows[start : start + per_page]]
    return listing_response(shown, page, per_page, len(rows))


@bp.get("/ballots/<ballot_id>")
def ballot_one(ballot_id: str) -> ResponseReturnValue:
    ballot, answered, results = ballots.followed(db_session(), g.actor, parse_uuid(ballot_id, "ballot_id"))
    body = _summary(ballot, answered)
    body["questions"] = [
        {
            "position": q.position,
            "kind": q.kind,
            "text": q.text,
            "options": q.options,
            "max_choices": q.max_choices,
        }
        for q in ballot.questions
    ]
    body["results"] = results
    return body
