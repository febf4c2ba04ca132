"""Lesson media (video, audio, PDF, cover pictures): checked by what the file contains, size-limited,
and stored outside the web root under MEDIA_DIR with a random name — never the uploader's name,
never a path a request can choose.

Files are streamed to disk in chunks (a 300 MB video is never held in memory) and only renamed
into place once they passed every check, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from handlers.errors import ValidationFailed

MB = 1024 * 1024
#: What each kind of lesson file may be, and how big.
LIMITS = {"video": 500 * MB, "audio": 100 * MB, "document": 50 * MB, "cover": 2 * MB}
KIND_NAMES = {"video": "视频", "audio": "音频", "document": "PDF 文件", "cover": "封面图片"}
ACCEPTED = {
    "video": ("video/mp4", "video/webm"),
    "audio": ("audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav"),
    "document": ("application/pdf",),
    "cover": ("image/jpeg", "image/png"),
}
ACCEPTED_NAMES = {
    "video": "MP4 或 WebM",
    "audio": "MP3、M4A、OGG 或 WAV",
    "document": "PDF",
    "cover": "JPG 或 PNG",
}
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789")


def sniff(head: bytes) -> str | None:
    """The content type a file's first bytes prove (None when they prove nothing we accept)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    return None


@dataclass(frozen=True)
class StoredMedia:
    name: str
    content_type: str
    size: int


def store(media_dir: str | Path, stream: BinaryIO, kind: str) -> StoredMedia:
    """Copy an upload into MEDIA_DIR under a random name, or refuse it (nothing left behind)."""
    limit, label = LIMITS[kind], KIND_NAMES[kind]
    head = stream.read(64)
    if not head:
        raise ValidationFailed(f"请选择{label}。", field=kind)
    content_type = sniff(head)
    if content_type not in ACCEPTED[kind]:
        raise ValidationFailed(f"{label}只能是 {ACCEPTED_NAMES[kind]} 格式。", field=kind)
    folder = Path(media_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    partial = folder / f".{name}.part"
    size = len(head)
    try:
        with open(partial, "wb") as out:
            out.write(head)
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(f"{label}不能超过 {limit // MB} MB。", field=kind)
                out.write(chunk)
        os.replace(partial, folder / name)
    finally:
        partial.unlink(missing_ok=True)
    return StoredMedia(name, content_type, size)


def path_of(media_dir: str | Path, name: str | None) -> Path | None:
    """The stored file for a name the database holds (never a name from a request)."""
    if not name or set(name) - _NAME_CHARS or len(name) != 32:
        return None
    path = Path(media_dir) / name
    return path if path.is_file() else None


def remove(media_dir: str | Path, name: str | None) -> None:
    path = path_of(media_dir, name)
    if path is not None:
        path.unlink(missing_ok=True)
