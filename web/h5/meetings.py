"""H5 pages for meetings: my meetings, answer and ask leave; for hosts the roster with one tap per
person and the minutes; make-up study; planning on the phone (a secretary between shifts)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import approvals, leave, meetings, my_year
from handlers.errors import DomainError, ValidationFailed
from handlers.policy import can
from models import Meeting, MeetingSession, MeetingStatus, VenueMode
from web import db_session
from web.forms import session_plans
from web.h5.frame import bp, member_pages
from web.outcome import form_change
from web.transaction import note_refusal
from web.uploads import read_upload, send_stored_file


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        abort(404)


def _form_uuid(form: Any, name: str) -> uuid.UUID | None:
    """An id chosen in a form: missing is None, garbled is a clear refusal (not a 404)."""
    try:
        return uuid.UUID(form[name]) if form.get(name) else None
    except ValueError:
        raise ValidationFailed("请从列表中选择。", field=name) from None


# The meeting pages, and the check-in page a scanned QR code opens.
member_pages("h5.meeting", "h5.checkin")


@bp.get("/meetings")
def meeting_list() -> ResponseReturnValue:
    mine = my_year.meeting_record(db_session(), g.person)
    hosts = _hosts_any()
    hosted = meetings.list_meetings(db_session(), g.actor, limit=20) if hosts else []
    return render_template(
        "h5/meetings.html",
        mine=mine,
        hosts=hosts,
        hosted=hosted,
        to_decide=[
            s for s in approvals.to_decide(db_session(), g.actor) if s.request.kind == "meeting_leave"
        ],
        now=_now(),
        states=meetings.RESPONSE_LABELS,
        when=meetings.when_text,
    )


def _hosts_any() -> bool:
    from handlers.policy import holds

    return holds(g.actor, "meeting.manage")


@bp.get("/meetings/<meeting_id>")
def meeting_detail(meeting_id: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), g.actor, _uuid(meeting_id))
    invitation = meetings.invitation_for(db_session(), meeting.id, g.person.id)
    hosting = can(db_session(), g.actor, "meeting.manage", obj=meeting.org)
    outcome = my_year.outcome_in(db_session(), g.person, meeting) if invitation else None
    return render_template(
        "h5/meeting.html",
        meeting=meeting,
        invitation=invitation,
        hosting=hosting,
        now=_now(),
        title=meetings.title_of(db_session(), meeting),
        place=meetings.place_text(meeting),
        when=meetings.when_text,
        states=meetings.RESPONSE_LABELS,
        quorum=meetings.quorum(db_session(), meeting) if hosting else None,
        outcome=outcome,
        scan_open=_scan_open(meeting, invitation, outcome),
    )


def _scan_open(meeting: Meeting, invitation: object, outcome: my_year.MeetingLine | None) -> bool:
    """An invited member at an on-site meeting whose check-in window is open now, not checked
    in yet: the page offers WeCom's 扫一扫 for the room screen's code."""
    if (
        invitation is None
        or meeting.status != MeetingStatus.planned
        or meeting.venue_mode == VenueMode.online
    ):
        return False
    if outcome is not None and outcome.outcome == "attended":
        return False
    now = _now()
    return any(
        opens <= now <= closes
        for opens, closes in (meetings.check_in_window(db_session(), s) for s in meeting.sessions)
    )


@bp.post("/meetings/<meeting_id>/attend")
def meeting_attend(meeting_id: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), g.actor, _uuid(meeting_id))
    invitation = meetings.invitation_for(db_session(), meeting.id, g.person.id)
    back = url_for("h5.meeting_detail", meeting_id=meeting.id)
    if invitation is None:
        flash("您不在本次会议的参会名单中。", "error")
        return redirect(back)
    session_id = request.form.get("session_id") or None
    return form_change(
        lambda: meetings.attend(
            db_session(), g.person, str(invitation.id), session_id=session_id, now=_now()
        ),
        back=back,
        done="已报名，开会时请扫描会场二维码签到。",
    )


@bp.route("/meetings/<meeting_id>/leave", methods=["GET", "POST"])
def meeting_leave(meeting_id: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), g.actor, _uuid(meeting_id))
    invitation = meetings.invitation_for(db_session(), meeting.id, g.person.id)
    if invitation is None:
        abort(403)
    if request.method == "POST":
        try:
            leave.request_leave(
                db_session(),
                g.person,
                invitation_id=str(invitation.id),
                reason=request.form.get("reason", ""),
            )
        except DomainError as refused:
            note_refusal(refused)
            return render_template(
                "h5/leave_form.html",
                meeting=meeting,
                error=refused.message,
                reason=request.form.get("reason", ""),
            ), refused.status
        flash("请假申请已提交，书记审批后会通知您。", "info")
        return redirect(url_for("h5.meeting_detail", meeting_id=meeting.id))
    return render_template("h5/leave_form.html", meeting=meeting, error=None, reason="")


def _hosted(meeting_id: str) -> Meeting:
    return meetings.get_meeting(db_session(), g.actor, _uuid(meeting_id), manage=True)


def _session_of(meeting: Meeting) -> MeetingSession:
    wanted = request.args.get("session", "")
    for candidate in meeting.sessions:
        if str(candidate.id) == wanted:
            return candidate
    now = _now()
    upcoming = [s for s in meeting.sessions if s.ends_at > now]
    return upcoming[0] if upcoming else meeting.sessions[-1]


@bp.get("/meetings/<meeting_id>/roster")
def meeting_roster(meeting_id: str) -> ResponseReturnValue:
    meeting = _hosted(meeting_id)
    return render_template(
        "h5/roster.html",
        meeting=meeting,
        lines=meetings.roster(db_session(), g.actor, meeting.id),
        quorum=meetings.quorum(db_session(), meeting),
        methods=meetings.METHOD_LABELS,
    )


@bp.post("/meetings/<meeting_id>/roster/<member_id>")
def meeting_roster_mark(meeting_id: str, member_id: str) -> ResponseReturnValue:
    present = request.form.get("present") == "1"
    back = url_for("h5.meeting_roster", meeting_id=meeting_id)
    return form_change(
        lambda: meetings.confirm(
            db_session(), g.actor, meeting_id=_uuid(meeting_id), member_id=_uuid(member_id), present=present
        ),
        back=back,
    )


@bp.route("/meetings/<meeting_id>/minutes", methods=["GET", "POST"])
def meeting_minutes(meeting_id: str) -> ResponseReturnValue:
    meeting = _hosted(meeting_id)
    back = url_for("h5.meeting_minutes", meeting_id=meeting.id)
    if request.method == "POST":
        form = request.form
        action = form.get("action")

        def save() -> None:
            meetings.save_minutes(
                db_session(),
                g.actor,
                meeting_id=meeting.id,
                minutes=form.get("minutes", ""),
                resolutions=form.get("resolutions", ""),
                version=form.get("version", type=int) or 0,
            )

        if action == "sign":  # what is in the form is what gets signed

            def save_and_sign() -> None:
                save()
                db_session().flush()
                meetings.sign_off(db_session(), g.actor, meeting_id=meeting.id)

            return form_change(save_and_sign, back=back, done="会议记录已签署并锁定。")
        if action == "correct":
            return form_change(
                lambda: meetings.add_correction(
                    db_session(), g.actor, meeting_id=meeting.id, text=form.get("text", "")
                ),
                back=back,
                done="已追加更正说明。",
            )
        return form_change(save, back=back, done="已保存。")
    return render_template(
        "h5/minutes.html",
        meeting=meeting,
        attachments=meetings.attachments(db_session(), meeting),
        corrections=meetings.corrections(db_session(), meeting),
        quorum=meetings.quorum(db_session(), meeting),
    )


@bp.get("/leave/<leave_id>")
def leave_decision(leave_id: str) -> ResponseReturnValue:
    """Links on cards sent before leave moved onto the approvals engine keep working."""
    return redirect(url_for("h5.approval_detail", request_id=leave_id))


@bp.route("/meetings/<meeting_id>/makeup", methods=["GET", "POST"])
def meeting_makeup(meeting_id: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), g.actor, _uuid(meeting_id))
    if not meeting.makeup_question:
        return render_template("h5/message.html", title="暂无补学", text="本次会议还没有补学材料。"), 404
    error = done = None
    if request.method == "POST":
        try:
            meetings.complete_makeup(
                db_session(), g.person, meeting_id=meeting.id, choice=request.form.get("choice", type=int)
            )
        except DomainError as refused:
            note_refusal(refused)
            error = refused.message
        else:
            done = "已完成补学，记录为补学（不计为到会）。"
    return render_template("h5/makeup.html", meeting=meeting, error=error, done=done), 422 if error else 200


@bp.post("/meetings/<meeting_id>/makeup/material")
def meeting_makeup_material(meeting_id: str) -> ResponseReturnValue:
    form = request.form
    back = url_for("h5.meeting_minutes", meeting_id=meeting_id)

    def change() -> None:
        meetings.set_makeup(
            db_session(),
            g.actor,
            meeting_id=_uuid(meeting_id),
            material=form.get("material", ""),
            question=form.get("question", ""),
            options=form.getlist("option"),
            answer=form.get("answer", -1, type=int),
        )
        if form.get("send"):
            meetings.send_makeup(db_session(), g.actor, meeting_id=_uuid(meeting_id))

    return form_change(
        change, back=back, done="补学材料已保存" + ("并发送给未到会的党员。" if form.get("send") else "。")
    )


H5_SESSION_ROWS = 2


@bp.route("/meetings/new", methods=["GET", "POST"])
def meeting_plan() -> ResponseReturnValue:
    hostable = meetings.hostable_orgs(db_session(), g.actor)
    if not hostable:
        abort(403)
    form = request.form if request.method == "POST" else request.args
    error = None
    if request.method == "POST":
        try:
            meeting = meetings.plan_meeting(
                db_session(),
                g.actor,
                org_id=_form_uuid(form, "org_id"),
                kinds=form.getlist("kinds"),
                topic=form.get("topic", ""),
                agenda=form.get("agenda", ""),
                venue_mode=form.get("venue_mode", ""),
                venue_id=_form_uuid(form, "venue_id"),
                online_room=form.get("online_room"),
                sessions=session_plans(form, H5_SESSION_ROWS),
            )
        except DomainError as refused:
            note_refusal(refused)
            error = refused.message
        else:
            flash("会议已安排，通知卡片正在发送给党员。", "info")
            return redirect(url_for("h5.meeting_detail", meeting_id=meeting.id))
    return render_template(
        "h5/meeting_plan.html",
        orgs=hostable,
        venues=meetings.venues(db_session()),
        form=form,
        error=error,
        kinds=meetings.KIND_LABELS,
        modes=meetings.MODE_LABELS,
        rows=range(H5_SESSION_ROWS),
    ), 422 if error else 200


@bp.post("/meetings/<meeting_id>/attachments")
def meeting_attach(meeting_id: str) -> ResponseReturnValue:
    name, content = read_upload()
    back = url_for("h5.meeting_minutes", meeting_id=meeting_id)
    return form_change(
        lambda: meetings.attach(
            db_session(), g.actor, meeting_id=_uuid(meeting_id), filename=name, content=content
        ),
        back=back,
        done="附件已上传。",
    )


@bp.get("/meetings/<meeting_id>/attachments/<attachment_id>")
def meeting_attachment(meeting_id: str, attachment_id: str) -> ResponseReturnValue:
    found = meetings.attachment_for(
        db_session(), g.actor, meeting_id=_uuid(meeting_id), attachment_id=_uuid(attachment_id)
    )
    return send_stored_file(found)
