"""任务督办 on the phone: the tasks a member does the steps of (named to them, or to the branch they
lead), each with what was asked, 收到, files added as the work goes, and 提交 with what counts as
done; the history of returns and reviews under it."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import attachments, tasks
from models import AttachmentOwner
from web import db_session, parse_uuid
from web.h5.frame import bp, member_pages
from web.outcome import form_change
from web.uploads import read_upload, send_stored_file

member_pages("h5.task")


@bp.get("/tasks")
def task_list() -> ResponseReturnValue:
    return render_template(
        "h5/tasks.html",
        rows=tasks.owed(db_session(), g.actor),
        labels=tasks.STATUS_LABELS,
        overdue=tasks.is_overdue,
    )


@bp.get("/tasks/<assignment_id>")
def task_page(assignment_id: str) -> ResponseReturnValue:
    session = db_session()
    row = tasks.for_viewer(session, g.actor, parse_uuid(assignment_id))
    return render_template(
        "h5/task.html",
        row=row,
        owes=tasks.owes(session, g.actor, row),
        task_files=tasks.task_files(session, row.task),
        submitted=tasks.submitted_files(session, row),
        linkables=tasks.linkables(session, row) if row.task.done_by in ("meeting", "campaign") else [],
        labels=tasks.STATUS_LABELS,
        done_by=tasks.DONE_BY_LABELS,
        overdue=tasks.is_overdue(row),
    )


def _back(assignment_id: str) -> str:
    return url_for("h5.task_page", assignment_id=assignment_id)


@bp.post("/tasks/<assignment_id>/ack")
def task_ack(assignment_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: tasks.acknowledge(db_session(), g.actor, parse_uuid(assignment_id)),
        done="已收到，请按时办理。",
        back=_back(assignment_id),
    )


@bp.post("/tasks/<assignment_id>/files")
def task_add_file(assignment_id: str) -> ResponseReturnValue:
    name, content = read_upload()
    return form_change(
        lambda: tasks.add_file(
            db_session(), g.actor, assignment_id=parse_uuid(assignment_id), filename=name, content=content
        ),
        done="附件已添加。",
        back=_back(assignment_id),
    )


@bp.post("/tasks/<assignment_id>/submit")
def task_submit(assignment_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: tasks.submit(
            db_session(),
            g.actor,
            assignment_id=parse_uuid(assignment_id),
            report=form.get("report", ""),
            number=form.get("number"),
            linked_id=form.get("linked_id"),
        ),
        done=lambda row: "已完成。" if row.status == "accepted" else "已提交，等待审核。",
        back=_back(assignment_id),
    )


@bp.get("/tasks/<assignment_id>/files/<attachment_id>")
def task_file(assignment_id: str, attachment_id: str) -> ResponseReturnValue:
    session = db_session()
    row = tasks.for_viewer(session, g.actor, parse_uuid(assignment_id))
    owner = (
        (AttachmentOwner.task, row.task_id)
        if request.args.get("of") == "task"
        else (AttachmentOwner.task_assignment, row.id)
    )
    return send_stored_file(attachments.one_of(session, *owner, attachment_id=attachment_id))
