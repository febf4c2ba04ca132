"""投票和问卷 on the phone: the ballots a member is in the electorate of, the form (saying first
whether it is secret or named), the receipt code shown once after voting, and the check that a
receipt was counted; results once the ballot has closed."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import ballots, reviews
from models.base import utcnow
from web import db_session, parse_uuid
from web.h5.frame import bp, member_pages
from web.outcome import attempt

member_pages("h5.ballot")


@bp.get("/ballots")
def ballot_list() -> ResponseReturnValue:
    return render_template("h5/ballots.html", rows=ballots.mine(db_session(), g.person), now=utcnow())


def _page(ballot_id: str, receipt: str | None = None) -> ResponseReturnValue:
    session = db_session()
    ballot, voted = ballots.open_for(session, g.person, parse_uuid(ballot_id))
    # 民主评议's 互评 counts are the committee's to read (and each member's own grade comes on
    # their evaluation page): voters see no breakdown of it.
    shown = ballot.tallied_at is not None and ballot.kind != "review"
    return render_template(
        "h5/ballot.html",
        ballot=ballot,
        voted=voted,
        is_open=ballots.is_open(ballot),
        results=ballot.results if shown else None,
        outcome=ballots.outcome(session, ballot),
        review=reviews.of_ballot(session, ballot.id) if ballot.kind == "review" else None,
        receipt=receipt,
    )


@bp.get("/ballots/<ballot_id>")
def ballot_page(ballot_id: str) -> ResponseReturnValue:
    return _page(ballot_id)


@bp.post("/ballots/<ballot_id>")
def ballot_vote(ballot_id: str) -> ResponseReturnValue:
    answers = {key: request.form.getlist(key) for key in request.form if key.startswith("q")}
    answers = {key: values if len(values) > 1 else values[0] for key, values in answers.items()}
    code, refusal = attempt(lambda: ballots.vote(db_session(), g.person, parse_uuid(ballot_id), answers))
    if refusal is not None:
        flash(refusal.message, "error")
        return redirect(url_for("h5.ballot_page", ballot_id=ballot_id))
    # The receipt is shown on this response only: it is stored nowhere, not even in the session.
    return _page(ballot_id, receipt=code)


@bp.post("/ballots/<ballot_id>/check")
def ballot_check(ballot_id: str) -> ResponseReturnValue:
    code = request.form.get("code", "")
    found = ballots.counted(db_session(), g.person, parse_uuid(ballot_id), code)
    flash(
        "您的选票已计入。" if found else "没有找到这个回执码对应的选票，请核对后再试。",
        "info" if found else "error",
    )
    return redirect(url_for("h5.ballot_page", ballot_id=ballot_id))
