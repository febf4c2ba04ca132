"""Changing a card already sent: update_template_card with its response_code, or say it in chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from handlers import notify
from models import OutboundMessage, OutboundStatus
from wecom import cards
from wecom.render import RENDERERS, renderer

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture(autouse=True)
def meeting_card_kind():
    """A card kind as meetings will register it: a button card per meeting."""

    @renderer("test_meeting_card")
    def render(params):
        card = cards.button_interaction(
            title=params["title"],
            task=params["task"],
            buttons=[cards.Button("签到", f"checkin:{params['task']}")],
        )
        return cards.template_card(card), params["title"]

    yield
    del RENDERERS["test_meeting_card"]


def send_card(db_session, run_jobs, task="meeting-1", users="nurse01|nurse02"):
    card = OutboundMessage(
        kind="test_meeting_card",
        to_users=users,
        params={"title": "支部党员大会", "task": task},
        dedupe_key=task,
    )
    db_session.add(card)
    db_session.commit()
    run_jobs()
    db_session.expire_all()
    return card


def update(db_session, run_jobs, card_key="meeting-1"):
    row = notify.close_card(
        db_session,
        "",
        card_key=card_key,
        label="会议已取消",
        say_instead="支部党员大会已取消。",
        key=f"cancel:{card_key}",
    )
    db_session.commit()
    run_jobs()
    db_session.expire_all()
    return row


def test_a_sent_card_is_updated_for_every_recipient(app, emulator, db_session, run_jobs):
    card = send_card(db_session, run_jobs)
    assert card.response_code

    row = update(db_session, run_jobs)

    assert row.status == OutboundStatus.sent and row.last_error == "updated"
    assert {d.to_user: d.replaced_with for d in emulator.state.deliveries} == {
        "nurse01": "会议已取消",
        "nurse02": "会议已取消",
    }
    assert card.response_code is None  # single use


def test_a_used_response_code_falls_back_to_a_chat_message(app, emulator, db_session, run_jobs):
    send_card(db_session, run_jobs)
    update(db_session, run_jobs)  # uses the code
    db_session.execute(
        OutboundMessage.__table__.update()
        .where(OutboundMessage.dedupe_key == "meeting-1")
        .values(response_code="already-used-elsewhere")
    )
    db_session.commit()

    notify.close_card(
        db_session,
        "",
        card_key="meeting-1",
        label="已改期",
        say_instead="支部党员大会改期至下周五。",
        key="reschedule:meeting-1",
    )
    db_session.commit()
    run_jobs()
    run_jobs()  # the fallback text is an outbox row of its own

    texts = [d for d in emulator.state.deliveries if d.msgtype == "text"]
    assert sorted(d.to_user for d in texts) == ["nurse01", "nurse02"]
    assert texts[0].body["text"]["content"] == "支部党员大会改期至下周五。"


@pytest.mark.parametrize("errcode", [42016, 40058, 301002])
def test_any_refusal_of_a_card_update_falls_back_to_chat(app, emulator, db_session, run_jobs, errcode):
    """WeCom documents no errcode for a spent or expired response_code (doc 94888): whatever it
    answers, the job does not fail — the members are told in chat."""
    send_card(db_session, run_jobs)
    emulator.state.faults.append(("message/update_template_card", errcode))

    update(db_session, run_jobs)
    run_jobs()

    texts = sorted(d.to_user for d in emulator.state.deliveries if d.msgtype == "text")
    assert texts == ["nurse01", "nurse02"]


def test_a_card_older_than_24_hours_is_not_updated_but_explained(app, emulator, db_session, run_jobs):
    """doc 94888 says a response_code lives 72 hours; older copies said 24: the shorter is trusted."""
    card = send_card(db_session, run_jobs)
    card.sent_at = datetime.now(UTC) - timedelta(hours=25)
    db_session.commit()

    update(db_session, run_jobs)
    run_jobs()

    assert emulator.state.api_calls["message/update_template_card"] == 0
    assert sorted(
        (d.to_user, d.body["text"]["content"]) for d in emulator.state.deliveries if d.msgtype == "text"
    ) == [
        ("nurse01", "支部党员大会已取消。"),
        ("nurse02", "支部党员大会已取消。"),
    ]


def test_a_card_not_yet_sent_is_cancelled_instead(app, emulator, db_session, run_jobs):
    card = OutboundMessage(
        kind="test_meeting_card",
        to_users="nurse01",
        params={"title": "支部党员大会", "task": "meeting-2"},
        dedupe_key="meeting-2",
        status=OutboundStatus.deferred,
    )
    db_session.add(card)
    db_session.commit()

    update(db_session, run_jobs, card_key="meeting-2")

    assert card.status == OutboundStatus.cancelled
    assert emulator.state.deliveries == []
    assert db_session.scalar(select(OutboundMessage).where(OutboundMessage.kind == "text")) is None
