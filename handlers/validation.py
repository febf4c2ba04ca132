"""Checks on identity data before anything is written: GB 11643 ID numbers, mainland mobiles."""

from __future__ import annotations

import re
from datetime import date

from handlers.errors import ValidationFailed
from models.person import normalise_id_number, normalise_mobile

#: NUL and the other C0 controls but tab, line feed and carriage return: PostgreSQL refuses NUL in
#: text and worksheets refuse the rest. Refused at the input boundary (web/input_boundary.py,
#: handlers/tables.py), replaced in exports (handlers/exports.py).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """Return the normalised 18-digit 居民身份证号, or raise with the reason in Chinese."""
    number = normalise_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationFailed("身份证号码应为18位（最后一位可为X）。", field="id_number")
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationFailed("身份证号码中的出生日期无效。", field="id_number") from None
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationFailed("身份证号码校验位不正确，请核对。", field="id_number")
    return number


def validate_mobile(value: str) -> str:
    """Return the 11-digit mainland mobile number, or raise."""
    mobile = normalise_mobile(value)
    if not re.fullmatch(r"1[3-9]\d{9}", mobile):
        raise ValidationFailed("手机号码应为11位中国大陆手机号。", field="mobile")
    return mobile


def require_text(value: str | None, field: str, label: str, *, max_length: int = 100) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(f"{label}不能为空。", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}个字符。", field=field)
    return text
