"""Quizzes: a lesson's questions (single choice, multiple choice, true/false), scored on the server.

The committee office writes a quiz as plain text — the same text a workbook's 测验 column holds
for bulk import:

    [单选] 党的最高理想和最终目标是什么？
    A. 实现共产主义
    B. 全面建成小康社会
    答案：A
    解析：党章总纲：党的最高理想和最终目标是实现共产主义。（选填，答题后给党员看）

    [判断] 党员应当按期交纳党费。
    答案：对

Answers never reach the member's page before submission. An attempt carries the token of the
page (or card) it came from, so the same submission sent twice — a double tap, a replayed
callback — is one attempt, scored once. Passing credits the quiz's points once, whatever the
number of attempts; a standalone quiz counts as completed when passed.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers import rules
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.learning import points
from models import (
    Lesson,
    LessonKind,
    LessonStatus,
    Person,
    QuestionKind,
    QuizAttempt,
    QuizQuestion,
    StudyRecord,
)
from models.base import CHINA, utcnow

KIND_MARKS = {"单选": QuestionKind.single, "多选": QuestionKind.multiple, "判断": QuestionKind.true_false}
KIND_LABELS = {v: k for k, v in KIND_MARKS.items()}
TRUE_FALSE = ["正确", "错误"]
LETTERS = "ABCDEFGHIJ"
MAX_QUESTIONS = 50
_OPTION = re.compile(r"^([A-J])[.．、:：)）]\s*(.+)$")
_ANSWER = re.compile(r"^答案[:：]\s*(.+)$")
_EXPLANATION = re.compile(r"^解析[:：]\s*(.+)$")
_HEAD = re.compile(r"^[\[【](单选|多选|判断)[\]】]\s*(.+)$")


@dataclass(frozen=True)
class ParsedQuestion:
    kind: QuestionKind
    text: str
    options: list[str]
    answer: list[int]
    explanation: str | None = None


def parse(text: str) -> list[ParsedQuestion]:
    """The quiz text as questions, or a ValidationFailed naming the question that is wrong."""
    blocks = [b for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()) if b.strip()]
    if not blocks:
        raise ValidationFailed("请填写测验题目。", field="quiz")
    if len(blocks) > MAX_QUESTIONS:
        raise ValidationFailed(f"一份测验最多 {MAX_QUESTIONS} 题。", field="quiz")
    questions = []
    for number, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        where = f"第 {number} 题"
        head = _HEAD.match(lines[0])
        if head is None:
            raise ValidationFailed(f"{where}应以 [单选]、[多选] 或 [判断] 开头。", field="quiz")
        kind, question = KIND_MARKS[head.group(1)], head.group(2).strip()
        if len(question) > 300:
            raise ValidationFailed(f"{where}题目不能超过 300 字。", field="quiz")
        options, answer_text, explanation = [], None, None
        for line in lines[1:]:
            if explanation is not None and not _ANSWER.match(line):  # 解析 may run over lines
                explanation += "\n" + line
            elif match := _EXPLANATION.match(line):
                explanation = match.group(1).strip()
            elif match := _OPTION.match(line):
                if match.group(1) != LETTERS[len(options)]:
                    raise ValidationFailed(f"{where}的选项应按 A、B、C… 依次排列。", field="quiz")
                options.append(match.group(2).strip()[:60])
            elif match := _ANSWER.match(line):
                answer_text = match.group(1).strip()
            else:
                raise ValidationFailed(f"{where}有一行看不懂：“{line[:20]}”。", field="quiz")
        if answer_text is None:
            raise ValidationFailed(f"{where}缺少“答案：”一行。", field="quiz")
        if kind == QuestionKind.true_false:
            if options:
                raise ValidationFailed(f"{where}是判断题，不需要选项。", field="quiz")
            if answer_text not in ("对", "错", "正确", "错误", "√", "×"):
                raise ValidationFailed(f"{where}判断题的答案应为“对”或“错”。", field="quiz")
            options, answer = list(TRUE_FALSE), [0 if answer_text in ("对", "正确", "√") else 1]
        else:
            if len(options) < 2:
                raise ValidationFailed(f"{where}至少需要两个选项。", field="quiz")
            letters = [c for c in answer_text.upper() if not c.isspace() and c not in ",，、"]
            if not letters or any(c not in LETTERS[: len(options)] for c in letters):
                raise ValidationFailed(f"{where}的答案应为选项字母，如 A 或 AC。", field="quiz")
            answer = sorted({LETTERS.index(c) for c in letters})
            if kind == QuestionKind.single and len(answer) != 1:
                raise ValidationFailed(f"{where}是单选题，答案只能有一个。", field="quiz")
            if kind == QuestionKind.multiple and len(answer) < 2:
                raise ValidationFailed(f"{where}是多选题，答案至少两个；只有一个请用 [单选]。", field="quiz")
        if explanation is not None and len(explanation) > 500:
            raise ValidationFailed(f"{where}的解析不能超过 500 字。", field="quiz")
        questions.append(ParsedQuestion(kind, question, options, answer, explanation))
    return questions


def as_text(questions: list[QuizQuestion]) -> str:
    """The stored quiz back as the text the console edits."""
    blocks = []
    for q in questions:
        lines = [f"[{KIND_LABELS[q.kind]}] {q.text}"]
        if q.kind == QuestionKind.true_false:
            lines.append(f"答案：{'对' if q.answer == [0] else '错'}")
        else:
            lines += [f"{LETTERS[i]}. {option}" for i, option in enumerate(q.options)]
            lines.append("答案：" + "".join(LETTERS[i] for i in q.answer))
        if q.explanation:
            lines.append(f"解析：{q.explanation}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def questions_of(session: Session, lesson: Lesson) -> list[QuizQuestion]:
    return list(
        session.scalars(
            select(QuizQuestion).where(QuizQuestion.lesson_id == lesson.id).order_by(QuizQuestion.position)
        )
    )


def replace_quiz(session: Session, lesson: Lesson, text: str, *, pass_percent: str | int | None) -> None:
    """Write (or clear, with empty text) an unpublished lesson's quiz. A standalone quiz must
    have questions."""
    if not (text or "").strip():
        if lesson.kind == LessonKind.quiz:
            raise ValidationFailed("独立测验必须有题目。", field="quiz")
        session.execute(delete(QuizQuestion).where(QuizQuestion.lesson_id == lesson.id))
        lesson.pass_percent = None
        return
    parsed, percent = parse(text), parse_pass_percent(session, pass_percent)
    session.execute(delete(QuizQuestion).where(QuizQuestion.lesson_id == lesson.id))
    for position, q in enumerate(parsed):
        session.add(
            QuizQuestion(
                lesson_id=lesson.id,
                position=position,
                kind=q.kind,
                text=q.text,
                options=q.options,
                answer=q.answer,
                explanation=q.explanation,
            )
        )
    lesson.pass_percent = percent


def parse_pass_percent(session: Session, raw: str | int | None) -> int:
    if raw in (None, ""):
        return rules.value(session, "study.quiz_pass_percent")
    if not str(raw).isdigit() or not 1 <= int(raw) <= 100:
        raise ValidationFailed("合格线应为 1–100 的整数（答对百分比）。", field="pass_percent")
    return int(raw)


def new_token() -> str:
    """The page's token: one attempt per page shown (a resubmission of it is the same attempt)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Outcome:
    attempt: QuizAttempt
    #: False when this submission had already been scored (sent twice).
    scored_now: bool
    points: int


@dataclass(frozen=True)
class Marked:
    """One question of a submitted attempt, as its member sees it afterwards."""

    question: QuizQuestion
    chosen: list[str]
    correct_answer: list[str]
    right: bool


def review(session: Session, person: Person, lesson: Lesson, attempt_id: str | None) -> list[Marked]:
    """The member's own attempt question by question: what they chose, what was right and the
    解析. Another member's attempt, or none, reviews as nothing (out of scope looks like absent)."""
    member = person.membership
    try:
        wanted = uuid.UUID(str(attempt_id))
    except ValueError:
        return []
    attempt = session.get(QuizAttempt, wanted) if member else None
    if attempt is None or attempt.member_id != member.id or attempt.lesson_id != lesson.id:
        return []

    def texts(q: QuizQuestion, indexes: list[int]) -> list[str]:
        return [
            (q.options[i] if q.kind == QuestionKind.true_false else f"{LETTERS[i]}. {q.options[i]}")
            for i in indexes
            if 0 <= i < len(q.options)
        ]

    marked = []
    for q in questions_of(session, lesson):
        chosen = attempt.answers.get(str(q.id), [])
        marked.append(Marked(q, texts(q, chosen), texts(q, q.answer), sorted(chosen) == sorted(q.answer)))
    return marked


def submit(
    session: Session,
    person: Person,
    lesson_id: uuid.UUID | str,
    *,
    token: str,
    answers: dict[str, list[int]],
    now: datetime | None = None,
) -> Outcome:
    """Score a submission on the server. The same token again returns the first result."""
    now = now or utcnow()
    try:
        lesson = session.get(Lesson, uuid.UUID(str(lesson_id)))
    except ValueError:
        lesson = None
    if lesson is None or lesson.status != LessonStatus.published or lesson.pass_percent is None:
        raise NotFound("测验不存在或已下架。")
    member = person.membership
    if member is None:
        raise Forbidden("测验仅对党员开放。")
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", token or ""):
        raise ValidationFailed("页面已过期，请刷新后重新作答。", field="token")
    earlier = session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.member_id == member.id, QuizAttempt.lesson_id == lesson.id, QuizAttempt.token == token
        )
    )
    if earlier is not None:
        return Outcome(earlier, False, 0)
    questions = questions_of(session, lesson)
    if any(str(q.id) not in answers or not answers[str(q.id)] for q in questions):
        raise ValidationFailed("请回答全部题目后再提交。", field="answers")
    for q in questions:
        chosen = answers[str(q.id)]
        if any(not 0 <= i < len(q.options) for i in chosen) or (
            q.kind != QuestionKind.multiple and len(chosen) != 1
        ):
            raise ValidationFailed("答案不正确，请刷新后重新作答。", field="answers")
    correct = sum(sorted(set(answers[str(q.id)])) == sorted(q.answer) for q in questions)
    passed = correct * 100 >= lesson.pass_percent * len(questions)
    attempt = QuizAttempt(
        member_id=member.id,
        lesson_id=lesson.id,
        token=token,
        answers={k: sorted(set(v)) for k, v in answers.items() if k in {str(q.id) for q in questions}},
        correct=correct,
        total=len(questions),
        passed=passed,
        submitted_at=now,
    )
    try:
        with session.begin_nested():  # the same submission arriving twice at once
            session.add(attempt)
    except IntegrityError:
        first = session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.member_id == member.id,
                QuizAttempt.lesson_id == lesson.id,
                QuizAttempt.token == token,
            )
        )
        return Outcome(first, False, 0)
    earned = 0
    if passed:
        earned = _credit_pass(session, member, lesson, now)
    return Outcome(attempt, True, earned)


def _credit_pass(session: Session, member, lesson: Lesson, now: datetime) -> int:
    """The first pass: noted on the study record (a standalone quiz is then complete), points once."""
    record = session.scalar(
        select(StudyRecord)
        .where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
        .with_for_update()
    )
    if record is None:
        record = StudyRecord(
            member_id=member.id, lesson_id=lesson.id, year=now.astimezone(CHINA).year, opened_at=now
        )
        session.add(record)
    if record.quiz_passed_at is None:
        record.quiz_passed_at = now
    if lesson.kind == LessonKind.quiz and record.completed_at is None:
        record.completed_at, record.credited_hours = now, lesson.credit_hours
    entry = points.award(
        session, member, "quiz", source_key=f"quiz:{lesson.id}", label=f"测验合格：{lesson.title}", now=now
    )
    session.flush()
    return entry.points if entry else 0


def best_of(session: Session, person: Person, lesson: Lesson) -> QuizAttempt | None:
    member = person.membership
    if member is None:
        return None
    return session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.member_id == member.id, QuizAttempt.lesson_id == lesson.id)
        .order_by(QuizAttempt.passed.desc(), QuizAttempt.correct.desc(), QuizAttempt.submitted_at)
        .limit(1)
    )


# -- quizzes on a card ----------------------------------------------------------------------------

#: WeCom's template card limits (vote_interaction: one question — shown as the card's 44-character
#: description — with ≤20 options of ≤17 characters; multiple_interaction: ≤3 single-choice
#: questions of ≤16 characters, ≤10 options of ≤16).
VOTE_QUESTION_CHARS, VOTE_OPTIONS, VOTE_OPTION_CHARS = 44, 20, 17
SELECT_QUESTIONS, SELECT_TITLE_CHARS, SELECT_OPTIONS, SELECT_OPTION_CHARS = 3, 16, 10, 16


def card_params(session: Session, lesson: Lesson, reason: str) -> dict | None:
    """A standalone quiz short enough to answer on the card itself; None when it must open in
    H5 (a lesson's own quiz always does: it follows the reading)."""
    if lesson.kind != LessonKind.quiz or lesson.pass_percent is None:
        return None
    questions = questions_of(session, lesson)
    shown = [
        {"key": str(q.id), "text": q.text, "options": q.options, "multiple": q.kind == QuestionKind.multiple}
        for q in questions
    ]
    base = {"lesson_id": str(lesson.id), "title": lesson.title, "reason": reason, "questions": shown}
    if (
        len(questions) == 1
        and len(questions[0].text) <= VOTE_QUESTION_CHARS
        and len(questions[0].options) <= VOTE_OPTIONS
        and all(len(o) <= VOTE_OPTION_CHARS for o in questions[0].options)
    ):
        return {**base, "layout": "vote"}
    fits = (
        1 <= len(questions) <= SELECT_QUESTIONS
        and all(q.kind != QuestionKind.multiple for q in questions)
        and all(len(q.text) <= SELECT_TITLE_CHARS and len(q.options) <= SELECT_OPTIONS for q in questions)
        and all(len(o) <= SELECT_OPTION_CHARS for q in questions for o in q.options)
    )
    return {**base, "layout": "select"} if fits else None
