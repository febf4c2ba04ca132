"""Chat for dues: 党费 answers with the member's own year, as 我的党费 shows it."""

from __future__ import annotations

from handlers import dues
from wecom.renderers import page_url
from wecom.router import CallbackContext, Reply, router


@router.command("党费", "交党费", help="查看本人本年党费")
def my_dues(ctx: CallbackContext) -> Reply:
    if ctx.person is None:
        return Reply("text", "您的企业微信账号尚未同步到党建系统。")
    year = dues.my_year(ctx.session, ctx.person)
    if year is None:
        return Reply("text", "党费由组织关系所在党组织收缴；您的组织关系不在本院党员名册中。")
    return Reply("text", f"{dues.chat_summary(year)}\n详情：{page_url('h5.my_dues')}")
