"""Meetings: planning with sessions and invitations, check-in rules, roster, quorum, minutes, leave."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from handlers import approvals, leave, meetings
from handlers.errors import Conflict, Forbidden, ValidationFailed
from handlers.meetings import GeoFix, SessionPlan, qr_token
from handlers.policy import Actor
from models import (
    ApprovalStatus,
    Attendance,
    AuditEvent,
    Campus,
    CheckInMethod,
    Invitation,
    InvitationVia,
    MemberStatus,
    OrgKind,
    OutboundMessage,
    Response,
    Role,
    Venue,
)

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


@pytest.fixture
def branch(make_org):
    return make_org(OrgKind.branch, name="急诊科党支部")


@pytest.fixture
def venue(db_session):
    campus = Campus(code="BY", name="本院区")
    db_session.add(campus)
    db_session.flush()
    room = Venue(
        campus_id=campus.id,
        name="门诊楼三楼会议室",
        geofence_lat=Decimal("39.904200"),
        geofence_lng=Decimal("116.407400"),
        geofence_radius_m=200,
        geofence_on=True,
    )
    db_session.add(room)
    db_session.flush()
    return room


@pytest.fixture
def people(branch, make_member, make_org, make_actor, take_part):
    full = [make_member(branch=branch, shift_group="白班组" if i < 2 else "夜班组") for i in range(4)]
    probationary = make_member(branch=branch, status=MemberStatus.probationary)
    visitor = make_member(branch=make_org(OrgKind.branch))
    take_part(visitor, branch)
    outsider = make_member(branch=make_org(OrgKind.branch))
    secretary = make_actor(Role.secretary, branch, person=full[0].person)
    return {
        "full": full,
        "probationary": probationary,
        "visitor": visitor,
        "outsider": outsider,
        "secretary": secretary,
    }


def plan(db_session, actor, branch, venue, **overrides):
    start = NOW + timedelta(hours=5)
    fields = {
        "org_id": branch.id,
        "kinds": ["theme_day", "general_assembly"],
        "topic": "学习贯彻全会精神",
        "agenda": "1. 集中学习\n2. 讨论",
        "venue_mode": "onsite",
        "venue_id": venue.id,
        "sessions": [
            SessionPlan("A场", start, start + timedelta(hours=1), "白班组"),
            SessionPlan("B场", start + timedelta(hours=10), start + timedelta(hours=11), "夜班组"),
        ],
        "now": NOW,
    }
    fields.update(overrides)
    return meetings.plan_meeting(db_session, actor, **fields)


def test_planning_invites_members_and_queues_one_notice_each(db_session, people, branch, venue):
    meeting = plan(db_session, people["secretary"], branch, venue)
    invitations = db_session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id)).all()
    by_member = {i.member_id: i for i in invitations}
    assert len(invitations) == 6
    assert by_member[people["visitor"].id].via == InvitationVia.participating
    assert not by_member[people["probationary"].id].voting and by_member[people["full"][1].id].voting
    # Shift groups choose the session; nobody is left to guess when their group has one.
    a, b = meeting.sessions
    assert (
        by_member[people["full"][1].id].session_id == a.id
        and by_member[people["full"][3].id].session_id == b.id
    )
    # The notices wait for a good moment (planned at 09:00 Beijing: they go at once, off the
    # peak), each as the member's own card under the key card updates find it by.
    from handlers import reminders

    reminders.dispatch_due(db_session, now=NOW + timedelta(minutes=15))
    notices = db_session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "meeting_notice")
    ).all()
    assert len(notices) == 6 and {n.dedupe_key for n in notices} == {
        meetings.notice_key(i.id) for i in invitations
    }
    assert meetings.title_of(db_session, meeting) == "支部党员大会、主题党日"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kinds": []}, "至少选择一种"),
        ({"kinds": ["group_meeting"]}, "党小组下安排"),
        ({"topic": " "}, "会议主题不能为空"),
        ({"venue_mode": "online"}, "会议号或链接"),
        ({"venue_id": None}, "请选择会场"),
        ({"sessions": []}, "1 至 4 场"),
        ({"sessions": [SessionPlan("A场", NOW - timedelta(hours=1), NOW)]}, "开始时间已过"),
        ({"kinds": ["theme_day"], "has_vote": True}, "只有党员大会或支委会"),
    ],
)
def test_a_bad_plan_is_refused_and_writes_nothing(db_session, people, branch, venue, overrides, message):
    with pytest.raises(ValidationFailed, match=message):
        plan(db_session, people["secretary"], branch, venue, **overrides)


def test_only_the_orgs_hosts_plan_its_meetings(db_session, people, branch, venue, make_org, make_actor):
    other = make_actor(Role.secretary, make_org(OrgKind.branch))
    with pytest.raises(Forbidden):
        plan(db_session, other, branch, venue)


def test_attend_picks_a_session_and_a_forged_key_is_refused(db_session, people, branch, venue):
    meeting = plan(db_session, people["secretary"], branch, venue)
    mine = meetings.invitation_for(db_session, meeting.id, people["full"][2].person_id)
    b = meeting.sessions[1]
    assert (
        meetings.attend(db_session, people["full"][2].person, str(mine.id), session_id=str(b.id), now=NOW)
        == "已报名B场"
    )
    assert mine.response == Response.attending and mine.session_id == b.id
    with pytest.raises(Forbidden, match="不是发给您的"):
        meetings.attend(db_session, people["full"][1].person, str(mine.id), session_id=str(b.id), now=NOW)


def test_check_in_rules(db_session, people, branch, venue):
    meeting = plan(db_session, people["secretary"], branch, venue, kinds=["theme_day"])
    a = meeting.sessions[0]
    member = people["full"][1].person
    here = GeoFix(39.9043, 116.4075)

    def check(method=CheckInMethod.qr, when=a.starts_at, fix=here, who=member):
        return meetings.check_in(
            db_session, person=who, meeting_session_id=a.id, method=method, now=when, fix=fix
        )

    early = check(when=a.starts_at - timedelta(minutes=31))
    assert not early.ok and "签到时间为" in early.message
    away = check(fix=GeoFix(39.95, 116.40))
    assert not away.ok and "不在门诊楼三楼会议室附近" in away.message
    assert not check(fix=None).ok
    stranger = check(who=people["outsider"].person)
    assert not stranger.ok and "不在本次会议的参会名单中" in stranger.message
    assert db_session.scalar(select(func.count()).select_from(Attendance)) == 0
    refusals = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.checkin")).all()
    assert [json.loads(e.detail)["reason"] for e in refusals] == [
        "window",
        "geofence",
        "no_location",
        "not_invited",
    ]
    assert all("39.9" not in (e.detail or "") for e in refusals)  # never coordinates

    done = check(when=a.starts_at + timedelta(minutes=10))
    assert done.ok and done.attendance.late and done.attendance.geofence == "pass"
    assert done.attendance.distance_band == "100米内"
    again = check(method=CheckInMethod.card, when=a.starts_at + timedelta(minutes=11))
    assert again.ok and "无需重复签到" in again.message
    assert db_session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_card_check_in_is_refused_where_a_vote_is_taken(db_session, people, branch, venue):
    meeting = plan(db_session, people["secretary"], branch, venue, has_vote=True)
    a = meeting.sessions[0]
    outcome = meetings.check_in(
        db_session,
        person=people["full"][1].person,
        meeting_session_id=a.id,
        method=CheckInMethod.card,
        now=a.starts_at,
    )
    assert not outcome.ok and "扫描会场屏幕上的二维码" in outcome.message


def test_roster_quorum_and_the_vote_rule(db_session, people, branch, venue):
    meeting = plan(db_session, people["secretary"], branch, venue, has_vote=True)
    secretary = people["secretary"]
    assert meetings.quorum(db_session, meeting).should_attend == 5  # 4 full + the visitor (full)
    for member in (people["full"][0], people["full"][1], people["probationary"]):
        meetings.confirm(db_session, secretary, meeting_id=meeting.id, member_id=member.id, present=True)
    counts = meetings.quorum(db_session, meeting)
    assert (counts.present, counts.reached) == (2, False)  # the probationary member does not count
    meetings.confirm(
        db_session, secretary, meeting_id=meeting.id, member_id=people["full"][2].id, present=True
    )
    counts = meetings.quorum(db_session, meeting)
    assert counts.reached and counts.needed == 3
    # Yes votes must be over half of those who should attend (5), not of those present (3).
    assert meetings.tally(db_session, secretary, meeting_id=meeting.id, yes=3, no=0, abstain=0)[1]
    assert not meetings.tally(db_session, secretary, meeting_id=meeting.id, yes=2, no=1, abstain=0)[1]
    with pytest.raises(ValidationFailed, match="不能超过"):
        meetings.tally(db_session, secretary, meeting_id=meeting.id, yes=3, no=1, abstain=0)
    meetings.confirm(
        db_session, secretary, meeting_id=meeting.id, member_id=people["full"][2].id, present=False
    )
    assert not meetings.quorum(db_session, meeting).reached
    lines = meetings.roster(db_session, secretary, meeting.id)
    assert len(lines) == 6 and sum(1 for line in lines if line.attendance and line.attendance.present) == 3


def test_minutes_lock_against_overwrites_and_after_sign_off(db_session, people, branch, venue):
    meeting = plan(db_session, people["secretary"], branch, venue)
    secretary = people["secretary"]
    version = meeting.version
    meetings.save_minutes(
        db_session, secretary, meeting_id=meeting.id, minutes="一、学习", resolutions="", version=version
    )
    db_session.flush()
    with pytest.raises(Conflict, match="已被他人修改"):
        meetings.save_minutes(
            db_session, secretary, meeting_id=meeting.id, minutes="覆盖", resolutions="", version=version
        )
    with pytest.raises(Conflict, match="还未开始"):
        meetings.sign_off(db_session, secretary, meeting_id=meeting.id, now=NOW)
    meetings.sign_off(db_session, secretary, meeting_id=meeting.id, now=NOW + timedelta(days=1))
    present, invited = meetings.headcount(db_session, meeting)  # kept: attendance is final now
    assert (meeting.invited_count, meeting.present_count) == (invited, present) and invited > 0
    with pytest.raises(Conflict, match="已签署"):
        meetings.save_minutes(
            db_session,
            secretary,
            meeting_id=meeting.id,
            minutes="改",
            resolutions="",
            version=meeting.version,
        )
    meetings.add_correction(db_session, secretary, meeting_id=meeting.id, text="出席人数更正为5人")
    assert [c.text for c in meetings.corrections(db_session, meeting)] == ["出席人数更正为5人"]
    assert meeting.minutes == "一、学习"


def test_leave_goes_to_the_secretary_and_is_decided_once(db_session, people, branch, venue):
    meeting = plan(db_session, people["secretary"], branch, venue)
    applicant = people["full"][3]
    invitation = meetings.invitation_for(db_session, meeting.id, applicant.person_id)
    with pytest.raises(ValidationFailed, match="请假事由"):
        leave.request_leave(
            db_session, applicant.person, invitation_id=str(invitation.id), reason="", now=NOW
        )
    request = leave.request_leave(
        db_session, applicant.person, invitation_id=str(invitation.id), reason="夜班", now=NOW
    )
    cards = db_session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "approval_request")
    ).all()
    assert [c.to_users for c in cards] == [people["full"][0].person.wecom_userid]
    assert invitation.response == Response.leave_requested
    with pytest.raises(Conflict, match="已提交过"):
        leave.request_leave(
            db_session, applicant.person, invitation_id=str(invitation.id), reason="夜班", now=NOW
        )
    secretary = people["secretary"]
    [slot] = request.slots
    with pytest.raises(ValidationFailed, match="驳回时请填写理由"):
        approvals.decide(db_session, secretary, slot_id=slot.id, approve=False)
    approvals.decide(db_session, secretary, slot_id=slot.id, approve=True, now=NOW)
    assert request.status == ApprovalStatus.approved and invitation.response == Response.on_leave
    with pytest.raises(Conflict, match="已由"):
        approvals.decide(db_session, secretary, slot_id=slot.id, approve=True, now=NOW)
    told = db_session.scalar(
        select(OutboundMessage).where(
            OutboundMessage.dedupe_key == f"approval_result:{request.id}:1:approved"
        )
    )
    assert told.params["outcome"] == "已同意" and told.to_users == applicant.person.wecom_userid
    assert "补学" in told.params["next"]


def test_qr_tokens_rotate_and_expire():
    import uuid

    session_id = uuid.uuid4()
    token, wait = qr_token.current_token("s3cret", session_id, NOW)
    assert 0 < wait <= 30
    assert qr_token.read_token("s3cret", token, NOW + timedelta(seconds=60)) == session_id
    with pytest.raises(qr_token.TokenRefused, match="已过期"):
        qr_token.read_token("s3cret", token, NOW + timedelta(seconds=95))
    with pytest.raises(qr_token.TokenRefused, match="无法识别"):
        qr_token.read_token("other", token, NOW)
    assert qr_token.current_token("s3cret", session_id, NOW + timedelta(seconds=30))[0] != token


def test_makeup_goes_to_those_who_missed_it_and_is_never_attendance(db_session, people, branch, venue):
    from handlers import compliance, rules
    from models import MakeupStudy

    secretary = people["secretary"]
    meeting = plan(db_session, secretary, branch, venue, kinds=["party_lecture"])
    present, absent = people["full"][1], people["full"][2]
    meetings.confirm(db_session, secretary, meeting_id=meeting.id, member_id=present.id, present=True)
    with pytest.raises(ValidationFailed, match="2 至 4 个选项"):
        meetings.set_makeup(
            db_session,
            secretary,
            meeting_id=meeting.id,
            material="材料",
            question="问题",
            options=["只有一个"],
            answer=0,
        )
    meetings.set_makeup(
        db_session,
        secretary,
        meeting_id=meeting.id,
        material="《条例》第一章……",
        question="支部党员大会一般多久召开一次？",
        options=["每月", "每季度"],
        answer=1,
    )
    meeting.minutes = "记录"
    after = meeting.sessions[-1].ends_at + timedelta(hours=1)
    meetings.sign_off(db_session, secretary, meeting_id=meeting.id, now=after)
    sent = db_session.scalars(
        select(OutboundMessage.to_users).where(OutboundMessage.kind == "makeup_notice")
    ).all()
    assert present.person.wecom_userid not in sent and absent.person.wecom_userid in sent and len(sent) == 5

    with pytest.raises(ValidationFailed, match="回答不正确"):
        meetings.complete_makeup(db_session, absent.person, meeting_id=meeting.id, choice=0, now=after)
    done = meetings.complete_makeup(db_session, absent.person, meeting_id=meeting.id, choice=1, now=after)
    assert (
        meetings.complete_makeup(db_session, absent.person, meeting_id=meeting.id, choice=1, now=after)
        == done
    )
    with pytest.raises(Conflict, match="无需补学"):
        meetings.complete_makeup(db_session, present.person, meeting_id=meeting.id, choice=1, now=after)
    assert db_session.scalar(select(func.count()).select_from(MakeupStudy)) == 1
    assert db_session.scalar(select(func.count()).select_from(Attendance)) == 1  # make-up is not attendance

    later = after + timedelta(days=1)
    year = compliance.member_attendance(db_session, [absent.id], later.year, now=later)[absent.id]
    assert (year.attended, year.made_up, year.took_part) == (0, 1, 1)
    rules.override(
        db_session,
        Actor.cli(),
        key="meeting.makeup_counts",
        raw_value="否",
        effective_from=later.date() - timedelta(days=1),
        note="院党委〔2026〕5号",
    )
    assert (
        compliance.member_attendance(db_session, [absent.id], later.year, now=later)[absent.id].took_part == 0
    )


def test_a_committee_meeting_invites_the_committee_only(db_session, people, branch, venue):
    from handlers import orgs

    secretary = people["secretary"]
    for member, post in ((people["full"][0], "secretary"), (people["full"][1], "organization")):
        orgs.appoint(
            db_session, Actor.cli(), org_id=branch.id, member_id=member.id, post=post, elected_on=NOW.date()
        )
    meeting = plan(db_session, secretary, branch, venue, kinds=["committee_meeting"])
    invited = db_session.scalars(
        select(Invitation.member_id).where(Invitation.meeting_id == meeting.id)
    ).all()
    assert sorted(invited) == sorted([people["full"][0].id, people["full"][1].id])


def test_the_checkin_card_waits_for_the_window_and_is_dropped_once_checked_in(
    db_session, people, branch, venue
):
    """参加 days ahead plans the 签到 card for when the window opens; a QR check-in first
    means the card is never sent."""
    from handlers import reminders
    from models import Reminder, ReminderStatus

    meeting = plan(db_session, people["secretary"], branch, venue, has_vote=False)
    nurse = people["full"][2]
    invitation = meetings.invitation_for(db_session, meeting.id, nurse.person_id)
    a = meeting.sessions[0]
    meetings.attend(db_session, nurse.person, str(invitation.id), session_id=str(a.id), now=NOW)
    card = db_session.scalar(select(Reminder).where(Reminder.category == "meeting_checkin"))
    assert card.deliver_at == a.starts_at - timedelta(minutes=30) and card.card_kind == "meeting_checkin"
    reminders.dispatch_due(db_session, now=NOW + timedelta(hours=1))  # the day's reminder goes…
    assert card.status == ReminderStatus.planned  # …the 签到 card waits for its window
    opened = a.starts_at - timedelta(minutes=29)
    meetings.check_in(
        db_session,
        person=nurse.person,
        meeting_session_id=a.id,
        method=CheckInMethod.qr,
        now=opened,
        fix=GeoFix(30.0, 120.0),
    )
    reminders.dispatch_due(db_session, now=opened + timedelta(minutes=1))
    assert card.status == ReminderStatus.cancelled


def test_a_topic_that_names_its_kind_is_not_prefixed_twice(db_session, make_org, make_member, make_actor):
    """Issue 17: a 党课 typed as "党课：学习党章" reads so on cards and reminders, not "党课：党课：…"."""
    branch = make_org(OrgKind.branch)
    make_member(branch=branch)
    secretary = make_actor(Role.secretary, branch)
    start = NOW + timedelta(days=2)
    planned = [
        meetings.plan_meeting(
            db_session,
            secretary,
            org_id=branch.id,
            kinds=["party_lecture"],
            topic=topic,
            agenda="",
            venue_mode="online",
            online_room="会议号 1",
            sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
            now=NOW,
        )
        for topic in ("党课：学习党章", "学习党章")
    ]
    assert [meetings.headline(db_session, m) for m in planned] == ["党课：学习党章", "党课：学习党章"]


def test_a_general_assembly_votes_on_a_candidate_from_its_own_roster(
    db_session, people, branch, venue, make_person
):
    """发展党员 (issue 19): the 支部党员大会's vote on a candidate takes who should attend and who is
    present from the meeting's roster, and its result goes into the meeting's resolutions."""
    from datetime import date

    from handlers import recruitment
    from handlers.recruitment import votes
    from models import RecruitPublicity, RecruitStage, RecruitStep

    meeting = plan(db_session, people["secretary"], branch, venue, has_vote=True)
    secretary = people["secretary"]
    for member in people["full"][:3]:
        meetings.confirm(
            db_session, secretary, meeting_id=meeting.id, member_id=member.id, present=True, now=NOW
        )
    candidate = make_person(name="发展对象甲", birth_date=date(1995, 1, 1))
    recruit = recruitment.apply(db_session, candidate, org_id=branch.id, applied_on=date(2024, 1, 2))
    recruit.stage = RecruitStage.candidate
    for number in range(2, 15):
        db_session.add(
            RecruitStep(recruit_id=recruit.id, step=number, done_on=date(2026, 10, 1), recorded_by="测试")
        )
    db_session.add(
        RecruitPublicity(
            recruit_id=recruit.id,
            stage=RecruitStage.probationary,
            starts_on=date(2026, 10, 2),
            ends_on=date(2026, 10, 10),
            working_days=5,
        )
    )
    db_session.flush()
    db_session.refresh(recruit)
    assert votes.on_the_agenda(db_session, meeting) == [(recruit, "admit")]
    vote = votes.record_vote(
        db_session,
        secretary,
        recruit_id=recruit.id,
        question="admit",
        held_on=date(2026, 11, 20),
        yes=3,
        no=0,
        abstain=0,
        meeting_id=meeting.id,
    )
    assert (vote.should_attend, vote.present, vote.passed) == (5, 3, True)  # 3 of 5 who should attend
    assert recruit.admitted_on == date(2026, 11, 20) and "发展对象甲接收为预备党员" in meeting.resolutions
    assert votes.on_the_agenda(db_session, meeting) == []
