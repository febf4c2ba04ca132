"""通知公告 on the phone: the notices a member received, each in full; opening one marks it read,
and a notice that asks for it takes a 收到."""

from __future__ import annotations

from flask import g, render_template, url_for
from flask.typing import ResponseReturnValue

from handlers import notices
from web import db_session, parse_uuid
from web.h5.frame import bp, member_pages
from web.outcome import form_change
from web.uploads import send_stored_file

member_pages("h5.notice")


@bp.get("/notices")
def notice_list() -> ResponseReturnValue:
    return render_template("h5/notices.html", rows=notices.mine(db_session(), g.person))


@bp.get("/notices/<notice_id>")
def notice_page(notice_id: str) -> ResponseReturnValue:
    row = notices.open_notice(db_session(), g.person, parse_uuid(notice_id))
    return render_template("h5/notice.html", row=row, files=notices.files_of(db_session(), row.notice))


@bp.get("/notices/<notice_id>/files/<attachment_id>")
def notice_file(notice_id: str, attachment_id: str) -> ResponseReturnValue:
    found = notices.file_for_recipient(db_session(), g.person, parse_uuid(notice_id), attachment_id)
    return send_stored_file(found)


@bp.post("/notices/<notice_id>/ack")
def notice_ack(notice_id: str) -> ResponseReturnValue:
    back = url_for("h5.notice_page", notice_id=notice_id)
    return form_change(
        lambda: notices.acknowledge(db_session(), g.person, parse_uuid(notice_id)),
        done="已回复收到。",
        back=back,
    )


@bp.get("/notices/public")
def notice_public() -> ResponseReturnValue:
    return render_template("h5/publications.html", rows=notices.publications(db_session()))


@bp.get("/notices/public/<publication_id>")
def notice_publication(publication_id: str) -> ResponseReturnValue:
    return render_template(
        "h5/publication.html", row=notices.publication(db_session(), parse_uuid(publication_id))
    )
