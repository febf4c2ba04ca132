"""Finding meetings and invitations within the actor's scope, and the labels pages and cards show."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from handlers.errors import Conflict, Forbidden, NotFound, OutOfScope
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, scope_paths
from models import (
    Attendance,
    CheckInMethod,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Member,
    OrgKind,
    PartyOrg,
    Person,
    Response,
    Venue,
    VenueMode,
    meeting_obligation,
)
from models.base import local_text

KIND_LABELS = {
    MeetingKind.general_assembly: "支部党员大会",
    MeetingKind.committee_meeting: "支委会",
    MeetingKind.group_meeting: "党小组会",
    MeetingKind.party_lecture: "党课",
    MeetingKind.theme_day: "主题党日",
    MeetingKind.org_life_meeting: "组织生活会",
    MeetingKind.member_review: "民主评议党员",
}


RESPONSE_LABELS = {
    Response.pending: "待回复",
    Response.attending: "已报名",
    Response.leave_requested: "请假审批中",
    Response.on_leave: "已请假",
}


METHOD_LABELS = {CheckInMethod.qr: "扫码", CheckInMethod.card: "卡片", CheckInMethod.host: "主持人确认"}


MODE_LABELS = {VenueMode.onsite: "现场", VenueMode.online: "线上", VenueMode.hybrid: "现场+线上"}


#: Kinds a 党小组 holds; every other kind belongs to a branch or an org above it.
GROUP_KINDS = {MeetingKind.group_meeting, MeetingKind.party_lecture}


#: Kinds where a vote can be taken (admitting a member, elections, resolutions).
VOTING_KINDS = {MeetingKind.general_assembly, MeetingKind.committee_meeting}


#: The orgs that hold meetings of their own (a 党委's business goes through its branches).
HOST_KINDS = (OrgKind.general_branch, OrgKind.branch, OrgKind.group)


def hostable_orgs(session: Session, actor: Actor) -> list[PartyOrg]:
    """The orgs the actor may plan a meeting for, as the planning forms offer them."""
    from handlers import members

    return [
        o
        for o in members.visible_orgs(session, actor)
        if o.kind in HOST_KINDS and can(session, actor, "meeting.manage", obj=o)
    ]


def venues(session: Session) -> list[Venue]:
    """The venues a new meeting may pick (not retired), by campus and name: handlers/venues."""
    from handlers import venues as venue_book

    return venue_book.usable(session)


def scanned_session(session: Session, meeting_session_id: uuid.UUID) -> MeetingSession | None:
    """The meeting session a check-in QR code names (the token was verified by qr_token)."""
    return session.get(MeetingSession, meeting_session_id)


def notice_key(invitation_id: uuid.UUID) -> str:
    """The notice card's outbox key; a card update names the card by it."""
    return f"meeting_notice:{invitation_id}"


def when_text(meeting_session: MeetingSession) -> str:
    """ "11-20 14:00-15:00" in Beijing time."""
    return f"{_local(meeting_session.starts_at)}-{local_text(meeting_session.ends_at, '%H:%M')}"


def place_text(meeting: Meeting) -> str:
    if meeting.venue_mode == VenueMode.online:
        return f"线上：{meeting.online_room}"
    place = meeting.venue.name if meeting.venue else ""
    return place if meeting.venue_mode == VenueMode.onsite else f"{place}（可线上：{meeting.online_room}）"


def checkin_card_key(invitation_id: uuid.UUID) -> str:
    return f"meeting_checkin:{invitation_id}"


def kinds_of(session: Session, meeting: Meeting) -> list[MeetingKind]:
    rows = session.execute(
        select(meeting_obligation.c.kind).where(meeting_obligation.c.meeting_id == meeting.id)
    )
    return sorted(MeetingKind(k) for (k,) in rows)


def title_of(session: Session, meeting: Meeting) -> str:
    return "、".join(KIND_LABELS[k] for k in kinds_of(session, meeting))


def headline(session: Session, meeting: Meeting) -> str:
    """ "党课：学习党章" — the kinds, then the topic, unless the topic already says them (a topic
    typed as "党课：学习党章" is not shown as "党课：党课：学习党章")."""
    title = title_of(session, meeting)
    return meeting.topic if meeting.topic.startswith(title) else f"{title}：{meeting.topic}"


def get_meeting(session: Session, actor: Actor, meeting_id: uuid.UUID, *, manage: bool = False) -> Meeting:
    """A meeting its hosts may manage, or (manage=False) that its hosts or an invitee may see."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound()
    if can(session, actor, "meeting.manage", obj=meeting.org):
        return meeting
    if not manage and actor.person_id and invitation_for(session, meeting.id, actor.person_id) is not None:
        return meeting
    raise OutOfScope()


def invitation_for(session: Session, meeting_id: uuid.UUID, person_id: uuid.UUID) -> Invitation | None:
    return session.scalar(
        select(Invitation)
        .join(Member, Invitation.member_id == Member.id)
        .where(Invitation.meeting_id == meeting_id, Member.person_id == person_id)
    )


def my_invitations(session: Session, person: Person) -> list[Invitation]:
    """The member's meetings, newest first (the H5 "my meetings" page)."""
    if person.membership is None:
        return []
    return list(
        session.scalars(
            select(Invitation)
            .join(Meeting, Invitation.meeting_id == Meeting.id)
            .options(joinedload(Invitation.session))
            .where(Invitation.member_id == person.membership.id, Meeting.status != MeetingStatus.cancelled)
            .order_by(Meeting.created_at.desc())
            .limit(100)
        )
    )


def _hosted_meetings(session: Session, actor: Actor, org_id: uuid.UUID | None) -> Select:
    """Meetings of the orgs the actor hosts (or of `org_id`'s subtree, if they host it)."""
    paths = scope_paths(actor, "meeting.manage")
    stmt = select(Meeting).join(PartyOrg, Meeting.org_id == PartyOrg.id)
    if paths is not None:
        if not paths:
            raise Forbidden("您无权查看会议。")
        stmt = stmt.where(or_(*(PartyOrg.path.startswith(p, autoescape=True) for p in paths)))
    if org_id is not None:
        org = session.get(PartyOrg, org_id)
        if org is None or not can(session, actor, "meeting.manage", obj=org):
            raise OutOfScope()
        stmt = stmt.where(PartyOrg.path.startswith(org.path, autoescape=True))
    return stmt


def list_meetings(
    session: Session, actor: Actor, *, org_id: uuid.UUID | None = None, limit: int = 200
) -> list[Meeting]:
    """Meetings the actor hosts, newest first (console and H5 lists)."""
    stmt = _hosted_meetings(session, actor, org_id).options(joinedload(Meeting.org))
    return list(session.scalars(stmt.order_by(Meeting.created_at.desc(), Meeting.id).limit(limit)).unique())


def meeting_page(
    session: Session, actor: Actor, *, org_id: uuid.UUID | None, page: int, per_page: int
) -> Page[Meeting]:
    """The same, a page at a time (the API)."""
    return paginate(
        session,
        _hosted_meetings(session, actor, org_id),
        page=page,
        per_page=per_page,
        order_by=(Meeting.created_at.desc(), Meeting.id),
        options=(joinedload(Meeting.sessions),),
    )


def attendance_of(session: Session, actor: Actor, meeting_id: uuid.UUID) -> list[Attendance]:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    return list(
        session.scalars(
            select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.checked_in_at)
        )
    )


def own_invitation(session: Session, person: Person | None, invitation_id: str) -> Invitation:
    """The invitation a card key names, if it is this person's (a forged key is refused)."""
    try:
        invitation = session.get(Invitation, uuid.UUID(invitation_id))
    except ValueError:
        invitation = None
    if invitation is None or person is None or invitation.member.person_id != person.id:
        raise Forbidden("这张卡片不是发给您的，请以收到的会议通知为准。")
    meeting = session.get(Meeting, invitation.meeting_id)
    if meeting.status == MeetingStatus.cancelled:
        raise Conflict("该会议已取消。")
    return invitation


def _local(moment: datetime) -> str:
    """Beijing time for messages, to the minute (stored times are UTC)."""
    return local_text(moment, "%m-%d %H:%M")
