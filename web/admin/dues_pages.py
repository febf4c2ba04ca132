"""党费台账 in the console: the branch's members with the last month paid and the months unpaid
since; tick a month paid for several members, or import the branch's book (or the finance
office's list). The months-unpaid warning reaches only the secretary (handlers/dues)."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import dues, exports, members, rules
from handlers.errors import DomainError, ValidationFailed
from handlers.policy import can, holds
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid
from web.transaction import note_refusal
from web.uploads import read_upload


def _require() -> None:
    if "dues" not in g.nav:
        abort(403)


def _org_id():  # noqa: ANN202 - uuid or None
    raw = request.values.get("org_id", "")
    return parse_uuid(raw) if raw else None


@bp.get("/dues")
def dues_index() -> ResponseReturnValue:
    _require()
    return _page()


def _page(error: str | None = None, problems: list | None = None) -> ResponseReturnValue:
    session = db_session()
    org_id = _org_id()
    listing = dues.book_for(session, g.actor, org_id, page=request.args.get("page", 1, type=int))
    this_month = local_today().replace(day=1)
    return render_template(
        "admin/dues.html",
        lines=listing.items,
        listing=listing,
        args={"org_id": str(org_id)} if org_id else {},
        orgs=[o for o in members.visible_orgs(session, g.actor) if o.kind == "branch"],
        org_id=str(org_id or ""),
        threshold=rules.value(session, "dues.unpaid_warning_months"),
        months=[dues.add_months(this_month, -n) for n in range(0, 7)],
        error=error,
        problems=problems or [],
        may_assess=holds(g.actor, "dues.assess"),
        # Who is behind is for the branch's own secretary and 组织委员 (the office sees counts).
        leads={
            o.id for o in members.visible_orgs(session, g.actor) if can(session, g.actor, "dues.names", obj=o)
        },
        ways=dues.WAYS,
    ), 422 if error else 200


@bp.post("/dues")
def dues_record() -> ResponseReturnValue:
    _require()
    form = request.form
    try:
        month = dues.parse_month(form.get("month", ""))
        if month is None:
            raise ValidationFailed("请选择月份。", field="month")
        count = dues.record(
            db_session(),
            g.actor,
            member_ids=[parse_uuid(v) for v in form.getlist("member_ids")],
            month=month,
            amount=form.get("amount", ""),
            paid_on=form_date("paid_on"),
            way=form.get("way", "现金"),
            paid_by=form.get("paid_by"),
        )
    except DomainError as refused:
        note_refusal(refused)
        return _page(refused.message)
    flash(f"已登记 {count} 人 {month:%Y年%m月}的党费。", "info")
    return redirect(url_for("admin.dues_index", org_id=form.get("org_id") or None))


@bp.post("/dues/import")
def dues_import() -> ResponseReturnValue:
    _require()
    filename, content = read_upload()
    try:
        count = dues.import_book(
            db_session(), g.actor, filename, content=content, paid_on=form_date("paid_on")
        )
    except dues.ImportRefused as refused:
        note_refusal(refused)
        return _page(refused.message, refused.problems)
    except DomainError as refused:
        note_refusal(refused)
        return _page(refused.message)
    flash(f"已导入 {count} 条党费记录（已有的月份不重复登记）。", "info")
    return redirect(url_for("admin.dues_index"))


@bp.get("/dues/template.csv")
def dues_template() -> ResponseReturnValue:
    _require()
    month = local_today().replace(day=1)
    body = exports.csv_text(dues.IMPORT_COLUMNS, [["zhangsan", f"{month:%Y-%m}", "15.00"]])
    return Response(
        body, mimetype=exports.CSV, headers={"Content-Disposition": "attachment; filename=dues.csv"}
    )
