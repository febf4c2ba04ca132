"""Issue 6's Done-when, end to end in Chromium against the live app and its WeCom emulator.

The committee office writes a lesson with a quiz, publishes it and pushes it to two branches;
a member opens it from the news card in chat, studies (time counted from the page's beats while
it is on screen), passes the quiz and sees their hours and points; the branch secretary sees
the branch's completion — counts, no names — and reminds those not started, once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from handlers import people, reminders
from handlers.policy import Actor
from models import OrgKind, PartyOrg, Reminder, ReminderStatus, Role, RoleGrant
from models.base import CHINA
from tests.helpers.browser import CHROMIUM, CONSOLE, as_member, chat, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
QUIZ = (
    "[单选] 党的最高理想是什么？\nA. 实现共产主义\nB. 发家致富\n答案：A\n\n"
    "[判断] 预备党员有表决权。\n答案：错\n解析：预备党员没有表决权、选举权和被选举权（党章第七条）。"
)


@pytest.fixture(scope="module")
def wards(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2EL", name="学习测试党委")
        committee.set_parent(None)
        orgs = {}
        for code, name in (("E2EL1", "内科第一党支部"), ("E2EL2", "外科第二党支部"), ("E2EL3", "行政党支部")):
            org = PartyOrg(kind=OrgKind.branch, code=code, name=name)
            org.set_parent(committee)
            orgs[code] = org
        session.add_all([committee, *orgs.values()])
        session.flush()
        for userid, name, code in (
            ("e6-sec", "书记柳", "E2EL1"),
            ("e6-a", "护士岑", "E2EL1"),
            ("e6-b", "护士闻", "E2EL1"),
            ("e6-c", "医生莫", "E2EL2"),
            ("e6-x", "干事顾", "E2EL3"),
        ):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(session, cli, person=person, branch=orgs[code], status="full")
            if userid == "e6-sec":
                session.add(RoleGrant(person_id=person.id, role=Role.secretary, org_id=orgs[code].id))
        office = people.create_person(session, cli, wecom_userid="e6-office", name="组织部鲍")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        ids = {code: str(org.id) for code, org in orgs.items()}
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)
    return ids


def send_due(live, category, note=""):
    """The scheduler's minute run at the moment these reminders were planned for (a member's
    roster and quiet hours may put it later today), then the workers' turn."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    app = live.flask_app
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        moment = session.scalar(
            select(func.max(Reminder.deliver_at)).where(
                Reminder.category == category,
                Reminder.status == ReminderStatus.planned,
                Reminder.plan_note.startswith(note),
            )
        )
        assert moment is not None
        reminders.dispatch_due(session, now=moment)
    queues = app.extensions["dangjian.jobs"]
    with app.app_context():
        SimpleWorker(
            [queues.queue(n) for n in ("push", "default")], connection=queues.redis, serializer=JSONSerializer
        ).work(burst=True, with_scheduler=False)


def test_a_lesson_with_a_quiz_from_the_office_to_the_members(live, wards, chromium):  # noqa: F811
    # 1. The office writes the lesson with its quiz, publishes it, and pushes it to two branches.
    office = chromium.new_context(**CONSOLE).new_page()
    scan_in(office, live, "e6-office")
    office.goto(f"{live.base}/admin/lessons")
    office.select_option("select[name=kind]", "article")
    office.fill("input[name=title]", "党员的权利和义务")
    office.fill(
        "textarea[name=body_html]", "<p>党员必须履行八项义务，享有八项权利。</p><script>alert(1)</script>"
    )
    office.fill("input[name=credit_hours]", "0.5")
    office.fill("input[name=min_minutes]", "1")
    office.fill("textarea[name=quiz]", QUIZ)
    office.click("button.primary:has-text('保存为草稿')")
    office.wait_for_selector("text=已保存为草稿")
    office.click("a:has-text('党员的权利和义务')")
    office.click("button.primary:has-text('发布')")
    office.wait_for_selector("text=已发布")
    office.goto(f"{live.base}/admin/campaigns")
    office.fill("input[name=title]", "十二月集中学习")
    office.check("label:has-text('党员的权利和义务') >> input")
    office.check(f"input[name=org_ids][value='{wards['E2EL1']}']")
    office.check(f"input[name=org_ids][value='{wards['E2EL2']}']")
    now = datetime.now(CHINA)
    office.fill("input[name=send_at]", now.strftime("%Y-%m-%dT%H:%M"))
    office.fill("input[name=deadline]", (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    office.click("button.primary:has-text('推送')")
    office.wait_for_selector("text=给 4 位党员")
    snap(office, "learning-campaign")
    send_due(live, "campaign_lesson")

    # 2. A member opens it from the news card in chat and studies; the page counts while shown.
    context = chromium.new_context()
    page = context.new_page()
    chat(page, live, "e6-a")
    card = page.locator(".card:has-text('党员的权利和义务')")
    assert card.locator("img.cover").count() == 1
    with context.expect_page() as opened:
        card.locator("a.more").click()
    lesson = opened.value
    lesson.wait_for_selector("text=党员必须履行八项义务")
    assert lesson.locator("script:has-text('alert(1)')").count() == 0  # the stored script is gone
    lesson.wait_for_selector("[data-done]:not([hidden])", timeout=120_000)  # a minute of reading

    # 3. The quiz: answered on the page, scored on the server; a wrong answer comes back with the
    # right one and why, and the member tries again.
    lesson.click("label.option:has-text('实现共产主义')")
    lesson.click("label.option:has-text('正确')")
    lesson.click("button.primary:has-text('提交答案')")
    lesson.wait_for_selector("text=答对 1 / 2 题")
    assert lesson.is_visible("text=正确答案：错误") and lesson.is_visible("text=党章第七条")
    snap(lesson, "learning-quiz-review")
    lesson.click("label.option:has-text('实现共产主义')")
    lesson.click("label.option:has-text('错误')")
    lesson.click("button.primary:has-text('提交答案')")
    lesson.wait_for_selector("text=答对 2 / 2 题，已合格。获得 3 积分。")
    assert lesson.is_visible("text=答题结果")  # each question marked, with the right answer and why
    snap(lesson, "learning-quiz-passed")
    lesson.goto(f"{live.base}/m/study")
    assert lesson.is_visible("text=0.5 / 32 学时")
    lesson.goto(f"{live.base}/m/points")
    assert lesson.is_visible("text=完成课程：党员的权利和义务") and lesson.is_visible(
        "text=测验合格：党员的权利和义务"
    )
    assert lesson.is_visible("text=仅您本人可见，不排名")
    snap(lesson, "learning-points")

    # 4. The secretary sees the branch's completion (counts, no names) and reminds the rest once.
    secretary = as_member(context, live, "e6-sec", "/m/study/campaigns")
    # Three people: the branch shows its size, not who did what (no figure over fewer than 5).
    secretary.wait_for_selector("text=不足 5 人，不分项")
    assert not secretary.is_visible("text=护士闻") and not secretary.is_visible("text=外科第二党支部")
    secretary.click("button.primary:has-text('提醒全部未开始')")
    secretary.wait_for_selector("text=已安排提醒未开始学习的党员")
    snap(secretary, "learning-secretary")
    send_due(live, "campaign_deadline", "书记提醒")
    chat(page, live, "e6-b")
    page.wait_for_selector("text=即将截止：党员的权利和义务")
    secretary.goto(f"{live.base}/m/study/campaigns")
    secretary.click("button.primary:has-text('提醒全部未开始')")
    secretary.wait_for_selector("text=都已提醒过，不再重复提醒")

    # The office sees both branches; the third branch was never part of it.
    office.goto(f"{live.base}/admin/campaigns")
    office.click("a:has-text('十二月集中学习')")
    assert office.is_visible("td:has-text('内科第一党支部')") and office.is_visible(
        "td:has-text('外科第二党支部')"
    )
    assert not office.is_visible("td:has-text('行政党支部')")
    app = live.flask_app
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        deadline_reminders = session.scalars(
            select(Reminder).where(
                Reminder.category == "campaign_deadline", Reminder.status == ReminderStatus.sent
            )
        ).all()
        assert len(deadline_reminders) == 2  # e6-sec and e6-b, once each
    office.context.close()
    context.close()
