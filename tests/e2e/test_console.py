"""The console in a real headless Chromium (Debian's package, driven by Playwright).

Against the live app with its emulator: log in by scanning WeCom's QR code (the emulator's
page), find a member, reveal a masked field with a reason, and check that a secretary is
refused another branch's member. Screenshots of each page go to test-artifacts/.
"""

from __future__ import annotations

import pytest

from handlers import people
from handlers.policy import Actor
from models import OrgKind, PartyOrg, Role, RoleGrant
from tests.helpers.browser import CHROMIUM, CONSOLE, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")


@pytest.fixture(scope="module")
def hospital(live):
    """Two branches, a member in each, a committee-office user and one branch's secretary."""
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E", name="端到端测试党委")
        committee.set_parent(None)
        branches = {}
        for code, name in (("E2E01", "心内科党支部"), ("E2E02", "骨科党支部")):
            branch = PartyOrg(kind=OrgKind.branch, code=code, name=name)
            branch.set_parent(committee)
            branches[code] = branch
        session.add_all([committee, *branches.values()])
        session.flush()
        nurse = people.create_person(
            session, cli, wecom_userid="e2e-nurse", name="赵护士", mobile="13700001111"
        )
        doctor = people.create_person(
            session, cli, wecom_userid="e2e-doctor", name="钱医生", mobile="13700002222"
        )
        for person, code in ((nurse, "E2E01"), (doctor, "E2E02")):
            people.enrol_member(session, cli, person=person, branch=branches[code], status="full")
        office = people.create_person(session, cli, wecom_userid="e2e-office", name="组织部孙")
        secretary = people.create_person(session, cli, wecom_userid="e2e-sec", name="书记周")
        auditor = people.create_person(session, cli, wecom_userid="e2e-audit", name="审计吴")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        session.add(RoleGrant(person_id=auditor.id, role=Role.auditor, org_id=None))
        session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=branches["E2E01"].id))
        session.flush()
        return {"doctor_member": str(doctor.membership.id), "committee": str(committee.id)}


def test_the_office_finds_a_member_and_reveals_a_field_with_a_reason(live, hospital, chromium):
    page = chromium.new_page(**CONSOLE)
    scan_in(page, live, "e2e-office")
    assert page.is_visible("text=组织部孙，您好")
    snap(page, "home")

    page.click("nav >> text=党员")
    page.fill("input[name=q]", "赵护士")
    page.click("text=查询")
    assert page.is_visible("text=137****1111") and not page.is_visible("text=13700001111")
    snap(page, "members")

    page.click("table >> text=赵护士")
    page.select_option("form.reveal select[name=field]", "mobile")
    page.fill("form.reveal input[name=reason]", "核对联系方式")
    page.click("form.reveal >> text=查看")
    assert page.is_visible("text=13700001111")
    snap(page, "member-revealed")
    page.close()


def test_a_secretary_cannot_open_another_branchs_member(live, hospital, chromium):
    page = chromium.new_page(**CONSOLE)
    scan_in(page, live, "e2e-sec")
    response = page.goto(f"{live.base}/admin/members/{hospital['doctor_member']}")
    assert response.status == 404  # another branch's member looks like no member at all
    assert page.is_visible("text=未找到相应记录，或您无权查看") and not page.is_visible("text=钱医生")
    snap(page, "out-of-scope")
    page.close()


def test_create_a_branch_import_a_workbook_fix_it_and_find_the_reveal_in_the_audit(
    live, hospital, chromium, tmp_path
):
    from tests.conftest import valid_id_number
    from tests.helpers.workbooks import row, workbook

    page = chromium.new_page(**CONSOLE)
    scan_in(page, live, "e2e-office")
    page.goto(f"{live.base}/admin/orgs/{hospital['committee']}")
    page.select_option("select[name=kind]", "branch")
    page.fill("input[name=code]", "E2E03")
    page.fill("input[aria-label=下级组织名称]", "急诊科党支部")
    page.click("text=设立下级组织")
    assert page.is_visible("text=已设立 急诊科党支部")
    branch_page = page.url
    snap(page, "org-created")

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        workbook(row("e2e-new1", valid_id_number(701), code="E2E03"), row("e2e-new2", "123", code="E2E03"))
    )
    page.goto(f"{live.base}/admin/members/import")
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=检查并导入")
    assert page.is_visible("text=本次未导入任何数据") and page.is_visible("text=第 3 行")
    snap(page, "import-report")

    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(row("e2e-new1", valid_id_number(701), code="E2E03")))
    page.set_input_files("input[type=file]", str(good))
    page.click("text=检查并导入")
    assert page.is_visible("text=已导入 1 名党员")

    # The new member is elected 书记 of the new branch.
    page.goto(branch_page)
    page.select_option("form.appoint select[name=post]", "secretary")
    page.select_option("form.appoint select[name=member_id]", label="张三")
    page.click("form.appoint button")
    assert page.is_visible("text=已登记委员") and page.is_visible("text=尚未被授予“支部书记”角色")
    snap(page, "org-committee")

    page.goto(f"{live.base}/admin/members?q=e2e-new1")
    page.click("table >> text=张三")
    page.select_option("form.reveal select[name=field]", "id_number")
    page.fill("form.reveal input[name=reason]", "核对身份信息")
    page.click("form.reveal >> text=查看")
    assert page.is_visible(f"text={valid_id_number(701)}")
    page.click("text=退出")

    scan_in(page, live, "e2e-audit")
    page.goto(f"{live.base}/admin/audit?action=person.reveal")
    assert page.is_visible("text=核对身份信息") and page.is_visible("td:has-text('查看敏感信息')")
    assert page.is_visible("a:has-text('张三')")  # the object by name, opening its history
    snap(page, "audit")
    page.close()
