"""Issue 19's Done-when in Chromium: one person from application to 正式党员 through the phone,
chat cards and the console — the 30-day talk reminder, a 支部大会 vote decided by those who
should attend, a 5-working-day 公示 across National Day 2025, the office's one-tap approval in
chat, the 纪实表 generated — and 我的档案 showing the dates.

Three years cannot pass in a test: the applicant applies on the phone today, and then the test
moves the application back to 2024-01-10 (as if filed then) so that every later step can be
recorded in the console on its own date, each checked by the same rules as any other day's.
Screenshots: test-artifacts/console-recruit-walk-*.png, phone-recruit-walk.png.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from sqlalchemy import select, update

from handlers import people
from handlers.policy import Actor
from handlers.recruitment import deadlines
from models import OrgKind, PartyOrg, Recruit, RecruitStep, Reminder, Role, RoleGrant
from models.base import local_today
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, as_member, chat, deliver, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def branch(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E19W", name="全程测试党委")
        committee.set_parent(None)
        org = PartyOrg(kind=OrgKind.branch, code="E2E19WB", name="核医学科党支部")
        org.set_parent(committee)
        session.add_all([committee, org])
        session.flush()
        for userid, name in (("r19w-sec", "书记苗"), ("r19w-m1", "党员方"), ("r19w-m2", "党员凤")):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(
                session, cli, person=person, branch=org, status="full", joined_on=date(2010, 7, 1)
            )
            if userid == "r19w-sec":
                session.add(RoleGrant(person_id=person.id, role=Role.secretary, org_id=org.id))
        office = people.create_person(session, cli, wecom_userid="r19w-office", name="组织部俞")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        people.create_person(
            session, cli, wecom_userid="r19w-app", name="技师任", birth_date=date(1997, 4, 2)
        )
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)


def _submit(
    page, action: str, fields: dict[str, str], button: str | None = None, tick_all: bool = False
) -> str:
    """Fill the person page's form posting to …/<action> and send it; a refusal fails the test
    with the reason the page gave."""
    page.reload()  # the other desk may have moved the person on meanwhile
    form = page.locator(f"form[action$='/{action}']").first
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            if value.isdigit() or value in ("mentor", "sponsor", "review", "admit", "full"):
                field.select_option(value=value)
            else:
                field.select_option(label=value)
        else:
            field.fill(value)
    if tick_all:
        for box in form.locator("input[type=checkbox]").all():
            box.check()
    (form.locator(f"button:has-text('{button}')") if button else form.locator("button").first).click()
    page.wait_for_load_state()
    errors = page.locator(".flash.error")
    assert errors.count() == 0, errors.all_inner_texts()
    return page.locator(".flash.info").first.inner_text() if page.locator(".flash.info").count() else ""


def _step(page, number: int, on: str, evidence: str = "见纸质材料") -> None:
    notice = _submit(page, "steps", {"step": str(number), "done_on": on, "evidence": evidence})
    assert f"已记录第 {number} 步" in notice


def _vote(page, question: str, on: str, should: int, present: int, yes: int) -> str:
    return _submit(
        page,
        "votes",
        {
            "question": question,
            "held_on": on,
            "should_attend": str(should),
            "present": str(present),
            "yes": str(yes),
        },
    )


def test_one_person_from_application_to_full_membership(live, branch, chromium):
    app, db = live.flask_app, live.flask_app.extensions["dangjian.db"]
    phone_context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    phone = as_member(phone_context, live, "r19w-app", "/m/recruit")
    phone.select_option("select[name=org_id]", label="核医学科党支部")
    phone.click("button:has-text('递交申请')")
    assert phone.is_visible("text=入党申请书已递交")

    # The talk is owed within 30 days: a week before that, the secretary is reminded in chat.
    with app.app_context(), db.unit_of_work() as session:
        recruit_id = session.scalar(
            select(Recruit.id).join(Recruit.person).where(Recruit.org.has(code="E2E19WB"))
        )
        deadlines.queue_reminders(session, _days_on(24))  # 24 days after applying
        session.execute(
            update(Reminder)
            .where(Reminder.obligation == f"recruit_talk:{recruit_id}")
            .values(deliver_at=datetime.now(UTC))  # its moment has come
        )
    deliver(live)
    page = chromium.new_context(**CONSOLE).new_page()
    chat(page, live, "r19w-sec")
    assert page.is_visible("text=入党申请人技师任待谈话")
    snap(page, "recruit-walk-talk-reminder")

    with app.app_context(), db.unit_of_work() as session:  # filed on paper in January 2024, say
        session.execute(update(Recruit).where(Recruit.id == recruit_id).values(applied_on=date(2024, 1, 10)))
        session.execute(
            update(RecruitStep)
            .where(RecruitStep.recruit_id == recruit_id, RecruitStep.step == 1)
            .values(done_on=date(2024, 1, 10))
        )

    sec = chromium.new_context(**CONSOLE).new_page()
    scan_in(sec, live, "r19w-sec")
    sec.goto(f"{live.base}/admin/recruits/{recruit_id}")
    office = chromium.new_context(**CONSOLE).new_page()
    scan_in(office, live, "r19w-office")
    office.goto(f"{live.base}/admin/recruits/{recruit_id}")

    _step(sec, 2, "2024-01-20", "书记苗")
    with app.app_context(), db.unit_of_work() as session:
        talk = session.scalar(select(Reminder).where(Reminder.obligation == f"recruit_talk:{recruit_id}"))
        from handlers.reminders.planning import is_met

        assert is_met(session, talk.obligation)  # the reminder has nothing left to ask
    _submit(sec, "publicity", {"starts_on": "2024-07-22"})
    _step(sec, 3, "2024-08-01", "支委会记录")
    _step(office, 4, "2024-08-10", "备〔2024〕5号")
    _submit(sec, "roles", {"role": "mentor", "member_id": "党员方"})
    _step(sec, 5, "2024-08-12", "党员方")
    for on in ("2024-12-01", "2025-06-01"):
        _submit(
            sec, "notes", {"kind": "review", "written_on": on, "text": "表现良好，积极参加科室党建活动。"}
        )
    _step(sec, 6, "2025-08-05", "考察登记表")
    _submit(sec, "publicity", {"starts_on": "2025-08-11"})
    _step(sec, 7, "2025-08-25", "支委会记录")
    _step(office, 8, "2025-09-01", "备〔2025〕9号")
    for sponsor in ("党员方", "党员凤"):
        _submit(sec, "roles", {"role": "sponsor", "member_id": sponsor})
    _step(sec, 9, "2025-09-02", "党员方、党员凤")
    _step(sec, 10, "2025-09-05", "合格")
    _step(office, 11, "2025-09-10", "第8期发展对象培训班 24学时")
    _step(sec, 12, "2025-09-15", "支委会记录")
    _step(office, 13, "2025-09-20", "预审同意")
    _step(sec, 14, "2025-09-26", "志愿书编号 2025-031")
    # 公示 of 5 working days from 30 September: National Day's 1–8 October are not counted and
    # the 调休 Saturday 11 October is, so it runs to 13 October.
    started = _submit(sec, "publicity", {"starts_on": "2025-09-30"})
    assert "2025-10-13" in sec.content() or "10月13日" in started
    snap(sec, "recruit-walk-publicity")
    # 10 should attend, 7 came, 5 voted yes: a majority of those present, not of those who should.
    refused = _vote(sec, "admit", "2025-10-20", 10, 7, 5)
    assert "未通过" in refused
    passed = _vote(sec, "admit", "2025-10-22", 10, 8, 7)
    assert "通过" in passed and "未通过" not in passed
    _step(office, 16, "2025-10-28", "组织部俞")
    _step(office, 17, "2025-11-05", "组干〔2025〕21号")
    _step(office, 18, "2025-11-10", "备〔2025〕30号")
    _step(sec, 19, "2025-11-06", "第一党小组")
    _step(sec, 20, "2025-11-07", "入党宣誓仪式")
    _step(sec, 21, "2026-05-01", "考察登记表")
    _step(sec, 22, "2026-09-20", "转正申请书")
    _submit(sec, "publicity", {"starts_on": "2026-10-23"})
    passed = _vote(sec, "full", "2026-10-30", 11, 9, 9)
    assert "通过" in passed and "未通过" not in passed

    # 转正 is the 上级党委's decision: the branch reports it up, the office approves in chat.
    notice = _submit(sec, "report", {"note": "转正申请书、支部大会决议"})
    assert "已报党委组织部" in notice
    deliver(live)
    chat(page, live, "r19w-office")
    page.click(".card:has-text('技师任') >> button:has-text('同意')")
    assert page.is_visible(".card:has-text('技师任') >> button.done:has-text('已同意')")
    snap(page, "recruit-walk-one-tap")
    deliver(live)

    office.reload()
    assert office.is_visible("h1:has-text('正式党员')")
    _submit(office, "archive", {}, "确认归档材料", tick_all=True)  # every file checked in
    _step(office, 25, f"{local_today():%Y-%m-%d}", "归档清单")
    snap(office, "recruit-walk-done")
    with office.expect_download() as download:
        office.click("text=下载纪实表（Word）")
    record = _docx_text(download.value.path())
    assert "上级党委审批" in record and "2025-10-22" in record and "☐" not in record

    archive = as_member(phone_context, live, "r19w-app", "/m/mine/archive")
    text = archive.content()
    assert "2025-10-22" in text and "2026-10-22" in text  # 入党日期 and 转正日期 in 我的档案
    ARTIFACTS.mkdir(exist_ok=True)
    archive.screenshot(path=str(ARTIFACTS / "phone-recruit-walk.png"), full_page=True)
    for context in {phone_context, page.context, sec.context, office.context}:
        context.close()


def _days_on(days: int) -> date:
    from datetime import timedelta

    return local_today() + timedelta(days=days)


def _docx_text(path) -> str:
    from docx import Document

    document = Document(BytesIO(open(path, "rb").read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)
