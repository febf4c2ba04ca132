"""Optional photos and PDFs of a meeting, for its hosts, frozen at sign-off."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit, uploads
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.meetings.lookups import get_meeting
from handlers.policy import Actor
from models import (
    Meeting,
    MeetingAttachment,
    MeetingStatus,
)

MAX_ATTACHMENTS = 20


def attach(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, filename: str, content: bytes
) -> MeetingAttachment:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status == MeetingStatus.signed_off:
        raise Conflict("会议记录已签署，不能再添加附件；如需补充请追加更正说明。")
    upload = uploads.check(filename, content)
    count = session.scalar(select(func.count()).where(MeetingAttachment.meeting_id == meeting.id)) or 0
    if count >= MAX_ATTACHMENTS:
        raise ValidationFailed(f"每次会议最多 {MAX_ATTACHMENTS} 个附件。", field="file")
    attachment = MeetingAttachment(
        meeting_id=meeting.id,
        filename=upload.filename,
        content_type=upload.content_type,
        size=len(content),
        content=content,
        uploaded_by=actor.label,
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.attach",
        object_type="meeting",
        object_id=meeting.id,
        detail={"attachment": str(attachment.id), "bytes": len(content)},
    )
    return attachment


def attachments(session: Session, meeting: Meeting) -> list[MeetingAttachment]:
    return list(
        session.scalars(
            select(MeetingAttachment)
            .where(MeetingAttachment.meeting_id == meeting.id)
            .order_by(MeetingAttachment.uploaded_at)
        )
    )


def attachment_for(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, attachment_id: uuid.UUID
) -> MeetingAttachment:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    found = session.get(MeetingAttachment, attachment_id)
    if found is None or found.meeting_id != meeting.id:
        raise NotFound("附件不存在。")
    return found
