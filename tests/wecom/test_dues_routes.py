"""党费 in chat (issue 20 item 4): the member's own year, as 我的党费 shows it."""

from __future__ import annotations

import pytest

from models.base import local_today
from tests.helpers.chat import opened, say

pytestmark = pytest.mark.usefixtures("queues")


def test_the_dues_command_answers_with_the_members_own_year(
    app, db_session, send, wecom, make_member, make_person
):
    make_member(person=make_person(wecom_userid="df-1", name="党员丁"))
    make_person(wecom_userid="df-staff", name="职工戊")
    db_session.commit()
    answer = opened(wecom, say(app, send, "df-1", "党费")).find("Content").text
    assert answer.startswith(f"{local_today().year}年党费：") and "尚未核定" in answer and "/m/dues" in answer
    staff = opened(wecom, say(app, send, "df-staff", "党费")).find("Content").text
    assert "不在本院党员名册" in staff
