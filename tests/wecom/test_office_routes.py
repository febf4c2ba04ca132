"""书记信箱 and 通知公告 in chat: where to write, how many letters wait for a recipient, the latest
notices, and 收到 tapped on a notice card."""

from __future__ import annotations

import pytest

from handlers import mailbox
from models import OrgKind, Role
from tests.helpers.chat import opened, say

pytestmark = pytest.mark.usefixtures("queues")


def test_the_mailbox_command(app, db_session, send, wecom, make_org, make_member, make_person, make_actor):
    branch = make_org(OrgKind.branch)
    writer = make_member(branch=branch, person=make_person(wecom_userid="xb-1", name="党员庚")).person
    secretary = make_member(branch=branch, person=make_person(wecom_userid="xb-sec", name="书记辛")).person
    make_actor(Role.secretary, branch, person=secretary)
    mailbox.write(db_session, writer, to="secretary", category="help", body="求助", anonymous=True)
    db_session.commit()
    member_answer = opened(wecom, say(app, send, "xb-1", "信箱")).find("Content").text
    assert "/m/mailbox" in member_answer and "待答复" not in member_answer
    secretary_answer = opened(wecom, say(app, send, "xb-sec", "信箱")).find("Content").text
    assert "您有 1 封来信待答复" in secretary_answer and "/admin/mailbox" in secretary_answer


def test_a_notice_card_takes_its_acknowledgement(
    app, db_session, send, wecom, emulator, run_jobs, make_org, make_member, make_person, make_actor
):
    from handlers import notices
    from models import NoticeRecipient
    from tests.helpers.chat import card_for, tap

    branch = make_org(OrgKind.branch)
    make_member(branch=branch, person=make_person(wecom_userid="nt-1", name="党员壬"))
    secretary = make_actor(Role.secretary, branch)
    notice = notices.send(
        db_session, secretary, title="周六义诊", body="请回复收到。", org_ids=[branch.id], needs_ack=True
    )
    db_session.commit()
    run_jobs()
    card = card_for(emulator, "nt-1", "nt")
    reply = opened(wecom, tap(app, send, "nt-1", f"notice_ack:{notice.id}", card))
    assert reply.find("Button/ReplaceName").text == "已收到"
    db_session.expire_all()
    (row,) = db_session.query(NoticeRecipient).filter_by(notice_id=notice.id).all()
    assert row.acked_at is not None and row.read_at is not None
    listing = opened(wecom, say(app, send, "nt-1", "通知")).find("Content").text
    assert "周六义诊" in listing and "请回复收到" not in listing


def test_a_task_card_takes_收到_and_提交_opens_the_page(
    app, db_session, send, wecom, emulator, run_jobs, make_org, make_member, make_person, make_actor
):
    from datetime import timedelta

    from handlers import tasks
    from models import AssignmentStatus, TaskAssignment
    from models.base import local_today
    from tests.helpers.chat import card_for, tap

    branch = make_org(OrgKind.branch, name="药剂科党支部")
    secretary = make_member(branch=branch, person=make_person(wecom_userid="tk-sec", name="书记癸")).person
    make_actor(Role.secretary, branch, person=secretary)
    make_member(branch=branch, person=make_person(wecom_userid="tk-2", name="党员子"))
    task = tasks.send(
        db_session,
        make_actor(Role.committee_office, None),
        title="报送志愿服务人数",
        body="请报送本季度志愿服务人数。",
        done_by="number",
        deadline=local_today() + timedelta(days=7),
        org_ids=[branch.id],
    )
    (row,) = task.assignments
    db_session.commit()
    run_jobs()
    card = card_for(emulator, "tk-sec", "tk")
    assert [b["text"] for b in card.body["template_card"]["button_list"]] == ["收到", "提交"]
    reply = opened(wecom, tap(app, send, "tk-sec", f"task_ack:{row.id}", card))
    assert reply.find("Button/ReplaceName").text == "已收到"
    db_session.expire_all()
    assert db_session.get(TaskAssignment, row.id).status == AssignmentStatus.acknowledged
    answer = opened(wecom, tap(app, send, "tk-sec", f"task_submit:{row.id}", card)).find("Content").text
    assert f"/m/tasks/{row.id}" in answer
    listing = opened(wecom, say(app, send, "tk-sec", "任务")).find("Content").text
    assert "报送志愿服务人数（办理中" in listing
    # A member who does not owe the step gets nothing from the card's key.
    assert "没有需要您办理的任务" in opened(wecom, say(app, send, "tk-2", "任务")).find("Content").text
