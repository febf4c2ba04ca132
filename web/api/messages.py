"""/api/v1/messages: the 书记信箱 as the token's scope may see it — a branch secretary's token its
branch's messages, the office's whole-hospital token the office's. An anonymous message has no
author to give; asking for one is refused, not answered with a blank."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from handlers import mailbox
from models import MailboxMessage
from web import db_session
from web.api.frame import bp, listing_response, page_args, parse_uuid


def _message(m: MailboxMessage, authors: dict) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "to": "secretary" if m.org_id else "office",
        "org_id": str(m.org_id) if m.org_id else None,
        "category": m.category.value,
        "written_on": m.written_on.isoformat(),
        "anonymous": m.anonymous,
        "author": None if m.anonymous else authors.get(m.id),
        "body": m.body,
        "answered": m.answered_at is not None,
        "answer": m.answer,
    }


@bp.get("/messages")
def message_list() -> ResponseReturnValue:
    page, per_page = page_args()
    session = db_session()
    messages = mailbox.inbox(session, g.actor)
    authors = mailbox.author_names(session, g.actor)
    start = (page - 1) * per_page
    items = [_message(m, authors) for m in messages[start : start + per_page]]
    return listing_response(items, page, per_page, len(messages))


@bp.get("/messages/<message_id>/author")
def message_author(message_id: str) -> ResponseReturnValue:
    person = mailbox.author_of(db_session(), g.actor, parse_uuid(message_id, "message_id"))
    return jsonify({"name": person.name, "wecom_userid": person.wecom_userid})
