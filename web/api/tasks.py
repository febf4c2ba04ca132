"""/api/v1/tasks: the tasks a token's desk sent or follows, with how many recipients stand at each
step; one task with each recipient's step, deadline and dates (never their report's text: that
stays with the desk in the console)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.typing import ResponseReturnValue

from handlers import tasks
from models import AssignmentStatus
from web import db_session
from web.api.frame import bp, listing_response, page_args, parse_uuid


def _summary(figures: tasks.TaskFigures) -> dict[str, Any]:
    task = figures.task
    return {
        "id": str(task.id),
        "kind": task.kind.value,
        "title": task.title,
        "deadline": task.deadline.isoformat(),
        "done_by": task.done_by.value,
        "sender": task.sender_label,
        "created_at": task.created_at.isoformat(),
        "closed_at": task.closed_at.isoformat() if task.closed_at else None,
        "recipients": figures.recipients,
        "by_status": {s.value: figures.counts[s] for s in AssignmentStatus},
    }


@bp.get("/tasks")
def task_list() -> ResponseReturnValue:
    page, per_page = page_args()
    rows = tasks.sent(db_session(), g.actor, limit=500)
    start = (page - 1) * per_page
    return listing_response([_summary(r) for r in rows[start : start + per_page]], page, per_page, len(rows))


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


@bp.get("/tasks/<task_id>")
def task_one(task_id: str) -> ResponseReturnValue:
    session = db_session()
    task = tasks.detail(session, g.actor, parse_uuid(task_id, "task_id"))
    body = _summary(tasks.progress(session, g.actor, task.id))
    body["assignments"] = [
        {
            "id": str(r.id),
            "org_id": str(r.org_id) if r.org_id else None,
            "recipient": tasks.recipient_label(r),
            "status": r.status.value,
            "deadline": r.deadline.isoformat(),
            "acknowledged_at": _iso(r.acknowledged_at),
            "submitted_at": _iso(r.submitted_at),
            "accepted_at": _iso(r.accepted_at),
            "returns": r.returns,
            "escalated": r.escalated_at is not None,
        }
        for r in tasks.assignments_of(session, task)
    ]
    return body
