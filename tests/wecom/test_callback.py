"""/wecom/callback driven exactly as WeCom drives it: encrypted, signed, retried."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from handlers import audit
from handlers.errors import Conflict
from handlers.policy import Actor
from models import AuditEvent, CallbackReceipt, OutboundMessage
from tests.helpers.chat import opened
from wecom.commands import router
from wecom.crypto import CallbackCrypto
from wecom.emulator import wire
from wecom.messages import parse_inbound
from wecom.router import Reply

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def text(app):
    def make(content: str, msg_id: str = "7000000000000000001", user: str = "zhangsan") -> str:
        return wire.message_xml(
            app.config["WECOM_CORP_ID"],
            user,
            app.config["WECOM_AGENT_ID"],
            "text",
            Content=content,
            MsgId=msg_id,
        )

    return make


@pytest.fixture
def effect_route():
    """A card button whose tap changes stored state (as check-in and approvals will)."""

    @router.card_action("test.effect")
    def tap(ctx):
        if ctx.argument == "refuse":
            raise Conflict("该会议已结束，无法签到。")
        if ctx.argument == "crash":
            raise RuntimeError("database went away")
        audit.record(ctx.session, Actor.system("测试"), "test.tap", object_id=ctx.argument)
        return Reply("update_button", "已签到")

    yield
    del router.card_actions["test.effect"]


def stored(db_session):
    return tuple(
        db_session.scalar(select(func.count()).select_from(m))
        for m in (AuditEvent, CallbackReceipt, OutboundMessage)
    )


def tap_xml(app, key, user="lisi", create_time=None):
    return wire.card_event_xml(
        app.config["WECOM_CORP_ID"],
        user,
        app.config["WECOM_AGENT_ID"],
        event_key=key,
        task_id="t1",
        create_time=create_time or int(time.time()),
    )


# --- URL verification ------------------------------------------------------------------------


def test_url_verification_echoes_the_bare_plaintext(client, wecom):
    signed = wire.sign_echo(wecom, "1288432023552776189")
    response = client.get(f"/wecom/callback?{signed.query_string}")
    assert response.status_code == 200 and response.data == b"1288432023552776189"


def test_url_verification_with_a_bad_signature_is_403(client, wecom):
    signed = wire.sign_echo(wecom, "123")
    signed.query["msg_signature"] = "0" * 40
    assert client.get(f"/wecom/callback?{signed.query_string}").status_code == 403


# --- text commands -----------------------------------------------------------------------------


def test_help_command_gets_an_encrypted_passive_reply(send, text, wecom, db_session):
    reply = opened(wecom, send(text("帮助")))
    assert reply.find("MsgType").text == "text" and reply.find("ToUserName").text == "zhangsan"
    assert "【帮助】" in reply.find("Content").text
    assert "尚未同步" in reply.find("Content").text  # zhangsan is not in the directory


def test_help_for_a_known_member_and_unknown_text(send, text, wecom, make_person):
    make_person(wecom_userid="wangwu")
    reply = opened(wecom, send(text("帮助", user="wangwu", msg_id="1")))
    assert "尚未同步" not in reply.find("Content").text
    reply = opened(wecom, send(text("今天食堂吃什么", user="wangwu", msg_id="2")))
    assert "发送【帮助】" in reply.find("Content").text


def test_a_retried_message_is_answered_once(send, text):
    first = send(text("帮助"))
    assert first.status_code == 200 and first.data
    for _ in range(2):
        retry = send(text("帮助"))
        assert retry.status_code == 200 and retry.data == b""


# --- card taps and exactly-once effects ---------------------------------------------------------


@pytest.mark.usefixtures("effect_route")
def test_the_same_tap_delivered_three_times_has_one_effect(app, send, wecom, db_session):
    before = stored(db_session)
    xml = tap_xml(app, "test.effect:meeting-1")
    replies = [send(xml) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert opened(wecom, replies[0]).find("Button/ReplaceName").text == "已签到"
    assert stored(db_session) == (before[0] + 1, before[1] + 1, before[2])


@pytest.mark.usefixtures("effect_route")
def test_the_database_receipt_holds_when_redis_forgets(app, send, db_session, queues):
    before = stored(db_session)
    xml = tap_xml(app, "test.effect:meeting-2")
    send(xml)
    queues.redis.flushdb()  # Redis restarted without persistence
    assert send(xml).data == b""
    assert stored(db_session)[:2] == (before[0] + 1, before[1] + 1)


@pytest.mark.usefixtures("effect_route")
def test_two_different_taps_in_the_same_second_both_count(app, send, db_session):
    before = stored(db_session)
    now = int(time.time())
    send(tap_xml(app, "test.effect:a", create_time=now))
    send(tap_xml(app, "test.effect:b", create_time=now))
    assert stored(db_session)[0] == before[0] + 2


@pytest.mark.usefixtures("effect_route")
def test_a_refused_tap_is_explained_in_chinese_and_changes_nothing_else(app, send, db_session):
    before = stored(db_session)
    response = send(tap_xml(app, "test.effect:refuse"))
    assert response.status_code == 200
    message = db_session.scalars(select(OutboundMessage)).one()
    assert message.to_users == "lisi" and message.params == {"content": "该会议已结束，无法签到。"}
    assert stored(db_session) == (before[0], before[1], before[2] + 1)


@pytest.mark.usefixtures("effect_route")
def test_a_crash_answers_500_so_that_wecom_retries_and_the_retry_is_processed(app, send, db_session):
    before = stored(db_session)
    xml = tap_xml(app, "test.effect:crash")
    assert send(xml).status_code == 500
    assert stored(db_session) == before
    assert send(xml).status_code == 500  # not swallowed as a duplicate: the retry ran again


# --- bad input: a status and nothing written ----------------------------------------------------


def test_bad_signature_is_403(client, app, wecom, db_session, text):
    before = stored(db_session)
    signed = wire.sign(wecom, text("帮助"))
    signed.query["msg_signature"] = "f" * 40
    response = client.post(f"/wecom/callback?{signed.query_string}", data=signed.body)
    assert response.status_code == 403 and stored(db_session) == before


def test_another_corps_payload_is_403(client, app, text):
    impostor = CallbackCrypto(
        app.config["WECOM_TOKEN"], app.config["WECOM_ENCODING_AES_KEY"], "wwsomeoneelse"
    )
    signed = wire.sign(impostor, text("帮助"))
    assert client.post(f"/wecom/callback?{signed.query_string}", data=signed.body).status_code == 403


@pytest.mark.parametrize("age", [-11 * 60, 11 * 60])
def test_timestamp_outside_the_window_is_403(send, text, age):
    assert send(text("帮助"), timestamp=int(time.time()) + age).status_code == 403


def test_malformed_envelope_is_400(client, wecom, db_session):
    before = stored(db_session)
    signed = wire.sign(wecom, "<xml/>")
    for body in ("<xml><Encrypt>", "not xml at all", "<xml><NoEncrypt>x</NoEncrypt></xml>"):
        assert client.post(f"/wecom/callback?{signed.query_string}", data=body).status_code == 400
    assert stored(db_session) == before


def test_malformed_plaintext_is_400(send):
    assert send("<xml><MsgType>text</MsgType></xml>").status_code == 400  # no sender, no time
    assert send("this is not xml").status_code == 400


def test_missing_query_parameters_are_400(client):
    assert client.post("/wecom/callback", data="<xml/>").status_code == 400


def test_oversized_body_is_413(client, wecom):
    signed = wire.sign(wecom, "<xml/>")
    response = client.post(f"/wecom/callback?{signed.query_string}", data="<xml>" + "x" * 70_000 + "</xml>")
    assert response.status_code == 413


def billion_laughs() -> str:
    """The classic entity-expansion bomb: ten levels, each ten of the one below (10^9 'lol's)."""
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return '<?xml version="1.0"?><!DOCTYPE xml [' + "".join(levels) + "]><xml><Encrypt>&lol9;</Encrypt></xml>"


def test_entity_expansion_bomb_is_refused_without_expanding(client, wecom):
    signed = wire.sign(wecom, "<xml/>")
    started = time.monotonic()
    response = client.post(f"/wecom/callback?{signed.query_string}", data=billion_laughs())
    assert response.status_code == 400 and time.monotonic() - started < 1


def test_refusals_log_no_secret(client, wecom, app, caplog, text):
    signed = wire.sign(wecom, text("帮助"))
    signed.query["msg_signature"] = "0" * 40
    client.post(f"/wecom/callback?{signed.query_string}", data=signed.body)
    logged = caplog.text
    assert "refused 403" in logged
    for secret in (app.config["WECOM_TOKEN"], app.config["WECOM_ENCODING_AES_KEY"], signed.body[40:80]):
        assert secret not in logged


# --- event parsing for what wechatpy lacks -------------------------------------------------------


def test_template_card_event_with_one_and_with_several_selected_items(app):
    corp, agent = app.config["WECOM_CORP_ID"], app.config["WECOM_AGENT_ID"]
    one = parse_inbound(
        wire.card_event_xml(
            corp,
            "u1",
            agent,
            event_key="vote:q",
            task_id="t",
            card_type="vote_interaction",
            selected=[("q1", ["a"])],
        )
    )
    assert [(s.question_key, s.option_ids) for s in one.selected_items] == [("q1", ("a",))]
    several = parse_inbound(
        wire.card_event_xml(
            corp,
            "u1",
            agent,
            event_key="quiz:1",
            task_id="t",
            card_type="multiple_interaction",
            selected=[("q1", ["a", "b"]), ("q2", ["c"])],
        )
    )
    assert [(s.question_key, s.option_ids) for s in several.selected_items] == [
        ("q1", ("a", "b")),
        ("q2", ("c",)),
    ]
    assert several.event == "template_card_event" and several.card_type == "multiple_interaction"


def test_template_card_menu_event_and_change_contact(app):
    corp, agent = app.config["WECOM_CORP_ID"], app.config["WECOM_AGENT_ID"]
    menu = parse_inbound(wire.card_event_xml(corp, "u1", agent, event_key="mute:1", task_id="t", menu=True))
    assert menu.event == "template_card_menu_event" and menu.event_key == "mute:1"
    contact = parse_inbound(
        wire.message_xml(
            corp,
            "sys",
            "",
            "event",
            Event="change_contact",
            ChangeType="update_user",
            UserID="zhangsan",
            Department="1,2",
        )
    )
    assert contact.change_type == "update_user" and contact.fields["UserID"] == "zhangsan"
    assert contact.agent_id is None  # the directory assistant's callbacks carry no AgentID
    assert contact.dedupe_key.startswith("evt:sys:")
