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
