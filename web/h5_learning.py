"""H5 pages for learning: the lessons, reading one (time counted by the server from beats while
it is on screen), and this year's hours toward 32 (or 56)."""

from __future__ import annotations

from flask import g, jsonify, render_template
from flask.typing import ResponseReturnValue

from handlers import learning
from web import db_session
from web.h5 import bp, member_pages

member_pages("h5.lesson", "h5.study")


@bp.get("/lessons")
def lesson_list() -> ResponseReturnValue:
    session = db_session()
    lessons = learning.published(session)
    records = {lesson.id: learning.record_of(session, g.person, lesson) for lesson in lessons}
    return render_template("h5/lessons.html", lessons=lessons, records=records, fmt=learning.format_hours)


@bp.get("/lessons/<lesson_id>")
def lesson_page(lesson_id: str) -> ResponseReturnValue:
    record = learning.open_lesson(db_session(), g.person, lesson_id)
    db_session().commit()
    return render_template(
        "h5/lesson.html",
        lesson=record.lesson,
        record=record,
        beat_seconds=learning.BEAT_SECONDS,
        fmt=learning.format_hours,
    )


@bp.post("/lessons/<lesson_id>/beat")
def lesson_beat(lesson_id: str) -> ResponseReturnValue:
    record = learning.beat(db_session(), g.person, lesson_id)
    db_session().commit()
    return jsonify(minutes=record.seconds // 60, completed=record.completed_at is not None)


@bp.get("/study")
def study_hours() -> ResponseReturnValue:
    hours = learning.hours_this_year(db_session(), g.person)
    return render_template("h5/study.html", hours=hours, fmt=learning.format_hours)
