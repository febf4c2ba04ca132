"""任务督办 in the console: the desk sends a task (to branches or named people, with files), follows
how many recipients stand at each step, reviews each submission (accept, or return for 整改 with a
reason and a new deadline) and escalates an overdue one once; the monthly 组织生活 report is
started here; a branch's leaders keep its annual work plan."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import attachments, tasks
from handlers.policy import holds
from models import AttachmentOwner
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid
from web.outcome import form_change
from web.uploads import read_uploads, send_stored_file


@bp.get("/tasks")
def task_list() -> ResponseReturnValue:
    if not holds(g.actor, "task.send"):
        abort(404)
    session = db_session()
    return render_template(
        "admin/tasks.html",
        rows=tasks.sent(session, g.actor),
        branches=tasks.branches_to_send_to(session, g.actor),
        led=tasks.led_branches(session, g.actor),
        done_by=tasks.DONE_BY_LABELS,
    )


@bp.post("/tasks")
def task_send() -> ResponseReturnValue:
    form = request.form
    session = db_session()
    return form_change(
        lambda: tasks.send(
            session,
            g.actor,
            title=form.get("title", ""),
            body=form.get("body", ""),
            why=form.get("why", ""),
            done_by=form.get("done_by", ""),
            deadline=form_date("deadline"),
            org_ids=[parse_uuid(v) for v in form.getlist("org_ids") if v],
            person_ids=tasks.people_named(session, form.get("people", "")),
            files=read_uploads(),
        ),
        done=lambda t: f"任务已发出，共 {len(t.assignments)} 个接收方。",
        back=url_for("admin.task_list"),
        then=lambda t: url_for("admin.task_detail", task_id=t.id),
    )


@bp.post("/tasks/monthly")
def task_monthly_start() -> ResponseReturnValue:
    return form_change(
        lambda: tasks.start_monthly_reports(
            db_session(), g.actor, org_ids=[parse_uuid(v) for v in request.form.getlist("org_ids") if v]
        ),
        done="已开始组织生活月报：上月的月报已发出，以后每月 1 日自动发出。",
        back=url_for("admin.task_list"),
        then=lambda t: url_for("admin.task_detail", task_id=t.id),
    )


@bp.get("/tasks/<task_id>")
def task_detail(task_id: str) -> ResponseReturnValue:
    session = db_session()
    task = tasks.detail(session, g.actor, parse_uuid(task_id))
    rows = tasks.assignments_of(session, task)
    return render_template(
        "admin/task.html",
        task=task,
        rows=rows,
        figures=tasks.progress(session, g.actor, task.id),
        files=tasks.task_files(session, task),
        submitted={r.id: tasks.submitted_files(session, r) for r in rows},
        at_desk=tasks.at_desk(session, g.actor, task),
        labels=tasks.STATUS_LABELS,
        done_by=tasks.DONE_BY_LABELS,
        overdue=tasks.is_overdue,
    )


@bp.post("/tasks/<task_id>/end")
def task_monthly_stop(task_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: tasks.stop_monthly_reports(db_session(), g.actor, task_id=parse_uuid(task_id)),
        done="已停止：以后不再自动发出月报。",
        back=url_for("admin.task_detail", task_id=task_id),
    )


@bp.post("/tasks/assignments/<assignment_id>/review")
def task_review(assignment_id: str) -> ResponseReturnValue:
    form = request.form
    row = tasks.for_desk(db_session(), g.actor, parse_uuid(assignment_id))
    accept = form.get("decision") == "accept"
    return form_change(
        lambda: tasks.review(
            db_session(),
            g.actor,
            assignment_id=row.id,
            accept=accept,
            reason=form.get("reason", ""),
            new_deadline=None if accept else form_date("new_deadline"),
        ),
        done="已通过。" if accept else "已退回整改，并通知办理人。",
        back=url_for("admin.task_detail", task_id=row.task_id),
    )


@bp.post("/tasks/assignments/<assignment_id>/escalate")
def task_escalate(assignment_id: str) -> ResponseReturnValue:
    row = tasks.for_desk(db_session(), g.actor, parse_uuid(assignment_id))
    return form_change(
        lambda: tasks.escalate(db_session(), g.actor, assignment_id=row.id),
        done=lambda r: f"已督办：已通知{r.escalated_to}。",
        back=url_for("admin.task_detail", task_id=row.task_id),
    )


@bp.get("/tasks/assignments/<assignment_id>/files/<attachment_id>")
def task_submitted_file(assignment_id: str, attachment_id: str) -> ResponseReturnValue:
    session = db_session()
    row = tasks.for_desk(session, g.actor, parse_uuid(assignment_id))
    owner = (
        (AttachmentOwner.task, row.task_id)
        if request.args.get("of") == "task"
        else (AttachmentOwner.task_assignment, row.id)
    )
    return send_stored_file(attachments.one_of(session, *owner, attachment_id=attachment_id))


@bp.get("/tasks/plan/<org_id>")
def task_plan(org_id: str) -> ResponseReturnValue:
    year = request.args.get("year", type=int) or local_today().year
    org, branch_year = tasks.plan_of(db_session(), g.actor, parse_uuid(org_id), year)
    return render_template(
        "admin/task_plan.html",
        org=org,
        year=year,
        branch_year=branch_year,
        leads=org in tasks.led_branches(db_session(), g.actor),
        labels=tasks.STATUS_LABELS,
        done_by=tasks.DONE_BY_LABELS,
    )


@bp.post("/tasks/plan/<org_id>")
def task_plan_add(org_id: str) -> ResponseReturnValue:
    form = request.form
    year = form.get("year", type=int) or local_today().year
    return form_change(
        lambda: tasks.add_plan_item(
            db_session(),
            g.actor,
            org_id=parse_uuid(org_id),
            year=year,
            title=form.get("title", ""),
            body=form.get("body", ""),
            done_by=form.get("done_by", "report"),
            deadline=form_date("deadline"),
        ),
        done="已列入年度工作计划。",
        back=url_for("admin.task_plan", org_id=org_id, year=year),
    )
