"""Chat routes for meetings: 参加 and 签到 on the cards (leave is an approval: approval_routes)."""

from __future__ import annotations

import uuid

from handlers import meetings
from handlers.errors import Forbidden
from models import CheckInMethod
from models.base import utcnow
from wecom.router import CallbackContext, Reply, router


@router.card_action("meeting_attend")
def attend(ctx: CallbackContext) -> Reply:
    invitation_id, _, session_id = ctx.argument.partition(".")
    label = meetings.attend(
        ctx.session, ctx.person, invitation_id, session_id=session_id or None, now=utcnow()
    )
    return Reply("update_button", label)  # the card greys out: no second tap


@router.card_action("meeting_checkin")
def check_in(ctx: CallbackContext) -> Reply:
    """签到 on the card during the window. A refusal keeps the card live (the member may tap
    again inside the window) and says why; its audit line is committed with the reply."""
    try:
        session_id = uuid.UUID(ctx.argument)
    except ValueError:
        raise Forbidden("这张签到卡片无效。") from None
    outcome = meetings.check_in(ctx.session, person=ctx.person, meeting_session_id=session_id,
                                method=CheckInMethod.card, now=utcnow())  # fmt: skip
    if not outcome.ok:
        return Reply("text", outcome.message)
    return Reply("update_button", "已签到")
