"""/_emulator/ against a live app: the demo's way in, driven over real HTTP.

The app runs with the emulator mounted (as in `make demo`) on a free port, so the chat page's
taps and typed messages travel as real encrypted callbacks to the app's /wecom/callback, and
"打开应用" goes through the real OAuth redirects to the H5 home page.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
import requests
from sqlalchemy import func, select

from handlers import audit
from handlers.policy import Actor
from models import AuditEvent
from wecom import cards
from wecom.commands import router
from wecom.router import Reply

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def checkin_route():
    """A card button whose tap writes (as meeting check-in will), answered with update_button."""

    @router.card_action("test.checkin")
    def tap(ctx):
        audit.record(ctx.session, Actor.system("测试"), "test.checkin", object_id=ctx.argument)
        return Reply("update_button", "已签到")

    yield
    del router.card_actions["test.checkin"]


def page(live, user="nurse01"):
    return requests.get(f"{live.base}/_emulator/", params={"user": user}, timeout=10).text


def test_the_page_lists_the_staff_and_typing_gets_the_apps_passive_reply(live):
    index = requests.get(f"{live.base}/_emulator/", timeout=10)
    assert index.status_code == 200 and "李护士" in index.text
    assert not re.search(r'(src|href)="(https?:)?//', index.text), "no external assets (CSP, intranet)"

    said = requests.post(f"{live.base}/_emulator/chat/nurse01/say", data={"text": "帮助"}, timeout=10)

    assert said.status_code == 200  # redirected back to the chat
    chat = unescape(page(live))
    assert "帮助" in chat and "您好，我是党建助手。您可以发送以下指令" in chat


def test_tapping_a_card_button_sends_the_real_callback_once(live, checkin_route):
    app = live.flask_app
    with app.app_context():
        card = cards.button_interaction(
            title="支部党员大会", task="chat-test-1", buttons=[cards.Button("签到", "test.checkin:m1")]
        )
        app.extensions["dangjian.wecom_client"].send(cards.template_card(card), ["nurse01"])
    chat = page(live)
    msgid = re.search(r'name="msgid" value="([^"]+)"', chat).group(1)

    tapped = requests.post(
        f"{live.base}/_emulator/chat/nurse01/tap", data={"msgid": msgid, "key": "test.checkin:m1"}, timeout=10
    )

    assert tapped.status_code == 200
    after = page(live)
    assert re.search(r"<button class=\"done\" disabled>已签到</button>", after)
    assert 'value="test.checkin:m1"' not in after  # the card's buttons are replaced
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "test.checkin")) == 1


def test_open_app_logs_the_member_in_through_oauth(live):
    browser = requests.Session()
    home = browser.get(f"{live.base}/_emulator/chat/nurse01/open", timeout=10)
    assert home.status_code == 200 and home.url.split("#")[0] == f"{live.base}/m/"
    assert "李护士，您好" in home.text
    assert [r.status_code for r in home.history] == [302, 302, 302, 302]  # → /m/ → authorize → callback → /m/
