"""Planning a meeting: its kinds, sessions (A/B for shift workers) and invitees; cancelling it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, notify, reminders
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.meetings.invitations import _notice, queue_checkin_card
from handlers.meetings.lookups import GROUP_KINDS, VOTING_KINDS, get_meeting, notice_key
from handlers.orgs import live_seats
from handlers.policy import Actor, can
from handlers.validation import require_text
from models import (
    Invitation,
    InvitationVia,
    Meeting,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Member,
    MemberParticipation,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Person,
    Response,
    Venue,
    VenueMode,
    meeting_obligation,
)
from models.archive import ParticipationDirection, participating_on
from models.base import CHINA, local_today, utcnow

MAX_SESSIONS = 4  # with 请假 and 详情, a notice card holds at most 6 buttons


MAX_SESSION_HOURS = 12


@dataclass(frozen=True)
class SessionPlan:
    label: str
    starts_at: datetime
    ends_at: datetime
    shift_group: str | None = None


def _manageable_org(session: Session, actor: Actor, org_id: uuid.UUID | None) -> PartyOrg:
    org = session.get(PartyOrg, org_id) if org_id else None
    if org is None or org.dissolved_at is not None:
        raise NotFound("党组织不存在或已撤销。")
    if not can(session, actor, "meeting.manage", obj=org):
        raise Forbidden("您无权为该党组织安排会议。")
    return org


def _kinds(org: PartyOrg, kinds: list[str]) -> list[MeetingKind]:
    try:
        chosen = sorted({MeetingKind(k) for k in kinds})
    except ValueError:
        raise ValidationFailed("会议类型不正确。", field="kinds") from None
    if not chosen:
        raise ValidationFailed("请至少选择一种会议类型。", field="kinds")
    if org.kind == OrgKind.group and not set(chosen) <= GROUP_KINDS:
        raise ValidationFailed("党小组只能召开党小组会或党课。", field="kinds")
    if org.kind != OrgKind.group and MeetingKind.group_meeting in chosen:
        raise ValidationFailed("党小组会请在党小组下安排。", field="kinds")
    return chosen


def _sessions(plans: list[SessionPlan], now: datetime) -> list[SessionPlan]:
    if not 1 <= len(plans) <= MAX_SESSIONS:
        raise ValidationFailed(f"请安排 1 至 {MAX_SESSIONS} 场。", field="sessions")
    labels = [require_text(p.label, "sessions", "场次名称", max_length=20) for p in plans]
    if len(set(labels)) != len(labels):
        raise ValidationFailed("场次名称不能重复。", field="sessions")
    for plan in plans:
        if plan.starts_at <= now:
            raise ValidationFailed(f"{plan.label}的开始时间已过。", field="sessions")
        if not plan.starts_at < plan.ends_at <= plan.starts_at + timedelta(hours=MAX_SESSION_HOURS):
            raise ValidationFailed(
                f"{plan.label}的结束时间应晚于开始时间，且不超过 {MAX_SESSION_HOURS} 小时。"
            )
    return sorted(plans, key=lambda p: p.starts_at)


def invitees(session: Session, org: PartyOrg, on: date | None = None) -> list[tuple[Member, InvitationVia]]:
    """Who should attend a meeting of `org` on `on` (today): members of record (for a 党小组, its
    members) except those posted away for the period (excused: not among those who should attend),
    and those who take part in its life then (条例 art. 16), full and probationary alike."""
    day = on or local_today()
    live = (Member.left_at.is_(None),)
    away = select(MemberParticipation.member_id).where(participating_on(day, ParticipationDirection.away))
    if org.kind == OrgKind.group:
        record = select(Member).where(Member.group_id == org.id, *live)
        hosts = [org.id]
    else:
        subtree = select(PartyOrg.id).where(PartyOrg.path.startswith(org.path, autoescape=True))
        record = select(Member).where(Member.branch_id.in_(subtree), *live)
        hosts = subtree
    participating = select(Member).where(
        Member.id.in_(
            select(MemberParticipation.member_id).where(
                participating_on(day), MemberParticipation.org_id.in_(hosts)
            )
        ),
        *live,
    )
    record = record.where(Member.id.not_in(away))
    found = [(m, InvitationVia.record) for m in session.scalars(record.options(joinedload(Member.person)))]
    seen = {m.id for m, _ in found}
    found += [
        (m, InvitationVia.participating)
        for m in session.scalars(participating.options(joinedload(Member.person)))
        if m.id not in seen
    ]
    return found


def committee_invitees(session: Session, org: PartyOrg) -> list[tuple[Member, InvitationVia]]:
    """A 支委会 is for the committee: the members holding a live seat on it."""
    return [
        (seat.member, InvitationVia.record)
        for seat in live_seats(session, org)
        if seat.member.left_at is None
    ]


def _default_session(sessions: list[MeetingSession], member: Member) -> MeetingSession | None:
    """One session: that one. Several: the one meant for the member's shift group, if any;
    otherwise the member picks one on the card."""
    if len(sessions) == 1:
        return sessions[0]
    matching = [s for s in sessions if s.shift_group and s.shift_group == member.shift_group]
    return matching[0] if len(matching) == 1 else None


def plan_meeting(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    kinds: list[str],
    topic: str,
    agenda: str,
    venue_mode: str,
    sessions: list[SessionPlan],
    venue_id: uuid.UUID | None = None,
    online_room: str | None = None,
    has_vote: bool = False,
    dual_userids: tuple[str, ...] = (),
    now: datetime | None = None,
) -> Meeting:
    """Plan a meeting, invite its members and queue their notice cards, in one transaction."""
    now = now or utcnow()
    org = _manageable_org(session, actor, org_id)
    chosen = _kinds(org, kinds)
    mode, venue, room = _place(session, venue_mode, venue_id, online_room)
    if has_vote and not set(chosen) & VOTING_KINDS:
        raise ValidationFailed("只有党员大会或支委会可以进行表决。", field="has_vote")
    meeting = Meeting(
        org_id=org.id,
        topic=require_text(topic, "topic", "会议主题", max_length=100),
        agenda=(agenda or "").strip()[:5000],
        venue_mode=mode,
        venue_id=venue.id if venue and mode != VenueMode.online else None,
        online_room=room if mode != VenueMode.onsite else None,
        has_vote=has_vote,
        status=MeetingStatus.planned,
        planned_by=actor.label,
    )
    meeting.sessions = [
        MeetingSession(
            label=p.label.strip(), starts_at=p.starts_at, ends_at=p.ends_at, shift_group=p.shift_group
        )
        for p in _sessions(sessions, now)
    ]
    session.add(meeting)
    session.flush()
    session.execute(meeting_obligation.insert(), [{"meeting_id": meeting.id, "kind": k} for k in chosen])
    invited = (
        committee_invitees(session, org)
        if set(chosen) == {MeetingKind.committee_meeting}
        # Who is here or posted away is decided for the day the meeting is held.
        else invitees(session, org, on=meeting.sessions[0].starts_at.astimezone(CHINA).date())
    )
    for userid in dual_userids:
        _add_dual(session, invited, userid)
    notices = [_invite(session, meeting, member, via, now) for member, via in invited]
    reminders.remind_many(session, notices, now=now)
    audit.record(
        session,
        actor,
        "meeting.plan",
        object_type="meeting",
        object_id=meeting.id,
        detail={
            "org": org.code,
            "kinds": [k.value for k in chosen],
            "invited": len(invited),
            "sessions": len(meeting.sessions),
        },
    )
    return meeting


def _place(
    session: Session, venue_mode: str, venue_id: uuid.UUID | None, online_room: str | None
) -> tuple[VenueMode, Venue | None, str | None]:
    """Where the meeting happens: a venue on site, a room number or link online, or both."""
    try:
        mode = VenueMode(venue_mode)
    except ValueError:
        raise ValidationFailed("会议形式不正确。", field="venue_mode") from None
    venue = session.get(Venue, venue_id) if venue_id else None
    if mode != VenueMode.online and venue is None:
        raise ValidationFailed("现场会议请选择会场。", field="venue_id")
    if venue is not None and venue.retired_at is not None:
        raise ValidationFailed(f"会场“{venue.name}”已停用，请另选会场。", field="venue_id")
    room = (online_room or "").strip() or None
    if mode != VenueMode.onsite and not room:
        raise ValidationFailed("线上会议请填写会议号或链接。", field="online_room")
    return mode, venue, room


def _invite(session: Session, meeting: Meeting, member: Member, via: InvitationVia, now: datetime) -> Any:
    """One member's invitation, their notice card's reminder, and — when their session is known
    already — the 签到 card for when the window opens."""
    default = _default_session(meeting.sessions, member)
    invitation = Invitation(
        meeting_id=meeting.id,
        member_id=member.id,
        via=via,
        voting=member.status == MemberStatus.full,
        session_id=default.id if default else None,
        response=Response.pending,
    )
    session.add(invitation)
    session.flush()
    notice = _notice(session, meeting, invitation, member, now)
    if invitation.session_id is not None:
        queue_checkin_card(session, meeting, invitation, now=now)
    return notice


def _add_dual(session: Session, invited: list[tuple[Member, InvitationVia]], userid: str) -> None:
    """A leader's 双重组织生活: they attend this org's life as an ordinary member."""
    person = session.scalar(select(Person).where(Person.wecom_userid == userid.strip()))
    member = person.membership if person else None
    if member is None or member.left_at is not None:
        raise ValidationFailed(f"{userid} 不是本院党员，不能列为双重组织生活参加人。", field="dual_userids")
    if all(m.id != member.id for m, _ in invited):
        invited.append((member, InvitationVia.dual))


def cancel(session: Session, actor: Actor, *, meeting_id: uuid.UUID, reason: str) -> Meeting:
    """Cancel a planned meeting: the notice cards that went out are updated, the rest never go."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.planned:
        raise Conflict("只能取消尚未签署的会议。")
    reason = require_text(reason, "reason", "取消原因", max_length=200)
    meeting.status = MeetingStatus.cancelled
    for invitation in session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id)):
        notify.close_card(
            session,
            invitation.member.person,
            card_key=notice_key(invitation.id),
            label="会议已取消",
            say_instead=f"会议“{meeting.topic}”已取消：{reason}",
            key=f"meeting_cancel:{invitation.id}",
        )
    audit.record(
        session,
        actor,
        "meeting.cancel",
        object_type="meeting",
        object_id=meeting.id,
        detail={"reason": reason},
    )
    return meeting
