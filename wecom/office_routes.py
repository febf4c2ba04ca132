"""Chat for the 书记信箱 and 通知公告: 信箱 tells a recipient how many letters wait for them, and a
member where to write (and how many of their named letters have been answered); 通知 lists the
member's latest notices; 收到 on a notice card acknowledges it."""

from __future__ import annotations

from handlers import mailbox
from handlers.policy import load_actor
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
    from handlers import notices

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
    import uuid

    from handlers import notices
    from handlers.errors import Forbidden

    if ctx.person is None or not ctx.person.is_active:
        raise Forbidden("您的企业微信账号尚未同步到党建系统。")
    try:
        notice_id = uuid.UUID(ctx.argument)
    except ValueError:
        raise Forbidden("这张通知卡片无效。") from None
    notices.acknowledge(ctx.session, ctx.person, notice_id)
    return Reply("update_button", "已收到")
