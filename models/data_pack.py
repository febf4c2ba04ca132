"""A data pack (issue 22 item 6): the quarterly or annual 党建工作 figures, or a branch's 书记述职
pack, written in the background as Word and PDF and kept, so the same report downloads again."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow

#: annual, quarterly (year and quarter) or secretary (a branch's 书记述职 for a year).
PACK_KINDS = {"annual": "年度党建工作数据", "quarterly": "季度党建工作数据", "secretary": "书记述职数据"}


class DataPack(UUIDPrimaryKey, Base):
    __tablename__ = "data_pack"

    kind: Mapped[str] = mapped_column(String(16))
    #: None: the whole hospital.
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    year: Mapped[int]
    quarter: Mapped[int | None]
    #: queued, running, done or failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    message: Mapped[str | None] = mapped_column(String(200))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    docx: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
