"""谈心谈话: the year's coverage (each committee member with everyone, the secretary included), a
talk recorded with a note only the two and the secretary read (encrypted at rest), a gap the
secretary explains, the 组织生活会 refused as prepared until nothing is left, and the reminder
before it to those who still owe talks — met once they have talked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handlers import meetings, talks
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.meetings import SessionPlan
from handlers.reminders.planning import is_met
from models import CommitteePost, CommitteeSeat, OrgKind, Reminder, Role, Talk
from models.base import local_today, utcnow

TODAY = local_today()


@pytest.fixture
def branch(db_session, make_org, make_member, make_person, make_actor):
    org = make_org(OrgKind.branch, name="口腔科党支部")
    secretary = make_member(branch=org, person=make_person(name="书记郑"))
    deputy = make_member(branch=org, person=make_person(name="委员冯"))
    members = [make_member(branch=org, person=make_person(name=f"党员{n}")) for n in range(3)]
    for seat, post in ((secretary, CommitteePost.secretary), (deputy, CommitteePost.organization)):
        db_session.add(
            CommitteeSeat(
                org_id=org.id, member_id=seat.id, post=post, elected_on=date(2024, 1, 1), recorded_by="测试"
            )
        )
    actor = make_actor(Role.secretary, org, person=secretary.person)
    db_session.flush()
    return {"org": org, "secretary": secretary, "deputy": deputy, "members": members, "actor": actor}


def test_coverage_counts_every_committee_pair_and_a_talk_closes_one(db_session, branch):
    plan = talks.coverage(db_session, branch["actor"], branch["org"].id, TODAY.year)
    assert [p.name for p in plan.committee] == ["书记郑", "委员冯"]
    # 书记 × 4 others + 委员 × 3 members (书记—委员 counted once) = 7 pairs.
    assert len(plan.required) == 7 and len(plan.gaps) == 7
    sec, deputy = branch["secretary"].person, branch["deputy"].person
    talk = talks.record(
        db_session,
        branch["actor"],
        org_id=branch["org"].id,
        first_id=deputy.id,
        second_id=sec.id,
        held_on=TODAY,
        note="谈工作分工和科室党建",
    )
    stored = db_session.scalar(select(Talk.note_ciphertext).where(Talk.id == talk.id))
    assert "科室党建" not in stored and talk.note == "谈工作分工和科室党建"
    assert len(talks.coverage(db_session, branch["actor"], branch["org"].id, TODAY.year).gaps) == 6
    for bad, message in (
        ({"first_id": sec.id, "second_id": sec.id}, "两名党员"),
        ({"held_on": TODAY + timedelta(days=1)}, "不晚于今天"),
        ({"note": "长" * 501}, "最多 500 字"),
    ):
        fields = {"first_id": sec.id, "second_id": branch["members"][0].person.id, "held_on": TODAY, **bad}
        with pytest.raises(ValidationFailed, match=message):
            talks.record(db_session, branch["actor"], org_id=branch["org"].id, **fields)


def test_notes_are_for_the_two_and_the_secretary(db_session, branch, make_actor, make_org):
    deputy, member = branch["deputy"].person, branch["members"][0].person
    talks.record(
        db_session, branch["actor"], org_id=branch["org"].id, first_id=deputy.id, second_id=member.id,
        held_on=TODAY, note="家里老人住院，需要调班",
    )  # fmt: skip
    organizer = make_actor(Role.organizer, branch["org"], person=deputy)
    assert [t.note for t in talks.notes_for(db_session, organizer, branch["org"].id, TODAY.year)] == [
        "家里老人住院，需要调班"
    ]
    assert len(talks.notes_for(db_session, branch["actor"], branch["org"].id, TODAY.year)) == 1  # 书记
    office = make_actor(Role.committee_office, None)
    assert talks.notes_for(db_session, office, branch["org"].id, TODAY.year) == []  # the office: counts only
    stranger = make_actor(Role.secretary, make_org(OrgKind.branch))
    with pytest.raises(NotFound):
        talks.coverage(db_session, stranger, branch["org"].id, TODAY.year)


def test_the_org_life_meeting_waits_for_every_talk_or_its_reason_and_reminds_who_owes(db_session, branch):
    start = utcnow() + timedelta(days=7)
    meeting = meetings.plan_meeting(
        db_session,
        branch["actor"],
        org_id=branch["org"].id,
        kinds=["org_life_meeting"],
        topic="年度组织生活会",
        agenda="",
        venue_mode="online",
        online_room="会议号 9",
        sessions=[SessionPlan("全体", start, start + timedelta(hours=2))],
    )
    with pytest.raises(ValidationFailed, match="还有 7 对未谈"):
        talks.prepare(db_session, branch["actor"], meeting.id)
    assert talks.queue_reminders(db_session, TODAY) == 2  # both committee members owe talks
    deputy_reminder = db_session.scalar(
        select(Reminder).where(Reminder.obligation == f"talk_due:{meeting.id}:{branch['deputy'].person.id}")
    )
    assert "4 人待谈心谈话" in deputy_reminder.title  # three members and the secretary
    sec, deputy = branch["secretary"].person, branch["deputy"].person
    people = [m.person for m in branch["members"]]
    for person in people:
        talks.record(
            db_session,
            branch["actor"],
            org_id=branch["org"].id,
            first_id=deputy.id,
            second_id=person.id,
            held_on=TODAY,
        )
    assert not is_met(db_session, deputy_reminder.obligation)  # the secretary still to come
    for person in [deputy, *people[:2]]:
        talks.record(
            db_session,
            branch["actor"],
            org_id=branch["org"].id,
            first_id=sec.id,
            second_id=person.id,
            held_on=TODAY,
        )
    assert is_met(db_session, deputy_reminder.obligation)  # the deputy has talked with everyone
    with pytest.raises(Conflict, match="未谈名单"):
        talks.explain(
            db_session, branch["actor"], org_id=branch["org"].id, year=TODAY.year,
            first_id=sec.id, second_id=deputy.id, reason="已谈过",
        )  # fmt: skip
    talks.explain(
        db_session, branch["actor"], org_id=branch["org"].id, year=TODAY.year,
        first_id=sec.id, second_id=people[2].id, reason="援疆期间，电话联系",
    )  # fmt: skip
    prepared = talks.prepare(db_session, branch["actor"], meeting.id)
    assert prepared.prepared_at is not None and prepared.prepared_by == branch["actor"].label
    plain = meetings.plan_meeting(
        db_session, branch["actor"], org_id=branch["org"].id, kinds=["party_lecture"], topic="党课",
        agenda="", venue_mode="online", online_room="会议号 1",
        sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
    )  # fmt: skip
    with pytest.raises(Conflict, match="只有组织生活会"):
        talks.prepare(db_session, branch["actor"], plain.id)
