"""JS-SDK: signatures WeCom's client accepts, tickets cached within WeCom's hourly limits."""

from __future__ import annotations

import pytest
import requests

from tests.helpers.pages import to_wecom, wecom_redirects
from wecom.jssdk import JsapiTickets, signature

pytestmark = pytest.mark.usefixtures("queues")


def test_signature_matches_the_published_example():
    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    assert (
        signature(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value")
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )


@pytest.fixture
def member_browser(app, db_session, emulator, make_person):
    make_person(wecom_userid="nurse01", name="李护士")
    browser = app.test_client()
    assert browser.get(wecom_redirects(to_wecom(browser), "nurse01")).status_code == 302
    return browser


def verify(emulator, url, part, kind):
    spec = {**part, "url": url, "kind": kind}
    return requests.post(f"{emulator.url}/api/jssdk/verify", json=spec, timeout=5).json()["errcode"]


def test_a_member_page_gets_signatures_wecom_accepts(app, member_browser, emulator):
    page = f"{app.config['PUBLIC_BASE_URL']}/m/checkin?meeting=1"
    response = member_browser.get("/m/jssdk-config", query_string={"url": page + "#top"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["config"]["appId"] == app.config["WECOM_CORP_ID"]
    assert body["agentConfig"]["agentid"] == int(app.config["WECOM_AGENT_ID"])
    assert verify(emulator, page, body["config"], "config") == 0
    assert verify(emulator, page, body["agentConfig"], "agentConfig") == 0
    # WeCom's client refuses agentConfig signed with the corp ticket, and any other URL.
    assert verify(emulator, page, body["config"], "agentConfig") == 42012
    assert verify(emulator, page + "&x=1", body["config"], "config") == 40093


def test_only_members_and_only_our_pages(app, client, member_browser):
    ours = f"{app.config['PUBLIC_BASE_URL']}/m/"
    assert client.get("/m/jssdk-config", query_string={"url": ours}).status_code == 401
    foreign = member_browser.get("/m/jssdk-config", query_string={"url": "https://evil.example/m/"})
    assert foreign.status_code == 400 and "本应用" in foreign.get_json()["message"]


def test_tickets_are_cached_so_many_pages_cost_one_fetch_each(app, emulator):
    with app.app_context():
        for _ in range(30):
            JsapiTickets(app.extensions["dangjian.wecom_client"]).config_for("http://127.0.0.1:5000/m/")
    assert emulator.state.api_calls["get_jsapi_ticket"] == 1
    assert emulator.state.api_calls["ticket/get"] == 1


def test_the_emulator_enforces_the_hourly_ticket_limit(app, emulator):
    with app.app_context():
        token = app.extensions["dangjian.wecom_client"].access_token()
    codes = [
        requests.get(
            f"{emulator.url}/cgi-bin/ticket/get",
            params={"access_token": token, "type": "agent_config"},
            timeout=5,
        ).json()["errcode"]
        for _ in range(101)
    ]
    assert codes[:100] == [0] * 100 and codes[100] == 45009


def test_wecom_busy_gives_a_clear_503(member_browser, app, emulator):
    emulator.state.faults.append(("get_jsapi_ticket", 45009))
    response = member_browser.get(
        "/m/jssdk-config", query_string={"url": f"{app.config['PUBLIC_BASE_URL']}/m/"}
    )
    assert response.status_code == 503 and "稍后" in response.get_json()["message"]
