"""书记信箱 in the console: the messages the signed-in person answers (their branch's, or the
office's), answering them, the office's counts, and the FAQ the office keeps."""

from __future__ import annotations

from datetime import timedelta

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import mailbox
from handlers.policy import holds
from models.base import local_today
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.outcome import form_change


@bp.get("/mailbox")
def mailbox_inbox() -> ResponseReturnValue:
    session = db_session()
    since = local_today() - timedelta(days=365)
    return render_template(
        "admin/mailbox.html",
        messages=mailbox.inbox(session, g.actor),
        labels=mailbox.CATEGORY_LABELS,
        figures=mailbox.figures(session, g.actor, since) if holds(g.actor, "mailbox.figures") else None,
        since=since,
        authors=mailbox.author_names(session, g.actor),
    )


@bp.post("/mailbox/<message_id>/answer")
def mailbox_answer(message_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: mailbox.answer(
            db_session(), g.actor, message_id=parse_uuid(message_id), text=request.form.get("answer", "")
        ),
        done="已答复，写信人可在信箱中看到。",
        back=url_for("admin.mailbox_inbox"),
    )


@bp.get("/faq")
def faq_list() -> ResponseReturnValue:
    return render_template(
        "admin/faq.html", entries=mailbox.faq(db_session()), may_edit=holds(g.actor, "faq.manage")
    )


@bp.post("/faq")
def faq_save() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: mailbox.save_faq(
            db_session(),
            g.actor,
            entry_id=parse_uuid(form["entry_id"]) if form.get("entry_id") else None,
            question=form.get("question", ""),
            answer_text=form.get("answer", ""),
            position=form.get("position", type=int) or 0,
        ),
        done="已保存。",
        back=url_for("admin.faq_list"),
    )


@bp.post("/faq/<entry_id>/delete")
def faq_delete(entry_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: mailbox.delete_faq(db_session(), g.actor, entry_id=parse_uuid(entry_id)),
        done="已删除。",
        back=url_for("admin.faq_list"),
    )
