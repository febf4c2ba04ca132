"""/api/v1/notices: the notices a token may follow, each with how many it reached, read it and
acknowledged it — numbers only, never who."""

from __future__ import annotations

from flask import g
from flask.typing import ResponseReturnValue

from handlers import notices
from web import db_session
from web.api.frame import bp, listing_response, page_args


@bp.get("/notices")
def notice_list() -> ResponseReturnValue:
    page, per_page = page_args()
    rows = notices.sent(db_session(), g.actor, limit=500)
    start = (page - 1) * per_page
    items = [
        {
            "id": str(r.notice.id),
            "title": r.notice.title,
            "sent_at": r.notice.sent_at.isoformat(),
            "sender": r.notice.sender_label,
            "needs_ack": r.notice.needs_ack,
            "org_ids": r.notice.org_ids,
            "recipients": r.recipients,
            "read": r.read,
            "acknowledged": r.acked if r.notice.needs_ack else None,
        }
        for r in rows[start : start + per_page]
    ]
    return listing_response(items, page, per_page, len(rows))
