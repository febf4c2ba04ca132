"""通知公告 in the console: send a notice to the hospital or to orgs the sender keeps, and see how
many it reached, read it and (when asked) acknowledged it."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import audiences, notices, rules
from handlers.policy import can, holds
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.outcome import form_change
from web.uploads import read_uploads, send_stored_file


@bp.get("/notices")
def notice_list() -> ResponseReturnValue:
    if not holds(g.actor, "notice.send"):
        abort(404)
    session = db_session()
    return render_template(
        "admin/notices.html",
        sent=notices.sent(session, g.actor),
        orgs=notices.orgs_to_send_to(session, g.actor),
        hospital_wide=can(session, g.actor, "notice.send"),
        publications=notices.publications(session),
        public_days=rules.value(session, "notice.public_days"),
        roles=audiences.AUDIENCE_ROLES,
    )


@bp.post("/notices")
def notice_send() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: notices.send(
            db_session(),
            g.actor,
            title=form.get("title", ""),
            body=form.get("body", ""),
            org_ids=[parse_uuid(v) for v in form.getlist("org_ids") if v],
            needs_ack=form.get("needs_ack") == "1",
            roles=form.getlist("roles"),
            files=read_uploads(),
        ),
        done=lambda n: f"已发送给 {n.recipients} 名党员。",
        back=url_for("admin.notice_list"),
        then=lambda n: url_for("admin.notice_detail", notice_id=n.id),
    )


@bp.get("/notices/<notice_id>")
def notice_detail(notice_id: str) -> ResponseReturnValue:
    page = request.args.get("page", type=int)
    reach, acks = notices.reach(db_session(), g.actor, parse_uuid(notice_id), ack_page=page or 1)
    return render_template(
        "admin/notice.html",
        reach=reach,
        acks=acks,
        files=notices.files_of(db_session(), reach.notice),
        roles=audiences.AUDIENCE_ROLES,
    )


@bp.get("/notices/<notice_id>/progress.json")
def notice_progress(notice_id: str) -> ResponseReturnValue:
    """The counts the notice's page refreshes while acknowledgements come in."""
    reach = notices.progress(db_session(), g.actor, parse_uuid(notice_id))
    return {
        "recipients": reach.recipients,
        "read": reach.read,
        "unread": reach.recipients - reach.read,
        "acked": reach.acked,
    }


@bp.get("/notices/<notice_id>/files/<attachment_id>")
def notice_file(notice_id: str, attachment_id: str) -> ResponseReturnValue:
    found = notices.file_for_sender(db_session(), g.actor, parse_uuid(notice_id), attachment_id)
    return send_stored_file(found)


@bp.post("/publications")
def publication_publish() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: notices.publish(
            db_session(),
            g.actor,
            title=form.get("title", ""),
            body=form.get("body", ""),
            days=form.get("days", type=int) or 0,
        ),
        done=lambda row: f"已公开，公示至 {row.ends_on}。",
        back=url_for("admin.notice_list"),
    )
