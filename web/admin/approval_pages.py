"""Approvals in the console: the committee office's full list (filters, overdue, export),
one request with its history, and deciding the office's own step."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import approvals, audit, exports
from handlers.approval_kinds import KINDS, kind_of
from handlers.errors import ValidationFailed
from models.base import local_text
from web import db_session
from web.admin.frame import bp, scope_org_id
from web.forms import approval_decision
from web.outcome import form_change

EXPORT_ROWS = 10_000


def _filters() -> dict[str, Any]:
    args = request.args
    return {
        "kind": args.get("kind") or None,
        "status": args.get("status") or None,
        "org_id": scope_org_id(args.get("org")),
        "overdue_only": args.get("overdue") == "1",
    }


def _require_view() -> None:
    if "approvals" not in g.nav:
        abort(403)


@bp.get("/approvals")
def approval_index() -> ResponseReturnValue:
    _require_view()
    try:
        listing = approvals.page_of(
            db_session(), g.actor, page=request.args.get("page", 1, type=int), **_filters()
        )
    except ValidationFailed:
        abort(400)
    return render_template(
        "admin/approvals.html",
        listing=listing,
        kinds=KINDS,
        states=approvals.STATUS_LABELS,
        step_of=approvals.current_step_name,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/approvals/export")
def approval_export() -> ResponseReturnValue:
    _require_view()
    try:
        listing = approvals.page_of(db_session(), g.actor, page=1, per_page=EXPORT_ROWS, **_filters())
    except ValidationFailed:
        abort(400)
    rows = [
        [
            kind_of(r.kind).label,
            r.title,
            r.applicant.name,
            r.org.name,
            approvals.STATUS_LABELS[r.status],
            approvals.current_step_name(r),
            _local(r.submitted_at),
            _local(r.closed_at),
        ]
        for r in listing.items
    ]
    audit.record(
        db_session(),
        g.actor,
        "approval.export",
        detail={"rows": len(listing.items), **{k: str(v) for k, v in _filters().items() if v}},
    )
    columns = ["类型", "事项", "申请人", "党组织", "状态", "当前步骤", "提交时间", "办结时间"]
    return Response(
        exports.workbook("审批", columns, rows),
        mimetype=exports.XLSX,
        headers={"Content-Disposition": "attachment; filename=approvals.xlsx"},
    )


def _local(moment: Any) -> str:
    return local_text(moment)


@bp.get("/approvals/<request_id>")
def approval_detail(request_id: str) -> ResponseReturnValue:
    return render_template("admin/approval.html", **approvals.page_facts(db_session(), g.actor, request_id))


@bp.post("/approvals/<request_id>/decide")
def approval_decide(request_id: str) -> ResponseReturnValue:
    decide, done = approval_decision(request.form)
    return form_change(decide, done=done, back=url_for("admin.approval_detail", request_id=request_id))
