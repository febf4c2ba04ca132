"""NUL and control characters stop at one input boundary (issue 16 item 3): query strings, forms
and JSON bodies are refused with a 422 naming the field before any view runs; uploaded tables
name the row and column; nothing is written; no endpoint answers 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Campus, Person, Role
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_no_get_endpoint_answers_500_to_a_nul_in_its_query(app, emulator, hospital, token):
    headers = token(Role.committee_office)
    client = app.test_client()
    qr_login(client, "office01")
    routes = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and rule.rule.startswith(("/api/v1/", "/admin/", "/m/"))
    )
    assert len(routes) > 15
    for path in routes:
        answer = client.get(path, query_string={"q": "a\x00b", "status": "\x07"}, headers=headers)
        assert answer.status_code == 422, (path, answer.status_code)
        said = answer.get_json()["message"] if answer.is_json else answer.get_data(as_text=True)
        assert "控制字符" in said


def test_a_json_field_with_a_control_character_is_refused_naming_it(app, hospital, token, db_session):
    client = app.test_client()
    before = db_session.scalar(select(func.count()).select_from(Person))
    for field, value in (("wecom_userid", "bell\x07"), ("name", "张\x00三")):
        body = {
            "wecom_userid": "clean1",
            "name": "张三",
            "branch_id": str(hospital["cardio"].id),
            field: value,
        }
        refused = client.post("/api/v1/members", headers=token(Role.committee_office), json=body)
        assert refused.status_code == 422 and refused.get_json()["details"]["field"] == field, (
            refused.get_json()
        )
    assert db_session.scalar(select(func.count()).select_from(Person)) == before
    nested = client.post(
        "/api/v1/rosters", headers=token(Role.committee_office), json={"shifts": [{"code": "\x00"}]}
    )
    assert nested.status_code == 422


def test_a_console_form_with_nul_writes_nothing(app, emulator, hospital, db_session):
    client = app.test_client()
    qr_login(client, "office01")
    page = client.get("/admin/venues").get_data(as_text=True)
    refused = client.post(
        "/admin/campuses", data={"csrf_token": csrf(page), "code": "X1", "name": "东\x00院"}
    )
    assert refused.status_code == 422 and "“name”" in refused.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Campus)) == 0


def test_a_cookie_that_is_not_a_token_is_nobody(app):
    client = app.test_client()
    client.set_cookie("dj_session", "abc\x00def")
    assert client.get("/m/").status_code == 302  # to the silent login, not a 500


def test_an_uploaded_table_names_the_row_and_column(app, emulator, hospital, db_session):
    import io

    client = app.test_client()
    qr_login(client, "sec01")
    page = client.get("/admin/rosters").get_data(as_text=True)
    sheet = "企业微信账号,日期,班次\r\nnurse01,2026-12-07,N\r\nnurse01,2026-12-08,\x07N\r\n".encode()
    refused = client.post(
        "/admin/rosters",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf(page),
            "period_start": "2026-12-07",
            "period_end": "2026-12-13",
            "file": (io.BytesIO(sheet), "roster.csv"),
        },
    )
    assert refused.status_code == 422 and "第 3 行第 3 列含有不允许的控制字符" in refused.get_data(
        as_text=True
    )
