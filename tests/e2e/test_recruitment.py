"""发展党员 in Chromium: a staff member applies on a 390 px phone, the secretary finds them on the
board with the talk due, records the talk in the console, and the phone shows the step done.
Screenshots go to test-artifacts/ (phone-recruit*.png, console-recruit*.png)."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import people
from handlers.policy import Actor
from models import OrgKind, PartyOrg, Role, RoleGrant
from models.base import local_today
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, as_member, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def branch(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E19", name="发展测试党委")
        committee.set_parent(None)
        org = PartyOrg(kind=OrgKind.branch, code="E2E19B", name="介入科党支部")
        org.set_parent(committee)
        session.add_all([committee, org])
        session.flush()
        secretary = people.create_person(session, cli, wecom_userid="r19-sec", name="书记岳")
        people.enrol_member(session, cli, person=secretary, branch=org, status="full")
        session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=org.id))
        people.create_person(session, cli, wecom_userid="r19-app", name="技师程", birth_date=date(1998, 6, 1))
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)


def test_apply_on_the_phone_and_the_talk_in_the_console(live, branch, chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    phone = as_member(context, live, "r19-app", "/m/recruit")
    assert phone.is_visible("text=递交入党申请书")
    phone.select_option("select[name=org_id]", label="介入科党支部")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-recruit-apply.png"), full_page=True)
    phone.click("button:has-text('递交申请')")
    assert phone.is_visible("text=入党申请书已递交")
    assert phone.is_visible("text=第2步 党组织派人谈话")

    office = chromium.new_context(**CONSOLE).new_page()
    scan_in(office, live, "r19-sec")
    office.goto(f"{live.base}/admin/recruits")
    assert office.is_visible("text=技师程")
    snap(office, "recruit-board")
    office.click("text=技师程")
    office.fill("input[name=done_on]", f"{local_today():%Y-%m-%d}")
    office.fill("input[name=evidence]", "书记岳")
    office.click("section.next-step button:has-text('记录')")
    assert office.is_visible("text=已记录第 2 步")
    snap(office, "recruit-detail")

    phone.reload()
    assert phone.is_visible("text=第1步 递交入党申请书") and phone.is_visible("text=第2步 党组织派人谈话")
    phone.screenshot(path=str(ARTIFACTS / "phone-recruit.png"), full_page=True)
    context.close()
    office.context.close()
