"""书记信箱 on the phone: the FAQ first, then the form (named or anonymous — the form says what
anonymous means), the member's own named messages with their answers, and an anonymous message
read back by its receipt code."""

from __future__ import annotations

from flask import g, render_template, request
from flask.typing import ResponseReturnValue

from handlers import mailbox
from handlers.errors import DomainError
from web import db_session, parse_uuid
from web.h5.frame import bp, member_pages
from web.transaction import note_refusal

member_pages("h5.mailbox", "h5.faq")


def _page(error: DomainError | None = None, values: dict | None = None, found=None) -> ResponseReturnValue:
    session = db_session()
    return render_template(
        "h5/mailbox.html",
        faq=mailbox.faq(session),
        mine=mailbox.mine(session, g.person),
        labels=mailbox.CATEGORY_LABELS,
        error=error,
        values=values or {},
        found=found,
        has_branch=bool(g.person.membership and g.person.membership.branch_id),
    ), 422 if error else 200


@bp.get("/mailbox")
def mailbox_page() -> ResponseReturnValue:
    return _page()


@bp.post("/mailbox")
def mailbox_write() -> ResponseReturnValue:
    form = request.form
    values = {k: form.get(k, "") for k in ("to", "category", "body", "anonymous")}
    try:
        written = mailbox.write(
            db_session(),
            g.person,
            to=values["to"],
            category=values["category"],
            body=values["body"],
            anonymous=values["anonymous"] == "1",
        )
    except DomainError as refused:
        note_refusal(refused)
        return _page(refused, values)
    return render_template("h5/mailbox_sent.html", written=written)


@bp.get("/mailbox/<message_id>")
def mailbox_message(message_id: str) -> ResponseReturnValue:
    message = mailbox.own_message(db_session(), g.person, parse_uuid(message_id))
    return render_template("h5/mailbox_message.html", message=message, labels=mailbox.CATEGORY_LABELS)


@bp.post("/mailbox/receipt")
def mailbox_receipt() -> ResponseReturnValue:
    try:
        message = mailbox.by_receipt(db_session(), request.form.get("code", ""))
    except DomainError as refused:
        note_refusal(refused)
        return _page(refused)
    return render_template("h5/mailbox_message.html", message=message, labels=mailbox.CATEGORY_LABELS)


@bp.get("/faq")
def faq_page() -> ResponseReturnValue:
    return render_template("h5/faq.html", faq=mailbox.faq(db_session()))
