"""书记信箱: a member writes to their branch's secretary or to the Party committee office, named or
anonymous; the recipient answers in the product. An anonymous message stores nothing of who wrote
it — no author, no time finer than the day — only a hash of the receipt code its writer keeps to
read the answer. The FAQ the office keeps answers the common questions first."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow
from models.crypto import EncryptedField


class MailboxCategory(enum.StrEnum):
    suggestion = "suggestion"  # 意见建议
    problem = "problem"  # 问题反映
    help = "help"  # 求助


class MailboxMessage(UUIDPrimaryKey, Base):
    __tablename__ = "mailbox_message"

    #: To the secretary of this branch; None: to the Party committee office.
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    category: Mapped[MailboxCategory] = mapped_column(
        Enum(MailboxCategory, name="mailbox_category", native_enum=False, length=16, validate_strings=True)
    )
    #: Who wrote it; None when anonymous (and then nothing else here says who).
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: The day it was written (an anonymous message keeps no finer time).
    written_on: Mapped[date]
    #: sha256 of the receipt code an anonymous writer keeps to read the answer.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What people write to their secretary is often personal: encrypted at rest.
    body_ciphertext: Mapped[str | None] = mapped_column(Text)
    body = EncryptedField[str]()
    answer_ciphertext: Mapped[str | None] = mapped_column(Text)
    answer = EncryptedField[str]()
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(100))

    org = relationship("PartyOrg")

    @property
    def anonymous(self) -> bool:
        return self.author_id is None


class FaqEntry(UUIDPrimaryKey, Base):
    """One common question and its answer, in the order the office gives them."""

    __tablename__ = "faq_entry"

    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
