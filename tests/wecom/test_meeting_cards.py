"""Meetings in WeCom: notice cards reach invitees through the emulator, taps arrive as real
encrypted callbacks, cards grey out after a tap, and the secretary approves leave in one tap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers import leave, meetings, reminders
from handlers.meetings import SessionPlan
from models import Attendance, AuditEvent, Invitation, OrgKind, OutboundMessage, Response, Role
from models.base import utcnow
from tests.helpers.chat import card_for, opened, tap

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def run_jobs(run_jobs, db_session):
    """The scheduler's minute, then the workers: due reminders (the notice and 签到 cards
    among them) go into the outbox, and the outbox to the emulator."""

    def work():
        reminders.dispatch_due(db_session)
        db_session.commit()
        run_jobs()

    return work


@pytest.fixture
def branch_meeting(db_session, make_org, make_member, make_actor, make_person):
    branch = make_org(OrgKind.branch, name="手术室党支部")
    nurses = [make_member(branch=branch, person=make_person(wecom_userid=f"or-nurse{i}")) for i in range(3)]
    secretary = make_actor(Role.secretary, branch, person=nurses[0].person)
    start = utcnow() + timedelta(minutes=10)  # inside the check-in window already
    meeting = meetings.plan_meeting(
        db_session, secretary, org_id=branch.id, kinds=["theme_day"], topic="手术安全月",
        agenda="", venue_mode="online", online_room="腾讯会议 123-456-789",
        sessions=[SessionPlan("A场", start, start + timedelta(hours=1)),
                  SessionPlan("B场", start + timedelta(hours=9), start + timedelta(hours=10))],
    )  # fmt: skip
    db_session.commit()
    return {"meeting": meeting, "nurses": nurses, "secretary": secretary}


def test_notice_cards_go_out_and_a_tap_picks_a_session_once(app, emulator, db_session, run_jobs, send, wecom,
                                                           branch_meeting):  # fmt: skip
    run_jobs()
    notices = [d for d in emulator.state.deliveries if (d.task_id or "").startswith("mt")]
    assert sorted(d.to_user for d in notices) == ["or-nurse0", "or-nurse1", "or-nurse2"]
    card = card_for(emulator, "or-nurse1", "mt")
    buttons = card.body["template_card"]["button_list"]
    assert [b["text"] for b in buttons] == ["参加A场", "参加B场", "请假"]  # the card opens the details
    assert card.body["template_card"]["card_action"]["url"].endswith(
        f"/m/meetings/{branch_meeting['meeting'].id}"
    )
    b_key = buttons[1]["key"]

    reply = tap(app, send, "or-nurse1", b_key, card)
    assert opened(wecom, reply).find("Button/ReplaceName").text == "已报名B场"
    tap(app, send, "or-nurse1", b_key, card)  # WeCom's retry: no second effect
    db_session.expire_all()
    invitation = meetings.invitation_for(
        db_session, branch_meeting["meeting"].id, branch_meeting["nurses"][1].person_id
    )
    assert invitation.response == Response.attending
    assert invitation.session_id == branch_meeting["meeting"].sessions[1].id

    # Someone else tapping this member's key changes nothing and is told why in the chat.
    forged = tap(app, send, "or-nurse2", b_key, card)
    assert forged.status_code == 200 and forged.data == b""
    told = db_session.scalar(select(OutboundMessage).where(OutboundMessage.to_users == "or-nurse2",
                                                          OutboundMessage.kind == "text"))  # fmt: skip
    assert "不是发给您的" in told.params["content"]


def test_card_check_in_in_the_window_and_a_check_in_for_someone_elses_meeting(
    app, emulator, db_session, run_jobs, send, wecom, branch_meeting, make_org, make_member, make_person
):
    meeting = branch_meeting["meeting"]
    a = meeting.sessions[0]
    run_jobs()
    notice = card_for(emulator, "or-nurse2", "mt")
    tap(app, send, "or-nurse2", notice.body["template_card"]["button_list"][0]["key"], notice)
    run_jobs()  # the 签到 card: a reminder for the chosen session, its window open already
    checkin_card = card_for(emulator, "or-nurse2", "ci")
    assert checkin_card.body["template_card"]["button_list"][0]["key"] == f"meeting_checkin:{a.id}"

    reply = tap(app, send, "or-nurse2", f"meeting_checkin:{a.id}", checkin_card)
    assert opened(wecom, reply).find("Button/ReplaceName").text == "已签到"
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Attendance)) == 1

    # A member of another branch sends the same key: refused, explained, audited, nothing stored.
    make_member(branch=make_org(OrgKind.branch), person=make_person(wecom_userid="cardio-nurse"))
    db_session.commit()
    refused = tap(app, send, "cardio-nurse", f"meeting_checkin:{a.id}", checkin_card)
    assert "不在本次会议的参会名单中" in opened(wecom, refused).find("Content").text
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Attendance)) == 1
    audit_line = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.checkin"))
    assert audit_line.result == "refused" and audit_line.actor_label


def test_leave_is_approved_in_one_tap_and_the_member_is_told(app, emulator, db_session, run_jobs, send, wecom,
                                                            branch_meeting):  # fmt: skip
    nurse = branch_meeting["nurses"][2]
    meeting = branch_meeting["meeting"]
    invitation = meetings.invitation_for(db_session, meeting.id, nurse.person_id)
    request = leave.request_leave(
        db_session, nurse.person, invitation_id=str(invitation.id), reason="连续夜班"
    )
    db_session.commit()
    run_jobs()
    card = card_for(emulator, "or-nurse0", "ap")
    assert [b["text"] for b in card.body["template_card"]["button_list"]] == ["同意", "驳回"]
    [slot] = request.slots

    reply = tap(app, send, "or-nurse0", f"approval_ok:{slot.id}", card)
    assert opened(wecom, reply).find("Button/ReplaceName").text == "已同意"
    run_jobs()
    told = [
        d.body["template_card"]["main_title"]["title"]
        for d in emulator.state.deliveries
        if d.to_user == "or-nurse2" and d.msgtype == "template_card"
    ]
    assert "请假：已同意" in told
    db_session.expire_all()
    assert db_session.get(Invitation, invitation.id).response == Response.on_leave
    # The same tap again (a second device, or a late retry with a new CreateTime): politely refused.
    again = tap(app, send, "or-nurse0", f"approval_ok:{slot.id}", card, later=5)
    assert again.data == b""
    run_jobs()
    assert any("已由" in d.body["text"]["content"] for d in emulator.state.deliveries
               if d.to_user == "or-nurse0" and d.msgtype == "text")  # fmt: skip
