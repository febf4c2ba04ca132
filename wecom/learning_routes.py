"""Chat for learning: 学时 (this year's hours so far), 学习 (this week's lessons), and a quiz
answered on its card."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from handlers import learning
from handlers.errors import Forbidden
from handlers.learning import quizzes
from models.base import local_text, utcnow
from wecom.renderers import page_url
from wecom.router import CallbackContext, Reply, router

#: 学习 lists at most this many lessons (the rest are on the H5 page).
NEWEST = 5


@router.command("学时", "学习时长", help="查看本年学习学时")
def study_hours(ctx: CallbackContext) -> Reply:
    if ctx.person is None or ctx.person.membership is None:
        return Reply("text", "学时记录仅对党员开放。")
    hours = learning.hours_this_year(ctx.session, ctx.person)
    fmt = learning.format_hours
    left = f"，还差 {fmt(hours.remaining)} 学时" if hours.remaining else "，已完成本年要求"
    return Reply(
        "text",
        f"本年已学 {fmt(hours.total)} / {hours.target} 学时{left}"
        f"（在线课程 {fmt(hours.online)}，党课 {fmt(hours.lectures)}，集中培训 {fmt(hours.training)}）。"
        f"详情：{page_url('h5.study_hours')}",
    )


@router.command("学习", "课程", help="查看本周课程")
def this_weeks_lessons(ctx: CallbackContext) -> Reply:
    """What is due for the member (pushed to them, not done), then lessons published this week."""
    if ctx.person is None:
        return Reply("text", "您的企业微信账号尚未同步到党建系统。")
    now = utcnow()
    plan = learning.plan_for(ctx.session, ctx.person, now)
    fmt = learning.format_hours
    lines = [
        f"· {d.lesson.title}（{fmt(d.lesson.credit_hours)} 学时，{local_text(d.deadline, '%m月%d日')}前）"
        for d in plan.due[:NEWEST]
    ]
    due_ids = {due.lesson.id for due in plan.due}
    week = [
        lesson
        for lesson in learning.published(ctx.session)
        if lesson.published_at and lesson.published_at > now - timedelta(days=7) and lesson.id not in due_ids
    ]
    lines += [
        f"· {lesson.title}（{fmt(lesson.credit_hours)} 学时，本周新课）"
        for lesson in week[: NEWEST - len(lines)]
    ]
    if not lines:
        return Reply("text", f"本周没有新课程，也没有待完成的学习。课程库：{page_url('h5.lesson_list')}")
    return Reply("text", "本周学习：\n" + "\n".join(lines) + f"\n学习入口：{page_url('h5.lesson_list')}")


@router.card_action("quiz")
def answer_on_card(ctx: CallbackContext) -> Reply:
    """A quiz card's 提交: scored on the server like the H5 page. The card's task id is the
    attempt's token, so the same card submitted twice (or its callback replayed) scores once."""
    if ctx.person is None or ctx.person.membership is None:
        raise Forbidden("测验仅对党员开放。")
    answers = {
        item.question_key: [int(o) for o in item.option_ids if o.isdigit()]
        for item in ctx.inbound.selected_items
    }
    token = "card-" + hashlib.sha256((ctx.inbound.task_id or "").encode()).hexdigest()[:32]
    outcome = quizzes.submit(ctx.session, ctx.person, ctx.argument, token=token, answers=answers)
    attempt = outcome.attempt
    verdict = "合格" if attempt.passed else "未合格"
    return Reply("update_button", f"答对{attempt.correct}/{attempt.total}，{verdict}")
