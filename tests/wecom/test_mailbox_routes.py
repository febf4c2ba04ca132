"""书记信箱 in chat: where to write, and — for a recipient — how many letters wait."""

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
