"""谈心谈话 in the console: a branch's plan for the year as a matrix (each committee member, and the
secretary, against everyone in the branch), the form recording a talk, the reasons for the pairs
that could not talk, and the notes the reader may see (their own; all of them for the secretary)."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import talks
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid
from web.outcome import form_change


def _year() -> int:
    return request.values.get("year", type=int) or local_today().year


@bp.get("/talks/<org_id>")
def talk_plan(org_id: str) -> ResponseReturnValue:
    session, year = db_session(), _year()
    plan = talks.coverage(session, g.actor, parse_uuid(org_id), year)
    names = {p.id: p.name for p in plan.people}
    return render_template(
        "admin/talks.html",
        plan=plan,
        year=year,
        pair=talks.pair,
        names=names,
        notes=talks.notes_for(session, g.actor, plan.org.id, year),
    )


@bp.post("/talks/<org_id>/record")
def talk_record(org_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: talks.record(
            db_session(),
            g.actor,
            org_id=parse_uuid(org_id),
            first_id=parse_uuid(form.get("first_id", "")),
            second_id=parse_uuid(form.get("second_id", "")),
            held_on=form_date("held_on"),
            note=form.get("note", ""),
        ),
        done="已记录谈心谈话。",
        back=url_for("admin.talk_plan", org_id=org_id, year=_year()),
    )


@bp.post("/talks/<org_id>/explain")
def talk_explain(org_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: talks.explain(
            db_session(),
            g.actor,
            org_id=parse_uuid(org_id),
            year=_year(),
            first_id=parse_uuid(form.get("first_id", "")),
            second_id=parse_uuid(form.get("second_id", "")),
            reason=form.get("reason", ""),
        ),
        done="已记录原因。",
        back=url_for("admin.talk_plan", org_id=org_id, year=_year()),
    )
