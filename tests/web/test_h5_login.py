"""Silent login for the H5 app, driven through the emulator's OAuth like WeCom's webview."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from models import WebSession
from tests.helpers.pages import to_wecom, wecom_redirects

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def browser(app, db_session, emulator):
    return app.test_client()


def test_a_member_opens_the_app_and_lands_on_home(browser, emulator, make_person, db_session):
    make_person(wecom_userid="nurse01", name="李护士")
    authorize = to_wecom(browser)
    query = parse_qs(urlsplit(authorize.split("#")[0]).query)
    assert authorize.startswith(f"{emulator.url}/connect/oauth2/authorize?")
    assert query["scope"] == ["snsapi_base"] and query["agentid"] == ["1000002"]
    assert query["state"][0].isalnum() and len(query["state"][0]) <= 128  # WeCom's rule for state

    response = browser.get(wecom_redirects(authorize, "nurse01"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/m/")
    home = browser.get("/m/")
    page = home.get_data(as_text=True)
    assert home.status_code == 200 and "李护士，您好" in page and "暂无待办" in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "H5 pages load nothing from outside (intranet)"
    row = db_session.scalars(select(WebSession).where(WebSession.person_id.isnot(None))).one()
    assert timedelta(hours=7, minutes=59) < row.expires_at - datetime.now(UTC) <= timedelta(hours=8)


def test_a_forged_or_replayed_state_is_refused(browser, make_person):
    make_person(wecom_userid="nurse02")
    callback = wecom_redirects(to_wecom(browser), "nurse02")
    forged = callback.replace("state=", "state=0")
    assert browser.get(forged).status_code == 400
    assert browser.get(callback).status_code == 302  # the genuine one still works once
    browser.get("/_nothing")  # keep the same browser
    replay = browser.get(callback)
    assert replay.status_code == 400 and "登录链接已失效" in replay.get_data(as_text=True)


def test_a_state_from_another_browser_is_refused(app, browser, make_person):
    make_person(wecom_userid="nurse03")
    callback = wecom_redirects(to_wecom(browser), "nurse03")
    attacker = app.test_client()
    assert attacker.get(callback).status_code == 400


def test_a_reused_code_restarts_login_once_then_explains(app, browser, emulator, make_person):
    make_person(wecom_userid="nurse04")
    client = app.extensions["dangjian.wecom_client"]

    def burn(callback):  # someone (a forwarded link, a retry) used the code first
        code = parse_qs(urlsplit(callback).query)["code"][0]
        client.get("auth/getuserinfo", {"code": code})

    callback = wecom_redirects(to_wecom(browser), "nurse04")
    burn(callback)
    restarted = browser.get(callback)
    assert restarted.status_code == 302 and "/connect/oauth2/authorize" in restarted.headers["Location"]
    second = wecom_redirects(restarted.headers["Location"], "nurse04")
    burn(second)
    explained = browser.get(second)
    assert explained.status_code == 400 and "企业微信未能确认您的身份" in explained.get_data(as_text=True)


def test_someone_outside_the_corp_gets_a_clear_page(browser):
    response = browser.get(wecom_redirects(to_wecom(browser), "openid:o-outsider"))
    assert response.status_code == 403 and "仅供本院职工使用" in response.get_data(as_text=True)


def test_staff_not_yet_synced_or_disabled_get_a_clear_page(browser, make_person, db_session):
    response = browser.get(wecom_redirects(to_wecom(browser), "newhire"))
    assert response.status_code == 403 and "尚未同步" in response.get_data(as_text=True)
    person = make_person(wecom_userid="leaver")
    person.is_active = False
    db_session.flush()
    response = browser.get(wecom_redirects(to_wecom(browser), "leaver"))
    assert response.status_code == 403


def test_wecom_refuses_a_redirect_outside_the_trusted_domain(emulator, monkeypatch):
    monkeypatch.setattr(emulator.state, "trusted_domain", "dangjian.hospital.example")
    response = requests.get(
        f"{emulator.url}/connect/oauth2/authorize",
        params={
            "appid": emulator.state.corp_id,
            "redirect_uri": "https://evil.example/m/oauth/callback",
            "state": "x",
            "as_user": "u",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.json()["errcode"] == 50001
