"""Chat commands for learning: 学时 (this year's hours so far) and 学习 (the newest lessons)."""

from __future__ import annotations

from flask import current_app

from handlers import learning
from wecom.commands import router
from wecom.router import CallbackContext, Reply

#: 学习 lists at most this many lessons (the rest are on the H5 page).
NEWEST = 5


def _link(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


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
        f"（在线课程 {fmt(hours.online)}，党课 {fmt(hours.lectures)}）。详情：{_link('/m/study')}",
    )


@router.command("学习", "课程", help="查看最新课程")
def newest_lessons(ctx: CallbackContext) -> Reply:
    lessons = learning.published(ctx.session)[:NEWEST]
    if not lessons:
        return Reply("text", "暂无新课程。")
    lines = [
        f"{n}. {lesson.title}（{learning.format_hours(lesson.credit_hours)} 学时）"
        for n, lesson in enumerate(lessons, start=1)
    ]
    return Reply("text", "最新课程：\n" + "\n".join(lines) + f"\n学习入口：{_link('/m/lessons')}")
