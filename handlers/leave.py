"""请假 for a meeting, as the meetings pages ask it: a thin door onto the approvals engine's
`meeting_leave` kind (handlers/approval_kinds/meeting_leave.py), where the rules live."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers import approvals
from models import ApprovalRequest, Person


def request_leave(
    session: Session, person: Person | None, *, invitation_id: str, reason: str, now: datetime | None = None
) -> ApprovalRequest:
    form = {"invitation_id": invitation_id, "reason": reason}
    return approvals.submit(session, person, "meeting_leave", raw_form=form, now=now)
