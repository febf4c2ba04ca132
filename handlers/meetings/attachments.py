"""Optional photos and PDFs of a meeting, for its hosts, frozen at sign-off."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from handlers import attachments as store
from handlers import audit
from handlers.errors import Conflict
from handlers.meetings.lookups import get_meeting
from handlers.policy import Actor
from models import Attachment, AttachmentOwner, Meeting, MeetingStatus

MAX_ATTACHMENTS = 20


def attach(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, filename: str, content: bytes
) -> Attachment:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    if meeting.status == MeetingStatus.signed_off:
        raise Conflict("会议记录已签署，不能再添加附件；如需补充请追加更正说明。")
    attachment = store.store(
        session,
        AttachmentOwner.meeting,
        meeting.id,
        filename=filename,
        content=content,
        uploaded_by=actor.label,
        limit=MAX_ATTACHMENTS,
        limit_message=f"每次会议最多 {MAX_ATTACHMENTS} 个附件。",
    )
    audit.record(
        session,
        actor,
        "meeting.attach",
        object_type="meeting",
        object_id=meeting.id,
        detail={"attachment": str(attachment.id), "bytes": len(content)},
    )
    return attachment


def attachments(session: Session, meeting: Meeting) -> list[Attachment]:
    return store.of(session, AttachmentOwner.meeting, meeting.id)


def attachment_for(
    session: Session, actor: Actor, *, meeting_id: uuid.UUID, attachment_id: uuid.UUID
) -> Attachment:
    meeting = get_meeting(session, actor, meeting_id, manage=True)
    return store.one_of(session, AttachmentOwner.meeting, meeting.id, attachment_id=attachment_id)
