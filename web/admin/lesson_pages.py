"""The lesson library in the console: write or link a lesson, publish it, archive it."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import learning
from handlers.errors import DomainError
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
