"""/api/v1/ballots: the surveys, elections and nomination votes a token's desk follows, with
turnout; one with its questions and, after close, the results as the secrecy rules allow (never
who answered what) and an election's count."""

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
        "seats": ballot.seats,
        "electorate": ballot.electorate,
        "answered": answered,
    }


@bp.get("/ballots")
def ballot_list() -> ResponseReturnValue:
    session = db_session()
    page, per_page = page_args()
    rows = ballots.managed(session, g.actor)
    start = (page - 1) * per_page
    page_rows = rows[start : start + per_page]
    answered = ballots.turnouts(session, [b.id for b in page_rows])
    shown = [_summary(b, answered.get(b.id, 0)) for b in page_rows]
    return listing_response(shown, page, per_page, len(rows))


@bp.get("/ballots/<ballot_id>")
def ballot_one(ballot_id: str) -> ResponseReturnValue:
    session = db_session()
    ballot, answered, results = ballots.followed(session, g.actor, parse_uuid(ballot_id, "ballot_id"))
    body = _summary(ballot, answered)
    body["questions"] = [
        {
            "position": q.position,
            "kind": q.kind,
            "text": q.text,
            "options": q.options,
            "max_choices": q.max_choices,
            "subject_id": str(q.subject_id) if q.subject_id else None,
        }
        for q in ballot.questions
    ]
    body["results"] = results
    counted = ballots.outcome(session, ballot)
    body["outcome"] = None
    if counted is not None:
        body["outcome"] = {
            "valid": counted.valid,
            "voted": counted.voted,
            "needed_turnout": counted.needed_turnout,
            "candidates": [{"name": n, "votes": v, "elected": e} for n, v, e in counted.candidates],
            "tied": counted.tied,
            "text": counted.explain(),
        }
    return body
