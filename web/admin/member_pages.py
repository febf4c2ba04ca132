"""The console's home and member pages: list, detail, reveal, edit, transfer, import and export."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import archive, console_home, exports, member_import, members, people, transfers
from handlers.errors import DomainError, ValidationFailed
from handlers.policy import can, holds
from jobs.member_import import import_members_file
from jobs.uploads import ImportTracker
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid, scope_org_id, scoped
from web.outcome import form_change
from web.transaction import note_refusal

#: Revealing sensitive fields is for a case at hand, not for browsing: at most this many an hour.
REVEALS_PER_HOUR = 30
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXPORT_ROWS = 10_000
#: Files with more rows than this are imported in the background, with a progress page.
BACKGROUND_IMPORT_ROWS = 200


@bp.get("/")
def index() -> ResponseReturnValue:
    visible = scoped(members.visible_orgs(db_session(), g.actor))
    return render_template(
        "admin/index.html",
        orgs=visible,
        tree=console_home.org_tree(visible),
        figures=console_home.figures(db_session(), g.actor, scope=g.scope, today=local_today()),
    )


def _filters() -> dict[str, Any]:
    """The member list's filters, shared by the list and its export."""
    args = request.args
    return {
        "query": args.get("q", ""),
        "org_id": scope_org_id(args.get("org")),
        "status": args.get("status") or None,
        "department_id": parse_uuid(args["department"]) if args.get("department") else None,
        "campus_id": parse_uuid(args["campus"]) if args.get("campus") else None,
        "shift_group": args.get("shift") or None,
    }


@bp.get("/members")
def member_list() -> ResponseReturnValue:
    listing = members.list_members(
        db_session(), g.actor, **_filters(), page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "admin/members.html",
        listing=listing,
        orgs=scoped(members.visible_orgs(db_session(), g.actor)),
        masked={m.id: members.masked_identity(m.person) for m in listing.items},
        choices=members.filter_choices(db_session(), g.actor),
        may_export_in_full=holds(g.actor, "member.export"),
        args=request.args,
    )


@bp.get("/members/<member_id>")
def member_detail(member_id: str) -> ResponseReturnValue:
    return _member_page(members.get_member(db_session(), g.actor, parse_uuid(member_id)))


@bp.post("/members/<member_id>/reveal")
def member_reveal(member_id: str) -> ResponseReturnValue:
    member = members.get_member(db_session(), g.actor, parse_uuid(member_id))
    if not within_reveal_budget():
        abort(429)
    field = request.form.get("field", "")
    try:
        value = people.reveal_sensitive(
            db_session(),
            g.actor,
            person_id=member.person_id,
            field=field,
            reason=request.form.get("reason", ""),
        )
    except DomainError as refused:
        note_refusal(refused)
        flash(refused.message, "error")
        return redirect(url_for("admin.member_detail", member_id=member.id))
    return _member_page(member, revealed={field: value or "（未填写）"})


def _member_page(member: Any, revealed: dict[str, str] | None = None) -> ResponseReturnValue:
    session = db_session()
    visible = members.visible_orgs(session, g.actor)
    return render_template(
        "admin/member.html",
        member=member,
        masked=members.masked_identity(member.person),
        revealed=revealed or {},
        fields=people.REVEALABLE,
        transfers=transfers.history(session, member),
        branches=[o for o in visible if o.kind == "branch"],
        hosts=[o for o in visible if o.kind in ("branch", "group")],
        can_edit=can(session, g.actor, "member.edit", obj=member) and member.left_at is None,
        today=local_today(),
        archive=archive.fields.shown(member, revealed=revealed),
        archive_fields=archive.fields.FIELDS,
        archive_values=archive.fields.current_values(member),
        archive_history=archive.fields.history(session, member, limit=30),
        history_text=archive.fields.history_text,
        entries=archive.entries.entries_for(session, g.actor, member),
        posts_held=archive.entries.posts_held(session, member),
        entry_kinds=archive.entries.KIND_LABELS,
        participations=archive.participations.of_member(session, member),
        participation_kinds=archive.participations.KIND_LABELS,
    )


def within_reveal_budget() -> bool:
    """Revealing, and exporting in full, counts against one hourly budget per person."""
    redis = current_app.extensions["dangjian.jobs"].redis
    key = f"dj:console:reveals:{g.actor.id}"
    count = redis.incr(key)
    if count == 1:
        redis.expire(key, 3600)
    return count <= REVEALS_PER_HOUR


@bp.post("/members/<member_id>/edit")
def member_edit(member_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: transfers.update_record(
            db_session(),
            g.actor,
            member_id=parse_uuid(member_id),
            shift_group=request.form.get("shift_group"),
            joined_on=form_date("joined_on"),
        ),  # fmt: skip
        done="已保存。",
        back=url_for("admin.member_detail", member_id=member_id),
    )


@bp.post("/members/<member_id>/transfer")
def member_transfer(member_id: str) -> ResponseReturnValue:
    form = request.form
    outbound = form.get("kind") == "outbound"

    def change() -> Any:
        common = {
            "member_id": parse_uuid(member_id),
            "reason": form.get("reason", ""),
            "effective_on": form_date("effective_on") or local_today(),
        }
        if outbound:
            return transfers.transfer_out(
                db_session(), g.actor, destination=form.get("destination", ""),
                letter_number=form.get("letter_number"), dues_paid_to=form.get("dues_paid_to"), **common,
            )  # fmt: skip
        if not form.get("to_branch_id"):
            raise ValidationFailed("请选择接收支部。", field="to_branch_id")
        target = parse_uuid(form["to_branch_id"])
        return transfers.transfer_within(db_session(), g.actor, to_branch_id=target, **common)

    return form_change(
        change,
        done="已办理组织关系转出，记录保留。" if outbound else "已转入新支部。",
        back=url_for("admin.member_detail", member_id=member_id),
    )


# -- import and export ------------------------------------------------------------------------------


@bp.get("/members/import")
def member_import_form() -> ResponseReturnValue:
    return render_template("admin/import.html", report=None)


@bp.get("/members/import/template")
def member_import_template() -> ResponseReturnValue:
    return Response(
        member_import.template(),
        mimetype=exports.XLSX,
        headers={"Content-Disposition": "attachment; filename=member-import-template.xlsx"},
    )


@bp.post("/members/import")
def member_import_upload() -> ResponseReturnValue:
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        abort(413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的 Excel 文件。", "error")
        return redirect(url_for("admin.member_import_form"))
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    rows = member_import.row_count(content)
    if rows > BACKGROUND_IMPORT_ROWS and holds(g.actor, "member.edit"):
        queues = current_app.extensions["dangjian.jobs"]
        tracker = ImportTracker.start(queues.redis, g.person.id, content, rows)
        queues.enqueue(
            import_members_file, tracker.token, str(g.person.id), job_id=f"member-import-{tracker.token}"
        )
        return redirect(url_for("admin.member_import_progress", token=tracker.token))
    report = member_import.import_members(db_session(), g.actor, content)
    if not report.ok:
        db_session().rollback()  # all or nothing
    return render_template("admin/import.html", report=report), 200 if report.ok else 422


@bp.get("/members/import/<token>")
def member_import_progress(token: str) -> ResponseReturnValue:
    status = ImportTracker(current_app.extensions["dangjian.jobs"].redis, token).status(g.person.id)
    if status is None:
        abort(404)  # expired, or someone else's upload
    report = None
    if status["state"] in ("imported", "rejected"):
        report = member_import.ImportReport(
            rows=status["total"],
            imported=status["done"] if status["state"] == "imported" else 0,
            problems=[tuple(p) for p in status["problems"]],
        )
    running = status["state"] in ("queued", "check", "apply")
    return render_template("admin/import.html", report=report, progress=status, running=running)


@bp.get("/members/export")
def member_export() -> ResponseReturnValue:
    """The list as a workbook, sensitive columns masked."""
    listing = members.list_members(db_session(), g.actor, **_filters(), per_page=EXPORT_ROWS)
    content = member_import.export_members(db_session(), g.actor, listing.items)
    return _workbook(content)


@bp.post("/members/export")
def member_export_in_full() -> ResponseReturnValue:
    """The list with sensitive columns in full where the role allows: a reason, audited, and
    counted against the hourly reveal budget."""
    if not within_reveal_budget():
        abort(429)
    listing = members.list_members(db_session(), g.actor, **_filters(), per_page=EXPORT_ROWS)
    try:
        content = member_import.export_members(
            db_session(), g.actor, listing.items, reveal_reason=request.form.get("reason", "")
        )
    except DomainError as refused:
        note_refusal(refused)
        flash(refused.message, "error")
        return redirect(url_for("admin.member_list", **request.args))
    return _workbook(content)


def _workbook(content: bytes) -> Response:
    return Response(
        content, mimetype=exports.XLSX, headers={"Content-Disposition": "attachment; filename=members.xlsx"}
    )
