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


def test_a_short_ballot_is_answered_on_its_vote_card_once(
    app, db_session, send, wecom, emulator, run_jobs, make_org, make_member, make_person, make_actor
):
    import time
    from datetime import timedelta

    from sqlalchemy import func, select

    from handlers import ballots
    from models import BallotSubmission
    from models.base import utcnow
    from tests.helpers.chat import card_for
    from wecom.emulator import wire

    branch = make_org(OrgKind.branch)
    make_member(branch=branch, person=make_person(wecom_userid="bv-1", name="党员癸"))
    survey = ballots.create_survey(
        db_session,
        make_actor(Role.secretary, branch),
        title="活动时间",
        description="",
        org_id=branch.id,
        anonymous=True,
        closes_at=utcnow() + timedelta(days=1),
        questions="单选：主题党日放在哪天｜周三下午｜周六上午",
    )
    db_session.commit()
    run_jobs()
    card = card_for(emulator, "bv-1", "bl")
    options = card.body["template_card"]["checkbox"]["option_list"]
    assert [o["text"] for o in options] == ["周三下午", "周六上午"]

    key = f"ballot:{survey.id}"

    def submit(option, later=0):
        xml = wire.card_event_xml(
            app.config["WECOM_CORP_ID"], "bv-1", app.config["WECOM_AGENT_ID"], event_key=key,
            task_id=card.task_id, response_code=card.response_code, card_type="vote_interaction",
            selected=[("q1", [option])], create_time=int(time.time()) + later,
        )  # fmt: skip
        return send(xml)

    first = submit("1")
    run_jobs()
    told = _told(wecom, first, emulator, "bv-1")
    assert "回执码：" in told and "只显示这一次" in told
    again = submit("0", later=5)  # the card again: refused, the first vote stands
    run_jobs()
    assert "每人只能投一次" in _told(wecom, again, emulator, "bv-1")
    db_session.expire_all()
    (answers,) = db_session.scalars(
        select(BallotSubmission.answers).where(BallotSubmission.ballot_id == survey.id)
    )
    assert answers == {"1": "周六上午"}
    assert db_session.scalar(select(func.count()).where(BallotSubmission.ballot_id == survey.id)) == 1


def _told(wecom, response, emulator, user):
    """What the member was told: the passive reply, or the message sent to their chat instead."""
    if response.data:
        content = opened(wecom, response).find("Content")
        if content is not None:
            return content.text
    texts = [
        d.body["text"]["content"]
        for d in emulator.state.deliveries
        if d.to_user == user and d.msgtype == "text"
    ]
    return texts[-1] if texts else ""
