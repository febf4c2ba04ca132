"""通知公告: a notice sent to a scope (the hospital, a 总支, branches), its full text in H5, and
who it reached — read and, when it asks, acknowledged (收到). The sender sees counts; only a notice
that asks for acknowledgement has a list, and only its sender sees it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow


class Notice(UUIDPrimaryKey, Base):
    __tablename__ = "notice"

    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    #: The orgs whose members (of record or taking part) it went to; [] for the whole hospital.
    org_ids: Mapped[list] = mapped_column(JSON)
    #: Only those holding these roles (handlers/audiences.AUDIENCE_ROLES); [] for every member.
    roles: Mapped[list] = mapped_column(JSON, default=list)
    needs_ack: Mapped[bool] = mapped_column(default=False)
    sender_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    sender_label: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    recipients: Mapped[int] = mapped_column(default=0)


class NoticeRecipient(UUIDPrimaryKey, Base):
    __tablename__ = "notice_recipient"
    __table_args__ = (UniqueConstraint("notice_id", "person_id"),)

    notice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notice.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    read_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]

    notice = relationship("Notice")
    person = relationship("Person")


class Publication(UUIDPrimaryKey, Base):
    """党务公开: a 公示 on the hospital's own page for a set period (dues collection, recruitment,
    evaluation results): everyone in the hospital may read it while it runs, and no longer."""

    __tablename__ = "publication"

    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    #: What published it: "manual", or the feature ("dues") that did.
    source: Mapped[str] = mapped_column(String(16), default="manual")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    published_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
