"""Chat routes for approvals: 同意 on a decider's card, and the 待办 command."""

from __future__ import annotations

from handlers import approvals
from handlers.errors import Forbidden
from handlers.policy import load_actor
from models.base import utcnow
from wecom.router import CallbackContext, Reply, router

#: 待办 sends one card per pending decision, up to this many (the rest are on the H5 list).
TODO_CARDS = 5


def _decider(ctx: CallbackContext):  # noqa: ANN202 - an Actor
    if ctx.person is None or not ctx.person.is_active:
        raise Forbidden("您的企业微信账号尚未同步到党建系统。")
    return load_actor(ctx.session, ctx.person)


@router.card_action("approval_ok")
def approve(ctx: CallbackContext) -> Reply:
    """同意, decided at once; the tapped card greys out in the passive reply, the other
    deciders' cards by update_template_card from the outbox."""
    approvals.decide(ctx.session, _decider(ctx), slot_id=ctx.argument, approve=True, now=utcnow())
    return Reply("update_button", "已同意")


@router.card_action("leave_approve")
def approve_leave_card(ctx: CallbackContext) -> Reply:
    """同意 on a leave card sent before leave moved onto the engine (the key names the
    request, which kept the old leave id): decide its pending slot."""
    actor = _decider(ctx)
    request = approvals.get_request(ctx.session, actor, ctx.argument)
    slot = approvals.pending_slot_for(ctx.session, actor, request)
    if slot is None:
        raise Forbidden("该请假已处理或您不是审批人。")
    approvals.decide(ctx.session, actor, slot_id=slot.id, approve=True, now=utcnow())
    return Reply("update_button", "已批准")


@router.command("待办", "审批", "todo", help="查看待我审批的事项", writes=True)
def todo(ctx: CallbackContext) -> Reply:
    actor = _decider(ctx)
    slots = approvals.to_decide(ctx.session, actor)
    if not slots:
        return Reply("text", "目前没有待您审批的事项。")
    approvals.send_cards_again(ctx.session, ctx.person, slots[:TODO_CARDS], asked_at=ctx.inbound.create_time)
    more = f"，另有 {len(slots) - TODO_CARDS} 项请在“我的审批”中查看" if len(slots) > TODO_CARDS else ""
    return Reply("text", f"待您审批 {len(slots)} 项，已逐条发送卡片{more}。")
