"""发展计划: the branch proposes next year's number, the 党委 issues it, the board shows each
branch's plan against those admitted that year — branches only, within each reader's scope."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.recruitment import plans
from models import OrgKind, Recruit, RecruitStage, RecruitStep, Role
from models.base import local_today

YEAR = local_today().year


@pytest.fixture
def world(make_org, make_actor):
    committee = make_org(OrgKind.committee)
    branch = make_org(OrgKind.branch, parent=committee, name="超声医学科党支部")
    other = make_org(OrgKind.branch, parent=committee, name="营养科党支部")
    return {
        "branch": branch,
        "other": other,
        "secretary": make_actor(Role.secretary, branch),
        "stranger": make_actor(Role.secretary, other),
        "office": make_actor(Role.committee_office, None),
    }


def test_the_branch_proposes_the_office_issues_and_the_proposal_is_then_closed(db_session, world):
    branch, secretary, office = world["branch"], world["secretary"], world["office"]
    plans.propose(db_session, secretary, org_id=branch.id, year=YEAR + 1, count="3", note="两名护士")
    row = plans.propose(db_session, secretary, org_id=branch.id, year=YEAR + 1, count=" 4 ")
    assert (row.proposed, row.issued) == (4, None)
    with pytest.raises(Forbidden, match="党委组织部下达"):
        plans.issue(db_session, secretary, org_id=branch.id, year=YEAR + 1, count="4")
    plans.issue(db_session, office, org_id=branch.id, year=YEAR + 1, count="2")
    with pytest.raises(Conflict, match="已由党委下达（2 名）"):
        plans.propose(db_session, secretary, org_id=branch.id, year=YEAR + 1, count="5")
    with pytest.raises(NotFound):  # another branch's plan is not theirs to see
        plans.propose(db_session, world["stranger"], org_id=branch.id, year=YEAR + 1, count="1")
    for bad in ("", "两个", "-1", "201", "1.5"):
        with pytest.raises(ValidationFailed, match="0–200"):
            plans.propose(db_session, secretary, org_id=world["branch"].id, year=YEAR, count=bad)
    with pytest.raises(ValidationFailed, match="下一年"):
        plans.propose(db_session, secretary, org_id=branch.id, year=YEAR + 2, count="1")


def test_plan_against_progress_counts_those_admitted_that_year(db_session, world, make_person):
    branch, office = world["branch"], world["office"]
    plans.propose(db_session, world["secretary"], org_id=branch.id, year=YEAR, count="3")
    for admitted_on in (date(YEAR, 1, 10), date(YEAR - 1, 12, 30)):  # one this year, one last year
        recruit = Recruit(
            person_id=make_person().id,
            org_id=branch.id,
            stage=RecruitStage.probationary,
            applied_on=date(2020, 1, 1),
        )
        db_session.add(recruit)
        db_session.flush()
        db_session.add(RecruitStep(recruit_id=recruit.id, step=17, done_on=admitted_on, recorded_by="组织部"))
    db_session.flush()
    by_org = {line.org.id: line for line in plans.lines(db_session, office, year=YEAR)}
    line = by_org[branch.id]
    assert (line.admitted, line.target, line.may_issue, line.may_propose) == (1, 3, True, False)
    assert by_org[world["other"].id].plan is None and by_org[world["other"].id].admitted == 0
    plans.issue(db_session, office, org_id=branch.id, year=YEAR, count="2")
    (mine,) = plans.lines(db_session, world["secretary"], year=YEAR)
    assert (mine.org.id, mine.target, mine.may_propose, mine.may_issue) == (branch.id, 2, True, False)


def test_in_the_proposing_month_each_branch_without_a_plan_is_reminded_until_it_proposes(
    db_session, world, make_person
):
    from handlers.reminders.planning import is_met
    from models import Reminder, RoleGrant

    lead = make_person(name="组织委员孔")
    db_session.add(RoleGrant(person_id=lead.id, role=Role.organizer, org_id=world["other"].id))
    db_session.flush()
    assert plans.queue_reminders(db_session, date(YEAR, 10, 31)) == 0  # not the month
    november = date(YEAR, 11, 3)
    plans.propose(db_session, world["secretary"], org_id=world["branch"].id, year=YEAR + 1, count="1")
    assert plans.queue_reminders(db_session, november) >= 1
    asked = db_session.query(Reminder).filter(Reminder.obligation.like("recruit_plan:%")).all()
    mine = [r for r in asked if r.obligation == f"recruit_plan:{world['other'].id}:{YEAR + 1}"]
    assert mine and not any(str(world["branch"].id) in r.obligation for r in asked)
    assert not is_met(db_session, mine[0].obligation)
    plans.propose(db_session, world["stranger"], org_id=world["other"].id, year=YEAR + 1, count="0")
    assert is_met(db_session, mine[0].obligation)
