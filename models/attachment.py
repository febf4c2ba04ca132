"""Attachments: files kept with a meeting's minutes or an approval request (and, as features
land, with other records), in one store.

Stored in the database, not on a web host's disk: every process is stateless. Files are checked
by what they contain before they get here (handlers/uploads.py) and are only ever sent back as
downloads. The owner is named by type and id; owners are never deleted (records are kept), so
nothing is orphaned.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow


class AttachmentOwner(enum.StrEnum):
    meeting = "meeting"
    approval_request = "approval_request"
    campus_map = "campus_map"  #: the offline map venues are placed on
    notice = "notice"  #: a notice's papers
    task = "task"  #: what a task sends down with it
    task_assignment = "task_assignment"  #: what a recipient submits


class Attachment(UUIDPrimaryKey, Base):
    """An optional photo or document with a record (never required: 减负 rules)."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id", "uploaded_at"),)

    owner_type: Mapped[AttachmentOwner] = mapped_column(
        Enum(AttachmentOwner, name="attachment_owner", native_enum=False, length=32, validate_strings=True)
    )
    #: The meeting's or the request's id.
    owner_id: Mapped[uuid.UUID]
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: Who uploaded it, as the audit trail names them (none recorded for files filed with a request).
    uploaded_by: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
