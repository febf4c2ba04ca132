"""Issue 22's Done-when for the 数据中心 page and the 大屏, in Chromium against the live app: the
office opens 数据中心 for a 总支 of twelve members and sees its charts drawn from the locally served
ECharts, drills into a branch, makes a display token, and the 大屏 opens with it at 1920×1080
with no login and its charts drawn. Screenshots: console-stats-*.png, screen-*.png."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import people
from handlers.policy import Actor
from models import OrgKind, PartyOrg, Role, RoleGrant
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")


@pytest.fixture(scope="module")
def general(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E22S", name="统计测试党委")
        committee.set_parent(None)
        general = PartyOrg(kind=OrgKind.general_branch, code="E2E22SG", name="外科总支")
        general.set_parent(committee)
        session.add_all([committee, general])
        for code, name in (("E2E22SA", "普外科党支部"), ("E2E22SB", "骨外科党支部")):
            branch = PartyOrg(kind=OrgKind.branch, code=code, name=name)
            branch.set_parent(general)
            session.add(branch)
            session.flush()
            for n in range(6):
                person = people.create_person(
                    session,
                    cli,
                    wecom_userid=f"t22-{code[-1]}{n}",
                    name=f"{name[:2]}{n}",
                    birth_date=date(1970 + 5 * n, 3, 1),
                )
                member = people.enrol_member(session, cli, person=person, branch=branch, status="full",
                                             joined_on=date(2000 + 4 * n, 7, 1))  # fmt: skip
                member.gender, member.education = (
                    ("女" if n % 2 else "男"),
                    ("研究生" if n < 3 else "大学本科"),
                )
        office = people.create_person(session, cli, wecom_userid="t22-office", name="组织部统")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        general_id = general.id
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)
    return general_id


def test_the_data_centre_and_the_screen_draw_their_charts(live, general, chromium):
    office = chromium.new_context(**CONSOLE).new_page()
    scan_in(office, live, "t22-office")
    office.goto(f"{live.base}/admin/stats?org_id={general}")
    assert office.is_visible("text=外科总支 · 党员结构")
    office.wait_for_selector(".chart--drawn svg")
    assert office.locator(".chart--drawn").count() >= 4
    snap(office, "stats-members")
    office.locator("tr", has_text="普外科党支部").locator("a").click()
    assert office.is_visible("text=普外科党支部 · 党员结构") and office.is_visible(
        "text=返回上一级：外科总支"
    )
    office.click("a:has-text('组织建设')")
    assert office.is_visible("text=应设支委会而未设")
    snap(office, "stats-orgs")

    office.goto(f"{live.base}/admin/stats")
    office.fill("input[name=screen_name]", "党委会议室大屏")
    office.select_option("section:has-text('大屏') select[name=org_id]", label="外科总支")
    office.click("button:has-text('创建大屏令牌')")
    address = office.locator("code.screen-url").inner_text()
    snap(office, "stats-screen-token")

    screen = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN").new_page()
    screen.goto(address)
    assert "/admin/login" not in screen.url and screen.is_visible("text=外科总支 · 党建工作数据")
    screen.wait_for_selector(".chart--drawn svg")
    assert screen.is_visible("text=在册党员 12 人")
    ARTIFACTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(ARTIFACTS / "screen-general-branch.png"))
