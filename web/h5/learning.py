"""H5 pages for learning: the lessons (what is due, what to read next), reading, watching or
listening to one (time counted by the server from beats while it is on screen), its quiz, this
year's hours toward 32 (or 56), the member's own points, and — for a branch's managers — how
far the branch is with a campaign, with one tap to remind those who have not started."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue

from handlers import learning
from handlers.errors import DomainError
from handlers.learning import campaigns, media, points, quizzes
from handlers.policy import holds
from models import Lesson
from models.base import CHINA, utcnow
from web import charts, db_session, parse_uuid
from web.h5.frame import bp, member_pages
from web.outcome import form_change
from web.transaction import note_refusal

member_pages("h5.lesson", "h5.study", "h5.points")
# Deadlines and dates on these pages are Beijing's.
bp.add_app_template_global(CHINA, "china")
#: The phone's library shows the newest lessons; what is due and the suggestions come first.
LIBRARY_PAGE = 50


@bp.get("/lessons")
def lesson_list() -> ResponseReturnValue:
    session = db_session()
    plan = learning.plan_for(session, g.person)
    return render_template(
        "h5/lessons.html",
        plan=plan,
        lessons=learning.published(session, limit=LIBRARY_PAGE),
        fmt=learning.format_hours,
        kinds=learning.KIND_LABELS,
    )


@bp.get("/lessons/<lesson_id>")
def lesson_page(lesson_id: str) -> ResponseReturnValue:
    session = db_session()
    record = learning.open_lesson(session, g.person, lesson_id)
    lesson = record.lesson
    questions = quizzes.questions_of(session, lesson) if lesson.pass_percent is not None else []
    return render_template(
        "h5/lesson.html",
        lesson=lesson,
        record=record,
        questions=questions,
        token=quizzes.new_token(),
        best=quizzes.best_of(session, g.person, lesson) if questions else None,
        marked=quizzes.review(session, g.person, lesson, request.args.get("attempt")) if questions else [],
        beat_seconds=learning.BEAT_SECONDS,
        fmt=learning.format_hours,
    )


@bp.post("/lessons/<lesson_id>/beat")
def lesson_beat(lesson_id: str) -> ResponseReturnValue:
    raw = request.form.get("counted", "")
    claimed = int(raw) if raw.isdigit() else None
    record = learning.beat(db_session(), g.person, lesson_id, claimed=claimed)
    return jsonify(
        seconds=record.seconds, minutes=record.seconds // 60, completed=record.completed_at is not None
    )


@bp.post("/lessons/<lesson_id>/quiz")
def lesson_quiz(lesson_id: str) -> ResponseReturnValue:
    answers: dict[str, list[int]] = {}
    for name in request.form:
        if name.startswith("q:"):
            answers[name[2:]] = [int(v) for v in request.form.getlist(name) if v.isdigit()]
    session = db_session()
    try:
        outcome = quizzes.submit(
            session, g.person, lesson_id, token=request.form.get("token", ""), answers=answers
        )
    except DomainError as refused:
        note_refusal(refused)
        flash(refused.message, "error")
        return redirect(url_for("h5.lesson_page", lesson_id=lesson_id) + "#quiz")
    attempt = outcome.attempt
    verdict = "已合格" if attempt.passed else "未达到合格线，可重新作答"
    text = f"答对 {attempt.correct} / {attempt.total} 题，{verdict}。"
    if outcome.points:
        text += f"获得 {outcome.points} 积分。"
    elif not outcome.scored_now:
        text = "这份答卷已经提交过，成绩以第一次提交为准：" + text
    flash(text, "ok" if attempt.passed else "error")
    return redirect(url_for("h5.lesson_page", lesson_id=lesson_id, attempt=attempt.id) + "#quiz")


@bp.get("/lessons/<lesson_id>/media")
def lesson_media(lesson_id: str) -> ResponseReturnValue:
    """The lesson's video, audio or PDF, with HTTP range requests (seeking a video fetches only
    what is watched). Published lessons only; the file is never the uploader's name or path."""
    lesson = _published(lesson_id)
    path = media.path_of(current_app.config["MEDIA_DIR"], lesson.media_name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=lesson.media_type, conditional=True, max_age=3600)
    response.cache_control.public, response.cache_control.private = False, True  # members only
    # Shown inline (the player, the PDF viewer) but sandboxed: nothing in the file runs as our page.
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/covers/<lesson_id>")
def cover(lesson_id: str) -> ResponseReturnValue:
    """A published lesson's cover picture, for the news card (WeCom loads it without our login)."""
    lesson = _published(lesson_id)
    path = media.path_of(current_app.config["MEDIA_DIR"], lesson.cover_name)
    if path is None:
        return redirect(url_for("static", filename="lesson-cover.png"))
    with open(path, "rb") as head:
        content_type = media.sniff(head.read(16)) or "application/octet-stream"
    return send_file(path, mimetype=content_type, max_age=86400)


def _published(lesson_id: str) -> Lesson:
    try:
        return learning.published_lesson(db_session(), lesson_id)
    except DomainError:
        abort(404)


@bp.get("/study")
def study_hours() -> ResponseReturnValue:
    session = db_session()
    return render_template(
        "h5/study.html",
        hours=learning.hours_this_year(session, g.person),
        plan=learning.plan_for(session, g.person, suggestions=0),
        manages=holds(g.actor, "study.view"),
        fmt=learning.format_hours,
    )


@bp.get("/points")
def points_page() -> ResponseReturnValue:
    """The member's own points and how they were earned. Only theirs: there is no page of
    anyone else's, and no position among others."""
    member = g.person.membership
    if member is None:
        abort(404)
    return render_template(
        "h5/points.html", ledger=points.ledger_of(db_session(), member), labels=points.ACTIVITY_LABELS
    )


@bp.get("/study/campaigns")
def study_campaigns() -> ResponseReturnValue:
    """For a branch's managers: each recent campaign's completion in the branches they manage."""
    if not holds(g.actor, "study.view"):
        abort(403)
    session = db_session()
    shown = []
    for campaign in campaigns.recent(session, g.actor):
        progress = campaigns.progress(session, g.actor, campaign)
        if progress.branches:
            shown.append((campaign, progress, charts.completion_chart(progress)))
    return render_template("h5/study_campaigns.html", rows=shown, now=utcnow())


@bp.post("/study/campaigns/<campaign_id>/remind")
def study_remind(campaign_id: str) -> ResponseReturnValue:
    """提醒全部未开始 for the branches this secretary manages."""
    return form_change(
        lambda: campaigns.remind_and_say(db_session(), g.actor, parse_uuid(campaign_id)),
        done=lambda said: said,
        back=url_for("h5.study_campaigns"),
    )
