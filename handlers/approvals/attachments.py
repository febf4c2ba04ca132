"""Photos and PDFs filed with a request (checked by content), for those who may see it."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from handlers import attachments as store
from handlers.approvals.lookups import get_request
from handlers.policy import Actor
from models import ApprovalRequest, Attachment, AttachmentOwner

MAX_ATTACHMENTS = 5


def attach(session: Session, request: ApprovalRequest, filename: str, *, content: bytes) -> Attachment:
    return store.store(
        session,
        AttachmentOwner.approval_request,
        request.id,
        filename=filename,
        content=content,
        uploaded_by=None,
        limit=MAX_ATTACHMENTS,
        limit_message=f"每项申请最多 {MAX_ATTACHMENTS} 个附件。",
    )


def attachment_for(
    session: Session, actor: Actor, request_id: uuid.UUID | str, *, attachment_id: uuid.UUID | str
) -> Attachment:
    found = get_request(session, actor, request_id)
    return store.one_of(session, AttachmentOwner.approval_request, found.id, attachment_id=attachment_id)
