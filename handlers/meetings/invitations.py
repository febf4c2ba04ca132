"""Invitations: the notice card, answering it (参加 / 请假), the check-in card and the reminders
that carry them, and the member's to-dos."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import links, notify, reminders, rules, workbench
from handlers.errors import Conflict, ValidationFailed
from handlers.meetings.checkin import check_in_window
from handlers.meetings.lookups import (
    checkin_card_key,
    headline,
    notice_key,
    own_invitation,
    place_text,
    title_of,
    when_text,
)
from models import (
    Attendance,
    Invitation,
    Meeting,
    MeetingSession,
    MeetingStatus,
    Member,
    Person,
    ReminderPriority,
    Response,
)
from models.base import utcnow


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
        headline(session, meeting),
        f"{meeting.org.name} {sessions[0]['when']}",
        links.page("h5.meeting_detail", meeting_id=meeting.id),
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


def queue_checkin_card(
    session: Session, meeting: Meeting, invitation: Invitation, *, now: datetime | None = None
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
        path=links.page("h5.meeting_detail", meeting_id=meeting.id),
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
    notify.withdraw(session, checkin_card_key(invitation.id), why)


def attend(
    session: Session, person: Person | None, invitation_id: str, *, session_id: str | None, now: datetime
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
    queue_checkin_card(session, meeting, invitation, now=now)
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
        path=links.page("h5.meeting_detail", meeting_id=meeting.id),
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
    return [
        workbench.Todo(f"回复会议通知：{m.topic}", links.page("h5.meeting_detail", meeting_id=m.id))
        for m in rows
    ]
