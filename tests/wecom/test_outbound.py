"""Outbound to WeCom through the emulator: cards, the token cache, errors, the outbox sender,
per-member limits and digests. The emulator is the counter of record."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select, update

from jobs import maintenance, outbox
from models import OutboundMessage, OutboundStatus
from wecom import cards, limits
from wecom.client import WeComError
from wecom.emulator import api as emulator_api
from wecom.emulator import state as emulator_state

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def client(app, emulator, queues):
    wecom = app.extensions["dangjian.wecom_client"]
    queues.redis.delete(wecom.token_key)
    return wecom


def delivered(emulator, user=None):
    return [d for d in emulator.state.deliveries if user is None or d.to_user == user]


# --- card builders -------------------------------------------------------------------------


def test_every_card_type_is_accepted_by_wecom(client, emulator):
    buttons = [cards.Button("参加", "meeting.attend:1"), cards.Button("请假", "meeting.leave:1", style=2)]
    built = [
        cards.text_notice(title="主题党日活动通知", url="http://h5/m/", fields=[("时间", "11月25日 14:00")]),
        cards.news_notice(title="微党课", url="http://h5/l/1", image_url="http://h5/c.png"),
        cards.button_interaction(title="主题党日", task="meet_1_a", buttons=buttons),
        cards.vote_interaction(
            title="学习测验",
            task="quiz_1",
            question_key="q1",
            options=[("a", "对"), ("b", "错")],
            submit_key="quiz.submit:1",
        ),
        cards.multiple_interaction(
            title="满意度",
            task="survey_1",
            submit_key="survey:1",
            questions=[("q1", "内容", [("1", "满意"), ("2", "一般")])],
        ),
    ]
    for card in built:
        result = client.send(cards.template_card(card), ["zhangsan"])
        interactive = card["card_type"] in cards.INTERACTIVE
        assert bool(result.get("response_code")) == interactive
    for body in (
        cards.text("你好"),
        cards.markdown("**通知**"),
        cards.textcard(title="t", description="d", url="http://x"),
        cards.news([{"title": "t", "url": "http://x"}]),
    ):
        client.send(body, ["zhangsan"])
    assert len(delivered(emulator, "zhangsan")) == 9


@pytest.mark.parametrize(
    "build",
    [
        lambda: cards.button_interaction(
            title="t", task="x", buttons=[cards.Button(str(i), f"k{i}") for i in range(7)]
        ),
        lambda: cards.button_interaction(
            title="t", task="x", buttons=[cards.Button("a", "k"), cards.Button("b", "k")]
        ),
        lambda: cards.button_interaction(title="t" * 37, task="x", buttons=[cards.Button("a", "k")]),
        lambda: cards.button_interaction(title="t", task="bad id!", buttons=[cards.Button("a", "k")]),
        lambda: cards.Button("十一个字的按钮文字啊啊", "k").render(),
        lambda: cards.text("x" * 2049),
        lambda: cards.template_card({"card_type": "button_interaction", "main_title": {"title": "t"}}),
    ],
)
def test_builders_refuse_what_wecom_would_reject(build):
    with pytest.raises(cards.CardError):
        build()


def test_a_task_id_is_single_use(client):
    card = cards.template_card(
        cards.button_interaction(title="t", task="once_1", buttons=[cards.Button("a", "k")])
    )
    client.send(card, ["u1"])
    with pytest.raises(WeComError) as error:
        client.send(
            {**card, "template_card": {**card["template_card"], "main_title": {"title": "changed"}}}, ["u2"]
        )
    assert error.value.errcode == 42014


def _raw_send(client, emulator, card):
    """A template card as given, past the builders, to see what the emulator (as WeCom) refuses."""
    body = {"touser": "u1", "agentid": client.agent_id, "msgtype": "template_card", "template_card": card}
    return requests.post(
        f"{emulator.url}/cgi-bin/message/send",
        params={"access_token": client.access_token()},
        json=body,
        timeout=5,
    ).json()["errcode"]


NEWS = {
    "card_type": "news_notice",
    "main_title": {"title": "微党课"},
    "card_action": {"type": 1, "url": "http://h5/l/1"},
    "card_image": {"url": "http://h5/c.png", "aspect_ratio": 2.24},
}
VOTE = {
    "card_type": "vote_interaction",
    "main_title": {"title": "测验"},
    "task_id": "vote_t1",
    "checkbox": {"question_key": "q", "option_list": [{"id": "a", "text": "对"}], "mode": 0},
    "submit_button": {"text": "提交", "key": "quiz.submit:1"},
}


@pytest.mark.parametrize(
    ("card", "accepted"),
    [
        (NEWS, True),
        ({**NEWS, "card_image": {"url": "http://h5/c.png", "aspect_ratio": 2.25}}, False),  # doc 90236
        ({**NEWS, "card_image": {"url": "http://h5/c.png", "aspect_ratio": 1.3}}, False),
        ({k: v for k, v in NEWS.items() if k != "card_image"}, False),  # no image at all
        ({**NEWS, "main_title": {}}, False),  # main_title.title required
        (VOTE, True),
        ({k: v for k, v in VOTE.items() if k != "submit_button"}, False),
        ({**VOTE, "checkbox": {"question_key": "q", "option_list": []}}, False),
        (
            {
                "card_type": "multiple_interaction",
                "main_title": {"title": "满意度"},
                "task_id": "multi_t1",
                "select_list": [{"question_key": "q1", "title": "内容", "option_list": []}],
                "submit_button": {"text": "提交", "key": "s"},
            },
            False,
        ),
    ],
)
def test_the_emulator_refuses_cards_wecom_refuses(client, emulator, card, accepted):
    assert (_raw_send(client, emulator, card) == 0) is accepted


def test_the_news_card_builder_keeps_inside_the_ratio_and_textcards_fit_their_bytes(client, emulator):
    built = cards.news_notice(title="微党课", url="http://h5/l/1", image_url="http://h5/c.png")
    ratio = built["card_image"]["aspect_ratio"]
    assert 1.3 < ratio < 2.25
    card = cards.textcard(title="党" * 60, description="学" * 300, url="http://h5/")["textcard"]
    # 60 Chinese characters are 180 bytes: cut whole, with an ellipsis, inside 128 and 512 bytes.
    assert len(card["title"].encode()) <= 128 and card["title"].endswith("…")
    assert len(card["description"].encode()) <= 512 and "\ufffd" not in card["description"]
    news = cards.news([{"title": "课" * 50, "url": "http://h5/", "description": "述" * 200}])
    article = news["news"]["articles"][0]
    assert len(article["title"].encode()) <= 128 and len(article["description"].encode()) <= 512
    client.send(news, ["u1"])
    with pytest.raises(cards.CardError):
        cards.news([{"title": "无链接"}])


def test_a_card_update_names_its_recipients(client, emulator):
    sent = client.send(
        cards.template_card(
            cards.button_interaction(
                title="主题党日", task="upd_1", buttons=[cards.Button("参加", "meeting.attend:1")]
            )
        ),
        ["u1", "u2"],
    )
    code = sent["response_code"]
    with pytest.raises(ValueError):
        client.update_buttons(code, "已取消")  # nobody named: refused before the wire
    unnamed = requests.post(
        f"{emulator.url}/cgi-bin/message/update_template_card",
        params={"access_token": client.access_token()},
        json={"agentid": client.agent_id, "response_code": code, "button": {"replace_name": "已取消"}},
        timeout=5,
    ).json()
    assert unnamed["errcode"] == 40058
    client.update_buttons(code, "已取消", userids=["u1", "u2"])
    assert {d.replaced_with for d in delivered(emulator)} == {"已取消"}


# --- token and errors ----------------------------------------------------------------------


def test_concurrent_callers_fetch_one_token(client, emulator):
    tokens, barrier = [], threading.Barrier(8)

    def call():
        barrier.wait()
        tokens.append(client.access_token())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(tokens)) == 1 and emulator.state.gettoken_calls == 1


def test_an_expired_token_is_refreshed_once_and_the_message_arrives_once(client, emulator):
    client.send(cards.text("第一条"), ["u1"])
    emulator.state.tokens.update(
        {t: time.time() - 1 for t in emulator.state.tokens}
    )  # WeCom expires it early
    client.send(cards.text("第二条"), ["u1"])
    assert [d.body["text"]["content"] for d in delivered(emulator, "u1")] == ["第一条", "第二条"]
    assert emulator.state.gettoken_calls == 2


def test_a_token_refused_twice_is_not_retried_forever(client, emulator):
    client.access_token()
    emulator.state.faults.extend([("message/send", 40014)] * 5)
    with pytest.raises(WeComError) as error:
        client.send(cards.text("x"), ["u1"])
    assert error.value.errcode == 40014
    assert emulator.state.api_calls["message/send"] == 2  # one try, one refresh-and-retry


@pytest.mark.parametrize(
    ("errcode", "advice"), [(60020, "企业可信IP"), (40056, "WECOM_AGENT_ID"), (48002, "权限")]
)
def test_configuration_errors_name_the_fix_and_are_not_retried(client, emulator, errcode, advice):
    client.access_token()
    emulator.state.faults.append(("message/send", errcode))
    with pytest.raises(WeComError) as error:
        client.send(cards.text("x"), ["u1"])
    assert advice in str(error.value) and not error.value.retryable
    assert emulator.state.api_calls["message/send"] == 1


@pytest.mark.parametrize("errcode", [-1, 45009, 45033])
def test_busy_and_frequency_errors_are_retryable(client, emulator, errcode):
    client.access_token()
    emulator.state.faults.append(("message/send", errcode))
    with pytest.raises(WeComError) as error:
        client.send(cards.text("x"), ["u1"])
    assert error.value.retryable


def test_an_unreachable_wecom_is_a_retryable_error_not_a_crash(client, emulator):
    """A dropped connection (seen under load: the server closed a kept-alive socket) or a
    timeout backs off like 系统繁忙; it must not escape as an exception that aborts a batch."""
    import socket

    from wecom.client import WeComClient

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the connection is refused
    away = WeComClient(
        api_base=f"http://127.0.0.1:{port}",
        corp_id="c",
        secret="s",
        agent_id="1",
        redis=client.redis,
        timeout=2,
    )
    with pytest.raises(WeComError) as error:
        away.access_token()
    assert error.value.retryable and error.value.errcode == -1 and "network" in str(error.value)


def test_broadcasts_go_out_in_calls_of_at_most_1000(client, emulator):
    client.send(cards.text("全院通知"), [f"u{i}" for i in range(1000)])
    assert len(delivered(emulator)) == 1000 and emulator.state.api_calls["message/send"] == 1
    with pytest.raises(ValueError):
        client.send(cards.text("x"), [f"u{i}" for i in range(1001)])


# --- the outbox ------------------------------------------------------------------------------


def notice(db_session, user, content, key=None):
    row = OutboundMessage(
        kind="text", to_users=user, params={"content": content}, dedupe_key=key or f"{user}:{content}"
    )
    db_session.add(row)
    return row


def test_an_outbox_row_is_sent_after_commit_and_recorded(run_jobs, app, client, emulator, db_session, queues):
    row = notice(db_session, "zhangsan", "支部党员大会将于周五召开")
    db_session.flush()
    assert queues.queue("push").job_ids == []  # nothing before the commit
    db_session.commit()
    assert queues.queue("push").job_ids == [f"deliver-{row.id}"]
    run_jobs()
    db_session.expire_all()
    assert row.status == OutboundStatus.sent and row.msgid and row.attempts == 1
    assert [d.body["text"]["content"] for d in delivered(emulator, "zhangsan")] == [
        "支部党员大会将于周五召开"
    ]


def test_a_rolled_back_outbox_row_is_never_sent(run_jobs, app, client, emulator, db_session, queues):
    notice(db_session, "zhangsan", "不应发送")
    db_session.flush()
    db_session.rollback()
    run_jobs()
    assert delivered(emulator) == []


def test_a_second_delivery_of_the_same_row_sends_nothing(run_jobs, app, client, emulator, db_session, queues):
    row = notice(db_session, "lisi", "只发一次")
    db_session.commit()
    queues.enqueue(outbox.deliver, str(row.id))  # e.g. the reconciler raced the original job
    run_jobs()
    assert len(delivered(emulator, "lisi")) == 1


def test_the_reconciler_resends_what_redis_lost(run_jobs, app, client, emulator, db_session, queues):
    row = notice(db_session, "wangwu", "Redis 丢失后仍要送达")
    db_session.commit()
    queues.redis.flushdb()  # the queued job is gone
    db_session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == row.id)
        .values(not_before=datetime.now(UTC) - timedelta(minutes=2))
    )
    db_session.commit()
    with app.app_context():
        assert maintenance.reconcile() == 1
    run_jobs()
    assert len(delivered(emulator, "wangwu")) == 1


def test_a_configuration_error_marks_the_row_failed_with_the_reason(
    run_jobs, app, client, emulator, db_session, queues
):
    client.access_token()
    emulator.state.faults.append(("message/send", 60020))
    row = notice(db_session, "zhaoliu", "x")
    db_session.commit()
    run_jobs()
    db_session.expire_all()
    assert row.status == OutboundStatus.failed and row.errcode == 60020 and "企业可信IP" in row.last_error


class ShiftedClock:
    """time.time() moved forward, for the limiter and the emulator alike (not the whole process)."""

    def __init__(self, offset: float) -> None:
        self.offset = offset

    def time(self) -> float:
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def test_forty_notices_in_a_minute_arrive_within_the_limit_and_none_is_lost(
    run_jobs, app, client, emulator, db_session, queues, monkeypatch
):
    for i in range(40):
        notice(db_session, "nurse7", f"提醒{i:02d}")
    db_session.commit()
    run_jobs()
    first_minute = delivered(emulator, "nurse7")
    assert len(first_minute) == limits.PER_MINUTE
    deferred = db_session.scalars(
        select(OutboundMessage).where(OutboundMessage.status == OutboundStatus.deferred)
    ).all()
    assert len(deferred) == 40 - limits.PER_MINUTE

    # A minute later (for the budget and for WeCom): the deferred ones go out as one digest.
    clock = ShiftedClock(61)
    monkeypatch.setattr(limits, "time", clock)
    monkeypatch.setattr(emulator_api, "time", clock)
    monkeypatch.setattr(emulator_state, "time", clock)
    db_session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.status == OutboundStatus.deferred)
        .values(not_before=datetime.now(UTC))
    )
    db_session.commit()
    with app.app_context():
        outbox.deliver_digest("nurse7")
    messages = delivered(emulator, "nurse7")
    assert len(messages) == limits.PER_MINUTE + 1 and emulator.state.dropped == []
    digest_text = messages[-1].body["text"]["content"]
    assert digest_text.startswith(f"您有 {40 - limits.PER_MINUTE} 条党建消息")
    received = {d.body["text"]["content"] for d in first_minute} | set(digest_text.splitlines())
    for i in range(40):
        assert any(f"提醒{i:02d}" in line for line in received), f"提醒{i:02d} was lost"
    db_session.expire_all()
    assert {r.status for r in db_session.scalars(select(OutboundMessage))} == {OutboundStatus.sent}


def test_a_send_whose_worker_died_is_rescued_even_though_rq_still_lists_its_job(
    run_jobs, app, client, emulator, db_session, queues
):
    row = notice(db_session, "sunqi", "发送途中进程被杀")
    db_session.commit()
    # The dead sender's state: the row claimed long ago, its job still "started" in RQ's eyes.
    db_session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == row.id)
        .values(status=OutboundStatus.sending, claimed_at=datetime.now(UTC) - timedelta(hours=1))
    )
    db_session.commit()
    job = queues.queue("push").fetch_job(f"deliver-{row.id}")
    job.set_status("started")
    queues.queue("push").remove(job)
    with app.app_context():
        assert maintenance.reconcile() == 1
    run_jobs()
    assert len(delivered(emulator, "sunqi")) == 1


def test_a_row_whose_job_died_before_claiming_it_is_rescued(
    run_jobs, app, client, emulator, db_session, queues
):
    """The worker dequeued the job (RQ says started) and died before the claim: row still pending."""
    row = notice(db_session, "zhouba", "领取前进程被杀")
    db_session.commit()
    db_session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == row.id)
        .values(not_before=datetime.now(UTC) - timedelta(minutes=2))
    )
    db_session.commit()
    job = queues.queue("push").fetch_job(f"deliver-{row.id}")
    queues.queue("push").remove(job)
    job.worker_name = "a-worker-that-died"  # its heartbeat key is gone
    job.started_at = datetime.now(UTC).replace(tzinfo=None)
    job.save()
    job.set_status("started")
    assert not queues.is_live(job.id)
    with app.app_context():
        assert maintenance.reconcile() == 1
    run_jobs()
    assert len(delivered(emulator, "zhouba")) == 1


def test_the_corp_wide_budget_of_an_api_waits_for_the_next_minute(queues):
    from wecom.limits import CorpRate

    now = [600.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    rate = CorpRate(queues.redis, "wwcorp", per_minute=3, clock=lambda: now[0], sleep=sleep)
    assert [rate.take("message/send") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert rate.take("user/get") == 0.0  # each API has its own budget
    now[0] += 30
    assert rate.take("message/send") == pytest.approx(30.05)  # the fourth waits for 10:00+1 min
    assert len(slept) == 1


def test_a_large_flush_goes_out_in_batch_jobs_and_the_reconciler_leaves_them_be(
    run_jobs, app, client, emulator, db_session, queues
):
    """A reminder round or a personalised broadcast: rows sent by threads inside batch jobs
    (the corp's rate, not one fork per row, is the limit); each row exactly once."""
    rows = [notice(db_session, f"bt{n:03d}", f"第{n}条") for n in range(outbox.BATCH_SIZE + 30)]
    db_session.commit()
    assert sorted(queues.queue("push").job_ids) == sorted(
        [f"deliver-batch-{rows[0].id}", f"deliver-batch-{rows[outbox.BATCH_SIZE].id}"]
    )
    # While the batches wait, the reconciler does not queue the rows again one by one.
    with app.app_context():
        assert outbox._in_live_batches([str(r.id) for r in rows]) == {str(r.id) for r in rows}
    run_jobs()
    db_session.expire_all()
    assert {r.status for r in rows} == {OutboundStatus.sent}
    assert sorted(d.to_user for d in delivered(emulator)) == sorted(f"bt{n:03d}" for n in range(len(rows)))
    with app.app_context():  # a finished batch carries nothing any more
        assert outbox._in_live_batches([str(rows[0].id)]) == set()


def test_a_batch_claims_and_marks_in_bulk_and_treats_each_odd_row_as_deliver_would(
    run_jobs, app, client, emulator, db_session, queues
):
    """One batch of 30: single-member rows (one a name WeCom does not know, one already sent, one
    whose call fails transiently), a broadcast row and a member named twice. Each ends as
    `deliver` alone would leave it, and every reachable member gets each message once."""
    names = [f"bk{n:02d}" for n in range(26)]
    emulator.state.users = {u: {"userid": u, "name": u, "department": [1]} for u in [*names, "bkall"]}
    rows = [notice(db_session, user, f"通知{n}") for n, user in enumerate(names)]
    rows.append(notice(db_session, "bk00", "第二条", key="bk00-second"))
    unknown = notice(db_session, "bk-gone", "查无此人")
    wide = OutboundMessage(
        kind="text", to_users="bk01|bkall", params={"content": "全体"}, dedupe_key="bk-wide"
    )
    db_session.add(wide)
    done_already = notice(db_session, "bk02", "早已发出", key="bk-done")
    db_session.commit()
    done_already.status = OutboundStatus.sent  # a rescue job sent it before the batch ran
    db_session.commit()
    client.access_token()
    emulator.state.faults.append(("message/send", -1))  # the first call anywhere in the batch
    run_jobs()
    db_session.expire_all()
    assert unknown.status == OutboundStatus.failed and unknown.errcode == 81013
    assert done_already.status == OutboundStatus.sent and done_already.attempts == 0
    assert {r.status for r in [*rows, wide]} == {OutboundStatus.sent}
    assert all(r.msgid for r in [*rows, wide]) and {r.attempts for r in rows} <= {1, 2}
    # The one the fault hit (any of them: the calls run in threads) went again in a job of its own.
    assert sum(r.attempts == 2 for r in [*rows, wide, unknown]) == 1
    texts = sorted((d.to_user, d.body["text"]["content"]) for d in delivered(emulator))
    wanted = sorted(
        [(u, f"通知{n}") for n, u in enumerate(names)]
        + [("bk00", "第二条"), ("bk01", "全体"), ("bkall", "全体")]
    )
    assert texts == wanted
