"""书记信箱 on the phone, in the console and over the API: an anonymous letter gets a receipt code
shown once and read back with it; the secretary answers in the console; the FAQ renders; the API
gives a token's letters and refuses to name an anonymous writer."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from handlers import mailbox
from handlers.policy import Actor
from models import MailboxMessage, Role
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_a_member_writes_anonymously_and_reads_the_answer_by_code(browser, hospital, db_session):
    mailbox.save_faq(
        db_session,
        Actor.cli(),
        entry_id=None,
        question="党费怎么交？",
        answer_text="按核定金额。",
        position=1,
    )
    phone = browser.application.test_client()
    page = login(phone, "nurse01", "/m/mailbox").get_data(as_text=True)
    assert "党费怎么交？" in page and "系统不保存您是谁" in page
    sent = phone.post(
        "/m/mailbox",
        data={
            "csrf_token": csrf(page),
            "to": "secretary",
            "category": "problem",
            "body": "夜班排班不公平。",
            "anonymous": "1",
        },
    ).get_data(as_text=True)
    code = re.search(r"\d{4}-\d{4}-\d{4}", sent).group(0)
    assert "只显示这一次" in sent
    message = db_session.scalar(select(MailboxMessage))
    assert message.author_id is None
    # The secretary answers in the console, seeing no name.
    qr_login(browser, "sec01")
    inbox = browser.get("/admin/mailbox").get_data(as_text=True)
    assert "夜班排班不公平" in inbox and "匿名" in inbox and "李护士" not in inbox
    browser.post(
        f"/admin/mailbox/{message.id}/answer", data={"csrf_token": csrf(inbox), "answer": "下周支委会研究。"}
    )
    read = phone.post("/m/mailbox/receipt", data={"csrf_token": csrf(page), "code": code}).get_data(
        as_text=True
    )
    assert "下周支委会研究。" in read
    wrong = phone.post("/m/mailbox/receipt", data={"csrf_token": csrf(page), "code": "0000-0000-0000"})
    assert wrong.status_code == 404 or "没有找到" in wrong.get_data(as_text=True)
    faq = phone.get("/m/faq").get_data(as_text=True)
    assert "按核定金额。" in faq


def test_a_named_letter_and_a_bad_one(browser, hospital, db_session):
    phone = browser.application.test_client()
    page = login(phone, "nurse01", "/m/mailbox").get_data(as_text=True)
    refused = phone.post(
        "/m/mailbox", data={"csrf_token": csrf(page), "to": "secretary", "category": "help", "body": " "}
    )
    assert refused.status_code == 422 and "内容不能为空" in refused.get_data(as_text=True)
    assert db_session.scalar(select(MailboxMessage)) is None
    phone.post(
        "/m/mailbox",
        data={"csrf_token": csrf(page), "to": "office", "category": "help", "body": "咨询转接。"},
    )
    mine = phone.get("/m/mailbox").get_data(as_text=True)
    assert "求助" in mine and "待答复" in mine


def test_the_api_gives_a_tokens_letters_and_refuses_to_name_an_anonymous_writer(
    client, hospital, token, conforms, db_session
):
    nurse = hospital["nurse"].person
    anonymous = mailbox.write(
        db_session, nurse, to="secretary", category="problem", body="匿名", anonymous=True
    )
    named = mailbox.write(
        db_session, nurse, to="secretary", category="suggestion", body="署名", anonymous=False
    )
    secretary = token(Role.secretary, hospital["cardio"].code)
    listing = client.get("/api/v1/messages", headers=secretary)
    conforms("/messages", 200, listing.get_json())
    by_id = {m["id"]: m for m in listing.get_json()["items"]}
    assert (
        by_id[str(anonymous.message.id)]["author"] is None
        and by_id[str(named.message.id)]["author"] == "李护士"
    )
    refused = client.get(f"/api/v1/messages/{anonymous.message.id}/author", headers=secretary)
    assert refused.status_code == 422 and "匿名" in refused.get_json()["message"]
    assert (
        client.get(f"/api/v1/messages/{named.message.id}/author", headers=secretary).get_json()["name"]
        == "李护士"
    )
    office = token(Role.committee_office)
    assert (
        client.get("/api/v1/messages", headers=office).get_json()["total"] == 0
    )  # not the secretary's letters
