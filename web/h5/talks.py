"""谈心谈话 on the phone, for committee members: whom they still owe a talk this year, branch by
branch, and the form to record one they held (its note encrypted, read by the two and the
secretary only)."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import talks
from models.base import local_today
from web import db_session, parse_uuid
from web.forms import form_date
from web.h5.frame import bp, member_pages
from web.outcome import form_change

member_pages("h5.talk")


@bp.get("/talks")
def talk_list() -> ResponseReturnValue:
    rows = talks.mine(db_session(), g.person)
    choices = {row.org.id: [(p.id, p.name) for p in row.owed] for row in rows}
    return render_template("h5/talks.html", rows=rows, choices=choices, today=local_today())


@bp.post("/talks/<org_id>")
def talk_record_own(org_id: str) -> ResponseReturnValue:
    form = request.form

    def record() -> object:
        return talks.record_own(
            db_session(),
            g.person,
            org_id=parse_uuid(org_id),
            other_id=parse_uuid(form.get("other_id", "")),
            held_on=form_date("held_on"),
            note=form.get("note", ""),
        )

    return form_change(record, done="已记录谈心谈话。", back=url_for("h5.talk_list"))
