"""The rotating check-in QR code: a token that names a session and a 30-second slot, signed.

The room screen shows a new token every 30 seconds; a scan is accepted while its token is at
most RECENT_SLOTS slots old (so a scan at a slot boundary, or a silent login on the way,
still works), which makes a screenshot forwarded to someone outside the room useless within
about a minute. Tokens need no storage: they are HMACs under a key derived from the app's
secret, so every web process checks them alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import datetime

SLOT_SECONDS = 30
RECENT_SLOTS = 3  # this slot and the two before: at most 90 s old
_TAG_BYTES = 10


class TokenRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"dangjian checkin qr v1", hashlib.sha256).digest()


def slot_of(now: datetime) -> int:
    return int(now.timestamp()) // SLOT_SECONDS


def token_for(secret: str, session_id: uuid.UUID, slot: int) -> str:
    body = session_id.bytes + slot.to_bytes(4, "big")
    tag = hmac.new(_key(secret), body, hashlib.sha256).digest()[:_TAG_BYTES]
    return base64.urlsafe_b64encode(body + tag).decode().rstrip("=")


def current_token(secret: str, session_id: uuid.UUID, now: datetime) -> tuple[str, int]:
    """The token to show now, and how many seconds until the next one."""
    slot = slot_of(now)
    return token_for(secret, session_id, slot), (slot + 1) * SLOT_SECONDS - int(now.timestamp())


def read_token(secret: str, token: str, now: datetime) -> uuid.UUID:
    """The session a scanned token names, if it is genuine and recent."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raw = b""
    if len(raw) != 16 + 4 + _TAG_BYTES:
        raise TokenRefused("二维码无法识别，请扫描会场屏幕上的签到二维码。")
    body, tag = raw[:20], raw[20:]
    expected = hmac.new(_key(secret), body, hashlib.sha256).digest()[:_TAG_BYTES]
    if not hmac.compare_digest(tag, expected):
        raise TokenRefused("二维码无法识别，请扫描会场屏幕上的签到二维码。")
    age = slot_of(now) - int.from_bytes(body[16:], "big")
    if not 0 <= age < RECENT_SLOTS:
        raise TokenRefused("二维码已过期（每30秒更新），请扫描会场屏幕上当前显示的二维码。")
    return uuid.UUID(bytes=body[:16])
