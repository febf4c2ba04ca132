"""Chat for the 书记信箱, 通知公告 and 任务督办: 信箱 tells a recipient how many letters wait for them,
and a member where to write (and how many of their named letters have been answered); 通知 lists
the member's latest notices; 任务 the tasks they owe a step on; 收到 on a notice or task card
acknowledges it, and 提交 on a task card answers with the page to submit on."""

from __future__ import annotations

import uuid

from handlers import mailbox, notices, tasks
from handlers.errors import Forbidden
from handlers.policy import load_actor
from models import Person
from wecom.renderers import page_url
from wecom.router import CallbackContext, Reply, router


@router.command("信箱", "书记信箱", help="给支部书记或党委组织部写信，或查看待答复的来信")
def mailbox_command(ctx: CallbackContext) -> Reply:
    if ctx.person is None or ctx.person.membership is None:
        return Reply("text", "书记信箱供本院党员使用。")
    lines = []
    waiting = mailbox.open_count(ctx.session, load_actor(ctx.session, ctx.person))
    if waiting:
        lines.append(f"您有 {waiting} 封来信待答复：{page_url('admin.mailbox_inbox')}")
    answered = sum(1 for m in mailbox.mine(ctx.session, ctx.person) if m.answered_at)
    lines.append(f"写信（可匿名）：{page_url('h5.mailbox_page')}")
    if answered:
        lines.append(f"您的署名来信已有 {answered} 封得到答复。")
    return Reply("text", "\n".join(lines))


@router.command("通知", "通知公告", help="查看最近的通知公告")
def notices_command(ctx: CallbackContext) -> Reply:
    if ctx.person is None:
        return Reply("text", "您的企业微信账号尚未同步到党建系统。")
    rows = notices.mine(ctx.session, ctx.person, limit=5)
    if not rows:
        return Reply("text", f"最近没有通知。全部通知：{page_url('h5.notice_list')}")
    lines = [
        f"· {r.notice.title}{'（请回复收到）' if r.notice.needs_ack and not r.acked_at else ''}" for r in rows
    ]
    return Reply("text", "最近的通知：\n" + "\n".join(lines) + f"\n全部通知：{page_url('h5.notice_list')}")


@router.card_action("notice_ack")
def notice_ack(ctx: CallbackContext) -> Reply:
    """收到 tapped on a notice card: acknowledged, the button greys out."""
    notices.acknowledge(ctx.session, _staff(ctx), _card_id(ctx, "这张通知卡片无效。"))
    return Reply("update_button", "已收到")


def _staff(ctx: CallbackContext) -> Person:
    if ctx.person is None or not ctx.person.is_active:
        raise Forbidden("您的企业微信账号尚未同步到党建系统。")
    return ctx.person


def _card_id(ctx: CallbackContext, invalid: str) -> uuid.UUID:
    try:
        return uuid.UUID(ctx.argument)
    except ValueError:
        raise Forbidden(invalid) from None


@router.command("任务", "督办", help="查看需要您办理的任务")
def tasks_command(ctx: CallbackContext) -> Reply:
    rows = [
        r for r in tasks.owed(ctx.session, load_actor(ctx.session, _staff(ctx))) if r.status != "accepted"
    ]
    if not rows:
        return Reply("text", f"目前没有需要您办理的任务。全部任务：{page_url('h5.task_list')}")
    lines = [
        f"· {r.task.title}（{'已逾期' if tasks.is_overdue(r) else tasks.STATUS_LABELS[r.status]}，"
        f"截止 {r.deadline:%m月%d日}）"
        for r in rows[:8]
    ]
    return Reply(
        "text", "需要您办理的任务：\n" + "\n".join(lines) + f"\n全部任务：{page_url('h5.task_list')}"
    )


@router.card_action("task_ack")
def task_ack(ctx: CallbackContext) -> Reply:
    """收到 on a task card: the recipient has it in hand; the button greys out."""
    actor = load_actor(ctx.session, _staff(ctx))
    tasks.acknowledge(ctx.session, actor, _card_id(ctx, "这张任务卡片无效。"))
    return Reply("update_button", "已收到")


@router.card_action("task_submit", writes=False)
def task_submit(ctx: CallbackContext) -> Reply:
    """提交 on a task card: a submission carries a report or files, so it is made on the task's page."""
    actor = load_actor(ctx.session, _staff(ctx))
    row = tasks.for_recipient(ctx.session, actor, _card_id(ctx, "这张任务卡片无效。"))
    return Reply(
        "text",
        f"请在任务页面填写并提交「{row.task.title}」：{page_url('h5.task_page', assignment_id=row.id)}",
    )


@router.card_action("ballot")
def ballot_on_card(ctx: CallbackContext) -> Reply:
    """A short ballot's 提交 on its vote card: one vote, as on the H5 form; the receipt code comes
    back in the member's own chat, once (a second submit of the card is refused, nothing changes)."""
    from handlers import ballots

    ballot_id = _card_id(ctx, "这张投票卡片无效。")
    ballot, _voted = ballots.open_for(ctx.session, _staff(ctx), ballot_id)
    (question,) = ballot.questions
    chosen = [
        question.options[int(o)]
        for item in ctx.inbound.selected_items
        for o in item.option_ids
        if o.isdigit() and int(o) < len(question.options)
    ]
    answer = chosen if question.kind == "multiple" else (chosen[0] if len(chosen) == 1 else chosen)
    code = ballots.vote(ctx.session, ctx.person, ballot.id, {"q1": answer})
    return Reply(
        "text", f"已提交“{ballot.title}”。回执码：{code}（只显示这一次，可在手机“投票和问卷”中核对已计入）"
    )
