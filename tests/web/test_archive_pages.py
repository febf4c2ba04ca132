"""The archive in the console, the phone and the API (issue 18): edits through forms with CSRF,
transfers in with their letter, the exchange (a large import in a real worker with progress),
我的档案 with a correction that reaches the branch, and the new API collections."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handlers import exports
from handlers.archive import exchange
from models import ApprovalRequest, Member, MemberTransfer, Role
from models.base import local_today
from tests.conftest import valid_id_number
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_the_secretary_edits_the_archive_and_sensitive_values_stay_off_the_page(
    browser, hospital, db_session
):
    nurse = hospital["nurse"]
    qr_login(browser, "sec01")
    page = browser.get(f"/admin/members/{nurse.id}").get_data(as_text=True)
    assert "党员档案" in page and "修改档案" in page
    saved = browser.post(
        f"/admin/members/{nurse.id}/archive",
        data={
            "csrf_token": csrf(page),
            "gender": "女",
            "ethnicity": "回族",
            "education": "大学本科",
            "status": "正式党员",
            "is_mobile_shown": "1",
            "lost_contact_shown": "1",
            "reason": "核对档案",
        },
        follow_redirects=True,
    )
    body = saved.get_data(as_text=True)
    assert "已保存（3 项有变化）" in body and "<dd>回族</dd>" not in body and "<dd>大学本科</dd>" in body
    db_session.expire_all()
    assert nurse.ethnicity == "回族" and nurse.gender == "女"
    refused = browser.post(
        f"/admin/members/{nurse.id}/archive",
        data={"csrf_token": csrf(page), "full_on": "2001-01-01", "joined_on": "2010-07-01"},
        follow_redirects=True,
    )
    assert "转正日期不能早于入党日期" in refused.get_data(as_text=True) and nurse.full_on is None
    assert browser.post(f"/admin/members/{nurse.id}/archive", data={"gender": "男"}).status_code == 400
    assert browser.get(f"/admin/members/{hospital['surgeon'].id}").status_code == 404


def test_the_office_registers_an_incoming_member_and_a_stale_letter_is_refused(browser, hospital, db_session):
    qr_login(browser, "office01")
    page = browser.get("/admin/transfers").get_data(as_text=True)
    assert "登记转入" in page
    form = {
        "csrf_token": csrf(page),
        "name": "邵文博",
        "wecom_userid": "newcomer01",
        "to_branch_id": str(hospital["cardio"].id),
        "issuing_org": "中共某市第一人民医院委员会",
        "letter_number": "0021873",
        "dues_paid_to": "2026-11",
        "letter_issued_on": (local_today() - timedelta(days=200)).isoformat(),
        "status": "full",
    }
    stale = browser.post("/admin/transfers/inbound", data=form, follow_redirects=True).get_data(as_text=True)
    assert "超过有效期" in stale and db_session.scalar(select(MemberTransfer)) is None
    form["letter_issued_on"] = (local_today() - timedelta(days=3)).isoformat()
    done = browser.post("/admin/transfers/inbound", data=form, follow_redirects=True).get_data(as_text=True)
    assert "已登记转入" in done and "邵文博" in done and "已寄回" in done
    transfer = db_session.scalar(select(MemberTransfer))
    browser.post(f"/admin/transfers/{transfer.id}/receipt", data={"csrf_token": csrf(done)})
    db_session.expire_all()
    assert transfer.receipt_on == local_today()


def test_a_secretary_cannot_open_the_exchange_or_register_a_transfer(browser, hospital):
    qr_login(browser, "sec01")
    assert browser.get("/admin/archive/exchange").status_code == 404
    page = browser.get("/admin/transfers").get_data(as_text=True)
    assert "登记转入" not in page
    refused = browser.post(
        "/admin/transfers/inbound",
        data={"csrf_token": csrf(page), "to_branch_id": str(hospital["cardio"].id)},
        follow_redirects=True,
    )
    assert "党委组织部办理" in refused.get_data(as_text=True)


def _national_rows(n: int, branch_name: str) -> bytes:
    target = exchange.column_map("national")
    rows = []
    for i in range(n):
        values = {
            "姓名": f"导入党员{i}",
            "性别": "女" if i % 2 else "男",
            "人员类别": "正式党员",
            "所在党支部": branch_name,
            "入党日期": "2015-07-01",
            "转正日期": "2016-07-01",
            "企业微信账号": f"imp{i:04d}",
            "民族": "汉族",
            "公民身份号码": valid_id_number(i, born=date(1990, 1, 1)),
            "是否失联党员": "否",
            "是否流动党员": "否",
            "学历": "大学本科",
        }
        rows.append([values.get(h, "") for h in target.headers])
    return exports.workbook("党员信息", target.headers, rows)


def test_the_office_exports_for_the_national_system_and_previews_then_applies_a_large_import(
    browser, hospital, db_session, run_jobs
):
    db_session.commit()
    qr_login(browser, "office01")
    page = browser.get("/admin/archive/exchange").get_data(as_text=True)
    assert "全国党员管理信息系统" in page and "未核实" in page
    refused = browser.post(
        "/admin/archive/exchange/national/members.xlsx",
        data={"csrf_token": csrf(page)},
        follow_redirects=True,
    )
    assert "须填写事由" in refused.get_data(as_text=True)
    exported = browser.post(
        "/admin/archive/exchange/national/members.xlsx",
        data={"csrf_token": csrf(page), "reason": "报送全国党员管理信息系统"},
    )
    sheet = load_workbook(io.BytesIO(exported.data)).active
    header = [c.value for c in next(sheet.iter_rows())]
    assert header[:3] == ["姓名", "性别", "公民身份号码"]
    assert any(row[0].value == "李护士" for row in sheet.iter_rows(min_row=2))

    content = _national_rows(250, "心内科党支部")
    started = browser.post(
        "/admin/archive/exchange/national/import",
        data={"csrf_token": csrf(page), "file": (io.BytesIO(content), "national.xlsx")},
        content_type="multipart/form-data",
    )
    assert started.status_code == 302 and "/admin/archive/exchange/import/" in started.headers["Location"]
    waiting = browser.get(started.headers["Location"]).get_data(as_text=True)
    assert "已收到文件（250 行）" in waiting
    run_jobs(("default",))
    previewed = browser.get(started.headers["Location"]).get_data(as_text=True)
    assert "预览（未写入任何数据）：共 250 行，新增 250 人" in previewed
    assert (
        db_session.scalar(select(Member).join(Member.person).where(Member.person.has(wecom_userid="imp0001")))
        is None
    )
    applied = browser.post(
        "/admin/archive/exchange/national/import",
        data={"csrf_token": csrf(page), "apply": "1", "file": (io.BytesIO(content), "national.xlsx")},
        content_type="multipart/form-data",
    )
    run_jobs(("default",))
    result = browser.get(applied.headers["Location"]).get_data(as_text=True)
    assert "已写入：共 250 行，新增 250 人" in result
    db_session.expire_all()
    assert (
        db_session.scalar(select(Member).where(Member.person.has(wecom_userid="imp0249"))).education
        == "大学本科"
    )


def test_a_small_bad_import_lists_its_rows_and_writes_nothing(browser, hospital, db_session):
    qr_login(browser, "office01")
    page = browser.get("/admin/archive/exchange").get_data(as_text=True)
    target = exchange.column_map("national")
    bad = {
        "姓名": "某人",
        "人员类别": "正式党员",
        "所在党支部": "心内科党支部",
        "民族": "火星族",
        "企业微信账号": "bad01",
    }
    content = exports.workbook("党员信息", target.headers, [[bad.get(h, "") for h in target.headers]])
    response = browser.post(
        "/admin/archive/exchange/national/import",
        data={"csrf_token": csrf(page), "apply": "1", "file": (io.BytesIO(content), "bad.xlsx")},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 2 行" in body and "火星族" in body and "未写入任何数据" in body


def test_the_member_sees_their_archive_and_asks_for_a_correction(browser, hospital, db_session):
    nurse = hospital["nurse"]
    nurse.ethnicity, nurse.education = "回族", "大学专科"
    db_session.flush()
    page = login(browser, "nurse01", "/m/mine/archive").get_data(as_text=True)
    assert "我的档案" in page and "回族" in page and "大学专科" in page and "申请更正" in page
    form_page = browser.get("/m/approvals/new/archive_correction").get_data(as_text=True)
    sent = browser.post(
        "/m/approvals/new/archive_correction",
        data={"csrf_token": csrf(form_page), "field": "学历", "value": "大学本科", "note": "已取得本科学历"},
    )
    assert sent.status_code == 302
    request = db_session.scalar(select(ApprovalRequest))
    assert request.kind == "archive_correction" and request.org_id == hospital["cardio"].id
    (slot,) = request.slots
    assert slot.role == Role.secretary and slot.org_id == hospital["cardio"].id


def test_the_api_carries_the_archive_and_the_new_collections(client, hospital, token, conforms, db_session):
    office = token(Role.committee_office)
    nurse = hospital["nurse"]
    patched = client.patch(
        f"/api/v1/members/{nurse.id}",
        json={"gender": "女", "education": "研究生", "ethnicity": "满族", "birth_date": "1988-03-09"},
        headers=office,
    )
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    conforms("/members/{member_id}", 200, body, "patch")
    assert body["gender"] == "女" and body["education"] == "研究生" and "满族" not in str(body)
    assert body["ethnicity_masked"] == "**" and body["birth_date_masked"] == "1988-**-**"
    bad = client.patch(f"/api/v1/members/{nurse.id}", json={"education": "博士后"}, headers=office)
    assert bad.status_code == 422 and "学历" in bad.get_json()["message"]
    created = client.post(
        "/api/v1/participations",
        headers=office,
        json={
            "member_id": str(nurse.id),
            "direction": "away",
            "kind": "posting",
            "place": "新疆喀什（援疆）",
            "starts_on": local_today().isoformat(),
        },
    )
    assert created.status_code == 201, created.get_json()
    conforms("/participations", 201, created.get_json(), "post")
    listing = client.get("/api/v1/participations?current=true", headers=office)
    conforms("/participations", 200, listing.get_json())
    assert listing.get_json()["total"] == 1
    transfers = client.get("/api/v1/transfers", headers=office)
    conforms("/transfers", 200, transfers.get_json())
    secretary = token(Role.secretary, hospital["cardio"].code)
    assert client.get("/api/v1/participations", headers=secretary).get_json()["total"] == 1
    elsewhere = token(Role.secretary, hospital["surgeon"].branch.code)
    assert client.get("/api/v1/participations", headers=elsewhere).get_json()["total"] == 0
