"""Meetings (三会一课, 主题党日, 组织生活会, 民主评议): planned, attended and recorded.

A meeting belongs to one org and may satisfy several obligations at once (a 主题党日 that is
also a 党员大会 and a 党课: one row per kind in `meeting_obligation`). It has one or more
sessions (A/B sessions of the same content for different shifts). Invitations are a snapshot
taken when the meeting is planned: the record shows who should have attended then, whatever
transfers happen later. Attendance is one row per member per meeting; make-up study (补学) is
recorded separately and is never attendance.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    Enum,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey, utcnow


def _enum(cls: type[enum.Enum], name: str, length: int = 24) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=length, validate_strings=True)


class MeetingKind(enum.StrEnum):
    general_assembly = "general_assembly"  # 支部党员大会
    committee_meeting = "committee_meeting"  # 支委会
    group_meeting = "group_meeting"  # 党小组会
    party_lecture = "party_lecture"  # 党课
    theme_day = "theme_day"  # 主题党日
    org_life_meeting = "org_life_meeting"  # 组织生活会
    member_review = "member_review"  # 民主评议党员


class VenueMode(enum.StrEnum):
    onsite = "onsite"
    online = "online"
    hybrid = "hybrid"


class MeetingStatus(enum.StrEnum):
    planned = "planned"
    cancelled = "cancelled"
    #: The secretary signed the minutes off: the record is locked, corrections are appended.
    signed_off = "signed_off"


class InvitationVia(enum.StrEnum):
    record = "record"  # the org is their branch of record (or their 党小组)
    participating = "participating"  # the org is their participating org (流动党员)
    dual = "dual"  # a leader's 双重组织生活, added by the planner


class Response(enum.StrEnum):
    pending = "pending"
    attending = "attending"
    leave_requested = "leave_requested"
    on_leave = "on_leave"  # leave approved: a make-up (补学) candidate


class CheckInMethod(enum.StrEnum):
    qr = "qr"  # scanned the rotating QR code in the room
    card = "card"  # the 签到 button on the WeCom card
    host = "host"  # marked by the host when confirming the roster


meeting_obligation = Table(
    "meeting_obligation",
    Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", _enum(MeetingKind, "meeting_kind"), primary_key=True),
)


class Meeting(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "meeting"

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    topic: Mapped[str] = mapped_column(String(100))
    agenda: Mapped[str] = mapped_column(Text, default="")
    venue_mode: Mapped[VenueMode] = mapped_column(_enum(VenueMode, "venue_mode", 16))
    venue_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("venue.id"))
    #: The online room (腾讯会议 number or intranet link) for online and hybrid meetings.
    online_room: Mapped[str | None] = mapped_column(String(200))
    #: A vote is taken (admitting a member, electing): quorum and the tally helper apply.
    has_vote: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus, "meeting_status", 16))
    planned_by: Mapped[str] = mapped_column(String(100))
    minutes: Mapped[str] = mapped_column(Text, default="")
    resolutions: Mapped[str] = mapped_column(Text, default="")
    signed_off_at: Mapped[datetime | None]
    signed_off_by: Mapped[str | None] = mapped_column(String(100))
    #: A 组织生活会 signed off as prepared: its 谈心谈话 were complete or their gaps explained.
    prepared_at: Mapped[datetime | None]
    prepared_by: Mapped[str | None] = mapped_column(String(100))
    #: Set at sign-off, when attendance is final (no check-in or roster change after it): the
    #: 数据中心 reads five years of meetings without reading their rosters again.
    invited_count: Mapped[int | None]
    present_count: Mapped[int | None]
    #: 补学: what absentees read afterwards, and one question to confirm they did.
    makeup_material: Mapped[str] = mapped_column(Text, default="", server_default="")
    makeup_question: Mapped[str | None] = mapped_column(String(200))
    makeup_options: Mapped[list[str] | None] = mapped_column(JSON)
    makeup_answer: Mapped[int | None]
    #: Optimistic lock: two secretaries editing one meeting never overwrite each other silently.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    org = relationship("PartyOrg")
    venue = relationship("Venue")
    sessions: Mapped[list[MeetingSession]] = relationship(
        back_populates="meeting", order_by="MeetingSession.starts_at", cascade="all, delete-orphan"
    )


class MeetingSession(UUIDPrimaryKey, Base):
    __tablename__ = "meeting_session"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    label: Mapped[str] = mapped_column(String(20))  #: "A场", "B场"
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    #: Which shift group it is meant for (白班组 …), used to choose a session for an invitee.
    shift_group: Mapped[str | None] = mapped_column(String(32))

    meeting: Mapped[Meeting] = relationship(back_populates="sessions")


class Invitation(UUIDPrimaryKey, Base):
    __tablename__ = "meeting_invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    via: Mapped[InvitationVia] = mapped_column(_enum(InvitationVia, "invitation_via", 16))
    #: Full members count toward quorum; probationary members take part but do not vote.
    voting: Mapped[bool]
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meeting_session.id"))
    response: Mapped[Response] = mapped_column(_enum(Response, "invitation_response", 20))
    responded_at: Mapped[datetime | None]

    meeting = relationship("Meeting")
    member = relationship("Member")
    session = relationship("MeetingSession")


class Attendance(UUIDPrimaryKey, Base):
    """One member's presence at one meeting: however often they check in, one row."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting_session.id"))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    method: Mapped[CheckInMethod] = mapped_column(_enum(CheckInMethod, "checkin_method", 8))
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    #: The geofence outcome only: "pass" or "fail" and a distance band, never coordinates.
    geofence: Mapped[str | None] = mapped_column(String(8))
    distance_band: Mapped[str | None] = mapped_column(String(16))
    #: The host's confirmation afterwards (present is False when the host struck them off).
    present: Mapped[bool] = mapped_column(default=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None]

    member = relationship("Member")
    session = relationship("MeetingSession")


class MakeupStudy(UUIDPrimaryKey, Base):
    """补学: an absent member read the material and answered the question. Never attendance."""

    __tablename__ = "meeting_makeup"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The secretary's confirmation of the member's 心得 (the 补学确认 approval), if asked for.
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None]


class MeetingCorrection(UUIDPrimaryKey, Base):
    """A correction appended to signed-off minutes (the signed text itself never changes)."""

    __tablename__ = "meeting_correction"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(100))
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
