"""Meetings in the console: plan (with A/B sessions), list, look at one, cancel; and the
compliance calendar of every branch the user manages, most overdue first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import compliance, meetings, members, talks
from handlers.errors import DomainError
from handlers.meetings.ledger import record_docx as meeting_record_docx
from handlers.policy import holds
from handlers.recruitment import votes as recruit_votes
from models.base import local_today
from web import charts, db_session
from web.admin.frame import bp, parse_uuid, scope_org_id, scoped
from web.forms import session_plans
from web.outcome import form_change
from web.transaction import note_refusal

SESSION_ROWS = 4


def _hostable_orgs() -> list[Any]:
    return scoped(meetings.hostable_orgs(db_session(), g.actor))


@bp.get("/meetings")
def meeting_index() -> ResponseReturnValue:
    listing = meetings.list_meetings(db_session(), g.actor, org_id=scope_org_id(request.args.get("org")))
    return render_template(
        "admin/meetings.html",
        listing=listing,
        statuses=STATUS_LABELS,
        title_of=lambda m: meetings.title_of(db_session(), m),
    )


STATUS_LABELS = {"planned": "已安排", "cancelled": "已取消", "signed_off": "已签署"}


@bp.route("/meetings/new", methods=["GET", "POST"])
def meeting_new() -> ResponseReturnValue:
    form = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        try:
            meeting = meetings.plan_meeting(
                db_session(),
                g.actor,
                org_id=parse_uuid(form.get("org_id", "")),
                kinds=form.getlist("kinds"),
                topic=form.get("topic", ""),
                agenda=form.get("agenda", ""),
                venue_mode=form.get("venue_mode", ""),
                venue_id=parse_uuid(form["venue_id"]) if form.get("venue_id") else None,
                online_room=form.get("online_room"),
                sessions=session_plans(form, SESSION_ROWS),
                has_vote=bool(form.get("has_vote")),
                dual_userids=tuple(
                    u for u in form.get("dual_userids", "").replace("，", ",").split(",") if u.strip()
                ),
            )
        except DomainError as refused:
            note_refusal(refused)
            return render_template(
                "admin/meeting_new.html", **_form_context(form), error=refused.message
            ), refused.status
        return redirect(url_for("admin.meeting_detail", meeting_id=meeting.id))
    return render_template("admin/meeting_new.html", **_form_context(form), error=None)


def _form_context(form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "orgs": _hostable_orgs(),
        "venues": meetings.venues(db_session()),
        "kinds": meetings.KIND_LABELS,
        "modes": meetings.MODE_LABELS,
        "rows": range(SESSION_ROWS),
    }


@bp.get("/meetings/<meeting_id>")
def meeting_detail(meeting_id: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), g.actor, parse_uuid(meeting_id), manage=True)
    lines = meetings.roster(db_session(), g.actor, meeting.id)
    return render_template(
        "admin/meeting.html",
        meeting=meeting,
        lines=lines,
        quorum=meetings.quorum(db_session(), meeting),
        title=meetings.title_of(db_session(), meeting),
        place=meetings.place_text(meeting),
        when=meetings.when_text,
        states=meetings.RESPONSE_LABELS,
        methods=meetings.METHOD_LABELS,
        statuses=STATUS_LABELS,
        corrections=meetings.corrections(db_session(), meeting),
        agenda=recruit_votes.on_the_agenda(db_session(), meeting) if holds(g.actor, "recruit.manage") else [],
        questions=recruit_votes.QUESTIONS,
        talk_plan=talks.for_meeting(db_session(), meeting),
    )


@bp.post("/meetings/<meeting_id>/prepare")
def meeting_prepare(meeting_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: talks.prepare(db_session(), g.actor, parse_uuid(meeting_id)),
        done="已确认组织生活会准备就绪。",
        back=url_for("admin.meeting_detail", meeting_id=meeting_id),
    )


@bp.post("/meetings/<meeting_id>/cancel")
def meeting_cancel(meeting_id: str) -> ResponseReturnValue:
    back = url_for("admin.meeting_detail", meeting_id=meeting_id)
    return form_change(
        lambda: meetings.cancel(
            db_session(), g.actor, meeting_id=parse_uuid(meeting_id), reason=request.form.get("reason", "")
        ),
        done="会议已取消，已发出的通知卡片会更新为“会议已取消”。",
        back=back,
    )


# -- the compliance calendar ---------------------------------------------------------------------


@bp.get("/compliance")
def compliance_calendar() -> ResponseReturnValue:
    on = local_today()
    year = request.args.get("year", on.year, type=int)
    if not 2000 <= year <= on.year + 1:
        year = on.year
    calendars = compliance.calendar(
        db_session(), g.actor, year=year, today=on, org_id=g.scope.id if g.scope else None
    )
    by_general = compliance.by_general_branch(db_session(), calendars)
    by_month = compliance.by_month(calendars, year, on)
    return render_template(
        "admin/compliance.html",
        calendars=calendars,
        by_general=by_general,
        by_month=by_month,
        general_chart=charts.rate_chart(by_general),
        month_chart=charts.rate_chart(by_month, upright=True),
        year=year,
        labels=compliance.STATUS_LABELS,
        kinds=meetings.KIND_LABELS,
    )


@bp.get("/compliance/<org_id>")
def compliance_org(org_id: str) -> ResponseReturnValue:
    on = local_today()
    year = request.args.get("year", on.year, type=int)
    calendars = compliance.calendar(db_session(), g.actor, year=year, today=on, org_id=parse_uuid(org_id))
    org = members.get_org(db_session(), g.actor, parse_uuid(org_id))
    people = members.current_members(db_session(), org)
    attendance = compliance.member_attendance(
        db_session(), [m.id for m in people], year, now=datetime.now(UTC)
    )
    return render_template(
        "admin/compliance_org.html",
        org=org,
        calendars=calendars,
        year=year,
        people=people,
        attendance=attendance,
        labels=compliance.STATUS_LABELS,
    )


@bp.get("/meetings/<meeting_id>/record.docx")
def meeting_record(meeting_id: str) -> ResponseReturnValue:
    name, content = meeting_record_docx(db_session(), g.actor, parse_uuid(meeting_id))
    return Response(content, mimetype=DOCX, headers={"Content-Disposition": f"attachment; filename={name}"})


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
