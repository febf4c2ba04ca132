"""发展党员 on the phone and in the console: a staff member applies on the phone (under 18 refused
in Chinese), the secretary sees them on the board with the talk due, records the talk, and the
person's page shows it; the quarterly 思想汇报 goes in from the phone; another branch's secretary
finds nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handlers import recruitment
from handlers.recruitment import deadlines
from handlers.reminders.planning import is_met
from models import OrgKind, Recruit, RecruitNote, Reminder, Role, RoleGrant
from models.base import local_today
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_apply_on_the_phone_and_the_secretary_records_the_talk(
    browser, hospital, db_session, make_person, make_org
):
    applicant = make_person(wecom_userid="young01", name="规培医生", birth_date=date(1999, 3, 8))
    make_person(
        wecom_userid="minor01",
        name="实习学生",
        birth_date=local_today().replace(year=local_today().year - 17),
    )
    phone = browser.application.test_client()
    page = login(phone, "young01", "/m/recruit").get_data(as_text=True)
    assert "递交入党申请书" in page and "心内科党支部" in page
    done = phone.post(
        "/m/recruit/apply",
        data={"csrf_token": csrf(page), "org_id": str(hospital["cardio"].id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "入党申请书已递交" in done and "第2步 党组织派人谈话" in done
    minor = browser.application.test_client()
    minor_page = login(minor, "minor01", "/m/recruit").get_data(as_text=True)
    refused = minor.post(
        "/m/recruit/apply",
        data={"csrf_token": csrf(minor_page), "org_id": str(hospital["cardio"].id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "年满18周岁" in refused
    assert db_session.scalar(select(Recruit).where(Recruit.person_id == applicant.id)) is not None

    qr_login(browser, "sec01")
    board = browser.get("/admin/recruits").get_data(as_text=True)
    assert "规培医生" in board and "第2步 党组织派人谈话" in board
    recruit = db_session.scalar(select(Recruit).where(Recruit.person_id == applicant.id))
    detail = browser.get(f"/admin/recruits/{recruit.id}").get_data(as_text=True)
    assert "第1步 递交入党申请书" in detail
    recorded = browser.post(
        f"/admin/recruits/{recruit.id}/steps",
        data={
            "csrf_token": csrf(detail),
            "step": "2",
            "done_on": f"{local_today():%Y-%m-%d}",
            "evidence": "书记乙",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已记录第 2 步" in recorded
    refused = browser.post(
        f"/admin/recruits/{recruit.id}/steps",
        data={"csrf_token": csrf(detail), "step": "3", "done_on": f"{local_today():%Y-%m-%d}"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "应先公示" in refused

    mine = phone.get("/m/recruit").get_data(as_text=True)
    assert "党组织派人谈话" in mine
    phone.post("/m/recruit/report", data={"csrf_token": csrf(mine), "text": "本季度学习了党章。"})
    (note,) = db_session.scalars(select(RecruitNote).where(RecruitNote.recruit_id == recruit.id)).all()
    assert note.kind == "thought_report" and note.text == "本季度学习了党章。"
    assert "本季度学习了党章" not in (note.text_ciphertext or "")  # encrypted at rest

    # Another branch's secretary finds nothing, as if it did not exist.
    other = make_person(wecom_userid="sec02", name="书记丙")
    db_session.add(RoleGrant(person_id=other.id, role=Role.secretary, org_id=make_org(OrgKind.branch).id))
    db_session.flush()
    outsider = browser.application.test_client()
    qr_login(outsider, "sec02")
    assert outsider.get(f"/admin/recruits/{recruit.id}").status_code == 404


def test_the_talk_reminder_goes_to_the_branch_and_stops_when_it_is_held(
    db_session, hospital, make_person, make_actor
):
    secretary = make_actor(Role.secretary, hospital["cardio"])
    person = make_person(name="申请人甲", birth_date=date(1990, 1, 1))
    recruit = recruitment.apply(
        db_session, person, org_id=hospital["cardio"].id, applied_on=local_today() - timedelta(days=25)
    )
    assert deadlines.queue_reminders(db_session, local_today()) >= 1
    talk = db_session.scalars(select(Reminder).where(Reminder.category == "recruit_talk")).all()
    assert secretary.person_id in {r.person_id for r in talk}
    recruitment.record_step(db_session, secretary, recruit_id=recruit.id, number=2, done_on=local_today())
    assert all(is_met(db_session, r.obligation) for r in talk)


def test_the_applicants_api_gives_steps_and_deadlines_in_scope(
    client, hospital, token, conforms, db_session, make_person, make_org
):
    person = make_person(name="申请人乙", birth_date=date(1992, 2, 2))
    recruit = recruitment.apply(db_session, person, org_id=hospital["cardio"].id, applied_on=local_today())
    office = token(Role.committee_office)
    listing = client.get("/api/v1/applicants", headers=office)
    conforms("/applicants", 200, listing.get_json())
    (item,) = listing.get_json()["items"]
    assert (item["stage"], item["next_step"]) == ("applicant", 2) and item["deadline"]
    one = client.get(f"/api/v1/applicants/{recruit.id}", headers=office)
    conforms("/applicants/{applicant_id}", 200, one.get_json())
    assert [s["step"] for s in one.get_json()["steps"]] == [1]
    elsewhere = token(Role.secretary, make_org(OrgKind.branch).code)
    assert client.get(f"/api/v1/applicants/{recruit.id}", headers=elsewhere).status_code == 404
    assert client.get("/api/v1/applicants", headers=elsewhere).get_json()["total"] == 0


def test_a_mentor_records_the_half_yearly_review_on_the_phone(
    browser, hospital, db_session, make_person, make_actor
):
    from handlers.recruitment import training

    secretary = make_actor(Role.secretary, hospital["cardio"])
    person = make_person(name="积极分子丙", birth_date=date(1993, 3, 3))
    recruit = recruitment.apply(db_session, person, org_id=hospital["cardio"].id)
    training.assign(
        db_session, secretary, recruit_id=recruit.id, member_id=hospital["nurse"].id, role="mentor"
    )
    phone = browser.application.test_client()
    mine = login(phone, "nurse01", "/m/mine").get_data(as_text=True)
    assert "我培养的入党积极分子" in mine
    page = phone.get("/m/recruit").get_data(as_text=True)
    assert "积极分子丙" in page and "递交入党申请书" not in page  # a member does not apply again
    phone.post(
        f"/m/recruit/review/{recruit.id}", data={"csrf_token": csrf(page), "text": "工作积极，群众评价好。"}
    )
    (note,) = training.notes_of(db_session, recruit)
    assert (note.kind, note.author_label, note.text) == ("review", "李护士", "工作积极，群众评价好。")


def test_the_board_knows_every_step_done_up_to_the_last(db_session, hospital, make_person, make_actor):
    from handlers.recruitment import board
    from models import RecruitStage, RecruitStep

    secretary = make_actor(Role.secretary, hospital["cardio"])
    person = make_person(name="预备党员丁", birth_date=date(1991, 4, 4))
    recruit = recruitment.apply(db_session, person, org_id=hospital["cardio"].id, applied_on=date(2023, 1, 3))
    recruit.stage = RecruitStage.probationary
    for number in range(2, 22):
        db_session.add(
            RecruitStep(recruit_id=recruit.id, step=number, done_on=date(2024, 1, 1), recorded_by="测试")
        )
    db_session.flush()
    (line,) = board.lines(db_session, secretary)
    assert line.next_step.number == 22  # steps 16 to 21 counted done too


def test_the_secretary_reports_the_filing_up_and_the_office_approves_it_in_the_console(
    browser, hospital, db_session, make_person
):
    from handlers.policy import load_actor
    from handlers.recruitment import publicity
    from models import ApprovalSlot, Person

    secretary = load_actor(
        db_session, db_session.scalar(select(Person).where(Person.wecom_userid == "sec01"))
    )
    person = make_person(wecom_userid="resident02", name="住院医师周", birth_date=date(1995, 6, 1))
    today = local_today()
    recruit = recruitment.apply(
        db_session, person, org_id=hospital["cardio"].id, applied_on=today - timedelta(300)
    )
    recruitment.record_step(
        db_session, secretary, recruit_id=recruit.id, number=2, done_on=today - timedelta(290)
    )
    publicity.start(db_session, secretary, recruit_id=recruit.id, starts_on=today - timedelta(120))
    recruitment.record_step(
        db_session, secretary, recruit_id=recruit.id, number=3, done_on=today - timedelta(100)
    )
    db_session.commit()

    qr_login(browser, "sec01")
    page = browser.get(f"/admin/recruits/{recruit.id}").get_data(as_text=True)
    assert "报党委组织部审批" in page and 'name="done_on"' not in page.split("纪实")[0]
    reported = browser.post(
        f"/admin/recruits/{recruit.id}/report",
        data={"csrf_token": csrf(page), "step": "4", "note": "积极分子名单及支委会记录"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert (
        "已报党委组织部" in reported and "待审批" in reported and "报党委组织部审批</button>" not in reported
    )

    office = browser.application.test_client()
    qr_login(office, "office01")
    detail = office.get(f"/admin/recruits/{recruit.id}").get_data(as_text=True)
    assert "去审批" in detail
    slot = db_session.scalar(select(ApprovalSlot).where(ApprovalSlot.request.has(subject_id=recruit.id)))
    approval_page = office.get(f"/admin/approvals/{slot.request_id}").get_data(as_text=True)
    assert "住院医师周" in approval_page and "上级党委备案" in approval_page
    office.post(
        f"/admin/approvals/{slot.request_id}/decide",
        data={"csrf_token": csrf(approval_page), "slot_id": str(slot.id), "decision": "approve"},
        follow_redirects=True,
    )
    after = browser.get(f"/admin/recruits/{recruit.id}").get_data(as_text=True)
    assert "第5步 指定培养联系人" in after and "审批通过" in after


def test_the_secretary_proposes_next_years_plan_and_the_office_issues_it(browser, hospital, db_session):
    from models import RecruitPlan

    year = local_today().year
    qr_login(browser, "sec01")
    page = browser.get(f"/admin/recruits/plan?year={year + 1}").get_data(as_text=True)
    assert "心内科党支部" in page and "提出计划" in page and "下达</button>" not in page
    cardio = hospital["cardio"].id
    saved = browser.post(
        f"/admin/recruits/plan/{cardio}/propose?year={year + 1}",
        data={"csrf_token": csrf(page), "count": "3", "note": "含一名规培医生"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"已保存 {year + 1} 年发展计划" in saved and "含一名规培医生" in saved
    refused = browser.post(
        f"/admin/recruits/plan/{cardio}/propose?year={year + 1}",
        data={"csrf_token": csrf(page), "count": "三"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "0–200 之间的整数" in refused

    office = browser.application.test_client()
    qr_login(office, "office01")
    office_page = office.get(f"/admin/recruits/plan?year={year + 1}").get_data(as_text=True)
    assert "下达</button>" in office_page and "提出计划" not in office_page
    office.post(
        f"/admin/recruits/plan/{cardio}/issue?year={year + 1}",
        data={"csrf_token": csrf(office_page), "issued": "2"},
        follow_redirects=True,
    )
    row = db_session.scalar(select(RecruitPlan).where(RecruitPlan.org_id == cardio))
    assert (row.proposed, row.issued) == (3, 2)
    closed = browser.get(f"/admin/recruits/plan?year={year + 1}").get_data(as_text=True)
    assert "提出计划" not in closed  # issued: the branch's proposal is closed
    assert "年度发展计划" in browser.get("/admin/recruits").get_data(as_text=True)


def test_the_office_keeps_its_own_letter_templates_in_the_console(browser, hospital):
    import io

    qr_login(browser, "office01")
    page = browser.get("/admin/recruits/letters").get_data(as_text=True)
    assert "关于接收预备党员的批复" in page and "系统默认模板" in page and "{{ 姓名 }}" in page
    shipped = browser.get("/admin/recruits/letters/admission/template.docx")
    assert shipped.status_code == 200 and shipped.data.startswith(b"PK")
    refused = browser.post(
        "/admin/recruits/letters/admission/replace",
        data={"csrf_token": csrf(page), "file": (io.BytesIO(b"%PDF-1.4"), "x.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Word 文件" in refused and "系统默认模板" in refused
    replaced = browser.post(
        "/admin/recruits/letters/admission/replace",
        data={"csrf_token": csrf(page), "file": (io.BytesIO(shipped.data), "本院批复.docx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已更换模板" in replaced and "本院模板：本院批复.docx" in replaced
    secretary = browser.application.test_client()
    qr_login(secretary, "sec01")
    assert secretary.get("/admin/recruits/letters").status_code == 404
