"""Rosters and reminders in the console: upload a roster (row-by-row report, all or nothing),
see what is scheduled, sent, cancelled or failed and why, and pause a category."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import exports, reminders, rosters
from handlers.errors import DomainError, ValidationFailed
from handlers.policy import holds
from handlers.tables import RowProblem
from jobs import roster_import
from jobs.uploads import ImportTracker
from web import db_session
from web.admin.frame import bp, form_date
from web.outcome import form_change
from web.transaction import note_refusal

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _require(page: str) -> None:
    if page not in g.nav:
        abort(403)


def _roster_page(
    report: rosters.RosterReport | None = None,
    error: str | None = None,
    status: int = 200,
    **background: object,
) -> ResponseReturnValue:
    """The rosters page; `background`: a long upload's progress and whether it is still running."""
    return render_template(
        "admin/rosters.html",
        codes=rosters.shift_codes(db_session()),
        imports=rosters.recent_imports(db_session()),
        report=report,
        error=error,
        **background,
    ), status


@bp.get("/rosters")
def roster_index() -> ResponseReturnValue:
    _require("rosters")
    return _roster_page()


@bp.get("/rosters/template.xlsx")
def roster_template() -> ResponseReturnValue:
    _require("rosters")
    return Response(
        rosters.template(),
        mimetype=exports.XLSX,
        headers={"Content-Disposition": "attachment; filename=roster.xlsx"},
    )


@bp.post("/rosters")
def roster_upload() -> ResponseReturnValue:
    _require("rosters")
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        abort(413)
    upload = request.files.get("file")
    try:
        start, end = form_date("period_start"), form_date("period_end")
        if start is None or end is None:
            raise ValidationFailed("请填写排班周期。", field="period_start")
        if upload is None or not upload.filename:
            raise ValidationFailed("请选择排班文件。", field="file")
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        rows = rosters.read_file(upload.filename, content)
        if len(rows) > BACKGROUND_ROSTER_ROWS and holds(g.actor, "roster.manage"):
            return _import_in_background(upload.filename, content, len(rows), start, end)
        report = rosters.import_roster(
            db_session(), g.actor, rows, period_start=start, period_end=end, source="upload"
        )
    except DomainError as refused:
        note_refusal(refused)
        return _roster_page(error=refused.message, status=refused.status)
    if report.errors:
        db_session().rollback()
        return _roster_page(report, status=422)
    return _roster_page(report)


#: A roster longer than this is checked and imported by a job (jobs/roster_import.py), the page
#: following its progress: a hospital's whole month can run to tens of thousands of shifts.
BACKGROUND_ROSTER_ROWS = 2000


def _import_in_background(
    filename: str, content: bytes, rows: int, start: date, end: date
) -> ResponseReturnValue:
    queues = current_app.extensions["dangjian.jobs"]
    facts = {"filename": filename, "period_start": start.isoformat(), "period_end": end.isoformat()}
    tracker = ImportTracker.start(
        queues.redis, g.person.id, content, rows, kind=roster_import.KIND, facts=facts
    )
    queues.enqueue(
        roster_import.import_roster_file,
        tracker.token,
        str(g.person.id),
        job_id=f"roster-import-{tracker.token}",
    )
    return redirect(url_for("admin.roster_import_progress", token=tracker.token))


@bp.get("/rosters/import/<token>")
def roster_import_progress(token: str) -> ResponseReturnValue:
    _require("rosters")
    tracker = ImportTracker(current_app.extensions["dangjian.jobs"].redis, token, roster_import.KIND)
    status = tracker.status(g.person.id)
    if status is None:
        abort(404)  # expired, or someone else's upload
    report = None
    if status["state"] in ("imported", "rejected"):
        report = rosters.RosterReport(
            errors=[RowProblem(line, message) for line, message in status["problems"]],
            members=int(status.get("members", 0)),
            shifts=int(status.get("shifts", 0)),
            replanned=int(status.get("replanned", 0)),
        )
    running = status["state"] in ("queued", "check")
    return _roster_page(report, status.get("message"), progress=status, running=running)


@bp.post("/rosters/codes")
def roster_code_save() -> ResponseReturnValue:
    _require("rosters")
    form = request.form
    return form_change(
        lambda: rosters.save_shift_code(
            db_session(),
            g.actor,
            code=form.get("code", ""),
            label=form.get("label", ""),
            kind=form.get("kind", ""),
            starts=form.get("starts", ""),
            ends=form.get("ends", ""),
        ),
        done=lambda row: f"已保存班次“{row.code} {row.label}”。",
        back=url_for("admin.roster_index"),
    )


@bp.get("/reminders")
def reminder_index() -> ResponseReturnValue:
    _require("reminders")
    status = request.args.get("status") or None
    category = request.args.get("category") or None
    try:
        listing = reminders.page_of(
            db_session(), status=status, category=category, page=request.args.get("page", 1, type=int)
        )
    except ValidationFailed:
        abort(400)
    return render_template(
        "admin/reminders.html",
        listing=listing,
        counts=reminders.counts(db_session()),
        paused=reminders.paused(db_session()),
        categories=reminders.CATEGORY_LABELS,
        statuses=reminders.STATUS_LABELS,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.post("/reminders/pause")
def reminder_pause() -> ResponseReturnValue:
    _require("reminders")
    category = request.form.get("category", "")
    pause = request.form.get("action") == "pause"
    return form_change(
        lambda: reminders.set_paused(db_session(), g.actor, category, pause=pause),
        done=f"已{'暂停' if pause else '恢复'}“{reminders.CATEGORY_LABELS.get(category, category)}”提醒。",
        back=url_for("admin.reminder_index"),
    )
