"""The audit trail, for the auditor: search, chain verification, export."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import audit, audit_log, exports
from handlers.errors import ValidationFailed
from models.base import CHINA, local_text
from web import db_session
from web.admin.frame import bp

EXPORT_LIMIT = 10_000


def _audit_filters() -> dict[str, Any]:
    def day(name: str, plus: int = 0) -> datetime | None:
        value = request.args.get(name, "")
        try:
            return (
                datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=CHINA) + timedelta(days=plus)
                if value
                else None
            )
        except ValueError:
            raise ValidationFailed("日期格式应为 2026-01-31。", field=name) from None

    named = request.args.get("object", "").strip()
    return {
        "actor_label": request.args.get("actor", ""),
        "action": request.args.get("action", ""),
        "object_ids": audit_log.objects_named(db_session(), named) if named else None,
        "object_id": request.args.get("object_id", ""),
        "since": day("since"),
        "until": day("until", plus=1),
    }


@bp.get("/audit")
def audit_list() -> ResponseReturnValue:
    listing = audit.search(
        db_session(), g.actor, **_audit_filters(), page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "admin/audit.html",
        listing=listing,
        lines=audit_log.read(db_session(), listing.items),
        actions=audit_log.action_choices(),
        link_of=object_link,
        args=request.args,
    )


#: Where an object's name leads in the console, and the menu that says the reader may go there.
OBJECT_PAGES = {
    "party_org": ("admin.org_detail", "org_id", "orgs"),
    "meeting": ("admin.meeting_detail", "meeting_id", "meetings"),
    "approval": ("admin.approval_detail", "request_id", "approvals"),
    "lesson": ("admin.lesson_edit", "lesson_id", "learning"),
    "campaign": ("admin.campaign_page", "campaign_id", "learning"),
    "member": ("admin.member_detail", "member_id", "members"),
    "venue": ("admin.venue_page", "venue_id", "venues"),
}


def object_link(line: audit_log.AuditLine) -> str | None:
    """The object's own page when the reader's console has it; else — the auditor, who by the
    三员 separation manages nothing — everything the trail holds about that object."""
    event = line.event
    if line.link is not None:
        endpoint, argument, menu = OBJECT_PAGES[line.link[0]]
        if menu in g.nav:
            return url_for(endpoint, **{argument: line.link[1]})
    if event.object_id and line.object_name and line.object_name != "（已删除）":
        return url_for("admin.audit_list", object_id=event.object_id)
    return None


@bp.post("/audit/verify")
def audit_verify() -> ResponseReturnValue:
    audit.search(db_session(), g.actor, per_page=1)  # the same permission as reading
    report = audit.verify_chain(db_session(), audit.read_anchors(current_app.config["AUDIT_ANCHOR_FILE"]))
    audit.record(db_session(), g.actor, "audit.verify", result="ok" if report.ok else "broken",
                 detail={"checked": report.checked, "broken_at": report.broken_at})  # fmt: skip
    if report.ok:
        flash(f"审计链校验通过：共 {report.checked} 条记录，未发现篡改。", "info")
    else:
        flash(
            f"审计链在第 {report.broken_at} 条记录处断裂（{report.reason}），请立即报告安全管理员。", "error"
        )
    return redirect(url_for("admin.audit_list"))


@bp.get("/audit/export")
def audit_export() -> ResponseReturnValue:
    filters = _audit_filters()
    listing = audit.search(db_session(), g.actor, **filters, per_page=EXPORT_LIMIT)
    audit.record(db_session(), g.actor, "audit.export", detail={"rows": len(listing.items)})
    columns = ["序号", "时间", "操作人", "来源IP", "操作", "对象类型", "对象", "结果", "详情", "操作代码"]
    rows = []
    for line in audit_log.read(db_session(), listing.items):
        e = line.event
        when = local_text(e.occurred_at, "%Y-%m-%d %H:%M:%S")
        details = "；".join(f"{key}：{value}" for key, value in line.details)
        rows.append(
            [e.id, when, e.actor_label or "", e.source_ip or "", line.action, line.object_kind,
             line.object_name, line.result, details, e.action]
        )  # fmt: skip
    return Response(
        exports.csv_text(columns, rows),
        mimetype=exports.CSV,
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )
