"""Meetings: plan with sessions and invitations, respond, check in, confirm the roster, quorum
and vote tally, minutes with sign-off and appended corrections.

Rules come from the catalogue (check-in window, lateness, whether card check-in is allowed).
Attendance is the statutory record of a real meeting, never a daily 打卡: there are no streaks,
rankings or time counters here. A refused check-in writes nothing but an audit line; a
successful one writes exactly one attendance row per member per meeting, however often the
member scans or taps.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, points, reminders, rules, uploads, workbench
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.orgs import live_seats
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, load_actor, scope_paths
from handlers.validation import require_text
from models import (
    Attendance,
    CheckInMethod,
    Invitation,
    InvitationVia,
    MakeupStudy,
    Meeting,
    MeetingAttachment,
    MeetingCorrection,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Member,
    MemberStatus,
    OrgKind,
    OutboundMessage,
    OutboundStatus,
    PartyOrg,
    Person,
    ReminderPriority,
    Response,
    Venue,
    VenueMode,
    meeting_obligation,
)
from models.base import CHINA, utcnow

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
MAX_SESSIONS = 4  # with 请假 and 详情, a notice card holds at most 6 buttons
MAX_SESSION_HOURS = 12
#: Kinds a 党小组 holds; every other kind belongs to a branch or an org above it.
GROUP_KINDS = {MeetingKind.group_meeting, MeetingKind.party_lecture}
#: Kinds where a vote can be taken (admitting a member, elections, resolutions).
VOTING_KINDS = {MeetingKind.general_assembly, MeetingKind.committee_meeting}


@dataclass(frozen=True)
class SessionPlan:
    label: str
    starts_at: datetime
    ends_at: datetime
    shift_group: str | None = None


# -- planning -----------------------------------------------------------------------------------


def _manageable_org(session: Session, actor: Actor, org_id: uuid.UUID | None) -> PartyOrg:
    org = session.get(PartyOrg, org_id) if org_id else None
    if org is None or org.dissolved_at is not None:
        raise NotFound("党组织不存在或已撤销。")
    if not can(session, actor, "meeting.manage", org):
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
    labels = [require_text(p.label, "sessions", "场次名称", 20) for p in plans]
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


def invitees(session: Session, org: PartyOrg) -> list[tuple[Member, InvitationVia]]:
    """Who should attend a meeting of `org`: members of record (for a 党小组, its members) and
    those who take part in its life (participating org), full and probationary alike."""
    live = (Member.left_at.is_(None),)
    if org.kind == OrgKind.group:
        record = select(Member).where(Member.group_id == org.id, *live)
        participating = select(Member).where(Member.participating_org_id == org.id, *live)
    else:
        subtree = select(PartyOrg.id).where(PartyOrg.path.startswith(org.path, autoescape=True))
        record = select(Member).where(Member.branch_id.in_(subtree), *live)
        participating = select(Member).where(
            Member.participating_org_id.in_(subtree), Member.branch_id.not_in(subtree), *live
        )
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
    try:
        mode = VenueMode(venue_mode)
    except ValueError:
        raise ValidationFailed("会议形式不正确。", field="venue_mode") from None
    venue = session.get(Venue, venue_id) if venue_id else None
    if mode != VenueMode.online and venue is None:
        raise ValidationFailed("现场会议请选择会场。", field="venue_id")
    room = (online_room or "").strip() or None
    if mode != VenueMode.onsite and not room:
        raise ValidationFailed("线上会议请填写会议号或链接。", field="online_room")
    if has_vote and not set(chosen) & VOTING_KINDS:
        raise ValidationFailed("只有党员大会或支委会可以进行表决。", field="has_vote")
    meeting = Meeting(
        org_id=org.id,
        topic=require_text(topic, "topic", "会议主题", 100),
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
        else invitees(session, org)
    )
    for userid in dual_userids:
        _add_dual(session, invited, userid)
    notices = []
    for member, via in invited:
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
        notices.append(_notice(session, meeting, invitation, member, now))
        if invitation.session_id is not None:
            queue_checkin_card(session, meeting, invitation, now)
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


def _add_dual(session: Session, invited: list[tuple[Member, InvitationVia]], userid: str) -> None:
    """A leader's 双重组织生活: they attend this org's life as an ordinary member."""
    person = session.scalar(select(Person).where(Person.wecom_userid == userid.strip()))
    member = person.membership if person else None
    if member is None or member.left_at is not None:
        raise ValidationFailed(f"{userid} 不是本院党员，不能列为双重组织生活参加人。", field="dual_userids")
    if all(m.id != member.id for m, _ in invited):
        invited.append((member, InvitationVia.dual))


def notice_key(invitation_id: uuid.UUID) -> str:
    """The notice card's outbox key; a card update names the card by it."""
    return f"meeting_notice:{invitation_id}"


def when_text(meeting_session: MeetingSession) -> str:
    """ "11-20 14:00-15:00" in Beijing time."""
    start = meeting_session.starts_at.astimezone(CHINA)
    return f"{start:%m-%d %H:%M}-{meeting_session.ends_at.astimezone(CHINA):%H:%M}"


def place_text(meeting: Meeting) -> str:
    if meeting.venue_mode == VenueMode.online:
        return f"线上：{meeting.online_room}"
    place = meeting.venue.name if meeting.venue else ""
    return place if meeting.venue_mode == VenueMode.onsite else f"{place}（可线上：{meeting.online_room}）"


def _card_facts(session: Session, meeting: Meeting) -> dict:
    """What a card about this meeting shows; cards are rendered from these, never from rows."""
    return {
        "meeting_id": str(meeting.id),
        "title": title_of(session, meeting),
        "org": meeting.org.name,
        "topic": meeting.topic,
        "place": place_text(meeting),
    }


def _notice(
    session: Session, meeting: Meeting, invitation: Invitation, member: Member, now: datetime
) -> reminders.Ask:
    """The notice card (参加 / 请假 / 详情) as a reminder: it arrives at a moment that suits the
    member's roster and quiet hours — within twelve hours of planning, and no later than half
    an hour before the first session — not at 23:00 because the secretary planned then."""
    assigned = invitation.session_id
    sessions = [
        {"id": str(s.id), "label": s.label, "when": when_text(s)}
        for s in meeting.sessions
        if assigned is None or s.id == assigned
    ]
    params = {**_card_facts(session, meeting), "invitation_id": str(invitation.id), "sessions": sessions}
    first = meeting.sessions[0].starts_at
    return reminders.Ask(
        member.person,
        "meeting_notice",
        f"meeting_notice:{invitation.id}",
        f"{title_of(session, meeting)}：{meeting.topic}",
        f"{meeting.org.name} {sessions[0]['when']}",
        f"/m/meetings/{meeting.id}",
        due_at=first,
        earliest=now,
        latest=max(now, min(now + timedelta(hours=12), first - timedelta(minutes=30))),
        card=("meeting_notice", params, notice_key(invitation.id)),
    )


@reminders.obligation_check("meeting_notice")
def _notice_moot(session: Session, invitation_id: str) -> bool:
    """No notice needed once the member answered (on the H5 page) or the meeting is off."""
    invitation = session.get(Invitation, uuid.UUID(invitation_id))
    if invitation is None or invitation.response != Response.pending:
        return True
    return session.get(Meeting, invitation.meeting_id).status != MeetingStatus.planned


def checkin_card_key(invitation_id: uuid.UUID) -> str:
    return f"meeting_checkin:{invitation_id}"


def queue_checkin_card(
    session: Session, meeting: Meeting, invitation: Invitation, now: datetime | None = None
) -> None:
    """A 签到 card for the chosen session, where card check-in is allowed: a reminder of the
    urgent kind, sent when the check-in window opens (not days before, when the member said
    they would come), and dropped if they check in by QR first or take leave. Choosing another
    session replans the same reminder."""
    target = next(s for s in meeting.sessions if s.id == invitation.session_id)
    if meeting.has_vote or not rules.value(session, "checkin.card_allowed", target.starts_at.date()):
        return
    opens, closes = check_in_window(session, target)
    now = now or utcnow()
    if closes <= now:
        return
    params = {
        **_card_facts(session, meeting),
        "session_id": str(target.id),
        "label": target.label,
        "when": when_text(target),
        "invitation_id": str(invitation.id),
    }
    reminders.remind(
        session,
        session.get(Member, invitation.member_id).person,
        category="meeting_checkin",
        obligation=f"meeting_checkin:{invitation.id}",
        title=f"签到：{meeting.topic}",
        reason=f"{target.label} {when_text(target)} 的签到时间已到，可在卡片上直接签到。",
        path=f"/m/meetings/{meeting.id}",
        due_at=target.starts_at,
        earliest=opens,
        latest=closes,
        priority=ReminderPriority.immediate,
        now=now,
        card=("meeting_checkin", params, checkin_card_key(invitation.id)),
    )


def cancel_checkin_card(session: Session, invitation: Invitation, why: str) -> None:
    """Checked in already, or on leave: the 签到 card has nothing left to ask."""
    reminders.cancel(session, f"meeting_checkin:{invitation.id}", why)
    card = session.scalar(
        select(OutboundMessage).where(OutboundMessage.dedupe_key == checkin_card_key(invitation.id))
    )
    if card is not None and card.status in (OutboundStatus.pending, OutboundStatus.deferred):
        card.status, card.last_error = OutboundStatus.cancelled, why


def kinds_of(session: Session, meeting: Meeting) -> list[MeetingKind]:
    rows = session.execute(
        select(meeting_obligation.c.kind).where(meeting_obligation.c.meeting_id == meeting.id)
    )
    return sorted(MeetingKind(k) for (k,) in rows)


def title_of(session: Session, meeting: Meeting) -> str:
    return "、".join(KIND_LABELS[k] for k in kinds_of(session, meeting))


# -- looking meetings up ------------------------------------------------------------------------


def get_meeting(session: Session, actor: Actor, meeting_id: uuid.UUID, *, manage: bool = False) -> Meeting:
    """A meeting its hosts may manage, or (manage=False) that its hosts or an invitee may see."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("会议不存在。")
    if can(session, actor, "meeting.manage", meeting.org):
        return meeting
    if not manage and actor.person_id and invitation_for(session, meeting.id, actor.person_id) is not None:
        return meeting
    raise Forbidden("您无权查看该会议。")


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
        if org is None or not can(session, actor, "meeting.manage", org):
            raise Forbidden("您无权查看该党组织的会议。")
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


# -- responding to the notice ---------------------------------------------------------------------


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


def attend(
    session: Session, person: Person | None, invitation_id: str, session_id: str | None, now: datetime
) -> str:
    """参加 on the notice card (with the session chosen when there are several)."""
    invitation = own_invitation(session, person, invitation_id)
    sessions = session.get(Meeting, invitation.meeting_id).sessions
    chosen = next((s for s in sessions if str(s.id) == session_id), None) if session_id else None
    if chosen is None:
        chosen = invitation.session or (sessions[0] if len(sessions) == 1 else None)
    if chosen is None:
        raise ValidationFailed("请选择要参加的场次。")
    if chosen.ends_at <= now:
        raise Conflict(f"{chosen.label}已经结束。")
    if invitation.response in (Response.leave_requested, Response.on_leave):
        raise Conflict("您已请假；如能参加，请联系支部书记撤回请假。")
    invitation.response, invitation.session_id, invitation.responded_at = Response.attending, chosen.id, now
    meeting = session.get(Meeting, invitation.meeting_id)
    queue_checkin_card(session, meeting, invitation, now)
    _remind_before(session, person, meeting, invitation, chosen, now)
    return f"已报名{chosen.label}"


def _remind_before(
    session: Session,
    person: Person,
    meeting: Meeting,
    invitation: Invitation,
    chosen: MeetingSession,
    now: datetime,
) -> None:
    """A reminder on the day, at a moment that suits the member's roster: from a day before
    until half an hour before the start (a night-shift nurse is not woken for it)."""
    if chosen.starts_at - timedelta(minutes=30) <= now:
        return
    reminders.remind(
        session,
        person,
        category="meeting_soon",
        obligation=f"meeting_attend:{invitation.id}",
        title=f"{chosen.label} {when_text(chosen)} {meeting.topic}",
        reason=f"您已报名参加{meeting.org.name}的会议，地点：{place_text(meeting)}",
        path=f"/m/meetings/{meeting.id}",
        due_at=chosen.starts_at,
        earliest=max(now, chosen.starts_at - timedelta(hours=24)),
        latest=chosen.starts_at - timedelta(minutes=30),
        now=now,
    )


@reminders.obligation_check("meeting_checkin")
@reminders.obligation_check("meeting_attend")
def _attendance_settled(session: Session, invitation_id: str) -> bool:
    """No reminder needed once the member is checked in, on leave, or the meeting is off."""
    invitation = session.get(Invitation, uuid.UUID(invitation_id))
    if invitation is None or invitation.response != Response.attending:
        return True
    meeting = session.get(Meeting, invitation.meeting_id)
    checked_in = session.scalar(
        select(Attendance.id).where(
            Attendance.meeting_id == meeting.id, Attendance.member_id == invitation.member_id
        )
    )
    return meeting.status != MeetingStatus.planned or checked_in is not None


# -- check-in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeoFix:
    """Where the member's phone says it is. Used for one comparison and then forgotten."""

    lat: float
    lng: float


@dataclass(frozen=True)
class CheckInOutcome:
    ok: bool
    message: str
    attendance: Attendance | None = None


DISTANCE_BANDS = ((100, "100米内"), (300, "100-300米"), (1000, "300米-1公里"))


def _distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine); GCJ-02 offsets cancel out at this scale."""
    earth = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * earth * math.asin(math.sqrt(a))


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
    if meeting.status != MeetingStatus.planned:
        reason = (
            "会议已取消。" if meeting.status == MeetingStatus.cancelled else "会议记录已签署，不能再签到。"
        )
        return _refuse(session, person, meeting, reason, meeting.status.value, source_ip)
    opens, closes = check_in_window(session, target)
    if not opens <= now <= closes:
        return _refuse(
            session,
            person,
            meeting,
            f"{target.label}的签到时间为 {_local(opens)} 至 {_local(closes)}。",
            "window",
            source_ip,
        )
    if method == CheckInMethod.card and (
        meeting.has_vote or not rules.value(session, "checkin.card_allowed", now.date())
    ):
        return _refuse(
            session, person, meeting, "本次会议请扫描会场屏幕上的二维码签到。", "card_not_allowed", source_ip
        )
    geofence = band = None
    # The geofence is the QR page's alone (a card tap carries no location).
    venue = meeting.venue if method == CheckInMethod.qr and meeting.venue_mode != VenueMode.online else None
    if venue is not None and venue.geofence_radius_m:
        if fix is None:
            return _refuse(
                session,
                person,
                meeting,
                "请允许获取位置后重试（仅核对是否在会场附近，不保存位置）。",
                "no_location",
                source_ip,
            )
        distance = _distance_m(fix.lat, fix.lng, float(venue.geofence_lat), float(venue.geofence_lng))
        band = _band(distance)
        if distance > venue.geofence_radius_m:
            return _refuse(
                session,
                person,
                meeting,
                f"您当前不在{venue.name}附近（{band}），请到会场后再签到。",
                "geofence",
                source_ip,
                band=band,
            )
        geofence = "pass"
    grace = rules.value(session, "checkin.late_grace_minutes", now.date())
    late = now > target.starts_at + timedelta(minutes=grace)
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


def _local(moment: datetime) -> str:
    """Beijing time for messages (stored times are UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA).strftime("%m-%d %H:%M")


# -- the roster, quorum and votes -----------------------------------------------------------------


@dataclass(frozen=True)
class RosterLine:
    invitation: Invitation
    attendance: Attendance | None


def roster(session: Session, actor: Actor, meeting_id: uuid.UUID) -> list[RosterLine]:
    """Everyone invited, with their check-in (hosts only). One query for each table."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    invitations = session.scalars(
        select(Invitation)
        .options(joinedload(Invitation.member).joinedload(Member.person), joinedload(Invitation.session))
        .where(Invitation.meeting_id == meeting.id)
    ).all()
    present = {
        a.member_id: a for a in session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    lines = [RosterLine(i, present.get(i.member_id)) for i in invitations]
    return sorted(lines, key=lambda line: (line.attendance is None, line.invitation.member.person.name))


def confirm(
    session: Session,
    actor: Actor,
    *,
    meeting_id: uuid.UUID,
    member_id: uuid.UUID,
    present: bool,
    now: datetime | None = None,
) -> Attendance | None:
    """The host's one tap per person afterwards: mark present (host check-in) or strike off."""
    now = now or utcnow()
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.planned:
        raise Conflict("会议记录已签署或会议已取消，名单不能再修改；如需更正请追加更正说明。")
    invitation = session.scalar(
        select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.member_id == member_id)
    )
    if invitation is None:
        raise NotFound("该党员不在本次会议的参会名单中。")
    attendance = session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.member_id == member_id)
    )
    if present and attendance is None:
        first = invitation.session or meeting.sessions[0]
        attendance = Attendance(
            meeting_id=meeting.id,
            session_id=first.id,
            member_id=member_id,
            method=CheckInMethod.host,
            checked_in_at=now,
        )
        session.add(attendance)
    if attendance is not None:
        attendance.present, attendance.confirmed_by, attendance.confirmed_at = present, actor.label, now
    audit.record(
        session,
        actor,
        "meeting.roster",
        object_type="meeting",
        object_id=meeting.id,
        detail={"member": str(member_id), "present": present},
    )
    return attendance


@dataclass(frozen=True)
class Quorum:
    should_attend: int  #: full members invited (probationary members do not count)
    present: int  #: of them, present now

    @property
    def reached(self) -> bool:
        """党章: more than half of the full members who should attend are present."""
        return self.present * 2 > self.should_attend

    def passes(self, yes_votes: int) -> bool:
        """A resolution needs yes votes from more than half of those who should attend —
        not of those present."""
        return yes_votes * 2 > self.should_attend

    @property
    def needed(self) -> int:
        return self.should_attend // 2 + 1


def quorum(session: Session, meeting: Meeting) -> Quorum:
    should = session.scalar(
        select(func.count()).where(Invitation.meeting_id == meeting.id, Invitation.voting.is_(True))
    )
    present = session.scalar(
        select(func.count())
        .select_from(Attendance)
        .join(
            Invitation,
            (Invitation.meeting_id == Attendance.meeting_id) & (Invitation.member_id == Attendance.member_id),
        )
        .where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True), Invitation.voting.is_(True))
    )
    return Quorum(should or 0, present or 0)


def tally(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, yes: int, no: int, abstain: int
) -> tuple[Quorum, bool]:
    """The vote tally helper: checks the numbers and applies the rule; the result goes into
    the resolutions by the secretary's own words."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if not meeting.has_vote:
        raise ValidationFailed("本次会议没有表决事项。")
    counts = quorum(session, meeting)
    if min(yes, no, abstain) < 0 or yes + no + abstain > counts.present:
        raise ValidationFailed(f"票数之和不能超过实到有表决权的 {counts.present} 人。")
    return counts, counts.passes(yes)


# -- minutes and the record -----------------------------------------------------------------------


def save_minutes(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, minutes: str, resolutions: str, version: int
) -> Meeting:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status == MeetingStatus.signed_off:
        raise Conflict("会议记录已签署，不能修改；如需更正请追加更正说明。")
    if meeting.version != version:
        raise Conflict("会议记录已被他人修改，请刷新页面后在最新内容上修改。")
    meeting.minutes, meeting.resolutions = (minutes or "").strip()[:20000], (resolutions or "").strip()[:5000]
    audit.record(session, actor, "meeting.minutes", object_type="meeting", object_id=meeting.id)
    return meeting


def sign_off(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, now: datetime | None = None
) -> Meeting:
    """The secretary signs the record off: from now on it only grows by appended corrections."""
    now = now or utcnow()
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.planned:
        raise Conflict("会议已取消或记录已签署。")
    if meeting.sessions[0].starts_at > now:
        raise Conflict("会议还未开始，不能签署记录。")
    if not meeting.minutes.strip():
        raise ValidationFailed("请先填写会议记录。", field="minutes")
    meeting.status, meeting.signed_off_at, meeting.signed_off_by = MeetingStatus.signed_off, now, actor.label
    audit.record(session, actor, "meeting.sign_off", object_type="meeting", object_id=meeting.id)
    # Attendance is final once the record is signed: only now does it earn points (a check-in
    # the host later strikes off never did).
    label = f"参加{title_of(session, meeting)}：{meeting.topic}"
    for attendance in session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True))
    ):
        points.award(session, attendance.member, "meeting", f"meeting:{meeting.id}", label, now=now)
    if meeting.makeup_question and meeting.sessions[-1].ends_at <= now:
        send_makeup(session, actor, meeting_id=meeting.id, now=now)  # those who missed it can make it up
    return meeting


def add_correction(session: Session, actor: Actor, *, meeting_id: uuid.UUID, text: str) -> MeetingCorrection:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.signed_off:
        raise Conflict("记录尚未签署，请直接修改会议记录。")
    correction = MeetingCorrection(
        meeting_id=meeting.id, text=require_text(text, "text", "更正说明", 2000), made_by=actor.label
    )
    session.add(correction)
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.correction",
        object_type="meeting",
        object_id=meeting.id,
        detail={"correction": str(correction.id)},
    )
    return correction


def corrections(session: Session, meeting: Meeting) -> list[MeetingCorrection]:
    return list(
        session.scalars(
            select(MeetingCorrection)
            .where(MeetingCorrection.meeting_id == meeting.id)
            .order_by(MeetingCorrection.made_at)
        )
    )


def cancel(session: Session, actor: Actor, *, meeting_id: uuid.UUID, reason: str) -> Meeting:
    """Cancel a planned meeting: the notice cards that went out are updated, the rest never go."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status != MeetingStatus.planned:
        raise Conflict("只能取消尚未签署的会议。")
    reason = require_text(reason, "reason", "取消原因", 200)
    meeting.status = MeetingStatus.cancelled
    for invitation in session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id)):
        session.add(
            OutboundMessage(
                kind="card_update",
                to_users=invitation.member.person.wecom_userid,
                params={
                    "card_key": notice_key(invitation.id),
                    "replace_name": "会议已取消",
                    "fallback_text": f"会议“{meeting.topic}”已取消：{reason}",
                },
                dedupe_key=f"meeting_cancel:{invitation.id}",
            )
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


@workbench.todo_source
def meetings_to_answer(session: Session, person: Person) -> list[workbench.Todo]:
    """Upcoming meetings the member has not answered yet (参加 or 请假)."""
    if person.membership is None:
        return []
    rows = session.scalars(
        select(Meeting)
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(
            Invitation.member_id == person.membership.id,
            Invitation.response == Response.pending,
            Meeting.status == MeetingStatus.planned,
            Meeting.id.in_(select(MeetingSession.meeting_id).where(MeetingSession.ends_at > utcnow())),
        )
        .limit(10)
    )
    return [workbench.Todo(f"回复会议通知：{m.topic}", f"/m/meetings/{m.id}") for m in rows]


# -- make-up study (补学) ---------------------------------------------------------------------------


def set_makeup(
    session: Session,
    actor: Actor,
    *,
    meeting_id: uuid.UUID,
    material: str,
    question: str,
    options: list[str],
    answer: int,
) -> Meeting:
    """The material absentees read afterwards and one question to confirm they read it."""
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    material = require_text(material, "makeup_material", "补学材料", 20000)
    question = require_text(question, "makeup_question", "确认问题", 200)
    options = [o.strip() for o in options if o and o.strip()]
    if not 2 <= len(options) <= 4 or any(len(o) > 60 for o in options):
        raise ValidationFailed("请填写 2 至 4 个选项，每项不超过60字。", field="makeup_options")
    if not 0 <= answer < len(options):
        raise ValidationFailed("请选择正确答案。", field="makeup_answer")
    meeting.makeup_material, meeting.makeup_question = material, question
    meeting.makeup_options, meeting.makeup_answer = options, answer
    audit.record(session, actor, "meeting.makeup_material", object_type="meeting", object_id=meeting.id)
    return meeting


def makeup_candidates(session: Session, meeting: Meeting) -> list[Invitation]:
    """Invited members who were not present (on leave or absent) and have not made it up yet."""
    present = select(Attendance.member_id).where(
        Attendance.meeting_id == meeting.id, Attendance.present.is_(True)
    )
    done = select(MakeupStudy.member_id).where(MakeupStudy.meeting_id == meeting.id)
    return list(
        session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.member).joinedload(Member.person))
            .where(
                Invitation.meeting_id == meeting.id,
                Invitation.member_id.not_in(present),
                Invitation.member_id.not_in(done),
            )
        )
    )


def send_makeup(session: Session, actor: Actor, *, meeting_id: uuid.UUID, now: datetime | None = None) -> int:
    """Send the material to everyone who missed the meeting (once each); returns how many."""
    now = now or utcnow()
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status == MeetingStatus.cancelled or meeting.sessions[-1].ends_at > now:
        raise Conflict("会议结束后才能发送补学材料。")
    if not meeting.makeup_question:
        raise ValidationFailed("请先填写补学材料和确认问题。", field="makeup_material")
    sent = 0
    for invitation in makeup_candidates(session, meeting):
        if invitation.member.left_at is not None:
            continue
        key = f"makeup:{invitation.id}"
        if session.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == key)):
            continue
        session.add(
            OutboundMessage(
                kind="makeup_notice",
                to_users=invitation.member.person.wecom_userid,
                params={**_card_facts(session, meeting)},
                dedupe_key=key,
            )
        )
        sent += 1
    audit.record(
        session,
        actor,
        "meeting.makeup_sent",
        object_type="meeting",
        object_id=meeting.id,
        detail={"sent": sent},
    )
    return sent


def complete_makeup(
    session: Session,
    person: Person,
    *,
    meeting_id: uuid.UUID,
    choice: int | None,
    now: datetime | None = None,
) -> MakeupStudy:
    """The member read the material and answered correctly: recorded as make-up, not attendance."""
    meeting = session.get(Meeting, meeting_id)
    member = person.membership
    invitation = invitation_for(session, meeting_id, person.id) if meeting and member else None
    if invitation is None or not meeting.makeup_question:
        raise Forbidden("本次会议没有需要您完成的补学。")
    if all(i.member_id != member.id for i in makeup_candidates(session, meeting)):
        existing = session.scalar(
            select(MakeupStudy).where(
                MakeupStudy.meeting_id == meeting.id, MakeupStudy.member_id == member.id
            )
        )
        if existing is not None:
            return existing  # done already: answering again changes nothing
        raise Conflict("您已参加本次会议，无需补学。")
    if choice != meeting.makeup_answer:
        raise ValidationFailed("回答不正确，请再阅读一遍材料后作答。", field="choice")
    done = MakeupStudy(meeting_id=meeting.id, member_id=member.id, completed_at=now or utcnow())
    session.add(done)
    session.flush()
    return done


# -- attachments (optional photos and documents with the minutes) ----------------------------------

MAX_ATTACHMENTS = 20


def attach(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, filename: str, content: bytes
) -> MeetingAttachment:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status == MeetingStatus.signed_off:
        raise Conflict("会议记录已签署，不能再添加附件；如需补充请追加更正说明。")
    upload = uploads.check(filename, content)
    count = session.scalar(select(func.count()).where(MeetingAttachment.meeting_id == meeting.id)) or 0
    if count >= MAX_ATTACHMENTS:
        raise ValidationFailed(f"每次会议最多 {MAX_ATTACHMENTS} 个附件。", field="file")
    attachment = MeetingAttachment(
        meeting_id=meeting.id,
        filename=upload.filename,
        content_type=upload.content_type,
        size=len(content),
        content=content,
        uploaded_by=actor.label,
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.attach",
        object_type="meeting",
        object_id=meeting.id,
        detail={"attachment": str(attachment.id), "bytes": len(content)},
    )
    return attachment


def attachments(session: Session, meeting: Meeting) -> list[MeetingAttachment]:
    return list(
        session.scalars(
            select(MeetingAttachment)
            .where(MeetingAttachment.meeting_id == meeting.id)
            .order_by(MeetingAttachment.uploaded_at)
        )
    )


def attachment_for(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, attachment_id: uuid.UUID
) -> MeetingAttachment:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    found = session.get(MeetingAttachment, attachment_id)
    if found is None or found.meeting_id != meeting.id:
        raise NotFound("附件不存在。")
    return found
