"""The small error hierarchy every use-case raises (indico's core/errors.py is the model)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user should see: a Chinese message, a stable code, an HTTP status."""

    status = 400
    code = "bad_request"
    message = "请求无法处理。"

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or type(self).message
        self.details = details
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"
    message = "提交的内容不正确。"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "您没有权限进行此操作。"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "未找到相应记录，或您无权查看。"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "该记录已存在或已被他人修改。"
