"""党费 in a real Chromium (issue 20): the office's 核定 page and collection table in the console,
and 我的党费 on a 390 px phone with its receipt. Screenshots go to test-artifacts/
(console-dues-*.png, phone-dues*.png)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from handlers import dues, exports, people
from handlers.policy import Actor
from models import DuesPayment, OrgKind, PartyOrg, Role, RoleGrant
from models.base import local_today
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, as_member, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def ward(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E20", name="党费测试党委")
        committee.set_parent(None)
        branch = PartyOrg(kind=OrgKind.branch, code="E2E20B", name="超声科党支部")
        branch.set_parent(committee)
        session.add_all([committee, branch])
        session.flush()
        for userid, name in (("d20-nurse", "护士秦"), ("d20-doc", "医生尤")):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(
                session, cli, person=person, branch=branch, status="full", joined_on=date(2012, 7, 1)
            )
        office = people.create_person(session, cli, wecom_userid="d20-office", name="组织部许")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        session.flush()
        year = local_today().year
        content = exports.workbook(
            "基数", dues.BASE_COLUMNS, [["d20-nurse", "", "6800", "", ""], ["d20-doc", "", "12600", "", ""]]
        )
        dues.import_bases(session, cli, "b.xlsx", content, year=year)
        nurse = people.find_by_wecom_userid(session, "d20-nurse").membership
        session.add(
            DuesPayment(
                member_id=nurse.id,
                month=date(year, 1, 1),
                amount=Decimal("102.00"),
                paid_on=date(year, 1, 6),
                way="转账",
                recorded_by="书记",
            )
        )
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)


def test_the_office_confirms_the_years_assessment_and_reads_the_collection(live, ward, chromium):
    page = chromium.new_page(**CONSOLE)
    scan_in(page, live, "d20-office")
    page.goto(f"{live.base}/admin/dues/assessments")
    assert page.is_visible("td:has-text('5000元至10000元（含） 1.5%')") and page.is_visible(
        "td:has-text('252.00')"
    )
    snap(page, "dues-assessments")
    page.click("button:has-text('确认全部待确认的核定')")
    assert page.is_visible("text=已确认 2 名党员")
    page.goto(f"{live.base}/admin/dues/collection?month={local_today():%Y}-01")
    assert page.is_visible("td:has-text('超声科党支部')") and not page.is_visible("text=护士秦")
    snap(page, "dues-collection")
    page.close()


def test_the_member_reads_her_dues_and_a_receipt(live, ward, chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    phone = as_member(context, live, "d20-nurse", "/m/mine")
    phone.click("text=我的党费")
    assert phone.is_visible("text=102.00 元") and phone.is_visible("text=5000元至10000元（含） 1.5%")
    assert not phone.is_visible("text=6800")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-dues.png"), full_page=True)
    phone.click("button:has-text('查看我的计算基数')")
    assert phone.is_visible("text=6800.00 元/月")
    phone.click("a:has-text('01月')")
    assert phone.is_visible("text=党费收据") and phone.is_visible("text=转账")
    phone.screenshot(path=str(ARTIFACTS / "phone-dues-receipt.png"), full_page=True)
    context.close()
