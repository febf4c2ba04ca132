"""Learning in the console: the lesson library (write, upload, propose, review, publish, archive,
bulk import), campaigns (push lessons to an audience, once or as a series) with each branch's
completion and the one-tap reminder, and offline training days."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import exports, learning, members
from handlers.errors import DomainError, ValidationFailed
from handlers.learning import campaigns, lesson_import, media, quizzes, training
from handlers.policy import can, holds
from models import Lesson
from models.base import local_text, utcnow
from web import charts, db_session
from web.admin.frame import bp, form_date, local_time, parse_uuid
from web.outcome import form_change
from web.transaction import note_refusal


def _require() -> None:
    if "learning" not in g.nav:
        abort(403)


def _office() -> bool:
    return holds(g.actor, "org.manage")


def _stored(field: str, kind: str) -> media.StoredMedia | None:
    """An uploaded file stored under MEDIA_DIR (checked by content and size), or None if none came."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return media.store(current_app.config["MEDIA_DIR"], upload.stream, kind)


def _draft(form) -> learning.LessonDraft:  # noqa: ANN001 - the request's form
    propose_for = form.get("propose_for", "")
    return learning.LessonDraft(
        kind=form.get("kind", ""),
        title=form.get("title", ""),
        summary=form.get("summary", ""),
        body_html=form.get("body_html", ""),
        url=form.get("url", ""),
        credit_hours=form.get("credit_hours", ""),
        min_minutes=form.get("min_minutes", ""),
        tags=form.get("tags", ""),
        audience_roles=tuple(form.getlist("audience_roles")),
        source=form.get("source", ""),
        quiz_text=form.get("quiz", ""),
        pass_percent=form.get("pass_percent", ""),
        propose_for=parse_uuid(propose_for) if propose_for else None,
    )


#: The largest lesson form: a video at its limit, a cover, and the text fields.
MAX_FORM_BYTES = media.LIMITS["video"] + media.LIMITS["cover"] + 1024 * 1024


@bp.before_app_request
def _room_for_videos() -> None:
    """The lesson form carries videos: its body may be bigger than the app's 16 MB (set before
    the CSRF check reads the form; anything bigger is refused with 413 unread)."""
    if request.endpoint in ("admin.lesson_index", "admin.lesson_edit"):
        request.max_content_length = MAX_FORM_BYTES


def _save(lesson_id: uuid.UUID | None) -> tuple[Lesson | None, str | None]:
    """Store the files, save the lesson; on refusal remove the new files again and roll back,
    on success remove the files they replaced."""
    session, folder = db_session(), current_app.config["MEDIA_DIR"]
    before = learning.console_lesson(session, g.actor, lesson_id) if lesson_id else None
    replaced = {before.media_name, before.cover_name} if before else set()
    stored: list[str] = []
    try:
        kind = request.form.get("kind", "")
        upload = _stored("media", kind if kind in ("video", "audio", "document") else "document")
        stored += [upload.name] if upload else []
        cover = _stored("cover", "cover")
        stored += [cover.name] if cover else []
        lesson = learning.save_lesson(
            session, g.actor, _draft(request.form), lesson_id=lesson_id, media=upload, cover=cover
        )
    except DomainError as refused:
        note_refusal(refused)
        for name in stored:
            media.remove(folder, name)
        return None, refused.message
    for name in replaced - {lesson.media_name, lesson.cover_name}:
        media.remove(folder, name)
    return lesson, None


def _lesson(lesson_id: str) -> Lesson:
    try:
        return learning.console_lesson(db_session(), g.actor, parse_uuid(lesson_id))
    except DomainError:
        abort(404)


def _propose_orgs() -> list:
    if _office():
        return []
    return [
        o
        for o in members.visible_orgs(db_session(), g.actor)
        if o.kind != "group" and can(db_session(), g.actor, "lesson.propose", obj=o)
    ]


def _page(template: str, status: int = 200, **context) -> ResponseReturnValue:  # noqa: ANN003
    return render_template(
        template,
        fmt=learning.format_hours,
        kinds=learning.KIND_LABELS,
        statuses=learning.STATUS_LABELS,
        audience_roles=learning.AUDIENCE_ROLES,
        office=_office(),
        propose_orgs=_propose_orgs(),
        default_pass=quizzes.parse_pass_percent(db_session(), None),
        **context,
    ), status


@bp.route("/lessons", methods=["GET", "POST"])
def lesson_index() -> ResponseReturnValue:
    _require()
    error, form = None, request.form
    if request.method == "POST":
        lesson, error = _save(None)
        if lesson is not None:
            saved_as = "提交党委组织部审核" if lesson.status == "proposed" else "保存为草稿"
            flash(f"“{lesson.title}”已{saved_as}。", "info")
            return redirect(url_for("admin.lesson_index"))
    return _page(
        "admin/lessons.html",
        422 if error else 200,
        lessons=learning.all_lessons(db_session(), g.actor),
        error=error,
        form=form,
    )


@bp.route("/lessons/<lesson_id>", methods=["GET", "POST"])
def lesson_edit(lesson_id: str) -> ResponseReturnValue:
    _require()
    lesson = _lesson(lesson_id)
    error, form = None, None
    if request.method == "POST":
        saved, error = _save(lesson.id)
        if saved is not None:
            flash(f"“{saved.title}”已保存。", "info")
            return redirect(url_for("admin.lesson_edit", lesson_id=lesson.id))
        form = request.form
        lesson = _lesson(lesson_id)  # as it was: the refused change was rolled back
    questions = quizzes.questions_of(db_session(), lesson)
    if form is None:
        form = {
            "kind": lesson.kind.value,
            "title": lesson.title,
            "summary": lesson.summary,
            "body_html": lesson.body_html,
            "url": lesson.url or "",
            "credit_hours": learning.format_hours(lesson.credit_hours),
            "min_minutes": str(learning.typed_minutes(lesson)),
            "tags": lesson.tags,
            "source": lesson.source,
            "quiz": quizzes.as_text(questions),
            "pass_percent": str(lesson.pass_percent or ""),
        }
    return _page("admin/lesson.html", 422 if error else 200, lesson=lesson, error=error, form=form)


@bp.post("/lessons/<lesson_id>/status")
def lesson_status(lesson_id: str) -> ResponseReturnValue:
    _require()
    status = request.form.get("status", "")
    words = {"published": "发布", "archived": "下架", "draft": "退回"}
    return form_change(
        lambda: learning.set_status(
            db_session(), g.actor, parse_uuid(lesson_id), status=status, note=request.form.get("note", "")
        ),
        done=lambda lesson: f"“{lesson.title}”已{words.get(status, '更新')}。",
        back=request.referrer or url_for("admin.lesson_index"),
    )


@bp.route("/lessons/import", methods=["GET", "POST"])
def lesson_import_page() -> ResponseReturnValue:
    _require()
    if not _office():
        abort(403)
    problems, error = [], None
    if request.method == "POST":
        upload = request.files.get("file")
        content = upload.read(5 * 1024 * 1024 + 1) if upload else b""
        try:
            if len(content) > 5 * 1024 * 1024:
                raise ValidationFailed("文件不能超过 5 MB。", field="file")
            count = lesson_import.import_lessons(
                db_session(), g.actor, upload.filename if upload else "", content=content
            )
        except lesson_import.ImportRefused as refused:
            note_refusal(refused)
            error, problems = refused.message, refused.problems
        except DomainError as refused:
            note_refusal(refused)
            error = refused.message
        else:
            flash(f"已导入 {count} 门课程（草稿），请逐一检查后发布。", "info")
            return redirect(url_for("admin.lesson_index"))
    return render_template("admin/lesson_import.html", error=error, problems=problems), 422 if error else 200


@bp.get("/lessons/import/template.xlsx")
def lesson_import_template() -> ResponseReturnValue:
    _require()
    return Response(
        lesson_import.template(),
        mimetype=exports.XLSX,
        headers={"Content-Disposition": "attachment; filename=lessons-template.xlsx"},
    )


@bp.get("/lessons/<lesson_id>/media")
def lesson_media_preview(lesson_id: str) -> ResponseReturnValue:
    """The office previews an unpublished lesson's file (members only ever get published ones)."""
    _require()
    from flask import send_file

    lesson = _lesson(lesson_id)
    path = media.path_of(current_app.config["MEDIA_DIR"], lesson.media_name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=lesson.media_type, conditional=True)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


# -- campaigns ----------------------------------------------------------------------------------


@bp.route("/campaigns", methods=["GET", "POST"])
def campaign_index() -> ResponseReturnValue:
    """Push published lessons to an audience with a deadline, once or as a repeating series."""
    _require()
    error = None
    session = db_session()
    if request.method == "POST":
        form = request.form
        try:
            send_at = local_time(form.get("send_at", ""), "send_at")
            deadline = local_time(form.get("deadline", ""), "deadline")
            campaign = campaigns.launch(
                session,
                g.actor,
                title=form.get("title", ""),
                lesson_ids=[parse_uuid(v) for v in form.getlist("lesson_ids")],
                org_ids=[parse_uuid(v) for v in form.getlist("org_ids")],
                roles=form.getlist("roles"),
                person_ids=members.people_by_userids(session, g.actor, form.get("people", "")),
                personalised=form.get("personalised") == "1",
                repeat=form.get("repeat", ""),
                series_tag=form.get("series_tag", ""),
                send_at=send_at,
                deadline=deadline,
            )
        except DomainError as refused:
            note_refusal(refused)
            error = refused.message
        else:
            flash(launched_text(campaign, utcnow()), "info")
            return redirect(url_for("admin.campaign_index"))
    return render_template(
        "admin/campaigns.html",
        campaigns=campaigns.recent(session, g.actor),
        lessons=learning.published(session),
        orgs=[o for o in members.visible_orgs(session, g.actor) if o.kind != "group"],
        audience_roles=learning.AUDIENCE_ROLES,
        repeats=campaigns.REPEATS,
        now=utcnow(),
        error=error,
        form=request.form,
    ), 422 if error else 200


@bp.get("/campaigns/<campaign_id>")
def campaign_page(campaign_id: str) -> ResponseReturnValue:
    """Completion by branch as bars with the total first (counts, never a list of people; small
    branches not broken down) and one button that reminds everyone not started."""
    _require()
    session = db_session()
    try:
        campaign = campaigns.get_campaign(session, g.actor, parse_uuid(campaign_id))
    except DomainError:
        abort(404)
    progress = campaigns.progress(session, g.actor, campaign)
    return render_template(
        "admin/campaign.html",
        campaign=campaign,
        lessons=campaigns.lessons_of(session, campaign),
        progress=progress,
        chart=charts.completion_chart(progress),
        now=utcnow(),
    )


@bp.post("/campaigns/<campaign_id>/remind")
def campaign_remind(campaign_id: str) -> ResponseReturnValue:
    """提醒全部未开始: one tap for every branch the office (or 总支) sees in this campaign."""
    _require()
    return form_change(
        lambda: campaigns.remind_and_say(db_session(), g.actor, parse_uuid(campaign_id)),
        done=lambda said: said,
        back=url_for("admin.campaign_page", campaign_id=campaign_id),
    )


def launched_text(campaign: Any, now: datetime) -> str:
    """What the form did: a later send time is 已安排, not 已推送 (nothing has gone yet)."""
    if campaign.repeat:
        return f"已设置重复推送“{campaign.title}”。"
    if campaign.send_at > now + timedelta(minutes=1):
        when = local_text(campaign.send_at, "%m月%d日 %H:%M")
        return f"已安排于 {when} 推送“{campaign.title}”给 {campaign.recipients} 位党员，届时按各自班次送达。"
    return f"已推送“{campaign.title}”给 {campaign.recipients} 位党员。"


# -- training days ------------------------------------------------------------------------------


@bp.route("/training", methods=["GET", "POST"])
def training_index() -> ResponseReturnValue:
    """Offline 集中培训: the office records a training day and who attended; it counts toward
    their hours like a 党课 attended."""
    _require()
    if not _office():
        abort(403)
    session, error = db_session(), None
    if request.method == "POST":
        form = request.form
        try:
            try:
                hours = Decimal(form.get("hours", "").strip() or "-1")
            except InvalidOperation:
                hours = Decimal(-1)
            recorded = training.record_day(
                session,
                g.actor,
                title=form.get("title", ""),
                held_on=form_date("held_on"),
                hours=hours,
                person_ids=members.people_by_userids(session, g.actor, form.get("people", "")),
            )
        except DomainError as refused:
            note_refusal(refused)
            error = refused.message
        else:
            flash(f"已记录“{recorded.day.title}”，{recorded.attendees} 人计入学时。", "info")
            return redirect(url_for("admin.training_index"))
    return render_template(
        "admin/training.html",
        days=training.recent(session),
        default_hours=training.default_hours(session),
        error=error,
        form=request.form,
        fmt=learning.format_hours,
    ), 422 if error else 200
