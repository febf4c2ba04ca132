"""党建+业务 in the console (数据中心 › 党建+业务): the office's department measures (configured here,
not in code), the monthly workbook import refused row by row, the 党员先锋岗 / 示范岗, one
department's measures beside its branches' attendance month by month, and a measure against
attendance across the branches as a plain scatter with its correlation."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import exports
from handlers.errors import DomainError
from handlers.policy import holds
from handlers.stats import business
from models import VANGUARD_KINDS
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid
from web.charts import scatter
from web.outcome import form_change
from web.transaction import note_refusal
from web.uploads import read_upload


def _page(error: str | None = None, problems: list | None = None) -> ResponseReturnValue:
    if not holds(g.actor, "stats.view"):
        abort(404)
    session, args = db_session(), request.args
    year = args.get("year", type=int) or local_today().year
    departments = business.departments(session)
    measures = business.measures(session)
    shown = (
        business.department_year(session, g.actor, parse_uuid(args["department_id"]), year)
        if args.get("department_id")
        else None
    )
    compared = (
        business.correlation(session, g.actor, parse_uuid(args["measure_id"]), year)
        if args.get("measure_id")
        else None
    )
    return render_template(
        "admin/business.html",
        year=year,
        departments=departments,
        measures=measures,
        shown=shown,
        compared=compared,
        chart=scatter(compared.points, x_name="参会率（%）", y_name=compared.measure.name)
        if compared and compared.points
        else None,
        manage=holds(g.actor, "business.manage"),
        kinds=VANGUARD_KINDS,
        columns=business.IMPORT_COLUMNS,
        error=error,
        problems=problems or [],
    )


@bp.get("/stats/business")
def business_page() -> ResponseReturnValue:
    return _page()


@bp.post("/stats/business/measures")
def business_measure() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: business.define_measure(
            db_session(),
            g.actor,
            name=form.get("name", ""),
            unit=form.get("unit", ""),
            higher_is_better=form.get("direction") != "lower",
        ),  # fmt: skip
        done=lambda m: f"已添加指标“{m.name}”。",
        back=url_for("admin.business_page"),
    )


@bp.post("/stats/business/import")
def business_import() -> ResponseReturnValue:
    filename, content = read_upload()
    try:
        count = business.import_measures(db_session(), g.actor, filename, content)
    except business.ImportRefused as refused:
        note_refusal(refused)
        return _page(refused.message, refused.problems)
    except DomainError as refused:
        note_refusal(refused)
        return _page(refused.message)
    flash(f"已导入 {count} 条科室业务指标。", "info")
    return redirect(url_for("admin.business_page"))


@bp.get("/stats/business/template.csv")
def business_template() -> ResponseReturnValue:
    if not holds(g.actor, "business.manage"):
        abort(404)
    month = local_today().replace(day=1)
    body = exports.csv_text(business.IMPORT_COLUMNS, [["心血管内科", f"{month:%Y-%m}", "患者满意度", "96.5"]])
    return Response(
        body, mimetype=exports.CSV, headers={"Content-Disposition": "attachment; filename=measures.csv"}
    )


@bp.post("/stats/business/vanguards")
def business_vanguard() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: business.record_vanguard(
            db_session(),
            g.actor,
            department_id=parse_uuid(form.get("department_id", "")),
            kind=form.get("kind", ""),
            title=form.get("title", ""),
            since=form_date("since"),
        ),  # fmt: skip
        done="已记录。",
        back=url_for("admin.business_page"),
    )
