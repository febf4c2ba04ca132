"""Uploaded files (meeting photos, approval attachments): checked by what they contain, not
by their name or the browser's label, size-limited, and named safely for download."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
#: What a file must start with to be what it claims.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    content: bytes


def check(filename: str | None, content: bytes, *, max_bytes: int = MAX_BYTES) -> CheckedUpload:
    if not content:
        raise ValidationFailed("请选择要上传的照片或文件。", field="file")
    if len(content) > max_bytes:
        raise ValidationFailed(f"单个附件不能超过 {max_bytes // (1024 * 1024)} MB。", field="file")
    content_type = next((kind for magic, kind in SIGNATURES.items() if content.startswith(magic)), None)
    if content_type is None:
        raise ValidationFailed("只能上传 JPG、PNG 照片或 PDF 文件。", field="file")
    # No path separators or quotes (it goes into Content-Disposition), at most 100 characters.
    name = "".join(c for c in (filename or "").strip() if c.isprintable() and c not in '/\\"')[-100:]
    return CheckedUpload(name or "附件", content_type, content)
