"""Hospital departments (科室), mirrored from the WeCom directory; not the Party org tree."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps, UUIDPrimaryKey


class Department(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "department"

    #: The department id in the WeCom directory (department/simplelist).
    wecom_id: Mapped[int] = mapped_column(unique=True)
    parent_wecom_id: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(100))
    campus_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campus.id"))
    #: Set when the department disappears from the directory; rows are never deleted.
    removed: Mapped[bool] = mapped_column(default=False)
