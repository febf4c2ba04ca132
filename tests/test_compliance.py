"""The compliance calendar: periods from the rule catalogue, one meeting counting for several
obligations, done only once signed off, and the most overdue branch first."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from handlers import compliance, meetings, rules
from handlers.meetings import SessionPlan
from models import OrgKind, Role


@pytest.fixture
def office(make_actor):
    return make_actor(Role.committee_office, None)


def held(db_session, actor, org, kinds, when, sign=True):
    """A meeting planned before `when` and, if `sign`, signed off after it."""
    meeting = meetings.plan_meeting(
        db_session,
        actor,
        org_id=org.id,
        kinds=kinds,
        topic="学习",
        agenda="",
        venue_mode="online",
        online_room="线上会议",
        sessions=[SessionPlan("A场", when, when + timedelta(hours=1))],
        now=when - timedelta(days=3),
    )
    if sign:
        meeting.minutes = "记录"
        meetings.sign_off(db_session, actor, meeting_id=meeting.id, now=when + timedelta(hours=2))
    return meeting


def row(calendar, kind):
    return next(o for o in calendar.obligations if o.kind == kind)


def test_periods_follow_the_rules_and_one_meeting_meets_several(db_session, office, make_org, make_member):
    branch = make_org(OrgKind.branch)
    make_member(branch=branch)
    jan = datetime(2026, 1, 9, 6, 0, tzinfo=UTC)
    held(db_session, office, branch, ["committee_meeting"], jan)
    held(db_session, office, branch, ["theme_day", "general_assembly"], jan + timedelta(days=1))
    held(
        db_session, office, branch, ["committee_meeting"], datetime(2026, 3, 20, 6, 0, tzinfo=UTC), sign=False
    )
    [calendar] = compliance.calendar(db_session, office, year=2026, today=date(2026, 3, 15), org_id=branch.id)
    committee = row(calendar, "committee_meeting")
    assert [p.status for p in committee.periods[:4]] == ["done", "overdue", "planned", "upcoming"]
    assert committee.target == 12 and committee.done == 1
    assembly = row(calendar, "general_assembly")
    assert [p.label for p in assembly.periods] == ["第1季度", "第2季度", "第3季度", "第4季度"]
    assert assembly.periods[0].status == "done"
    assert row(calendar, "theme_day").periods[0].status == "done"
    assert row(calendar, "org_life_meeting").periods[0].status == "due"  # yearly, still open
    assert row(calendar, "party_lecture").periods[0].label == "第1季度"  # the hospital's rule: 4 a year


def test_a_rule_override_changes_the_calendar(db_session, office, make_org):
    branch = make_org(OrgKind.branch)
    rules.override(
        db_session,
        office,
        key="meeting.lecture_per_year",
        raw_value="2",
        effective_from=date(2026, 1, 1),
        note="院党委〔2026〕1号",
    )
    [calendar] = compliance.calendar(db_session, office, year=2026, today=date(2026, 3, 15), org_id=branch.id)
    assert [p.label for p in row(calendar, "party_lecture").periods] == ["上半年", "下半年"]


def test_the_most_overdue_branch_comes_first_and_groups_have_their_own_row(db_session, office, make_org):
    committee = make_org(OrgKind.committee)
    diligent, late = make_org(OrgKind.branch, parent=committee), make_org(OrgKind.branch, parent=committee)
    group = make_org(OrgKind.group, parent=diligent)
    for month in (1, 2, 3, 4):
        held(
            db_session,
            office,
            diligent,
            ["committee_meeting", "theme_day"],
            datetime(2026, month, 5, 6, tzinfo=UTC),
        )
    calendars = compliance.calendar(db_session, office, year=2026, today=date(2026, 5, 10))
    order = [c.org.id for c in calendars]
    assert order.index(late.id) < order.index(diligent.id)
    group_row = next(c for c in calendars if c.org.id == group.id)
    assert [o.kind for o in group_row.obligations] == ["group_meeting"]


def test_a_secretary_sees_only_their_branch(db_session, make_org, make_actor):
    mine, other = make_org(OrgKind.branch), make_org(OrgKind.branch)
    secretary = make_actor(Role.secretary, mine)
    assert [
        c.org.id for c in compliance.calendar(db_session, secretary, year=2026, today=date(2026, 5, 1))
    ] == [mine.id]
    from handlers.errors import OutOfScope

    with pytest.raises(OutOfScope):
        compliance.calendar(db_session, secretary, year=2026, today=date(2026, 5, 1), org_id=other.id)


def test_member_attendance_across_the_year(db_session, office, make_org, make_member):
    branch = make_org(OrgKind.branch)
    present, absent = make_member(branch=branch), make_member(branch=branch)
    meeting = held(db_session, office, branch, ["theme_day"], datetime(2026, 2, 3, 6, tzinfo=UTC), sign=False)
    meetings.confirm(db_session, office, meeting_id=meeting.id, member_id=present.id, present=True)
    year = compliance.member_attendance(
        db_session, [present.id, absent.id], 2026, now=datetime(2026, 6, 1, tzinfo=UTC)
    )
    assert (year[present.id].invited, year[present.id].attended) == (1, 1)
    assert (year[absent.id].invited, year[absent.id].attended) == (1, 0)


def test_secretaries_get_one_weekly_message_about_what_falls_due_unplanned(
    db_session, office, make_org, make_actor, make_member
):
    from sqlalchemy import select

    from models import Reminder

    branch = make_org(OrgKind.branch, name="病理科党支部")
    make_org(OrgKind.group, parent=branch, name="病理科第1党小组")
    secretary = make_actor(Role.secretary, branch)
    make_member(branch=branch)
    held(db_session, office, branch, ["theme_day"], datetime(2026, 3, 6, 6, tzinfo=UTC))
    today = date(2026, 3, 20)
    assert compliance.queue_due_warnings(db_session, today) == 1
    assert compliance.queue_due_warnings(db_session, today + timedelta(days=2)) == 0  # once a week
    [card] = db_session.scalars(select(Reminder).where(Reminder.category == "compliance_due")).all()
    text = card.title + "\n" + card.detail
    assert card.person_id == secretary.person_id and "病理科党支部" in text
    assert "支委会：3月，03月31日前" in text and "党小组会（病理科第1党小组）" in text
    assert "主题党日" not in text  # done this month
    assert "组织生活会" not in text  # the yearly one is not due within two weeks
    # The office hears once a week which branches are behind (here: none overdue yet in March
    # but January's and February's committee meetings).
    assert compliance.queue_overdue_summary(db_session, today) == 1
    assert compliance.queue_overdue_summary(db_session, today) == 0
    [summary] = db_session.scalars(select(Reminder).where(Reminder.category == "compliance_overdue")).all()
    assert summary.person_id == office.person_id and "病理科党支部：超期" in summary.detail


def test_nothing_is_overdue_from_before_the_org_existed(db_session, office, make_org):
    branch = make_org(OrgKind.branch, established_on=date(2026, 6, 15))
    [calendar] = compliance.calendar(db_session, office, year=2026, today=date(2026, 9, 1), org_id=branch.id)
    statuses = [p.status for p in row(calendar, "committee_meeting").periods[:8]]
    assert statuses == ["before"] * 5 + ["overdue", "overdue", "overdue"]


def test_a_term_coming_to_its_end_reminds_the_secretary_once_until_renewed(db_session, make_org, make_actor):
    from sqlalchemy import select

    from handlers import orgs, reminders
    from handlers.policy import Actor
    from models import Reminder, ReminderStatus

    committee = make_org(OrgKind.committee)
    branch = make_org(OrgKind.branch, parent=committee, name="放射科党支部")
    branch.term_started_on, branch.term_ends_on = date(2023, 12, 1), date(2026, 12, 1)
    secretary = make_actor(Role.secretary, branch)
    today = date(2026, 11, 2)  # within the three months' warning
    assert compliance.queue_term_reminders(db_session, today) == 1
    assert compliance.queue_term_reminders(db_session, today + timedelta(days=7)) == 0  # once per term end
    [row] = db_session.scalars(select(Reminder).where(Reminder.category == "term_due")).all()
    assert row.person_id == secretary.person_id and "即将换届" in row.title and "2026-12-01" in row.reason
    orgs.start_term(db_session, Actor.cli(), org_id=branch.id, started_on=date(2026, 11, 20))
    reminders.dispatch_due(db_session, now=row.deliver_at + timedelta(minutes=1))
    assert row.status == ReminderStatus.cancelled  # the new term is recorded: nothing to remind
