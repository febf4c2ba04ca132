"""数据中心 in the console, the 大屏 and /api/v1/stats: the office reads any scope and drills down,
a branch secretary only their own (another's is a 404); the office makes a display token whose
address is shown once; the 大屏 opens with it and no login, an integration's API token or none
is a 404 there; the display token reads figures through the API and nothing else."""

from __future__ import annotations

import io
import re

import pytest

from models import Role
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_the_office_reads_the_hospital_and_drills_into_a_branch(browser, hospital, db_session, make_member):
    for _ in range(5):
        make_member(branch=hospital["cardio"])
    db_session.commit()
    qr_login(browser, "office01")
    page = browser.get("/admin/stats").get_data(as_text=True)
    assert "数据中心" in page and "党员结构" in page and "口径" in page and "心内科党支部" in page
    cardio = browser.get(f"/admin/stats?name=attendance&org_id={hospital['cardio'].id}").get_data(
        as_text=True
    )
    assert "心内科党支部 · 参会率" in cardio and "返回上一级" in cardio
    assert browser.get("/admin/stats?name=nonsense").status_code == 404
    from models import Campus

    east = Campus(code="EAST", name="东院区")
    db_session.add(east)
    db_session.flush()
    hospital["cardio"].campus_id = east.id
    db_session.commit()
    campus = browser.get(f"/admin/stats?campus_id={east.id}").get_data(as_text=True)
    assert "东院区 · 党员结构" in campus and "院区" in campus

    made = browser.post(
        "/admin/stats/screens", data={"csrf_token": csrf(page), "screen_name": "党委会议室大屏", "org_id": ""}
    )
    shown = made.get_data(as_text=True)
    address = re.search(r'<code class="screen-url">([^<]+)</code>', shown).group(1)
    assert "token=dj_" in address and made.status_code == 200
    again = browser.get("/admin/stats").get_data(as_text=True)
    assert "党委会议室大屏" in again and address not in again  # shown once

    screen = browser.get(address.replace("http://localhost", ""))
    text = screen.get_data(as_text=True)
    assert (
        screen.status_code == 200
        and "全院 · 党建工作数据" in text
        and 'http-equiv="refresh" content="60"' in text
    )
    assert screen.headers["Cache-Control"] == "no-store"


def test_a_secretary_sees_their_own_branch_only(browser, hospital):
    qr_login(browser, "sec01")
    own = browser.get("/admin/stats").get_data(as_text=True)
    assert "心内科党支部 · 党员结构" in own and "人数过少不显示" in own
    other = hospital["surgeon"].branch_id
    assert browser.get(f"/admin/stats?org_id={other}").status_code == 404
    refused = browser.post("/admin/stats/screens", data={"csrf_token": csrf(own), "screen_name": "x"})
    assert refused.status_code in (302, 403, 404)


def test_the_screen_takes_only_a_display_token(client, hospital, token, conforms, db_session):
    from handlers import display_tokens
    from handlers.policy import Actor

    _row, secret = display_tokens.create(db_session, Actor.cli(), name="大屏", org_id=None)
    db_session.flush()
    assert client.get(f"/screen?token={secret}").status_code == 200
    integration = token(Role.committee_office)["Authorization"].removeprefix("Bearer ")
    assert client.get(f"/screen?token={integration}").status_code == 404
    assert client.get("/screen").status_code == 404
    display = {"Authorization": f"Bearer {secret}"}
    figure = client.get("/api/v1/stats/members", headers=display)
    conforms("/stats/{name}", 200, figure.get_json())
    assert figure.get_json()["scope"] == "全院"
    assert client.get("/api/v1/members", headers=display).status_code in (403, 404)
    _screen, cardio_secret = display_tokens.create(
        db_session, Actor.cli(), name="心内科大屏", org_id=hospital["cardio"].id
    )
    db_session.flush()
    own = {"Authorization": f"Bearer {cardio_secret}"}
    assert client.get("/api/v1/stats/members", headers=own).get_json()["scope"] == "心内科党支部"
    other = hospital["surgeon"].branch_id
    assert client.get(f"/api/v1/stats/members?org_id={other}", headers=own).status_code == 404
    office = token(Role.committee_office)
    orgs = client.get(f"/api/v1/stats/orgs?org_id={hospital['cardio'].id}", headers=office)
    conforms("/stats/{name}", 200, orgs.get_json())
    assert client.get("/api/v1/stats/nonsense", headers=office).status_code == 404
    assert client.get("/api/v1/stats/members?year=abc", headers=office).status_code == 422


def test_the_office_imports_measures_and_reads_them_beside_attendance(browser, hospital, db_session):
    from models import Department

    department = Department(wecom_id=9901, name="心血管内科")
    db_session.add(department)
    hospital["cardio"].departments.append(department)
    db_session.commit()
    qr_login(browser, "office01")
    page = browser.get("/admin/stats/business").get_data(as_text=True)
    browser.post(
        "/admin/stats/business/measures", data={"csrf_token": csrf(page), "name": "患者满意度", "unit": "%"}
    )
    bad = "科室,月份,指标,数值\n心血管内科,2020-01,患者满意度,九十\n".encode()
    refused = browser.post(
        "/admin/stats/business/import",
        data={"csrf_token": csrf(page), "file": (io.BytesIO(bad), "m.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "没有导入任何数据" in refused and "第 2 行" in refused and "数值应为数字" in refused
    good = "科室,月份,指标,数值\n心血管内科,2020-01,患者满意度,96.5\n".encode()
    browser.post(
        "/admin/stats/business/import",
        data={"csrf_token": csrf(page), "file": (io.BytesIO(good), "m.csv")},
        content_type="multipart/form-data",
    )
    shown = browser.get(f"/admin/stats/business?year=2020&department_id={department.id}").get_data(
        as_text=True
    )
    assert "心血管内科 · 2020年" in shown and "96.5" in shown and "心内科党支部" in shown


def test_the_office_sets_items_and_grades_a_branch_sheet(browser, hospital, db_session):
    qr_login(browser, "office01")
    year = 2025
    page = browser.get(f"/admin/stats/assessment?year={year}").get_data(as_text=True)
    assert "2025年支部考核" in page and "心内科党支部" in page
    browser.post(
        f"/admin/stats/assessment/items?year={year}",
        data={"csrf_token": csrf(page), "title": "党建品牌", "weight": "20", "source": "manual"},
    )
    cardio = hospital["cardio"].id
    sheet = browser.get(f"/admin/stats/assessment/{cardio}?year={year}").get_data(as_text=True)
    assert "党建品牌" in sheet and "待录入" in sheet
    item = re.search(r'<option value="([0-9a-f-]{36})">党建品牌</option>', sheet).group(1)
    browser.post(
        f"/admin/stats/assessment/{cardio}/score?year={year}",
        data={"csrf_token": csrf(sheet), "item_id": item, "percent": "80", "evidence": "院级品牌立项文件"},
    )
    browser.post(
        f"/admin/stats/assessment/{cardio}/grade?year={year}",
        data={"csrf_token": csrf(sheet), "grade": "四星", "note": "党委会议研究"},
    )
    done = browser.get(f"/admin/stats/assessment/{cardio}?year={year}").get_data(as_text=True)
    assert "院级品牌立项文件" in done and "16.0" in done and "四星（党委会议研究）" in done
