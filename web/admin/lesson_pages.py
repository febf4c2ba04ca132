"""The lesson library in the console: write or link a lesson, publish it, archive it; push
lessons to branches with a deadline (campaigns)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import campaigns, learning, members
from handlers.errors import DomainError, ValidationFailed
from models.base import CHINA
from web import db_session
from web.admin import apply_change, bp, parse_uuid


def _require() -> None:
    if "rules" not in g.nav:  # the committee office edits the library
        abort(403)


@bp.route("/lessons", methods=["GET", "POST"])
def lesson_index() -> ResponseReturnValue:
    _require()
    error, form = None, request.form
    if request.method == "POST":
        try:
            learning.create_lesson(
                db_session(),
                g.actor,
                kind=form.get("kind", ""),
                title=form.get("title", ""),
                summary=form.get("summary", ""),
                body_html=form.get("body_html", ""),
                url=form.get("url", ""),
                credit_hours=form.get("credit_hours", ""),
                min_minutes=form.get("min_minutes", ""),
                tags=form.get("tags", ""),
                source=form.get("source", ""),
            )
        except DomainError as refused:
            db_session().rollback()
            error = refused.message
        else:
            db_session().commit()
            form = {}
    return render_template(
        "admin/lessons.html",
        lessons=learning.all_lessons(db_session()),
        error=error,
        form=form,
        fmt=learning.format_hours,
    ), 422 if error else 200


@bp.post("/lessons/<lesson_id>/status")
def lesson_status(lesson_id: str) -> ResponseReturnValue:
    _require()
    status = request.form.get("status", "")
    return apply_change(
        lambda: learning.set_status(db_session(), g.actor, parse_uuid(lesson_id), status),
        done=lambda lesson: f"“{lesson.title}”已{'发布' if status == 'published' else '下架'}。",
        back=url_for("admin.lesson_index"),
    )


@bp.route("/campaigns", methods=["GET", "POST"])
def campaign_index() -> ResponseReturnValue:
    """Push published lessons to branches (or everyone) with a deadline."""
    _require()
    error = None
    if request.method == "POST":
        form = request.form
        try:
            send_at = _local_time(form.get("send_at", ""), "send_at")
            deadline = _local_time(form.get("deadline", ""), "deadline")
            campaigns.launch(
                db_session(),
                g.actor,
                title=form.get("title", ""),
                lesson_ids=[parse_uuid(v) for v in form.getlist("lesson_ids")],
                org_ids=[parse_uuid(v) for v in form.getlist("org_ids")],
                send_at=send_at,
                deadline=deadline,
            )
        except DomainError as refused:
            db_session().rollback()
            error = refused.message
        else:
            db_session().commit()
    return render_template(
        "admin/campaigns.html",
        campaigns=campaigns.recent(db_session()),
        lessons=learning.published(db_session()),
        orgs=[o for o in members.visible_orgs(db_session(), g.actor) if o.kind != "group"],
        error=error,
        china=CHINA,
    ), 422 if error else 200


def _local_time(raw: str, field: str) -> datetime:
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M").replace(tzinfo=CHINA)
    except ValueError:
        raise ValidationFailed("请选择日期和时间。", field=field) from None
