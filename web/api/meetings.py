"""/api/v1/meetings: meetings with their sessions and attendance, scoped like the console.

An OA or scheduling system can plan a meeting (notices go out as if planned in the console)
and read attendance back for its own records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import meetings
from handlers.errors import ValidationFailed
from handlers.meetings import SessionPlan
from models import Attendance, Meeting, MeetingSession
from web import db_session
from web.api.frame import bp, json_body, listing_response, page_args, parse_uuid, required_uuid, text_field


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _session(meeting_session: MeetingSession) -> dict[str, Any]:
    return {
        "id": str(meeting_session.id),
        "label": meeting_session.label,
        "starts_at": _iso(meeting_session.starts_at),
        "ends_at": _iso(meeting_session.ends_at),
        "shift_group": meeting_session.shift_group,
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": str(meeting.id),
        "org_id": str(meeting.org_id),
        "kinds": [k.value for k in meetings.kinds_of(db_session(), meeting)],
        "topic": meeting.topic,
        "agenda": meeting.agenda,
        "venue_mode": meeting.venue_mode.value,
        "venue_id": str(meeting.venue_id) if meeting.venue_id else None,
        "online_room": meeting.online_room,
        "has_vote": meeting.has_vote,
        "status": meeting.status.value,
        "sessions": [_session(s) for s in meeting.sessions],
    }


def _attendance(row: Attendance) -> dict[str, Any]:
    return {
        "member_id": str(row.member_id),
        "session_id": str(row.session_id),
        "method": row.method.value,
        "checked_in_at": _iso(row.checked_in_at),
        "late": row.late,
        "present": row.present,
        # The geofence outcome only; coordinates are never stored.
        "geofence": row.geofence,
    }


def _moment(raw: Any, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        raise ValidationFailed(
            f"{name} 应为带时区的 ISO 8601 时间，如 2026-12-01T14:00:00+08:00。", field=name
        ) from None
    if moment.tzinfo is None:
        raise ValidationFailed(f"{name} 须带时区（如 +08:00）。", field=name)
    return moment


def _plans(raw: Any) -> list[SessionPlan]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValidationFailed("sessions 应为场次对象的数组。", field="sessions")
    return [
        SessionPlan(
            str(item.get("label") or f"{'ABCD'[i % 4]}场"),
            _moment(item.get("starts_at"), "starts_at"),
            _moment(item.get("ends_at"), "ends_at"),
            item.get("shift_group") if isinstance(item.get("shift_group"), str) else None,
        )
        for i, item in enumerate(raw)
    ]


@bp.get("/meetings")
def meeting_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = meetings.meeting_page(
        db_session(),
        g.actor,
        org_id=parse_uuid(request.args.get("org_id"), "org_id"),
        page=page,
        per_page=per_page,
    )
    return listing_response([_meeting(m) for m in listing.items], listing.page, per_page, listing.total)


@bp.post("/meetings")
def meeting_create() -> ResponseReturnValue:
    body = json_body()
    kinds = body.get("kinds")
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise ValidationFailed("kinds 应为会议类型的数组。", field="kinds")
    meeting = meetings.plan_meeting(
        db_session(),
        g.actor,
        org_id=required_uuid(body, "org_id"),
        kinds=kinds,
        topic=text_field(body, "topic"),
        agenda=text_field(body, "agenda"),
        venue_mode=text_field(body, "venue_mode") or "onsite",
        venue_id=parse_uuid(text_field(body, "venue_id"), "venue_id"),
        online_room=text_field(body, "online_room") or None,
        has_vote=body.get("has_vote") is True,
        sessions=_plans(body.get("sessions")),
    )
    return jsonify(_meeting(meeting)), 201


@bp.get("/meetings/<meeting_id>")
def meeting_get(meeting_id: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), g.actor, parse_uuid(meeting_id, "meeting_id"), manage=True)
    return jsonify(_meeting(meeting))


@bp.get("/meetings/<meeting_id>/sessions")
def meeting_sessions(meeting_id: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(db_session(), g.actor, parse_uuid(meeting_id, "meeting_id"), manage=True)
    return jsonify({"items": [_session(s) for s in meeting.sessions]})


@bp.get("/meetings/<meeting_id>/attendance")
def meeting_attendance(meeting_id: str) -> ResponseReturnValue:
    rows = meetings.attendance_of(db_session(), g.actor, parse_uuid(meeting_id, "meeting_id"))
    return jsonify({"items": [_attendance(a) for a in rows]})
