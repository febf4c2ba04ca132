"""Lessons and honest study time: sanitised articles, time counted by the server from beats,
capped per beat and per lesson, credited once; this year's hours with 党课 attended."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from handlers import learning
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor
from models import AuditEvent, LessonStatus, OrgKind
from tests.helpers.refusals import settle_refusal

NOW = datetime(2026, 11, 20, 2, tzinfo=UTC)


@pytest.fixture
def lesson(db_session):
    made = learning.create_lesson(
        db_session,
        Actor.cli(),
        kind="article",
        title="学习新修订的党纪处分条例",
        summary="十分钟读懂",
        body_html='<p onclick="steal()">正文<script>alert(1)</script>'
        '<a href="javascript:alert(2)">链接</a><img src="https://intranet/x.png" onerror="x()"></p>',
        credit_hours="0.5",
        min_minutes="1",
    )
    learning.set_status(db_session, Actor.cli(), made.id, status="published")
    return made


@pytest.fixture
def nurse(make_member, make_org):
    return make_member(branch=make_org(OrgKind.branch)).person


def test_an_article_keeps_its_text_and_loses_every_script(lesson):
    html = lesson.body_html
    assert "正文" in html and "链接" in html and "<img" in html
    for bad in ("<script", "onclick", "onerror", "javascript:", "alert"):
        assert bad not in html


def test_time_counts_only_while_beats_come_and_credits_once(db_session, lesson, nurse):
    learning.open_lesson(db_session, nurse, lesson.id, now=NOW)
    record = learning.beat(db_session, nurse, lesson.id, now=NOW + timedelta(seconds=15))
    assert record.seconds == 15
    # A page left in a drawer for an hour sends nothing; its next beat counts one beat at most.
    record = learning.beat(db_session, nurse, lesson.id, now=NOW + timedelta(hours=1))
    assert record.seconds == 15 + learning.BEAT_CAP
    # A replayed beat (no time passed) adds nothing.
    record = learning.beat(db_session, nurse, lesson.id, now=NOW + timedelta(hours=1))
    assert record.seconds == 35 and record.completed_at is None
    for n in range(1, 4):
        record = learning.beat(db_session, nurse, lesson.id, now=NOW + timedelta(hours=1, seconds=15 * n))
    assert record.seconds == 60 and record.completed_at == NOW + timedelta(hours=1, seconds=30)
    assert record.credited_hours == Decimal("0.5")
    again = learning.beat(db_session, nurse, lesson.id, now=NOW + timedelta(hours=2))
    assert again.seconds == 60 and again.credited_hours == Decimal("0.5")  # capped, credited once
    reopened = learning.open_lesson(db_session, nurse, lesson.id, now=NOW + timedelta(days=1))
    assert reopened is record and reopened.credited_hours == Decimal("0.5")


def test_a_beat_for_a_lesson_never_opened_is_refused_and_noted(db_session, lesson, nurse):
    settle_refusal(db_session, Forbidden, lambda: learning.beat(db_session, nurse, lesson.id, now=NOW))
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "study.beat_refused"))
    learning.set_status(db_session, Actor.cli(), lesson.id, status="archived")
    with pytest.raises(NotFound):
        learning.open_lesson(db_session, nurse, lesson.id, now=NOW)


def test_the_library_is_the_committee_offices(db_session, make_actor, make_org):
    from models import Role

    secretary = make_actor(Role.secretary, make_org(OrgKind.branch))
    with pytest.raises(Forbidden):
        learning.create_lesson(
            db_session,
            secretary,
            kind="link",
            title="x",
            summary="",
            url="https://a",
            credit_hours="1",
            min_minutes="5",
        )
    with pytest.raises(ValidationFailed, match="学时"):
        learning.create_lesson(
            db_session,
            Actor.cli(),
            kind="link",
            title="x",
            summary="",
            url="https://a",
            credit_hours="9",
            min_minutes="5",
        )
    with pytest.raises(ValidationFailed, match="链接"):
        learning.create_lesson(
            db_session,
            Actor.cli(),
            kind="link",
            title="x",
            summary="",
            url="javascript:x",
            credit_hours="1",
            min_minutes="5",
        )
    draft = learning.create_lesson(
        db_session,
        Actor.cli(),
        kind="link",
        title="院内微党课",
        summary="",
        url="https://intranet/v/1",
        credit_hours="1",
        min_minutes="5",
    )
    assert draft.status == LessonStatus.draft and learning.published(db_session) == []


def test_the_hours_page_counts_lessons_and_lectures_toward_the_target(
    app, db_session, lesson, nurse, emulator
):
    from tests.helpers.pages import login

    nurse.wecom_userid = "study-nurse"
    db_session.commit()
    phone = app.test_client()
    page = login(phone, "study-nurse", f"/m/lessons/{lesson.id}").get_data(as_text=True)
    assert "正文" in page and "<script>" not in page.split("lesson.js")[0]
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    assert phone.post(f"/m/lessons/{lesson.id}/beat").status_code == 400  # no CSRF token: refused
    beat = phone.post(f"/m/lessons/{lesson.id}/beat", data={"csrf_token": token})
    assert beat.status_code == 200 and beat.get_json() == {"seconds": 0, "minutes": 0, "completed": False}
    hours = phone.get("/m/study").get_data(as_text=True)
    assert "0 / 32 学时" in hours and "在线课程</p>" in hours
    assert "学习新修订的党纪处分条例" in phone.get("/m/lessons").get_data(as_text=True)


def test_lectures_attended_count_per_the_rule_and_secretaries_aim_for_56(
    db_session, make_org, make_member, make_actor
):
    from handlers import meetings
    from handlers.meetings import SessionPlan
    from models import Attendance, CheckInMethod, Role

    branch = make_org(OrgKind.branch)
    host = make_member(branch=branch)
    secretary = make_actor(Role.secretary, branch, person=host.person)
    nurse = make_member(branch=branch)
    start = NOW + timedelta(hours=2)
    lecture = meetings.plan_meeting(
        db_session,
        secretary,
        org_id=branch.id,
        kinds=["party_lecture"],
        topic="党课",
        agenda="",
        venue_mode="online",
        online_room="线上",
        sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
        now=NOW,
    )
    db_session.add(
        Attendance(
            meeting_id=lecture.id,
            session_id=lecture.sessions[0].id,
            member_id=nurse.id,
            method=CheckInMethod.host,
            checked_in_at=start,
        )
    )
    db_session.flush()
    mine = learning.hours_this_year(db_session, nurse.person, now=NOW + timedelta(days=1))
    assert (mine.lectures, mine.target, mine.remaining) == (Decimal(2), 32, Decimal(30))
    assert learning.hours_this_year(db_session, host.person, now=NOW).target == 56


def test_a_campaign_reaches_its_branches_and_reminds_only_those_not_done(
    db_session, lesson, make_org, make_member
):
    from handlers import reminders
    from handlers.learning import campaigns
    from models import OutboundMessage, Reminder, ReminderStatus

    chosen, other = make_org(OrgKind.branch), make_org(OrgKind.branch)
    readers = [make_member(branch=chosen).person for _ in range(3)]
    make_member(branch=other)
    send_at, deadline = NOW + timedelta(hours=1), NOW + timedelta(days=3)
    with pytest.raises(ValidationFailed, match="截止时间"):
        campaigns.launch(
            db_session,
            Actor.cli(),
            title="x",
            lesson_ids=[lesson.id],
            org_ids=[chosen.id],
            send_at=send_at,
            deadline=send_at,
            now=NOW,
        )
    campaign = campaigns.launch(
        db_session,
        Actor.cli(),
        title="十一月微党课",
        lesson_ids=[lesson.id],
        org_ids=[chosen.id],
        send_at=send_at,
        deadline=deadline,
        now=NOW,
    )
    assert campaign.recipients == 3
    # The news cards: identical for the three at the same moment, so one call for all of them.
    assert reminders.dispatch_due(db_session, now=send_at + timedelta(hours=12)).sent == 3
    [card] = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "lesson_push")).all()
    assert sorted(card.to_users.split("|")) == sorted(p.wecom_userid for p in readers)
    # One reader completes it; only the other two get the reminder before the deadline.
    learning.open_lesson(db_session, readers[0], lesson.id, now=NOW + timedelta(hours=2))
    for n in range(1, 5):
        learning.beat(db_session, readers[0], lesson.id, now=NOW + timedelta(hours=2, seconds=15 * n))
    report = reminders.dispatch_due(db_session, now=deadline - timedelta(minutes=30))
    assert report.sent == 2 and report.cancelled == 1
    done = db_session.scalar(
        select(Reminder).where(Reminder.category == "campaign_deadline", Reminder.person_id == readers[0].id)
    )
    assert done.status == ReminderStatus.cancelled


def test_in_the_last_quarter_members_short_of_hours_get_one_private_nudge_a_month(
    db_session, lesson, make_member
):
    from datetime import date

    from handlers import reminders
    from models import Reminder, ReminderStatus

    nurse = make_member().person
    assert learning.queue_pace_reminders(db_session, date(2026, 9, 28)) == 0  # not before October
    assert learning.queue_pace_reminders(db_session, date(2026, 11, 2)) == 1
    assert learning.queue_pace_reminders(db_session, date(2026, 11, 9)) == 0  # once a month
    [nudge] = db_session.scalars(select(Reminder).where(Reminder.category == "study_pace")).all()
    assert nudge.person_id == nurse.id and nudge.title == "本年还差 32 学时" and nudge.path == "/m/study"
    assert reminders.is_met(db_session, nudge.obligation) is False
    assert nudge.status == ReminderStatus.planned
