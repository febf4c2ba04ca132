"""书记信箱 and 通知公告 on a 390 px phone in a real Chromium (issue 23): an anonymous letter and its
receipt code, the answer read back with it, and a notice acknowledged. Screenshots go to
test-artifacts/ (phone-mailbox*.png, phone-notice.png)."""

from __future__ import annotations

import re

import pytest

from handlers import mailbox, notices, people
from handlers.policy import Actor, load_actor
from models import OrgKind, PartyOrg, Role, RoleGrant
from tests.helpers.browser import ARTIFACTS, CHROMIUM, as_member

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def ward(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E23", name="信箱测试党委")
        committee.set_parent(None)
        branch = PartyOrg(kind=OrgKind.branch, code="E2E23B", name="口腔科党支部")
        branch.set_parent(committee)
        session.add_all([committee, branch])
        session.flush()
        for userid, name in (("m23-nurse", "护士柳"), ("m23-sec", "书记韦")):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(session, cli, person=person, branch=branch, status="full")
        secretary = people.find_by_wecom_userid(session, "m23-sec")
        session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=branch.id))
        session.flush()
        mailbox.save_faq(
            session,
            cli,
            entry_id=None,
            question="党费怎么交？",
            answer_text="按核定金额每月交纳。",
            position=1,
        )
        notices.send(
            session,
            load_actor(session, secretary),
            title="周六义诊报名",
            body="请能参加的同志点“收到”。",
            org_ids=[branch.id],
            needs_ack=True,
        )
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)


def test_an_anonymous_letter_and_a_notice_on_the_phone(live, ward, chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    phone = as_member(context, live, "m23-nurse", "/m/mailbox")
    assert phone.is_visible("text=党费怎么交？") and phone.is_visible("text=系统不保存您是谁")
    phone.fill("textarea[name=body]", "诊室空调坏了两周，希望尽快修理。")
    phone.select_option("select[name=category]", "problem")
    phone.click("text=匿名写信")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-mailbox.png"), full_page=True)
    phone.click("button:has-text('提交')")
    code = re.search(r"\d{4}-\d{4}-\d{4}", phone.inner_text("body")).group(0)
    assert phone.is_visible("text=只显示这一次")
    phone.screenshot(path=str(ARTIFACTS / "phone-mailbox-code.png"), full_page=True)
    app = live.flask_app
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        secretary = load_actor(session, people.find_by_wecom_userid(session, "m23-sec"))
        (letter,) = mailbox.inbox(session, secretary)
        mailbox.answer(session, secretary, message_id=letter.id, text="已报后勤，本周修好。")
    phone.goto(f"{live.base}/m/mailbox")
    phone.fill("input[name=code]", code)
    phone.click("button:has-text('查看')")
    assert phone.is_visible("text=已报后勤，本周修好。")
    phone.goto(f"{live.base}/m/notices")
    phone.click("text=周六义诊报名")
    phone.click("button:has-text('收到')")
    assert phone.is_visible("text=已回复收到")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(ARTIFACTS / "phone-notice.png"), full_page=True)
    context.close()
