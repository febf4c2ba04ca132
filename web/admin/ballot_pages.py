"""问卷 in the console: the office (hospital-wide) or a branch's leaders (their members) open a
survey — anonymous or named, said so on the card and the form — follow how many have answered,
and read the results once it closes (no breakdown of an item fewer than the minimum answered)."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import ballots
from handlers.policy import holds
from web import db_session
from web.admin.frame import bp, local_time, parse_uuid
from web.outcome import form_change


@bp.get("/ballots")
def ballot_list() -> ResponseReturnValue:
    if not holds(g.actor, "ballot.manage"):
        abort(404)
    session = db_session()
    orgs, hospital_wide = ballots.orgs_to_ask(session, g.actor)
    return render_template(
        "admin/ballots.html",
        rows=ballots.managed(session, g.actor),
        orgs=orgs,
        hospital_wide=hospital_wide,
        fmt=ballots.FORMAT,
        electorates=ballots.ELECTORATES,
    )


@bp.post("/ballots")
def ballot_create() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: ballots.create_survey(
            db_session(),
            g.actor,
            title=form.get("title", ""),
            description=form.get("description", ""),
            org_id=parse_uuid(form["org_id"]) if form.get("org_id") else None,
            anonymous=form.get("anonymous") != "named",
            closes_at=local_time(form.get("closes_at", ""), "closes_at"),
            questions=form.get("questions", ""),
            electorate=form.get("electorate", "members"),
            userids=form.get("userids", ""),
        ),
        done=lambda b: f"已发给 {b.electorate} 名党员。",
        back=url_for("admin.ballot_list"),
        then=lambda b: url_for("admin.ballot_detail", ballot_id=b.id),
    )


@bp.get("/ballots/<ballot_id>")
def ballot_detail(ballot_id: str) -> ResponseReturnValue:
    session = db_session()
    ballot, answered, results = ballots.followed(session, g.actor, parse_uuid(ballot_id))
    return render_template(
        "admin/ballot.html",
        ballot=ballot,
        answered=answered,
        results=results,
        outcome=ballots.outcome(session, ballot),
    )
