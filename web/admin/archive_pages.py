"""The console's archive pages: a member's archive fields, lists and participations (on the member
page), 组织关系转接 in and out with their letters and 回执, participants from elsewhere, and the
exchange with the national and provincial systems by column map."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import exports, member_import, members, transfers
from handlers.archive import birthdays, entries, exchange, participations
from handlers.archive import fields as archive_fields
from handlers.errors import DomainError, ValidationFailed
from handlers.policy import holds
from jobs.archive_import import KIND as ARCHIVE_KIND
from jobs.archive_import import import_archive_file
from jobs.uploads import ImportTracker
from models import MemberStatus
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid
from web.admin.member_pages import within_reveal_budget
from web.outcome import form_change
from web.transaction import note_refusal

MAX_UPLOAD_BYTES = 8 * 1024 * 1024


def _member_back(member_id: str) -> str:
    return url_for("admin.member_detail", member_id=member_id) + "#archive"


@bp.post("/members/<member_id>/archive")
def member_archive_edit(member_id: str) -> ResponseReturnValue:
    # Only the fields on the form: a sensitive field left blank keeps its value (it is never shown).
    raw = {
        f.name: request.form.get(f.name, "")
        for f in archive_fields.FIELDS
        if f.name in request.form and not (f.sensitive and not request.form.get(f.name))
    }
    for flag in ("is_mobile", "lost_contact"):
        if f"{flag}_shown" in request.form:
            raw[flag] = "是" if request.form.get(flag) else "否"
    return form_change(
        lambda: archive_fields.update(
            db_session(), g.actor, member_id=parse_uuid(member_id), raw=raw, reason=request.form.get("reason")
        ),
        done=lambda changed: f"已保存（{len(changed)} 项有变化）。" if changed else "没有变化。",
        back=_member_back(member_id),
    )


@bp.post("/members/<member_id>/entries")
def member_entry_add(member_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: entries.add_entry(
            db_session(),
            g.actor,
            member_id=parse_uuid(member_id),
            kind=form.get("kind", ""),
            title=form.get("title", ""),
            starts_on=form_date("starts_on"),
            ends_on=form_date("ends_on"),
            issuer=form.get("issuer"),
            note=form.get("note"),
        ),
        done="已记录。",
        back=_member_back(member_id),
    )


@bp.post("/members/<member_id>/entries/<entry_id>/remove")
def member_entry_remove(member_id: str, entry_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: entries.remove_entry(
            db_session(), g.actor, member_id=parse_uuid(member_id), entry_id=parse_uuid(entry_id)
        ),
        done="已删除该条记录（审计日志保留原内容）。",
        back=_member_back(member_id),
    )


@bp.post("/members/<member_id>/participations")
def member_participation_add(member_id: str) -> ResponseReturnValue:
    form = request.form

    def change():
        common = {
            "member_id": parse_uuid(member_id),
            "kind": form.get("kind", ""),
            "starts_on": form_date("starts_on"),
            "ends_on": form_date("ends_on"),
            "note": form.get("note"),
        }
        if form.get("direction") == "away":
            return participations.post_away(
                db_session(),
                g.actor,
                place=form.get("place", ""),
                certificate_number=form.get("certificate_number"),
                **common,
            )
        if not form.get("org_id"):
            raise ValidationFailed("请选择参加组织生活的支部。", field="org_id")
        return participations.take_part(db_session(), g.actor, org_id=parse_uuid(form["org_id"]), **common)

    return form_change(change, done="已登记。", back=_member_back(member_id))


@bp.post("/participations/<participation_id>/end")
def participation_end(participation_id: str) -> ResponseReturnValue:
    back = request.form.get("back") or url_for("admin.participation_list")
    return form_change(
        lambda: participations.end(
            db_session(), g.actor, participation_id=parse_uuid(participation_id), ends_on=form_date("ends_on")
        ),
        done="已结束。",
        back=back if back.startswith("/admin/") else url_for("admin.participation_list"),
    )


@bp.get("/participations")
def participation_list() -> ResponseReturnValue:
    listing = participations.list_participations(
        db_session(),
        g.actor,
        current_only=request.args.get("all") != "1",
        direction=request.args.get("direction") or None,
        page=request.args.get("page", 1, type=int),
    )
    hosts = [o for o in members.visible_orgs(db_session(), g.actor) if o.kind in ("branch", "group")]
    return render_template(
        "admin/participations.html",
        listing=listing,
        hosts=hosts,
        kinds=participations.KIND_LABELS,
        directions=participations.DIRECTION_LABELS,
        args=request.args,
        today=local_today(),
    )


@bp.post("/participations/visitors")
def participation_visitor() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: participations.register_visitor(
            db_session(),
            g.actor,
            wecom_userid=form.get("wecom_userid", ""),
            name=form.get("name", ""),
            org_id=parse_uuid(form.get("org_id", "")),
            record_org_name=form.get("record_org_name", ""),
            kind=form.get("kind", ""),
            status=form.get("status", ""),
            starts_on=form_date("starts_on"),
            ends_on=form_date("ends_on"),
            joined_on=form_date("joined_on"),
            note=form.get("note"),
        ),
        done="已登记。该党员将收到所在支部的会议通知、学习推送和提醒，计入到会情况，不计入支部党员人数。",
        back=url_for("admin.participation_list"),
    )


# -- transfers ---------------------------------------------------------------------------------------


@bp.get("/transfers")
def transfer_list() -> ResponseReturnValue:
    listing = transfers.list_transfers(
        db_session(),
        g.actor,
        kind=request.args.get("kind") or None,
        awaiting=request.args.get("awaiting") == "1",
        page=request.args.get("page", 1, type=int),
    )
    branches = [o for o in members.visible_orgs(db_session(), g.actor) if o.kind == "branch"]
    return render_template(
        "admin/transfers.html",
        listing=listing,
        branches=branches,
        today=local_today(),
        args=request.args,
        may_manage=holds(g.actor, "transfer.manage"),
    )


@bp.post("/transfers/inbound")
def transfer_inbound() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: transfers.register_inbound(
            db_session(),
            g.actor,
            wecom_userid=form.get("wecom_userid", ""),
            name=form.get("name", ""),
            to_branch_id=parse_uuid(form.get("to_branch_id", "")),
            issuing_org=form.get("issuing_org", ""),
            letter_number=form.get("letter_number", ""),
            letter_issued_on=form_date("letter_issued_on"),
            dues_paid_to=form.get("dues_paid_to", ""),
            status=form.get("status", MemberStatus.full.value),
            joined_on=form_date("joined_on"),
            full_on=form_date("full_on"),
            valid_until=form_date("valid_until"),
            reported_on=form_date("reported_on"),
        ),
        done="已登记转入。请在有效期内寄回回执并在此登记。",
        back=url_for("admin.transfer_list"),
    )


@bp.post("/transfers/<transfer_id>/receipt")
def transfer_receipt(transfer_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: transfers.record_receipt(
            db_session(), g.actor, transfer_id=parse_uuid(transfer_id), on=form_date("receipt_on")
        ),
        done="已登记回执。",
        back=url_for("admin.transfer_list"),
    )


@bp.get("/transfers/<transfer_id>/letter.docx")
def transfer_letter(transfer_id: str) -> ResponseReturnValue:
    content = transfers.letter_document(db_session(), g.actor, parse_uuid(transfer_id))
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": "attachment; filename=transfer-letter.docx"},
    )


# -- exchange with the national and provincial systems ----------------------------------------------


def _maps_dir() -> Path:
    return Path(current_app.instance_path) / "archive_maps"


def _target(name: str) -> exchange.ColumnMap:
    try:
        return exchange.column_map(name, _maps_dir())
    except ValidationFailed:
        abort(404)


@bp.get("/archive/exchange")
def archive_exchange() -> ResponseReturnValue:
    if not holds(g.actor, "archive.exchange"):
        abort(404)
    return _exchange_page()


def _since() -> object:
    from datetime import date

    raw = request.values.get("since", "")
    try:
        return date.fromisoformat(raw) if raw else local_today().replace(month=1, day=1)
    except ValueError:
        abort(400)


@bp.post("/archive/exchange/<target>/<what>.xlsx")
def archive_export(target: str, what: str) -> ResponseReturnValue:
    """An export in full, with its reason: counted against the hourly budget reveals share."""
    column_map = _target(target)
    if what not in ("members", "changes", "transfers"):
        abort(404)
    if not within_reveal_budget():
        abort(429)
    session, reason = db_session(), request.form.get("reason", "")
    try:
        if what == "members":
            content = exchange.export_members(session, g.actor, column_map, reason=reason)
        elif what == "changes":
            content = exchange.export_changes(session, g.actor, column_map, _since(), reason=reason)
        else:
            content = exchange.export_transfers(session, g.actor, column_map, _since(), reason=reason)
    except DomainError as refused:
        note_refusal(refused)
        flash(refused.message, "error")
        return redirect(url_for("admin.archive_exchange"))
    return Response(
        content,
        mimetype=exports.XLSX,
        headers={"Content-Disposition": f"attachment; filename={target}-{what}.xlsx"},
    )


#: Files with more rows than this are read in the background, with a progress page.
BACKGROUND_IMPORT_ROWS = 200


def _exchange_page(**context: object) -> str:
    return render_template(
        "admin/exchange.html",
        maps=exchange.column_maps(_maps_dir()),
        describe=exchange.describe,
        today=local_today(),
        **{"summary": None, "progress": None, "running": False, **context},
    )


@bp.post("/archive/exchange/<target>/import")
def archive_import(target: str) -> ResponseReturnValue:
    column_map = _target(target)
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        abort(413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的文件。", "error")
        return redirect(url_for("admin.archive_exchange"))
    dry_run = request.form.get("apply") != "1"
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    rows = (
        member_import.row_count(content)
        if not upload.filename.lower().endswith(".csv")
        else content.count(b"\n")
    )
    if rows > BACKGROUND_IMPORT_ROWS and holds(g.actor, "archive.exchange"):
        queues = current_app.extensions["dangjian.jobs"]
        facts = {
            "filename": upload.filename[-100:],
            "target": column_map.name,
            "dry_run": "1" if dry_run else "0",
            "maps_dir": str(_maps_dir()),
            "label": column_map.label,
        }
        tracker = ImportTracker.start(
            queues.redis, g.person.id, content, rows, kind=ARCHIVE_KIND, facts=facts
        )
        queues.enqueue(
            import_archive_file, tracker.token, str(g.person.id), job_id=f"archive-import-{tracker.token}"
        )
        return redirect(url_for("admin.archive_import_progress", token=tracker.token))
    try:
        report = exchange.import_members(
            db_session(), g.actor, upload.filename, content, column_map, dry_run=dry_run
        )
    except DomainError as refused:
        note_refusal(refused)
        flash(refused.message, "error")
        return redirect(url_for("admin.archive_exchange"))
    if not report.ok:
        db_session().rollback()  # nothing written until the file is clean
    page = _exchange_page(summary=report.summary(), label=column_map.label)
    return page, 200 if report.ok else 422


@bp.get("/archive/exchange/import/<token>")
def archive_import_progress(token: str) -> ResponseReturnValue:
    tracker = ImportTracker(current_app.extensions["dangjian.jobs"].redis, token, ARCHIVE_KIND)
    status = tracker.status(g.person.id)
    if status is None:
        abort(404)  # expired, or someone else's upload
    summary = json.loads(status["summary"]) if status.get("summary") else None
    running = status["state"] in ("queued", "check", "apply")
    return _exchange_page(summary=summary, progress=status, running=running, label=status.get("label", ""))


@bp.post("/orgs/<org_id>/political-birthday")
def org_political_birthday(org_id: str) -> ResponseReturnValue:
    on = request.form.get("on") == "1"
    return form_change(
        lambda: birthdays.set_cards(db_session(), g.actor, org_id=parse_uuid(org_id), on=on),
        done="已开启政治生日卡片。" if on else "已关闭本支部的政治生日卡片。",
        back=url_for("admin.org_detail", org_id=org_id),
    )
