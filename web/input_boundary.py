"""The one input boundary for text (issue 16 item 3): no NUL or other C0 control character gets in
through a query string, a form or a JSON body — PostgreSQL refuses NUL in text (a 500 on every
endpoint that stored it), worksheets refuse the rest (an export failing for everyone). Tab, line
feed and carriage return are text people type; everything else below space is refused with a
422 that names the field, before any view runs. Uploaded tables are checked where they are read
(handlers/tables.py), callbacks where their XML is parsed.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from handlers.errors import ValidationFailed
from handlers.validation import CONTROL

#: JSON nested deeper than this is refused outright (nothing the API takes comes close).
MAX_DEPTH = 32


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def _refuse(field: str) -> ValidationFailed:
    return ValidationFailed(f"“{field[:40]}”含有不允许的控制字符（如 NUL），请删除后重试。", field=field[:64])


def _check_pairs(pairs: Any) -> None:
    for key, value in pairs.items(multi=True):
        if has_control(key) or (isinstance(value, str) and has_control(value)):
            raise _refuse(key if not has_control(key) else CONTROL.sub("?", key))


def _check_json(document: Any) -> None:
    """Every key and string in the document, walked without recursion (a hostile depth is refused)."""
    pending = [("body", document, 0)]
    while pending:
        path, value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ValidationFailed("请求体嵌套过深。", field="body")
        if isinstance(value, str):
            if has_control(value):
                raise _refuse(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if has_control(str(key)):
                    raise _refuse(CONTROL.sub("?", str(key)))
                pending.append((str(key), item, depth + 1))
        elif isinstance(value, list):
            pending.extend((path, item, depth + 1) for item in value)


def check_request() -> None:
    _check_pairs(request.args)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs(request.form)
    elif request.is_json:
        body = request.get_json(silent=True)
        if body is not None:
            _check_json(body)


def init_app(app: Flask) -> None:
    """Last of the app-wide hooks (registered after the blueprints: a page may first raise its
    body limit, as the lesson form does for videos), before every blueprint's own (the CSRF
    check, the login): no view sees such text."""
    app.before_request(check_request)
