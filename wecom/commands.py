"""The chat's routes: what Dangjian answers in WeCom. Each feature's routes are a module that
registers on the one router (wecom/router.py); the list below is every one of them, and this
module adds help, the app-opened event and the answer to text nobody understood."""

from __future__ import annotations

from handlers import workbench
from wecom import approval_routes, contacts, dues_routes, learning_routes, meeting_routes, office_routes
from wecom.router import CallbackContext, Reply, router

#: The modules whose routes make up the chat.
ROUTE_MODULES = (approval_routes, contacts, dues_routes, learning_routes, office_routes, meeting_routes)

GREETING = "您好，我是党建助手。"


@router.command("帮助", "help", "?", "？", "菜单", help="查看可用的指令")
def help_command(ctx: CallbackContext) -> Reply:
    lines = [GREETING + "您可以发送以下指令：", *router.help_lines()]
    if not ctx.is_staff:
        lines.append("（您的企业微信账号尚未同步到党建系统，如需使用请联系党委组织部。）")
    return Reply("text", "\n".join(lines))


@router.on_event("enter_agent")
def entered(ctx: CallbackContext) -> None:
    """A member opened the app: bring their workbench figures up to date (no chat reply:
    greeting someone every time they open the app would be noise)."""
    if ctx.person is not None and ctx.person.is_active:
        workbench.touch(ctx.session, [ctx.person])


@router.on_unknown_text
def unknown_text(ctx: CallbackContext) -> Reply:
    return Reply("text", f"没有听懂“{ctx.argument[:20]}”。发送【帮助】查看可用的指令。")
