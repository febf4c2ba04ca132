"""Files people send and fetch through the browser: an upload read no further than the limit, a stored
attachment sent as a download."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, abort, request

from handlers import uploads


def read_upload(field: str = "file") -> tuple[str, bytes]:
    """An uploaded file's name and bytes, read no further than the limit; 413 when the body is
    plainly too big (the handler's check by content and size does the rest)."""
    if (request.content_length or 0) > uploads.MAX_BYTES + 64 * 1024:
        abort(413)
    upload = request.files.get(field)
    return (upload.filename or "", upload.read(uploads.MAX_BYTES + 1)) if upload else ("", b"")


def read_uploads(field: str = "files") -> list[tuple[str, bytes]]:
    """Every file of a multiple-file field, each read no further than the limit (empty slots a
    browser sends for an unused input are left out); the handler checks count and content, and
    MAX_CONTENT_LENGTH bounds the request as a whole."""
    return [
        (f.filename or "", f.read(uploads.MAX_BYTES + 1)) for f in request.files.getlist(field) if f.filename
    ]


def send_stored_file(found: Any) -> Response:
    """A stored attachment as a download (never rendered inline: no stored content runs)."""
    disposition = f"attachment; filename*=UTF-8''{quote(found.filename)}"
    return Response(found.content, mimetype=found.content_type, headers={"Content-Disposition": disposition})
