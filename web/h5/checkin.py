"""Check-in by the room's QR code: the room screen whose code changes every 30 seconds (for hosts),
and the page a scanned code opens. Logged in silently like the home page."""

from __future__ import annotations

import functools
import math
from typing import Any

import segno
from flask import current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from handlers import meetings
from handlers.meetings import GeoFix, qr_token
from models import CheckInMethod, Meeting, MeetingSession, VenueMode
from web import db_session
from web.h5.frame import bp
from web.h5.meetings import _hosted, _now, _session_of


def _qr_secret() -> str:
    return current_app.config["SECRET_KEY"]


def _scanned_session(token: str) -> tuple[MeetingSession | None, str | None]:
    try:
        session_id = qr_token.read_token(_qr_secret(), token, _now())
    except qr_token.TokenRefused as refused:
        return None, refused.message
    found = meetings.scanned_session(db_session(), session_id)
    return (found, None) if found else (None, "二维码无法识别，请扫描会场屏幕上的签到二维码。")


def _needs_location(meeting_session: MeetingSession) -> bool:
    meeting = meeting_session.meeting
    venue = meeting.venue if meeting.venue_mode != VenueMode.online else None
    return bool(venue and venue.fences)


@bp.get("/checkin/<token>")
def checkin(token: str) -> ResponseReturnValue:
    found, problem = _scanned_session(token)
    if found is None:
        return _refused_scan(problem)
    return render_template(
        "h5/checkin.html",
        token=token,
        target=found,
        meeting=found.meeting,
        needs_location=_needs_location(found),
        when=meetings.when_text(found),
    )


def _refused_scan(problem: str | None) -> ResponseReturnValue:
    from handlers import audit

    audit.record(db_session(), g.actor, "meeting.checkin", result="refused", detail={"reason": "qr_token"})
    return render_template("h5/message.html", title="无法签到", text=problem), 400


@bp.post("/checkin/<token>")
def checkin_submit(token: str) -> ResponseReturnValue:
    found, problem = _scanned_session(token)
    if found is None:
        return _refused_scan(problem)
    fix = None
    # WeCom's getLocation answers in GCJ-02; a browser's geolocation in WGS-84 (static/checkin.js).
    datum = request.form.get("datum") if request.form.get("datum") in ("gcj02", "wgs84") else "gcj02"
    try:
        if request.form.get("lat") and request.form.get("lng"):
            fix = GeoFix(float(request.form["lat"]), float(request.form["lng"]), datum)
    except ValueError:
        fix = None
    if fix is not None and not (math.isfinite(fix.lat) and math.isfinite(fix.lng)):
        fix = None
    outcome = meetings.check_in(
        db_session(),
        person=g.person,
        meeting_session_id=found.id,
        method=CheckInMethod.qr,
        now=_now(),
        fix=fix,
        source_ip=request.remote_addr,
    )
    return render_template(
        "h5/message.html", title="签到成功" if outcome.ok else "未能签到", text=outcome.message
    ), 200 if outcome.ok else 400


def _qr_now(target: MeetingSession) -> dict[str, Any]:
    token, refresh_in = qr_token.current_token(_qr_secret(), target.id, _now())
    url = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/m/checkin/{token}"
    return {"svg": _qr_svg(url), "url": url, "refresh_in": refresh_in}


@functools.lru_cache(maxsize=256)
def _qr_svg(url: str) -> str:
    """The code drawn once per 30-second slot (the screen polls its feed every few seconds, and
    drawing a code costs more than the rest of the feed): the same URL draws the same picture."""
    return segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#1f2329")


@bp.get("/meetings/<meeting_id>/qr")
def meeting_qr(meeting_id: str) -> ResponseReturnValue:
    """The room screen: a QR code that changes every 30 seconds, and who is here so far."""
    meeting = _hosted(meeting_id)
    target = _session_of(meeting)
    return render_template(
        "h5/qr.html",
        meeting=meeting,
        target=target,
        qr=_qr_now(target),
        counts=_counts(meeting),
        when=meetings.when_text(target),
    )


def _counts(meeting: Meeting) -> dict[str, Any]:
    """The screen's figures (the meeting is the host's: _hosted checked)."""
    present, invited = meetings.headcount(db_session(), meeting)
    quorum = meetings.quorum(db_session(), meeting)
    return {"present": present, "invited": invited, "quorum": quorum, "has_vote": meeting.has_vote}


@bp.get("/meetings/<meeting_id>/qr.json")
def meeting_qr_json(meeting_id: str) -> ResponseReturnValue:
    meeting = _hosted(meeting_id)
    target = _session_of(meeting)
    counts = _counts(meeting)
    quorum = counts.pop("quorum")
    return jsonify(
        **_qr_now(target),
        **counts,
        quorum_reached=quorum.reached,
        should_attend=quorum.should_attend,
        voting_present=quorum.present,
    )
