"""H5 pages for reminders: what I was reminded of and why, snooze once, and my own timing
(quiet hours and a preferred time)."""

from __future__ import annotations

import uuid
from datetime import time

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import reminders, rules
from handlers.errors import DomainError, ValidationFailed
from models.base import local_text, local_today
from web import db_session
from web.h5.frame import bp, member_pages
from web.transaction import note_refusal

member_pages("h5.reminder")


@bp.get("/reminders")
def reminder_list() -> ResponseReturnValue:
    session = db_session()
    return render_template(
        "h5/reminders.html",
        items=reminders.mine(session, g.person),
        statuses=reminders.STATUS_LABELS,
        categories=reminders.CATEGORY_LABELS,
        preference=reminders.preference_of(session, g.person),
        quiet=(
            rules.value(session, "reminder.quiet_start", local_today()),
            rules.value(session, "reminder.quiet_end", local_today()),
        ),
    )


@bp.post("/reminders/<reminder_id>/snooze")
def reminder_snooze(reminder_id: str) -> ResponseReturnValue:
    try:
        target = uuid.UUID(reminder_id)
    except ValueError:
        abort(404)
    try:
        row = reminders.snooze(db_session(), g.person, target)
    except DomainError as refused:
        note_refusal(refused)
        flash(refused.message, "error")
    else:
        flash(f"好的，将于 {local_text(row.deliver_at, '%m-%d %H:%M')} 再提醒您一次。", "info")
    return redirect(url_for("h5.reminder_list"))


def _clock(name: str) -> time | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("时间格式应为 22:00。", field=name) from None


@bp.post("/reminders/settings")
def reminder_settings() -> ResponseReturnValue:
    try:
        reminders.set_preference(
            db_session(),
            g.person,
            quiet_start=_clock("quiet_start"),
            quiet_end=_clock("quiet_end"),
            preferred=_clock("preferred_time"),
        )
    except DomainError as refused:
        note_refusal(refused)
        flash(refused.message, "error")
    else:
        flash("已保存，之后的提醒按您的设置安排。", "info")
    return redirect(url_for("h5.reminder_list"))
