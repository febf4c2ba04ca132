"""The one attachment store: files kept with a record (a meeting's minutes, an approval request),
checked by what they contain (handlers/uploads.py), counted against the owner's limit, and found
again only through their owner — so whoever may not see the record cannot fetch its files either.

Who may attach to or read from an owner is the owning feature's rule: it finds the owner within
the actor's scope first, then calls here.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import uploads
from handlers.errors import NotFound, ValidationFailed
from models import Attachment, AttachmentOwner


def store(
    session: Session,
    owner_type: AttachmentOwner,
    owner_id: uuid.UUID,
    *,
    filename: str,
    content: bytes,
    uploaded_by: str | None,
    limit: int,
    limit_message: str,
) -> Attachment:
    """Keep one checked file with its owner; refused past the owner's `limit` files."""
    upload = uploads.check(filename, content)
    if count(session, owner_type, owner_id) >= limit:
        raise ValidationFailed(limit_message, field="file")
    attachment = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        filename=upload.filename,
        content_type=upload.content_type,
        size=len(content),
        content=content,
        uploaded_by=uploaded_by,
    )
    session.add(attachment)
    session.flush()
    return attachment


def store_all(
    session: Session,
    owner_type: AttachmentOwner,
    owner_id: uuid.UUID,
    files: list[tuple[str, bytes]],
    *,
    uploaded_by: str | None,
    limit: int,
    limit_message: str,
) -> list[Attachment]:
    """The files a form sent with a new record (a notice, a task), each checked by content."""
    files = [f for f in files if f[0] or f[1]]
    if len(files) > limit:
        raise ValidationFailed(limit_message, field="files")
    return [
        store(
            session,
            owner_type,
            owner_id,
            filename=name,
            content=content,
            uploaded_by=uploaded_by,
            limit=limit,
            limit_message=limit_message,
        )
        for name, content in files
    ]


def count(session: Session, owner_type: AttachmentOwner, owner_id: uuid.UUID) -> int:
    where = (Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
    return session.scalar(select(func.count()).select_from(Attachment).where(*where)) or 0


def of(session: Session, owner_type: AttachmentOwner, owner_id: uuid.UUID) -> list[Attachment]:
    """The owner's files, oldest first."""
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
            .order_by(Attachment.uploaded_at)
        )
    )


def one_of(
    session: Session, owner_type: AttachmentOwner, owner_id: uuid.UUID, *, attachment_id: uuid.UUID | str
) -> Attachment:
    """One of the owner's files; another owner's file looks exactly like a missing one."""
    try:
        found = session.get(Attachment, uuid.UUID(str(attachment_id)))
    except ValueError:
        found = None
    if found is None or found.owner_type != owner_type or found.owner_id != owner_id:
        raise NotFound("附件不存在。")
    return found
