"""换届选举 and 两优一先 in the console: a branch's leaders put 差额 candidates to a secret vote or
nominate for an award (its members vote on each nominee); the office reviews the nominations
the branches passed. Each vote's count is on its ballot page (问卷 › the ballot)."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import ballots
from handlers.policy import holds
from models import AWARDS
from models.base import local_today
from web import db_session
from web.admin.frame import bp, local_time, parse_uuid
from web.outcome import form_change


@bp.get("/elections")
def election_desk() -> ResponseReturnValue:
    if not (holds(g.actor, "election.manage") or holds(g.actor, "nomination.review")):
        abort(404)
    session = db_session()
    chosen = parse_uuid(request.args["org_id"]) if request.args.get("org_id") else None
    return render_template(
        "admin/elections.html",
        desk=ballots.desk(session, g.actor, chosen),
        awards=list(AWARDS),
        year=local_today().year,
        holds_review=holds(g.actor, "nomination.review"),
    )


def _back() -> str:
    org_id = request.form.get("org_id", "")
    return url_for("admin.election_desk", org_id=org_id) if org_id else url_for("admin.election_desk")


@bp.post("/elections")
def election_create() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: ballots.create_election(
            db_session(),
            g.actor,
            org_id=parse_uuid(form.get("org_id", "")),
            title=form.get("title", ""),
            seats=form.get("seats", type=int, default=0),
            candidate_ids=[parse_uuid(c) for c in form.getlist("candidate")],
            closes_at=local_time(form.get("closes_at", ""), "closes_at"),
        ),
        done=lambda b: f"已向 {b.electorate} 名有选举权的党员发出选票。",
        back=_back(),
        then=lambda b: url_for("admin.ballot_detail", ballot_id=b.id),
    )


@bp.post("/nominations")
def nomination_create() -> ResponseReturnValue:
    form = request.form
    award = form.get("award", "")
    people = [parse_uuid(p) for p in form.getlist("nominee")]
    nominees = (
        [(p, form.get(f"reason_{p}", "")) for p in people]
        if AWARDS.get(award, True)
        else [(None, form.get("reason_org", ""))]
    )
    return form_change(
        lambda: ballots.nominate(
            db_session(),
            g.actor,
            org_id=parse_uuid(form.get("org_id", "")),
            award=award,
            nominees=nominees,
            closes_at=local_time(form.get("closes_at", ""), "closes_at"),
        ),
        done=lambda rows: f"已发起 {len(rows)} 名推荐对象的投票。",
        back=_back(),
    )


@bp.post("/nominations/<nomination_id>/review")
def nomination_review(nomination_id: str) -> ResponseReturnValue:
    form = request.form
    accept = form.get("decision") == "accept"
    return form_change(
        lambda: ballots.review_nomination(
            db_session(), g.actor, parse_uuid(nomination_id), accept=accept, note=form.get("note", "")
        ),
        done="已审核推荐。",
        back=url_for("admin.election_desk"),
    )
