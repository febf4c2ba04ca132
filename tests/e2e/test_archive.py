"""党员档案 in a real Chromium (issue 18): the office edits a member's archive and records a
posting away in the console; the member opens 我的档案 on a 390 px phone and asks for a
correction. Screenshots go to test-artifacts/ (console-archive-*.png, phone-archive*.png)."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import people
from handlers.archive import fields
from handlers.policy import Actor
from models import OrgKind, PartyOrg, Role, RoleGrant
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, as_member, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def ward(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E18", name="档案测试党委")
        committee.set_parent(None)
        branch = PartyOrg(kind=OrgKind.branch, code="E2E18B", name="麻醉科党支部")
        branch.set_parent(committee)
        session.add_all([committee, branch])
        session.flush()
        nurse = people.create_person(
            session, cli, wecom_userid="a18-nurse", name="护士程", birth_date=date(1990, 4, 2)
        )
        member = people.enrol_member(
            session, cli, person=nurse, branch=branch, status="full", joined_on=date(2015, 7, 1)
        )
        fields.initial(
            member,
            {
                "gender": "女",
                "ethnicity": "汉族",
                "education": "大学专科",
                "degree": "无",
                "job_post": "护理",
                "technical_title": "护师",
                "applied_on": date(2013, 3, 1),
            },
        )
        office = people.create_person(session, cli, wecom_userid="a18-office", name="组织部冯")
        secretary = people.create_person(session, cli, wecom_userid="a18-sec", name="书记魏")
        people.enrol_member(
            session, cli, person=secretary, branch=branch, status="full", joined_on=date(2008, 7, 1)
        )
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=branch.id))
        session.flush()
        ids = {"member": str(member.id)}
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)
    return ids


def test_the_office_keeps_the_archive_in_the_console(live, ward, chromium):
    page = chromium.new_page(**CONSOLE)
    scan_in(page, live, "a18-office")
    page.goto(f"{live.base}/admin/members/{ward['member']}")
    assert page.is_visible("h2:has-text('党员档案')") and page.is_visible("dd:has-text('大学专科')")
    assert page.is_visible("dd:has-text('已加密')")  # 民族 is masked
    page.click("summary:has-text('修改档案')")
    snap(page, "archive-edit-form")
    page.select_option("select[name=education]", "大学本科")
    page.select_option("select[name=degree]", "学士")
    page.fill("input[name=reason]", "据学历证书核对")
    page.click("button:has-text('保存档案')")
    assert page.is_visible("text=已保存（2 项有变化）")
    assert page.is_visible("text=学历：大学专科 → 大学本科")
    page.fill("input[name=place]", "新疆喀什地区第一人民医院（援疆）")
    page.select_option("select[name=kind] >> nth=1", "posting")
    page.click("button:has-text('登记外出')")
    assert page.is_visible("text=外出至新疆喀什地区第一人民医院（援疆）")
    snap(page, "archive-member")
    page.goto(f"{live.base}/admin/archive/exchange")
    page.click("summary:has-text('列对照表')")
    assert page.is_visible("td:has-text('公民身份号码')") and page.is_visible("td:has-text('未核实')")
    snap(page, "archive-exchange")
    page.goto(f"{live.base}/admin/participations")
    assert page.is_visible("text=外出至新疆喀什地区第一人民医院（援疆）")
    snap(page, "archive-participations")
    page.goto(f"{live.base}/admin/transfers")
    assert page.is_visible("h2:has-text('登记转入')")
    snap(page, "archive-transfers")
    page.close()


def test_the_member_reads_their_archive_and_asks_for_a_correction(live, ward, chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    phone = as_member(context, live, "a18-nurse", "/m/mine")
    phone.click("text=我的档案")
    assert phone.is_visible("text=麻醉科党支部") and phone.is_visible("text=汉族")  # her own, in full
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-archive.png"), full_page=True)
    phone.click("a:has-text('申请更正')")
    phone.wait_for_url("**/approvals/new/archive_correction")
    phone.screenshot(path=str(ARTIFACTS / "phone-archive-form.png"), full_page=True)
    phone.select_option("select[name=field]", "技术职称")
    phone.fill("input[name=value]", "主管护师")
    phone.click("button:has-text('提交')")
    assert phone.is_visible("text=申请已提交")
    phone.screenshot(path=str(ARTIFACTS / "phone-archive-correction.png"), full_page=True)
    context.close()
