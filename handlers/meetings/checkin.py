"""Check-in: the window, the QR scan or card tap, the optional geofence (pass/fail kept, never
coordinates). A refused check-in writes nothing but an audit line; a successful one writes exactly
one attendance row per member per meeting, however often the member scans or taps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, geo, rules
from handlers.meetings.lookups import _local
from handlers.policy import Actor, load_actor
from models import (
    Attendance,
    CheckInMethod,
    Invitation,
    Meeting,
    MeetingSession,
    MeetingStatus,
    Person,
    Response,
    VenueMode,
)


@dataclass(frozen=True)
class GeoFix:
    """Where the member's phone says it is. Used for one comparison and then forgotten.
    `datum`: "gcj02" from WeCom's getLocation, "wgs84" from a browser's geolocation."""

    lat: float
    lng: float
    datum: str = "gcj02"

    def as_gcj02(self) -> tuple[float, float]:
        """In the venues' datum: a WGS-84 fix is some 500 m off on a Chinese map until converted."""
        return geo.wgs84_to_gcj02(self.lat, self.lng) if self.datum == "wgs84" else (self.lat, self.lng)


@dataclass(frozen=True)
class CheckInOutcome:
    ok: bool
    message: str
    attendance: Attendance | None = None


DISTANCE_BANDS = ((100, "100米内"), (300, "100-300米"), (1000, "300米-1公里"))


def _band(distance: float) -> str:
    return next((label for limit, label in DISTANCE_BANDS if distance <= limit), "1公里外")


def check_in_window(session: Session, meeting_session: MeetingSession) -> tuple[datetime, datetime]:
    on = meeting_session.starts_at.date()
    before = rules.value(session, "checkin.window_before_minutes", on)
    after = rules.value(session, "checkin.window_after_minutes", on)
    return meeting_session.starts_at - timedelta(minutes=before), meeting_session.starts_at + timedelta(
        minutes=after
    )


def check_in(
    session: Session,
    *,
    person: Person | None,
    meeting_session_id: uuid.UUID,
    method: CheckInMethod,
    now: datetime,
    fix: GeoFix | None = None,
    source_ip: str | None = None,
) -> CheckInOutcome:
    """Record the member's presence at a session, or explain why not (and audit the refusal)."""
    target = session.get(MeetingSession, meeting_session_id)
    if target is None or person is None or person.membership is None:
        return _refuse(session, person, None, "找不到这场会议，或您不是党员。", "unknown", source_ip)
    meeting = target.meeting
    member = person.membership
    invitation = session.scalar(
        select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.member_id == member.id)
    )
    if invitation is None:
        return _refuse(
            session, person, meeting, "您不在本次会议的参会名单中，无需签到。", "not_invited", source_ip
        )
    existing = session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.member_id == member.id)
    )
    if existing is not None and existing.present:
        return CheckInOutcome(True, f"您已于 {_local(existing.checked_in_at)} 签到，无需重复签到。", existing)
    refusal, geofence, band = _admissible(session, target, method, now, fix)
    if refusal is not None:
        message, reason = refusal
        return _refuse(session, person, meeting, message, reason, source_ip, band=band)
    late = now > target.starts_at + timedelta(
        minutes=rules.value(session, "checkin.late_grace_minutes", now.date())
    )
    if existing is not None:  # struck off by the host, now here after all
        existing.present, existing.session_id, existing.method, existing.late = True, target.id, method, late
        attendance = existing
    else:
        attendance = Attendance(
            meeting_id=meeting.id,
            session_id=target.id,
            member_id=member.id,
            method=method,
            checked_in_at=now,
            late=late,
            geofence=geofence,
            distance_band=band,
        )
        if not _insert_once(session, attendance):  # a simultaneous second check-in lost the race
            attendance = session.scalar(
                select(Attendance).where(
                    Attendance.meeting_id == meeting.id, Attendance.member_id == member.id
                )
            )
            return CheckInOutcome(True, "您已签到，无需重复签到。", attendance)
    invitation.response, invitation.session_id = Response.attending, target.id
    return CheckInOutcome(
        True, f"签到成功（{target.label}，{_local(now)}{'，迟到' if late else ''}）。", attendance
    )


#: Why a check-in is refused: the member's message and the audit's reason code.
Refusal = tuple[str, str]


def _admissible(
    session: Session, target: MeetingSession, method: CheckInMethod, now: datetime, fix: GeoFix | None
) -> tuple[Refusal | None, str | None, str | None]:
    """Whether this check-in may count: the meeting still open, inside the window, the method
    allowed, and on the QR page near the venue when it has a geofence. Returns the refusal (or
    None), the geofence result ("pass") and the distance band (never the coordinates)."""
    meeting = target.meeting
    if meeting.status != MeetingStatus.planned:
        cancelled = meeting.status == MeetingStatus.cancelled
        return (
            ("会议已取消。" if cancelled else "会议记录已签署，不能再签到。", meeting.status.value),
            None,
            None,
        )
    opens, closes = check_in_window(session, target)
    if not opens <= now <= closes:
        return (f"{target.label}的签到时间为 {_local(opens)} 至 {_local(closes)}。", "window"), None, None
    if method == CheckInMethod.card and (
        meeting.has_vote or not rules.value(session, "checkin.card_allowed", now.date())
    ):
        return ("本次会议请扫描会场屏幕上的二维码签到。", "card_not_allowed"), None, None
    # The geofence is the QR page's alone (a card tap carries no location).
    venue = meeting.venue if method == CheckInMethod.qr and meeting.venue_mode != VenueMode.online else None
    if venue is None or not venue.fences:
        return None, None, None
    if fix is None:
        return ("请允许获取位置后重试（仅核对是否在会场附近，不保存位置）。", "no_location"), None, None
    lat, lng = fix.as_gcj02()
    distance = geo.distance_m(lat, lng, float(venue.geofence_lat), float(venue.geofence_lng))
    band = _band(distance)
    if distance > venue.geofence_radius_m:
        return (f"您当前不在{venue.name}附近（{band}），请到会场后再签到。", "geofence"), None, band
    return None, "pass", band


def _insert_once(session: Session, attendance: Attendance) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on the one-row-per-member-per-meeting key: one round
    trip, no savepoint. True if this call wrote the row (`attendance` then carries its id)."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    attendance.id = attendance.id or uuid.uuid4()
    columns = (
        "id",
        "meeting_id",
        "session_id",
        "member_id",
        "method",
        "checked_in_at",
        "late",
        "geofence",
        "distance_band",
    )
    written = session.execute(
        insert(Attendance)
        .values({name: getattr(attendance, name) for name in columns})
        .on_conflict_do_nothing(index_elements=["meeting_id", "member_id"])
        .returning(Attendance.id)
    ).scalar()
    return written is not None


def _refuse(
    session: Session,
    person: Person | None,
    meeting: Meeting | None,
    message: str,
    reason: str,
    source_ip: str | None,
    band: str | None = None,
) -> CheckInOutcome:
    actor = load_actor(session, person, source_ip) if person else Actor.system("未识别的签到")
    detail = {"reason": reason, **({"band": band} if band else {})}
    audit.record(
        session,
        actor,
        "meeting.checkin",
        object_type="meeting",
        object_id=meeting.id if meeting else None,
        result="refused",
        detail=detail,
    )
    return CheckInOutcome(False, message)
