"""请假 for a meeting, as the meetings pages ask it: a thin door onto the approvals engine's
`meeting_leave` kind (handlers/approval_kinds/meeting_leave.py), where the rules live."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import approvals
from models import ApprovalRequest, Person


def request_leave(
    session: Session, person: Person | None, *, invitation_id: str, reason: str, now: datetime | None = None
) -> ApprovalRequest:
    form = {"invitation_id": invitation_id, "reason": reason}
    return approvals.submit(session, person, "meeting_leave", form, now=now)


def latest_request(session: Session, meeting_id: uuid.UUID, person: Person) -> ApprovalRequest | None:
    """The member's most recent leave request for the meeting (the meeting page shows its state)."""
    return session.scalar(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.kind == "meeting_leave",
            ApprovalRequest.subject_id == meeting_id,
            ApprovalRequest.applicant_id == person.id,
        )
        .order_by(ApprovalRequest.created_at.desc())
        .limit(1)
    )
