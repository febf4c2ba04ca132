"""通知公告 in the console and on the phone: the office sends, the card reaches WeCom (the
emulator) with a link to the full text, opening it counts as read, 收到 counts as acknowledged."""

from __future__ import annotations

import re

import pytest

from models import Role
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_the_office_sends_a_notice_and_sees_it_read_and_acknowledged(
    browser, hospital, db_session, emulator, run_jobs
):
    qr_login(browser, "office01")
    page = browser.get("/admin/notices").get_data(as_text=True)
    sent = browser.post(
        "/admin/notices",
        data={"csrf_token": csrf(page), "title": "本周六义诊", "body": "请各位党员报名。", "needs_ack": "1"},
        follow_redirects=True,
    )
    body = re.sub(r"<[^>]+>", "", sent.get_data(as_text=True))  # the counts sit in live spans
    assert "已发送给 2 名党员" in body and "未读 2 人" in body and "回复收到情况" in body
    db_session.commit()
    run_jobs()
    cards = [d for d in emulator.state.deliveries if d.msgtype == "template_card"]
    assert {user for d in cards for user in d.to_user.split("|")} == {"nurse01", "surgeon01"}
    link = cards[0].body["template_card"]["card_action"]["url"]
    path = "/m/" + link.split("/m/", 1)[1]
    phone = browser.application.test_client()
    opened = login(phone, "nurse01", path).get_data(as_text=True)
    assert "请各位党员报名。" in opened and "收到" in opened
    phone.post(path + "/ack", data={"csrf_token": csrf(opened)})
    notice_id = path.rsplit("/", 1)[1]
    live = browser.get(f"/admin/notices/{notice_id}/progress.json").get_json()
    assert live == {"recipients": 2, "read": 1, "unread": 1, "acked": 1}
    notice_page = browser.get("/admin/notices").get_data(as_text=True)
    assert "<td>2</td><td>1</td><td>1</td>" in notice_page.replace("\n", "").replace(" ", "")


def test_the_notices_api_gives_counts_never_names(client, hospital, token, conforms, db_session):
    from handlers import notices
    from handlers.policy import Actor

    notices.send(db_session, Actor.cli(), title="学习安排", body="正文", org_ids=[], needs_ack=True)
    listing = client.get("/api/v1/notices", headers=token(Role.committee_office))
    conforms("/notices", 200, listing.get_json())
    (item,) = listing.get_json()["items"]
    assert (item["recipients"], item["read"], item["acknowledged"]) == (2, 0, 0)
    assert "李护士" not in listing.get_data(as_text=True)
    assert (
        client.get("/api/v1/notices", headers=token(Role.secretary, hospital["cardio"].code)).get_json()[
            "total"
        ]
        == 0
    )


def test_the_office_publishes_and_everyone_reads_it_on_the_phone(browser, hospital, db_session, make_person):
    make_person(wecom_userid="staff01", name="后勤职工")  # staff, not a Party member
    qr_login(browser, "office01")
    page = browser.get("/admin/notices").get_data(as_text=True)
    done = browser.post(
        "/admin/publications",
        data={
            "csrf_token": csrf(page),
            "title": "发展对象公示",
            "body": "拟确定为发展对象：某某。",
            "days": "7",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已公开，公示至" in done and "发展对象公示" in done
    phone = browser.application.test_client()
    listing = login(phone, "surgeon01", "/m/notices/public").get_data(as_text=True)
    assert "发展对象公示" in listing
    staff = browser.application.test_client()  # 党务公开 is for everyone inside the hospital
    assert "发展对象公示" in login(staff, "staff01", "/m/notices/public").get_data(as_text=True)
