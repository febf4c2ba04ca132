"""The 上级党委's decisions on a person's way in go through the approval engine: the branch
reports a step up, the office approves (one tap on its card) and the step is recorded in the
office's name by the same rules as the console's; what cannot be decided is refused at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from handlers import approvals, recruitment
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.recruitment import decisions, publicity
from models import ApprovalStatus, OrgKind, RecruitStage, Role
from models.base import local_today

T = local_today()


@pytest.fixture
def activist(db_session, make_org, make_person, make_actor):
    committee = make_org(OrgKind.committee)
    branch = make_org(OrgKind.branch, parent=committee, name="病理科党支部")
    other = make_org(OrgKind.branch, parent=committee, name="药剂科党支部")
    secretary = make_actor(Role.secretary, branch)
    person = make_person(name="医生韩", birth_date=date(1994, 3, 1))
    recruit = recruitment.apply(db_session, person, org_id=branch.id, applied_on=T - timedelta(days=300))
    for number, days in ((2, 290),):
        recruitment.record_step(
            db_session, secretary, recruit_id=recruit.id, number=number, done_on=T - timedelta(days=days)
        )
    publicity.start(db_session, secretary, recruit_id=recruit.id, starts_on=T - timedelta(days=120))
    recruitment.record_step(
        db_session, secretary, recruit_id=recruit.id, number=3, done_on=T - timedelta(days=100)
    )
    assert recruit.stage == RecruitStage.activist
    return {
        "recruit": recruit,
        "secretary": secretary,
        "office": make_actor(Role.committee_office, None),
        "stranger": make_actor(Role.secretary, other),
    }


def test_the_branch_reports_the_filing_and_the_office_approval_records_it(db_session, activist):
    recruit, office = activist["recruit"], activist["office"]
    request = decisions.report(
        db_session, activist["secretary"], recruit_id=recruit.id, number=4, note="申请书等"
    )
    assert request.status == ApprovalStatus.pending and request.org_id == recruit.org_id
    assert decisions.open_reports(db_session, recruit) == [request]
    with pytest.raises(Conflict, match="已提交过"):
        decisions.report(db_session, activist["secretary"], recruit_id=recruit.id, number=4)
    slot = approvals.pending_slot_for(db_session, office, request)
    assert slot is not None  # the office decides it (in chat: the card's 同意 button)
    assert approvals.pending_slot_for(db_session, activist["secretary"], request) is None
    approvals.decide(db_session, office, slot_id=slot.id, approve=True)
    fact = recruitment.done(recruit)[4]
    assert fact.done_on == T and "审批通过" in fact.recorded_by and "企业微信审批" in fact.evidence
    assert recruit.activist_on == T and decisions.open_reports(db_session, recruit) == []


def test_what_cannot_be_decided_is_refused_when_reported(db_session, activist):
    recruit, secretary = activist["recruit"], activist["secretary"]
    with pytest.raises(ValidationFailed, match="不需要报上级党委"):
        decisions.report(db_session, secretary, recruit_id=recruit.id, number=5)
    with pytest.raises(Conflict, match="发展对象阶段"):
        decisions.report(db_session, secretary, recruit_id=recruit.id, number=8)
    with pytest.raises(NotFound):  # another branch's applicant looks like no applicant at all
        decisions.report(db_session, activist["stranger"], recruit_id=recruit.id, number=4)
    with pytest.raises(NotFound):
        decisions.report(db_session, secretary, recruit_id="not-an-id", number=4)


def test_a_rejected_report_records_nothing_and_may_be_sent_again(db_session, activist):
    recruit, office = activist["recruit"], activist["office"]
    request = decisions.report(db_session, activist["secretary"], recruit_id=recruit.id, number=4)
    slot = approvals.pending_slot_for(db_session, office, request)
    approvals.decide(db_session, office, slot_id=slot.id, approve=False, comment="请补充考察材料")
    assert 4 not in recruitment.done(recruit) and request.status == ApprovalStatus.rejected
    again = decisions.report(db_session, activist["secretary"], recruit_id=recruit.id, number=4)
    assert again.status == ApprovalStatus.pending
