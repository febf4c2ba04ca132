"""Staff (职工) from the WeCom directory, Party member or not: applicants start here."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey
from models.crypto import Codec, EncryptedField


def normalise_id_number(value: str) -> str:
    """身份证号 as the blind index sees it: no spaces, check digit X upper-cased."""
    return re.sub(r"\s+", "", value).upper()


def normalise_mobile(value: str) -> str:
    """Mobile as the blind index sees it: digits only, without a +86 country code."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


DATE: Codec[date] = Codec(date.isoformat, date.fromisoformat)


class Person(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "person"

    #: The WeCom userid; the identity every callback and OAuth login resolves to.
    wecom_userid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("department.id"), index=True)
    position: Mapped[str | None] = mapped_column(String(64))
    #: False once the person leaves the hospital or is disabled: their sessions end at once.
    is_active: Mapped[bool] = mapped_column(default=True)
    left_at: Mapped[datetime | None]

    # Sensitive personal information (DOMAIN.md): encrypted at rest, revealed only with audit.
    id_number_ciphertext: Mapped[str | None] = mapped_column(Text)
    id_number_bidx: Mapped[int | None] = mapped_column(index=True)
    id_number = EncryptedField[str](normalise=normalise_id_number)
    mobile_ciphertext: Mapped[str | None] = mapped_column(Text)
    mobile_bidx: Mapped[int | None] = mapped_column(index=True)
    mobile = EncryptedField[str](normalise=normalise_mobile)
    birth_date_ciphertext: Mapped[str | None] = mapped_column(Text)
    birth_date = EncryptedField[date](codec=DATE)
    #: 政治面貌 for staff who are not (yet) members: 群众, 共青团员, a democratic party.
    political_status_ciphertext: Mapped[str | None] = mapped_column(Text)
    political_status = EncryptedField[str]()

    department = relationship("Department")
    membership = relationship("Member", back_populates="person", uselist=False)
