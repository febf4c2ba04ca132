"""党费核定 in the console (the office, each January): import the bases from HR or finance, see
each member's amount beside last year's, adjust one with a reason, confirm the year."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import dues, exports, rules
from handlers.errors import DomainError
from handlers.policy import holds
from models.base import local_today
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.outcome import form_change
from web.transaction import note_refusal
from web.uploads import read_upload


def _year() -> int:
    year = request.values.get("year", type=int) or local_today().year
    if not 2000 <= year <= local_today().year + 1:
        abort(404)
    return year


def _page(year: int, error: str | None = None, problems: list | None = None) -> ResponseReturnValue:
    if not holds(g.actor, "dues.assess"):
        abort(404)
    session = db_session()
    lines = dues.assessments_for(session, g.actor, year=year)
    return render_template(
        "admin/dues_assessments.html",
        year=year,
        lines=lines,
        unassessed=dues.unassessed(session, g.actor, year=year),
        drafts=sum(1 for line in lines if line.row.confirmed_at is None),
        category_words={c.value: words for c, words in dues.CATEGORY_LABELS.items()},
        components=rules.value(session, "dues.base_components"),
        cap=rules.value(session, "dues.monthly_cap"),
        error=error,
        problems=problems,
    ), 422 if error else 200


@bp.get("/dues/assessments")
def dues_assessments() -> ResponseReturnValue:
    return _page(_year())


@bp.post("/dues/assessments/import")
def dues_bases_import() -> ResponseReturnValue:
    year = _year()
    filename, content = read_upload()
    try:
        count = dues.import_bases(db_session(), g.actor, filename, content, year=year)
    except dues.ImportRefused as refused:
        note_refusal(refused)
        return _page(year, refused.message, refused.problems)
    except DomainError as refused:
        note_refusal(refused)
        return _page(year, refused.message)
    flash(f"已导入 {count} 名党员的计算基数，请核对后确认。", "info")
    return redirect(url_for("admin.dues_assessments", year=year))


@bp.post("/dues/assessments/<assessment_id>/adjust")
def dues_assessment_adjust(assessment_id: str) -> ResponseReturnValue:
    year = _year()
    return form_change(
        lambda: dues.adjust(
            db_session(),
            g.actor,
            assessment_id=parse_uuid(assessment_id),
            amount=request.form.get("amount", ""),
            reason=request.form.get("reason", ""),
        ),
        done="已调整。",
        back=url_for("admin.dues_assessments", year=year),
    )


@bp.post("/dues/assessments/confirm")
def dues_assessments_confirm() -> ResponseReturnValue:
    year = _year()
    return form_change(
        lambda: dues.confirm_year(db_session(), g.actor, year=year),
        done=lambda n: f"已确认 {n} 名党员的 {year} 年党费，当年按此收缴。",
        back=url_for("admin.dues_assessments", year=year),
    )


@bp.get("/dues/assessments/template.csv")
def dues_bases_template() -> ResponseReturnValue:
    if not holds(g.actor, "dues.assess"):
        abort(404)
    rows = dues.template_rows(db_session(), g.actor, year=_year())
    body = exports.csv_text(dues.BASE_COLUMNS, rows)
    return Response(
        body, mimetype=exports.CSV, headers={"Content-Disposition": "attachment; filename=dues-bases.csv"}
    )
