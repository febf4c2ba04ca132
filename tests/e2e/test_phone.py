"""The phone app as a nurse sees it (issue 17), in Chromium at 390×844 inside the emulator's webview:
the home page with her year and the next meeting, 我的 with her meetings' outcomes, a meeting's
page; and the secretary's planning form at 360 px, where every choice is a box and its text on one
line. Screenshots go to test-artifacts/ (phone-*.png)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers import learning, meetings, people
from handlers.learning import campaigns
from handlers.meetings import SessionPlan
from handlers.policy import Actor, load_actor
from models import OrgKind, PartyOrg, Role, RoleGrant
from tests.helpers.browser import ARTIFACTS, CHROMIUM, as_member

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def ward(live):
    """A branch with a nurse, a doctor and their secretary, and a 党课 planned for tomorrow."""
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2EP", name="手机测试党委")
        committee.set_parent(None)
        branch = PartyOrg(kind=OrgKind.branch, code="E2E17", name="产科党支部")
        branch.set_parent(committee)
        session.add_all([committee, branch])
        session.flush()
        crew = (("p17-sec", "书记蒋"), ("p17-nurse", "护士沈"), ("p17-doc", "医生韩"))
        crew += tuple((f"p17-m{i}", f"助产士{i}") for i in range(1, 4))  # six: the branch's figures show
        for userid, name in crew:
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(session, cli, person=person, branch=branch, status="full")
        secretary = people.find_by_wecom_userid(session, "p17-sec")
        session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=branch.id))
        session.flush()
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        meetings.plan_meeting(
            session,
            load_actor(session, secretary),
            org_id=branch.id,
            kinds=["party_lecture"],
            topic="学习党章第三章",
            agenda="一、书记讲党课\n二、交流",
            venue_mode="online",
            online_room="腾讯会议 123 456 789",
            sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
        )
        lesson = learning.save_lesson(
            session,
            cli,
            learning.LessonDraft(
                kind="article",
                title="党员的权利和义务",
                summary="党章第一章，十分钟读完。",
                body_html="<p>党员必须履行八项义务，享有八项权利。</p><p>预备党员的义务同正式党员一样。</p>",
                credit_hours="0.5",
                min_minutes="10",
                quiz_text="[判断] 预备党员有表决权。\n答案：错\n解析：党章第七条：预备党员没有表决权。",
            ),
        )
        learning.set_status(session, cli, lesson.id, status="published")
        now = datetime.now(UTC)
        campaigns.launch(
            session,
            cli,
            title="十二月集中学习",
            lesson_ids=[lesson.id],
            org_ids=[branch.id],
            send_at=now,
            deadline=now + timedelta(days=7),
            now=now,
        )
        for userid in ("p17-m1", "p17-m2"):  # two of six have opened it
            learning.open_lesson(session, people.find_by_wecom_userid(session, userid), lesson.id, now=now)
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)


SMALL_TEXT = """() => [...document.querySelectorAll('body *')].filter(el =>
  !el.closest('svg, .chart__canvas') && el.offsetParent !== null &&
  [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) &&
  parseFloat(getComputedStyle(el).fontSize) < 15).map(el => el.textContent.trim().slice(0, 20))"""


def _readable(page):
    """Every piece of text on the page at 15 px or more (issue 17); charts' own labels aside."""
    assert page.evaluate(SMALL_TEXT) == []


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def test_the_home_page_shows_the_nurses_year_and_the_next_meeting(live, ward, chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    home = as_member(context, live, "p17-nurse", "/m/")
    assert home.is_visible("text=护士沈，您好")
    home.wait_for_selector(".chart--drawn svg")  # the hours ring, drawn from the vendored ECharts
    assert home.is_visible("text=本年已学 0 学时") and home.is_visible("text=距年度要求还差 32 学时")
    assert home.is_visible("text=学习党章第三章")
    assert home.is_visible(".next-meeting button:has-text('参加')")
    assert home.is_visible(".next-meeting a:has-text('请假')")
    assert home.locator(".weui-tabbar__item").all_inner_texts() == ["首页", "会议", "学习", "我的"]
    _readable(home)
    _shot(home, "home")

    home.click(".next-meeting button:has-text('参加')")
    if home.locator(".notice_toast-on").count():  # the success as a toast, before it settles
        home.screenshot(path=str(ARTIFACTS / "phone-toast.png"))
    assert home.is_visible("text=已报名")

    home.click(".weui-tabbar__item:has-text('我的')")
    assert home.is_visible("text=我的会议记录") and home.is_visible(".outcome:has-text('已报名')")
    _readable(home)
    _shot(home, "mine")

    home.click("text=学习党章第三章")
    assert home.is_visible("text=腾讯会议 123 456 789")
    assert not home.is_visible("text=A场")  # a one-session meeting has no A/B label
    _shot(home, "meeting")
    context.close()


def test_the_planning_form_fits_a_360_px_phone(live, ward, chromium):
    context = chromium.new_context(viewport=SMALL_PHONE, locale="zh-CN")
    form = as_member(context, live, "p17-sec", "/m/meetings/new")
    checks = form.locator(".check-cell")
    assert checks.count() >= 5
    for i in range(checks.count()):
        cell = checks.nth(i)
        box = cell.locator(".weui-icon-checked").bounding_box()
        text = cell.locator(".weui-cell__bd").bounding_box()
        # The box and its text on one line: side by side, the text one line high (not "党/课").
        assert box["x"] + box["width"] <= text["x"], cell.inner_text()
        assert abs((box["y"] + box["height"] / 2) - (text["y"] + text["height"] / 2)) < 6, cell.inner_text()
        assert text["height"] < 32, cell.inner_text()
    assert form.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]  # no sideways scroll
    _shot(form, "plan-form")
    context.close()


def test_a_lesson_and_the_secretarys_pages_on_the_phone(live, ward, chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    nurse = as_member(context, live, "p17-nurse", "/m/lessons")
    nurse.click("text=党员的权利和义务")
    assert nurse.is_visible("text=已学") and nurse.is_visible("text=课后测验")
    assert nurse.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _readable(nurse)
    _shot(nurse, "lesson")

    secretary = as_member(context, live, "p17-sec", "/m/study/campaigns")
    secretary.wait_for_selector(".chart--drawn svg")  # six people: the branch's completion as bars
    assert secretary.is_visible("button:has-text('提醒全部未开始')")
    assert not secretary.is_visible("text=护士沈")  # counts, never names
    _shot(secretary, "campaign-progress")

    secretary.goto(f"{live.base}/m/branch")
    secretary.wait_for_selector(".chart--drawn svg")
    assert secretary.is_visible("text=产科党支部") and secretary.is_visible("text=6 人")
    _shot(secretary, "branch")

    secretary.goto(f"{live.base}/m/meetings")
    secretary.click("text=学习党章第三章 >> nth=0")
    secretary.click("text=会议记录")
    assert secretary.is_visible("textarea[name=minutes]") and secretary.is_visible(
        "button:has-text('签署并锁定')"
    )
    _shot(secretary, "minutes-form")
    secretary.go_back()
    secretary.click("text=参会名单")
    assert secretary.locator(".action-cell").count() == 6
    _shot(secretary, "roster")
    context.close()
