"""党费 in the console, the phone, the chat and the API (issue 20): a January 核定 imported in the
console changes what the member sees in 我的党费; the base only on the member's own request; a
receipt per payment, nobody else's; the collection and ledger pages; the
two API collections against their document."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from handlers import dues, exports
from models import AuditEvent, DuesPayment, Role
from models.base import local_today
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def _import_bases(browser, year, rows):
    page = browser.get(f"/admin/dues/assessments?year={year}").get_data(as_text=True)
    content = exports.csv_text(dues.BASE_COLUMNS, rows).encode("utf-8")
    return browser.post(
        f"/admin/dues/assessments/import?year={year}",
        data={"csrf_token": csrf(page), "file": (io.BytesIO(content), "bases.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_a_january_assessment_in_the_console_changes_what_the_member_sees(browser, hospital, db_session):
    year = local_today().year
    member_phone = browser.application.test_client()
    before = login(member_phone, "nurse01", "/m/dues").get_data(as_text=True)
    assert "本年尚未核定" in before
    qr_login(browser, "office01")
    waiting = browser.get(f"/admin/dues/assessments?year={year}").get_data(as_text=True)
    assert "本年尚未核定（" in waiting and "nurse01" in browser.get(
        f"/admin/dues/assessments/template.csv?year={year}"
    ).get_data(as_text=True)
    imported = _import_bases(browser, year, [["nurse01", "", "6800", "", ""]]).get_data(as_text=True)
    assert "已导入 1 名党员的计算基数" in imported and "5000元至10000元（含） 1.5%" in imported
    assert "6800" in imported  # the office sees the base it imported
    page = browser.get(f"/admin/dues/assessments?year={year}").get_data(as_text=True)
    confirmed = browser.post(
        f"/admin/dues/assessments/confirm?year={year}", data={"csrf_token": csrf(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"已确认 1 名党员的 {year} 年党费" in confirmed
    after = member_phone.get("/m/dues").get_data(as_text=True)
    assert "102.00 元" in after and "5000元至10000元（含） 1.5%" in after and "6800" not in after
    shown = member_phone.post("/m/dues/base", data={"csrf_token": csrf(after)}).get_data(as_text=True)
    assert "6800.00 元/月" in shown
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "dues.base_reveal"))
    bad = _import_bases(browser, year, [["nobody", "", "6800", "", ""], ["nurse01", "", "-5", "", ""]])
    assert bad.status_code == 422 and "找不到职工" in bad.get_data(as_text=True)


def test_a_receipt_per_payment_and_nobody_elses(browser, hospital, db_session):
    nurse, surgeon = hospital["nurse"], hospital["surgeon"]
    month = local_today().replace(day=1)
    db_session.add(
        DuesPayment(
            member_id=nurse.id,
            month=month,
            amount=15,
            paid_on=local_today(),
            way="现金",
            recorded_by="书记乙",
        )
    )
    db_session.flush()
    payment = db_session.scalar(select(DuesPayment).where(DuesPayment.member_id == nurse.id))
    phone = browser.application.test_client()
    page = login(phone, "nurse01", "/m/dues").get_data(as_text=True)
    assert "已交 15.00 元" in page
    receipt = phone.get(f"/m/dues/receipts/{payment.id}").get_data(as_text=True)
    assert dues.receipt_number(payment) in receipt and "15.00 元" in receipt
    other = browser.application.test_client()
    login(other, "surgeon01", "/m/dues")
    assert other.get(f"/m/dues/receipts/{payment.id}").status_code == 404
    assert surgeon.id != nurse.id


def test_the_collection_the_notice_and_the_ledger_in_the_console(
    browser, hospital, db_session, emulator, run_jobs
):
    qr_login(browser, "office01")
    collection = browser.get("/admin/dues/collection").get_data(as_text=True)
    assert "心内科党支部" in collection and "收缴率" in collection and "李护士" not in collection
    # The annual 公示 reaches the branch's members in WeCom, with totals only.
    published = browser.post(
        "/admin/dues/notice",
        data={
            "csrf_token": csrf(collection),
            "year": local_today().year - 1,
            "org_id": str(hospital["cardio"].id),
        },
        follow_redirects=True,
    )
    assert "已向本支部 1 名党员发布" in published.get_data(as_text=True)
    db_session.commit()
    run_jobs()
    told = [
        d
        for d in emulator.state.deliveries
        if d.msgtype == "text" and "党费收缴公示" in d.body["text"]["content"]
    ]
    assert [d.to_user for d in told] == ["nurse01"] and "党员 1 人" in told[0].body["text"]["content"]
    ledger = browser.get("/admin/dues/ledger").get_data(as_text=True)
    assert "登记上缴" in ledger and "对账" in ledger
    qr_login(browser, "sec01")
    year = browser.get(f"/admin/dues/year?org_id={hospital['cardio'].id}&year={local_today().year}")
    assert year.status_code == 200 and "李护士" in year.get_data(as_text=True)


def test_the_dues_api_keeps_names_to_the_branch_and_bases_to_nobody(
    client, hospital, token, conforms, db_session
):
    from handlers.policy import Actor

    office_actor = Actor.cli()
    content = exports.workbook("基数", dues.BASE_COLUMNS, [["nurse01", "", "6800", "", ""]])
    dues.import_bases(db_session, office_actor, "b.xlsx", content, year=date.today().year)
    office = token(Role.committee_office)
    assessments = client.get("/api/v1/dues/assessments", headers=office)
    assert assessments.status_code == 200
    conforms("/dues/assessments", 200, assessments.get_json())
    assert "6800" not in assessments.get_data(as_text=True)
    assert client.get("/api/v1/dues", headers=office).status_code == 403
    secretary = token(Role.secretary, hospital["cardio"].code)
    rows = client.get("/api/v1/dues", headers=secretary)
    assert rows.status_code == 200, rows.get_json()
    conforms("/dues", 200, rows.get_json())
    assert [r["name"] for r in rows.get_json()["items"]] == ["李护士"]
    assert client.get("/api/v1/dues/assessments", headers=secretary).status_code == 403
