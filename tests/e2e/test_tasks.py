"""Issue 23's Done-when for 任务督办, in Chromium against the live app and its WeCom emulator: the
office sends a task with a file to two branches; one secretary taps 收到 on the card, submits on
the phone and is accepted; the other is returned for 整改 with a reason and a new deadline, adds
the missing file, submits again and is accepted; the task closes. Screenshots go to
test-artifacts/ (console-task-*.png, phone-task*.png)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers import people
from handlers.policy import Actor
from models import OrgKind, PartyOrg, Role, RoleGrant
from models.base import local_today
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, as_member, chat, deliver, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def branches(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E23T", name="督办测试党委")
        committee.set_parent(None)
        session.add(committee)
        for code, name, userid, sec_name in (
            ("E2E23TA", "眼科党支部", "t23-a", "书记甄"),
            ("E2E23TB", "耳鼻喉科党支部", "t23-b", "书记贾"),
        ):
            branch = PartyOrg(kind=OrgKind.branch, code=code, name=name)
            branch.set_parent(committee)
            session.add(branch)
            session.flush()
            person = people.create_person(session, cli, wecom_userid=userid, name=sec_name)
            people.enrol_member(session, cli, person=person, branch=branch, status="full")
            session.add(RoleGrant(person_id=person.id, role=Role.secretary, org_id=branch.id))
        office = people.create_person(session, cli, wecom_userid="t23-office", name="组织部金")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)


def _phone(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _submit_on_phone(context, live, user, report):
    phone = as_member(context, live, user, "/m/tasks")
    phone.click("text=开展眼耳鼻喉义诊")
    phone.fill("textarea[name=report]", report)
    phone.click("form.task-submit button:has-text('提交')")
    assert phone.is_visible("text=已提交，等待审核")
    return phone


def test_a_task_goes_down_to_two_branches_and_comes_back_done(live, branches, chromium, tmp_path):
    office = chromium.new_context(**CONSOLE).new_page()
    scan_in(office, live, "t23-office")
    office.goto(f"{live.base}/admin/tasks")
    office.fill("input[name=title]", "开展眼耳鼻喉义诊")
    office.fill("textarea[name=body]", "请各支部在本月内组织一次进社区义诊，提交活动报告。")
    office.fill("textarea[name=why]", "院党委年度重点工作第 3 项")
    office.fill("input[name=deadline]", f"{local_today() + timedelta(days=14):%Y-%m-%d}")
    office.select_option("select[name=org_ids] >> nth=0", label=["眼科党支部", "耳鼻喉科党支部"])
    attachment = tmp_path / "义诊方案.pdf"
    attachment.write_bytes(PDF)
    office.set_input_files("input[name=files]", str(attachment))
    snap(office, "task-new")
    office.click("text=发出任务")
    assert office.is_visible("text=任务已发出，共 2 个接收方")
    assert office.is_visible("text=接收方 2 个：待接收 2")
    task_url = office.url
    deliver(live)

    # 书记甄 taps 收到 on the card in chat, then submits on the phone.
    context_a = chromium.new_context(viewport=PHONE, locale="zh-CN")
    chat_page = context_a.new_page()
    chat(chat_page, live, "t23-a")
    chat_page.click("button:has-text('收到')")
    assert chat_page.is_visible("button.done:has-text('已收到')")
    phone_a = _submit_on_phone(context_a, live, "t23-a", "12 月 6 日在和平社区开展义诊，服务群众 86 人。")
    _phone(phone_a, "phone-task")

    # 书记贾 submits without the photos.
    context_b = chromium.new_context(viewport=PHONE, locale="zh-CN")
    phone_b = _submit_on_phone(context_b, live, "t23-b", "已开展义诊。")

    office.goto(task_url)
    office.click("tr[data-recipient='眼科党支部'] >> button:has-text('通过')")
    assert office.is_visible("text=已通过")
    row_b = "tr[data-recipient='耳鼻喉科党支部']"
    office.fill(f"{row_b} >> input[name=reason]", "请补充活动照片和签到表")
    office.fill(f"{row_b} >> input[name=new_deadline]", f"{local_today() + timedelta(days=5):%Y-%m-%d}")
    office.click(f"{row_b} >> button:has-text('退回整改')")
    assert office.is_visible("text=已退回整改")
    snap(office, "task-returned")

    # 整改: the reason is on the phone; the file is added and the report submitted again.
    deliver(live)
    phone_b.reload()
    assert phone_b.is_visible("text=请补充活动照片和签到表") and phone_b.is_visible("text=整改中")
    photos = tmp_path / "签到表.pdf"
    photos.write_bytes(PDF)
    phone_b.set_input_files("input[name=file]", str(photos))
    phone_b.click("text=上传附件")
    assert phone_b.is_visible("text=附件已添加") and phone_b.is_visible("text=签到表.pdf")
    phone_b.fill("textarea[name=report]", "已补充签到表，服务群众 54 人。")
    phone_b.click("form.task-submit button:has-text('提交')")
    assert phone_b.is_visible("text=已提交，等待审核")
    _phone(phone_b, "phone-task-returned")

    office.goto(task_url)
    office.click(f"{row_b} >> button:has-text('通过')")
    assert office.is_visible("text=已办结")
    assert office.is_visible("text=已完成 2")
    snap(office, "task-closed")
    for context in (context_a, context_b, office.context):
        context.close()
