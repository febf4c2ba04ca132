"""支部考核 in the console (数据中心 › 支部考核): the office sets the year's items (weight, how each is
measured), every branch's sheet in the org tree's order with its total and grade, and one sheet
with each number's source — the 数据中心 figure it comes from, or the entered evidence — the
manual items' entry and the grade."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers.policy import holds
from handlers.stats import assessment
from models.base import local_today
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.outcome import form_change


def _year() -> int:
    return request.values.get("year", type=int) or local_today().year


@bp.get("/stats/assessment")
def assessment_list() -> ResponseReturnValue:
    if not holds(g.actor, "stats.view"):
        abort(404)
    session, year = db_session(), _year()
    return render_template(
        "admin/assessment.html",
        year=year,
        items=assessment.items(session, year),
        sheets=assessment.sheets(session, g.actor, year),
        measures=assessment.MEASURES,
        manage=holds(g.actor, "assessment.manage"),
    )


@bp.post("/stats/assessment/items")
def assessment_item() -> ResponseReturnValue:
    form, year = request.form, _year()
    return form_change(
        lambda: assessment.define_item(
            db_session(),
            g.actor,
            year=year,
            title=form.get("title", ""),
            weight=form.get("weight", type=int, default=0),
            source=form.get("source", ""),
            description=form.get("description", ""),
        ),  # fmt: skip
        done="已添加考核项目。",
        back=url_for("admin.assessment_list", year=year),
    )


@bp.get("/stats/assessment/<org_id>")
def assessment_sheet(org_id: str) -> ResponseReturnValue:
    session, year = db_session(), _year()
    return render_template(
        "admin/assessment_sheet.html",
        sheet=assessment.sheet(session, g.actor, parse_uuid(org_id), year),
        grades=assessment.grades(session),
        manage=holds(g.actor, "assessment.manage"),
        enter=holds(g.actor, "assessment.enter"),
    )


@bp.post("/stats/assessment/<org_id>/score")
def assessment_score(org_id: str) -> ResponseReturnValue:
    form, year = request.form, _year()
    return form_change(
        lambda: assessment.enter_score(
            db_session(),
            g.actor,
            item_id=parse_uuid(form.get("item_id", "")),
            org_id=parse_uuid(org_id),
            percent=form.get("percent", ""),
            evidence=form.get("evidence", ""),
        ),  # fmt: skip
        done="已录入。",
        back=url_for("admin.assessment_sheet", org_id=org_id, year=year),
    )


@bp.post("/stats/assessment/<org_id>/grade")
def assessment_grade(org_id: str) -> ResponseReturnValue:
    form, year = request.form, _year()
    return form_change(
        lambda: assessment.record_grade(
            db_session(),
            g.actor,
            org_id=parse_uuid(org_id),
            year=year,
            grade=form.get("grade", ""),
            note=form.get("note", ""),
        ),  # fmt: skip
        done="已评定等次。",
        back=url_for("admin.assessment_sheet", org_id=org_id, year=year),
    )
