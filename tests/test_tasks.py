"""任务督办 (issue 23 item 1): a task goes to branches and named people, each recipient acknowledges,
submits what counts as done, and is accepted or returned for 整改 with a reason and a new deadline;
the task closes when all are accepted. Bad input is refused with the reason; deadlines remind
whoever owes the step; an overdue recipient is escalated once; plan items and monthly reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import tasks
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import load_actor
from handlers.reminders.planning import is_met
from models import (
    AssignmentStatus,
    DoneBy,
    OrgKind,
    OutboundMessage,
    Person,
    Reminder,
    ReminderStatus,
    Role,
    TaskAssignment,
)
from models.base import local_today

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def hospital(make_org, make_member, make_actor):
    committee = make_org(OrgKind.committee)
    general = make_org(OrgKind.general_branch, parent=committee, name="内科党总支")
    lab = make_org(OrgKind.branch, parent=general, name="检验科党支部")
    ward = make_org(OrgKind.branch, parent=general, name="病区党支部")
    nurse = make_member(branch=ward)
    return {
        "general": general,
        "lab": lab,
        "ward": ward,
        "nurse": nurse,
        "office": make_actor(Role.committee_office, None),
        "colleague": make_actor(Role.committee_office, None),
        "general_secretary": make_actor(Role.secretary, general),
        "lab_secretary": make_actor(Role.secretary, lab),
        "ward_secretary": make_actor(Role.secretary, ward),
    }


def _send(db_session, h, **fields):
    fields.setdefault("title", "开展主题党日活动")
    fields.setdefault("body", "请各支部于月底前开展一次主题党日。")
    fields.setdefault("done_by", DoneBy.report)
    fields.setdefault("deadline", local_today() + timedelta(days=10))
    fields.setdefault("org_ids", [h["lab"].id, h["ward"].id])
    return tasks.send(db_session, h["office"], **fields)


def _userid(db_session, actor):
    return db_session.get(Person, actor.person_id).wecom_userid


def _row(task, org):
    return next(a for a in task.assignments if a.org_id == org.id)


def test_the_loop_closes_when_every_recipient_is_accepted(db_session, hospital):
    h = hospital
    task = _send(db_session, h, files=[("通知.pdf", PDF)])
    cards = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "task")).all()
    assert len(cards) == 2 and {c.to_users for c in cards} == {
        _userid(db_session, h["lab_secretary"]),
        _userid(db_session, h["ward_secretary"]),
    }
    assert len(tasks.task_files(db_session, task)) == 1
    lab, ward = _row(task, h["lab"]), _row(task, h["ward"])

    tasks.acknowledge(db_session, h["lab_secretary"], lab.id)
    assert lab.status == AssignmentStatus.acknowledged
    tasks.submit(db_session, h["lab_secretary"], assignment_id=lab.id, report="已于 12 月 5 日开展。")
    tasks.review(db_session, h["office"], assignment_id=lab.id, accept=True)
    assert lab.status == AssignmentStatus.accepted and task.closed_at is None

    tasks.submit(db_session, h["ward_secretary"], assignment_id=ward.id, report="已开展。")
    new_deadline = local_today() + timedelta(days=5)
    tasks.review(
        db_session,
        h["colleague"],
        assignment_id=ward.id,
        accept=False,
        reason="缺少照片和签到表",
        new_deadline=new_deadline,
    )
    assert (ward.status, ward.deadline, ward.returns) == (AssignmentStatus.returned, new_deadline, 1)
    returned = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "task_step")).all()
    assert any(
        m.params["step"] == "任务退回整改" and m.params["text"] == "缺少照片和签到表" for m in returned
    )
    tasks.add_file(db_session, h["ward_secretary"], assignment_id=ward.id, filename="签到表.pdf", content=PDF)
    tasks.submit(db_session, h["ward_secretary"], assignment_id=ward.id, report="已补充签到表。")
    tasks.review(db_session, h["office"], assignment_id=ward.id, accept=True)
    assert task.closed_at is not None
    assert [e.step for e in ward.events] == ["submit", "return", "submit", "accept"]
    figures = tasks.progress(db_session, h["office"], task.id)
    assert (figures.recipients, figures.accepted) == (2, 2)
    with pytest.raises(Conflict, match="已办结"):
        tasks.submit(db_session, h["ward_secretary"], assignment_id=ward.id, report="再交一次")


def test_bad_input_is_refused_with_the_reason(db_session, hospital):
    h = hospital
    with pytest.raises(ValidationFailed, match="截止日期"):
        _send(db_session, h, deadline=None)
    with pytest.raises(ValidationFailed, match="早于今天"):
        _send(db_session, h, deadline=local_today() - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="接收"):
        _send(db_session, h, org_ids=[])
    with pytest.raises(ValidationFailed):  # a file checked by content, as meeting attachments are
        _send(db_session, h, files=[("报告.pdf", b"MZ\x90\x00 not a pdf")])
    task = _send(db_session, h)
    lab = _row(task, h["lab"])
    with pytest.raises(ValidationFailed, match="报告"):
        tasks.submit(db_session, h["lab_secretary"], assignment_id=lab.id, report="  ")
    tasks.submit(db_session, h["lab_secretary"], assignment_id=lab.id, report="完成")
    with pytest.raises(NotFound):  # the 总支 above it neither sent nor follows the office's task
        tasks.review(db_session, h["general_secretary"], assignment_id=lab.id, accept=True)
    with pytest.raises(NotFound):  # another branch's secretary does not even see it
        tasks.review(db_session, h["ward_secretary"], assignment_id=lab.id, accept=True)
    with pytest.raises(NotFound):
        tasks.submit(db_session, h["ward_secretary"], assignment_id=lab.id, report="冒名")
    with pytest.raises(ValidationFailed, match="退回原因"):
        tasks.review(
            db_session, h["office"], assignment_id=lab.id, accept=False, reason="", new_deadline=local_today()
        )
    with pytest.raises(ValidationFailed, match="截止日期"):
        tasks.review(
            db_session, h["office"], assignment_id=lab.id, accept=False, reason="不全", new_deadline=None
        )
    assert lab.status == AssignmentStatus.submitted  # nothing half-written


def test_what_counts_as_done_is_checked(db_session, hospital):
    h = hospital
    files_task = _send(db_session, h, done_by=DoneBy.files, org_ids=[h["lab"].id])
    row = files_task.assignments[0]
    with pytest.raises(ValidationFailed, match="附件"):
        tasks.submit(db_session, h["lab_secretary"], assignment_id=row.id)
    number_task = _send(db_session, h, done_by=DoneBy.number, org_ids=[h["lab"].id], title="走访人数")
    row = number_task.assignments[0]
    for bad in ("", "很多", "-3", "NaN"):
        with pytest.raises(ValidationFailed, match="数字"):
            tasks.submit(db_session, h["lab_secretary"], assignment_id=row.id, number=bad)
    tasks.submit(db_session, h["lab_secretary"], assignment_id=row.id, number="12")
    assert str(row.number) == "12.00"
    meeting_task = _send(
        db_session, h, done_by=DoneBy.meeting, org_ids=[h["lab"].id], title="召开专题组织生活会"
    )
    with pytest.raises(ValidationFailed, match="会议"):
        tasks.submit(
            db_session,
            h["lab_secretary"],
            assignment_id=meeting_task.assignments[0].id,
            linked_id=str(row.id),
        )


def test_a_named_person_does_their_own_steps(db_session, hospital):
    h = hospital
    task = _send(db_session, h, org_ids=[], person_ids=[h["nurse"].person_id], title="撰写先进事迹材料")
    (row,) = task.assignments
    nurse = load_actor(db_session, h["nurse"].person)
    assert [r.id for r in tasks.owed(db_session, nurse)] == [row.id]
    tasks.acknowledge(db_session, nurse, row.id)
    tasks.submit(db_session, nurse, assignment_id=row.id, report="材料已写好。")
    assert row.status == AssignmentStatus.submitted
    with pytest.raises(NotFound):  # the ward's secretary does not do a member's named task
        tasks.acknowledge(db_session, h["ward_secretary"], row.id)


def test_deadline_reminders_go_to_who_owes_the_step_and_stop_when_it_is_taken(db_session, hospital):
    h = hospital
    task = _send(db_session, h, deadline=local_today() + timedelta(days=2), org_ids=[h["lab"].id])
    (row,) = task.assignments
    assert tasks.queue_reminders(db_session, local_today()) == 1
    (reminder,) = db_session.scalars(select(Reminder).where(Reminder.category == "task_due")).all()
    assert reminder.person_id == h["lab_secretary"].person_id
    assert tasks.queue_reminders(db_session, local_today()) == 0  # one per obligation
    tasks.submit(db_session, h["lab_secretary"], assignment_id=row.id, report="完成")
    assert is_met(db_session, reminder.obligation)
    # A submission waiting for review reminds the desk after the rule's days.
    assert tasks.queue_reminders(db_session, local_today() + timedelta(days=3)) >= 1
    review = db_session.scalars(select(Reminder).where(Reminder.category == "task_review")).all()
    assert {r.person_id for r in review} == {h["office"].person_id}
    assert reminder.status in (ReminderStatus.planned, ReminderStatus.cancelled, ReminderStatus.sent)


def test_an_overdue_recipient_is_escalated_to_the_superior_once(db_session, hospital):
    h = hospital
    task = _send(db_session, h, org_ids=[h["lab"].id])
    (row,) = task.assignments
    with pytest.raises(Conflict, match="尚未逾期"):
        tasks.escalate(db_session, h["office"], assignment_id=row.id)
    row.deadline = local_today() - timedelta(days=1)
    assert tasks.queue_reminders(db_session, local_today()) == 1  # the weekly overdue follow-up
    tasks.escalate(db_session, h["office"], assignment_id=row.id)
    assert row.escalated_to == "内科党总支"
    told = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "task_step")).all()
    general_secretary = db_session.get(Person, h["general_secretary"].person_id)
    assert any(m.params["step"] == "任务督办" and m.to_users == general_secretary.wecom_userid for m in told)
    with pytest.raises(Conflict, match="督办过"):
        tasks.escalate(db_session, h["office"], assignment_id=row.id)
    # The 总支 told may read the task's page.
    assert tasks.for_viewer(db_session, h["general_secretary"], row.id) is row


def test_a_general_branch_sends_to_its_branches_only(db_session, hospital, make_org):
    h = hospital
    elsewhere = make_org(OrgKind.branch, name="外科党支部")
    with pytest.raises(NotFound):
        tasks.send(
            db_session,
            h["general_secretary"],
            title="任务",
            body="内容",
            done_by="report",
            deadline=local_today(),
            org_ids=[elsewhere.id],
        )
    task = tasks.send(
        db_session,
        h["general_secretary"],
        title="任务",
        body="内容",
        done_by="report",
        deadline=local_today(),
        org_ids=[h["lab"].id],
    )
    assert [t.task.id for t in tasks.sent(db_session, h["general_secretary"])] == [task.id]
    assert task.id in [t.task.id for t in tasks.sent(db_session, h["office"])]  # the office follows it
    tasks.submit(db_session, h["lab_secretary"], assignment_id=task.assignments[0].id, report="完成")
    with pytest.raises(Forbidden, match="发出任务的一方"):  # following it is not reviewing it
        tasks.review(db_session, h["office"], assignment_id=task.assignments[0].id, accept=True)
    tasks.review(db_session, h["general_secretary"], assignment_id=task.assignments[0].id, accept=True)
    assert tasks.sent(db_session, h["ward_secretary"]) == []
    with pytest.raises(ValidationFailed, match="年度工作计划"):
        tasks.send(
            db_session,
            h["lab_secretary"],
            title="自己",
            body="内容",
            done_by="report",
            deadline=local_today(),
            org_ids=[h["lab"].id],
        )


def test_a_plan_item_is_done_when_the_branch_submits_it(db_session, hospital):
    h = hospital
    year = local_today().year
    row = tasks.add_plan_item(
        db_session,
        h["lab_secretary"],
        org_id=h["lab"].id,
        year=year,
        title="开展党员志愿服务",
        deadline=local_today().replace(month=12, day=31),
    )
    assert row.status == AssignmentStatus.acknowledged
    assert not db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "task")).all()
    tasks.submit(db_session, h["lab_secretary"], assignment_id=row.id, report="全年开展 6 次。")
    assert row.status == AssignmentStatus.accepted and row.task.closed_at is not None
    branch_year = tasks.branch_year(db_session, h["lab"].id, year)
    assert [r.id for r in branch_year.plan] == [row.id] and branch_year.done(branch_year.plan) == 1
    with pytest.raises(NotFound):  # another branch's secretary cannot write this branch's plan
        tasks.add_plan_item(
            db_session,
            h["ward_secretary"],
            org_id=h["lab"].id,
            year=year,
            title="越权",
            deadline=local_today(),
        )


def test_the_monthly_report_comes_back_each_month_prefilled(db_session, hospital):
    h = hospital
    head = tasks.start_monthly_reports(db_session, h["office"], org_ids=[h["lab"].id, h["ward"].id])
    assert head.recurring and len(head.assignments) == 2
    assert all("本支部" in a.report for a in head.assignments)  # prefilled from the meetings
    today = local_today()
    assert tasks.roll_monthly(db_session, today) == 0  # this month's is out already
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert tasks.roll_monthly(db_session, next_month) == 2
    assert tasks.roll_monthly(db_session, next_month) == 0
    rows = db_session.scalars(select(TaskAssignment).where(TaskAssignment.org_id == h["lab"].id)).all()
    assert len(rows) == 2
    tasks.stop_monthly_reports(db_session, h["office"], task_id=head.id)
    later = (next_month + timedelta(days=32)).replace(day=1)
    assert tasks.roll_monthly(db_session, later) == 0
