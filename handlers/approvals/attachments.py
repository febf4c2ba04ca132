"""Photos and PDFs filed with a request (checked by content), for those who may see it."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from handlers import uploads
from handlers.approvals.lookups import attachments_of, get_request
from handlers.errors import NotFound, ValidationFailed
from handlers.policy import Actor
from models import (
    ApprovalAttachment,
    ApprovalRequest,
)

MAX_ATTACHMENTS = 5


def attach(session: Session, request: ApprovalRequest, filename: str, content: bytes) -> ApprovalAttachment:
    upload = uploads.check(filename, content)
    if len(attachments_of(session, request)) >= MAX_ATTACHMENTS:
        raise ValidationFailed(f"每项申请最多 {MAX_ATTACHMENTS} 个附件。", field="file")
    row = ApprovalAttachment(
        request_id=request.id,
        filename=upload.filename,
        content_type=upload.content_type,
        size=len(content),
        content=content,
    )
    session.add(row)
    session.flush()
    return row


def attachment_for(
    session: Session, actor: Actor, request_id: uuid.UUID | str, attachment_id: uuid.UUID | str
) -> ApprovalAttachment:
    found = get_request(session, actor, request_id)
    try:
        row = session.get(ApprovalAttachment, uuid.UUID(str(attachment_id)))
    except ValueError:
        row = None
    if row is None or row.request_id != found.id:
        raise NotFound("附件不存在。")
    return row
