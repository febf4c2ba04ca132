"""A campaign in chat: the lesson arrives as a news card with its cover and link; a short quiz as a
vote card answered on the card itself — scored on the server, once, however often it is submitted."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers import learning, reminders
from handlers.learning import campaigns, quizzes
from handlers.policy import Actor
from models import OrgKind, PointEntry, QuizAttempt
from models.base import utcnow
from tests.helpers.chat import card_for, opened
from wecom.emulator import wire

pytestmark = pytest.mark.usefixtures("queues")


def publish(session, **fields):
    lesson = learning.save_lesson(session, Actor.cli(), learning.LessonDraft(**fields))
    learning.set_status(session, Actor.cli(), lesson.id, status="published")
    return lesson


def test_a_news_card_and_a_quiz_answered_on_its_card(app, db_session, emulator, run_jobs, send, wecom,
                                                      make_org, make_member, make_person):  # fmt: skip
    branch = make_org(OrgKind.branch, name="检验科党支部")
    for n in range(2):
        make_member(branch=branch, person=make_person(wecom_userid=f"jy-{n}", name=f"检验师{n}"))
    article = publish(
        db_session, kind="article", title="党章第一章", summary="十分钟", body_html="<p>x</p>",
        credit_hours="1", min_minutes="5",
    )  # fmt: skip
    quiz = publish(
        db_session, kind="quiz", title="党章小测", credit_hours="0", min_minutes="",
        quiz_text="[单选] 入党誓词由谁宣读？\nA. 本人\nB. 介绍人\n答案：A",
    )  # fmt: skip
    now = utcnow() - timedelta(minutes=1)
    campaigns.launch(
        db_session, Actor.cli(), title="十二月学习", lesson_ids=[article.id, quiz.id], org_ids=[branch.id],
        send_at=now, deadline=now + timedelta(days=3), now=now,
    )  # fmt: skip
    reminders.dispatch_due(db_session, now=utcnow() + timedelta(hours=12))
    db_session.commit()
    run_jobs()
    news = next(
        d
        for d in emulator.state.deliveries
        if d.to_user == "jy-0" and d.body.get("template_card", {}).get("card_type") == "news_notice"
    )
    card = news.body["template_card"]
    assert card["main_title"]["title"] == "党章第一章" and "十二月学习" in card["main_title"]["desc"]
    assert card["card_action"]["url"].endswith(f"/m/lessons/{article.id}")
    assert card["card_image"]["url"].endswith("/static/lesson-cover.png")
    vote = card_for(emulator, "jy-1", "qz")
    assert [o["text"] for o in vote.body["template_card"]["checkbox"]["option_list"]] == ["本人", "介绍人"]
    [question] = quizzes.questions_of(db_session, quiz)

    def submit(option, later=0):
        xml = wire.card_event_xml(
            app.config["WECOM_CORP_ID"], "jy-1", app.config["WECOM_AGENT_ID"], event_key=f"quiz:{quiz.id}",
            task_id=vote.task_id, response_code=vote.response_code, card_type="vote_interaction",
            selected=[(str(question.id), [option])], create_time=int(time.time()) + later,
        )  # fmt: skip
        return opened(wecom, send(xml)).find("Button/ReplaceName").text

    assert submit("0") == "答对1/1，合格"
    assert submit("1", later=5) == "答对1/1，合格"  # the same card again: its first result stands
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    assert [e.points for e in db_session.scalars(select(PointEntry))] == [3]
    from handlers import people

    passed = learning.record_of(db_session, people.find_by_wecom_userid(db_session, "jy-1"), quiz)
    assert passed.completed_at is not None  # a standalone quiz is done once passed
