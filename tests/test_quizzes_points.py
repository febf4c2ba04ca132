"""Quizzes scored on the server (submitted twice scores once), points as a ledger of outcomes with
daily caps and once-only credit, honest time for video, and no ranking of people anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from handlers import learning
from handlers.errors import NotFound, ValidationFailed
from handlers.learning import points, quizzes
from handlers.policy import Actor
from models import AuditEvent, LessonStatus, OrgKind, PointEntry, StudyRecord

NOW = datetime(2026, 11, 20, 2, tzinfo=UTC)
QUIZ = """[单选] 党的最高理想和最终目标是什么？
A. 实现共产主义
B. 全面建成小康社会
答案：A
解析：党章总纲写明。

[多选] 党员的义务包括哪些？
A. 按期交纳党费
B. 认真学习
C. 无故缺席组织生活
答案：AB

[判断] 预备党员有表决权。
答案：错"""
RIGHT = [[0], [0, 1], [1]]


def make_lesson(session, *, kind="article", quiz=QUIZ, title="党章第一章", minutes="1", credit="0.5"):
    draft = learning.LessonDraft(
        kind=kind,
        title=title,
        body_html="<p>正文</p>",
        credit_hours=credit,
        min_minutes=minutes,
        url="https://intranet.example/v.mp4" if kind in ("video", "audio") else "",
        quiz_text=quiz,
    )
    lesson = learning.save_lesson(session, Actor.cli(), draft)
    learning.set_status(session, Actor.cli(), lesson.id, status="published")
    return lesson


def answers_for(session, lesson, chosen=RIGHT):
    return {str(q.id): c for q, c in zip(quizzes.questions_of(session, lesson), chosen, strict=True)}


@pytest.fixture
def nurse(make_member, make_org):
    return make_member(branch=make_org(OrgKind.branch)).person


def test_the_quiz_text_is_read_and_each_mistake_is_named_by_question():
    parsed = quizzes.parse(QUIZ)
    assert [q.kind.value for q in parsed] == ["single", "multiple", "true_false"]
    assert parsed[1].answer == [0, 1] and parsed[2].options == ["正确", "错误"] and parsed[2].answer == [1]
    for text, says in [
        ("党的宗旨？\n答案：A", "第 1 题应以 [单选]"),
        ("[单选] 题\nA. 甲\nB. 乙\n答案：C", "第 1 题的答案应为选项字母"),
        ("[单选] 题\nA. 甲\nB. 乙\n答案：AB", "单选题，答案只能有一个"),
        ("[多选] 题\nA. 甲\nB. 乙\n答案：A", "多选题，答案至少两个"),
        (QUIZ + "\n\n[判断] 题\n答案：也许", "第 4 题判断题的答案"),
        ("[单选] 题\nB. 甲\n答案：B", "按 A、B、C… 依次排列"),
    ]:
        with pytest.raises(ValidationFailed, match=says.replace("[", r"\[").replace("]", r"\]")):
            quizzes.parse(text)
    # The stored quiz reads back as the same text the office typed.
    assert quizzes.parse(QUIZ) == quizzes.parse(
        quizzes.as_text(
            [
                type(
                    "Q",
                    (),
                    {
                        "kind": q.kind,
                        "text": q.text,
                        "options": q.options,
                        "answer": q.answer,
                        "explanation": q.explanation,
                    },
                )
                for q in parsed
            ]
        )
    )


def test_the_result_names_each_wrong_answer_with_the_right_one_and_why(
    db_session, nurse, make_member, make_org
):
    lesson = make_lesson(db_session)
    learning.open_lesson(db_session, nurse, lesson.id, now=NOW)
    [first, second, third] = quizzes.questions_of(db_session, lesson)
    assert first.explanation == "党章总纲写明。" and second.explanation is None
    attempt = quizzes.submit(
        db_session,
        nurse,
        lesson.id,
        token=quizzes.new_token(),
        answers=answers_for(db_session, lesson, [[1], [0, 1], [1]]),
        now=NOW,
    ).attempt
    marked = quizzes.review(db_session, nurse, lesson, str(attempt.id))
    assert [m.right for m in marked] == [False, True, True]
    assert marked[0].chosen == ["B. 全面建成小康社会"] and marked[0].correct_answer == ["A. 实现共产主义"]
    assert marked[0].question.explanation == "党章总纲写明。"
    # Somebody else's attempt, or no attempt, reviews as nothing.
    other = make_member(branch=make_org(OrgKind.branch)).person
    assert quizzes.review(db_session, other, lesson, str(attempt.id)) == []
    assert quizzes.review(db_session, nurse, lesson, "not-an-id") == []
    # The explanation survives the round trip through the console's text.
    assert "解析：党章总纲写明。" in quizzes.as_text(quizzes.questions_of(db_session, lesson))


def test_answers_are_scored_on_the_server_and_a_resubmission_scores_once(db_session, nurse):
    lesson = make_lesson(db_session)
    learning.open_lesson(db_session, nurse, lesson.id, now=NOW)
    token = quizzes.new_token()
    with pytest.raises(ValidationFailed, match="请回答全部题目"):
        quizzes.submit(db_session, nurse, lesson.id, token=token, answers={})
    wrong = answers_for(db_session, lesson, [[1], [0, 1], [1]])
    failed = quizzes.submit(db_session, nurse, lesson.id, token=token, answers=wrong, now=NOW)
    assert (failed.attempt.correct, failed.attempt.total, failed.attempt.passed, failed.points) == (
        2,
        3,
        True,
        3,
    )
    # The same page sent again — even with other answers — is the same attempt, scored once.
    again = quizzes.submit(
        db_session, nurse, lesson.id, token=token, answers=answers_for(db_session, lesson), now=NOW
    )
    assert not again.scored_now and again.attempt.id == failed.attempt.id and again.attempt.correct == 2
    # A new attempt may do better, but passing credits its points only once.
    better = quizzes.submit(
        db_session,
        nurse,
        lesson.id,
        token=quizzes.new_token(),
        answers=answers_for(db_session, lesson),
        now=NOW,
    )
    assert better.attempt.correct == 3 and better.points == 0
    entries = db_session.scalars(select(PointEntry).where(PointEntry.activity == "quiz")).all()
    assert [e.points for e in entries] == [3]
    # Answers that do not exist on the question are refused, and an unpublished quiz is not there.
    with pytest.raises(ValidationFailed):
        quizzes.submit(
            db_session,
            nurse,
            lesson.id,
            token=quizzes.new_token(),
            answers=answers_for(db_session, lesson, [[7], [0], [1]]),
        )
    learning.set_status(db_session, Actor.cli(), lesson.id, status="archived")
    with pytest.raises(NotFound):
        quizzes.submit(db_session, nurse, lesson.id, token=quizzes.new_token(), answers=wrong)


def test_a_standalone_quiz_is_completed_by_passing_it_not_by_time(db_session, nurse):
    quiz = make_lesson(db_session, kind="quiz", quiz="[判断] 党员应当按期交纳党费。\n答案：对", credit="0.5")
    learning.open_lesson(db_session, nurse, quiz.id, now=NOW)
    for n in range(1, 10):
        learning.beat(db_session, nurse, quiz.id, now=NOW + timedelta(seconds=15 * n))
    record = learning.record_of(db_session, nurse, quiz)
    assert record.completed_at is None
    [question] = quizzes.questions_of(db_session, quiz)
    quizzes.submit(
        db_session, nurse, quiz.id, token=quizzes.new_token(), answers={str(question.id): [1]}, now=NOW
    )
    assert learning.record_of(db_session, nurse, quiz).completed_at is None  # failed: not complete
    quizzes.submit(
        db_session, nurse, quiz.id, token=quizzes.new_token(), answers={str(question.id): [0]}, now=NOW
    )
    record = learning.record_of(db_session, nurse, quiz)
    assert record.completed_at is not None and record.credited_hours == quiz.credit_hours


def test_points_have_a_daily_cap_per_activity_and_each_outcome_counts_once(db_session, nurse):
    # points.lesson = 2, points.lesson_daily_cap = 6: the fourth lesson of a day earns nothing.
    lessons = [make_lesson(db_session, quiz="", title=f"第{n}课") for n in range(4)]
    day = NOW.replace(hour=1)
    for lesson in lessons:
        learning.open_lesson(db_session, nurse, lesson.id, now=day)
        for n in range(1, 5):
            learning.beat(db_session, nurse, lesson.id, now=day + timedelta(seconds=15 * n))
        # More beats after completion do not credit again.
        learning.beat(db_session, nurse, lesson.id, now=day + timedelta(seconds=90))
    entries = db_session.scalars(select(PointEntry).order_by(PointEntry.created_at)).all()
    assert [(e.points, e.capped) for e in entries] == [(2, False), (2, False), (2, False), (0, True)]
    # The next day the cap starts again; the same outcome is never credited twice.
    member = nurse.membership
    assert (
        points.award(
            db_session,
            member,
            "lesson",
            source_key=f"lesson:{lessons[0].id}",
            label="again",
            now=day + timedelta(days=1),
        )
        is None
    )
    tomorrow = points.award(
        db_session, member, "lesson", source_key="lesson:another", label="另一课", now=day + timedelta(days=1)
    )
    assert tomorrow.points == 2
    ledger = points.ledger_of(db_session, member, now=day)
    assert ledger.total == 8 and len(ledger.entries) == 5


def test_attending_a_signed_off_meeting_earns_points_and_a_struck_off_check_in_does_not(
    db_session, make_member, make_org, make_actor
):
    from handlers import meetings
    from handlers.meetings import SessionPlan
    from models import Attendance, CheckInMethod, Role

    branch = make_org(OrgKind.branch)
    here, struck = make_member(branch=branch), make_member(branch=branch)
    secretary = make_actor(Role.secretary, branch)
    start = NOW + timedelta(hours=5)
    meeting = meetings.plan_meeting(
        db_session,
        secretary,
        org_id=branch.id,
        kinds=["party_lecture"],
        topic="党课：廉洁行医",
        agenda="",
        venue_mode="online",
        online_room="腾讯会议 123-456",
        sessions=[SessionPlan("全体", start, start + timedelta(hours=1), None)],
        now=NOW,
    )
    first = meeting.sessions[0]
    for member in (here, struck):
        db_session.add(
            Attendance(
                meeting_id=meeting.id,
                session_id=first.id,
                member_id=member.id,
                method=CheckInMethod.host,
                checked_in_at=first.starts_at,
            )
        )
    db_session.flush()
    meetings.confirm(db_session, secretary, meeting_id=meeting.id, member_id=struck.id, present=False)
    meeting.minutes = "会议记录"
    meetings.sign_off(db_session, secretary, meeting_id=meeting.id, now=first.starts_at + timedelta(hours=2))
    earned = db_session.scalars(select(PointEntry).where(PointEntry.activity == "meeting")).all()
    assert [(e.member_id, e.points) for e in earned] == [(here.id, 2)]


def test_a_paused_video_earns_no_time_and_a_claim_beyond_the_clock_is_ignored_and_noted(db_session, nurse):
    video = make_lesson(db_session, kind="video", quiz="", minutes="10")
    assert video.min_seconds == 540  # watched to 90% of ten minutes
    learning.open_lesson(db_session, nurse, video.id, now=NOW)
    paused = learning.beat(db_session, nurse, video.id, now=NOW + timedelta(seconds=15), claimed=0)
    assert paused.seconds == 0
    playing = learning.beat(db_session, nurse, video.id, now=NOW + timedelta(seconds=30), claimed=15)
    assert playing.seconds == 15
    # The page claims ten minutes in fifteen seconds: the server's clock wins, and it is noted.
    forged = learning.beat(db_session, nurse, video.id, now=NOW + timedelta(seconds=45), claimed=600)
    assert forged.seconds == 30
    noted = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "study.beat_refused"))
    assert noted is not None and '"overclaim"' in noted.detail


def test_nothing_anywhere_ranks_people_by_points_or_study(app, db_session, nurse):
    """No route, API operation or handler lists people by points or hours."""
    words = ("rank", "leader", "top", "排名", "排行")
    assert not [r.rule for r in app.url_map.iter_rules() if any(w in r.rule.lower() for w in words)]
    assert not [name for name in dir(points) if any(w in name.lower() for w in words)]
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert not [p for p in spec["paths"] if "point" in p or any(w in p for w in words)]
    # The ledger is read for one member only: there is no "all members' points" query to call.
    assert points.ledger_of.__code__.co_varnames[:2] == ("session", "member")


def test_a_published_quiz_cannot_be_changed_under_those_who_took_it(db_session):
    lesson = make_lesson(db_session)
    from handlers.errors import Conflict

    with pytest.raises(Conflict, match="已发布"):
        learning.save_lesson(
            db_session,
            Actor.cli(),
            learning.LessonDraft(
                kind="article", title="x", body_html="<p>x</p>", credit_hours="1", min_minutes="1"
            ),
            lesson_id=lesson.id,
        )
    assert lesson.status == LessonStatus.published and db_session.scalar(select(StudyRecord)) is None
