"""The small error hierarchy every use-case raises (indico's core/errors.py is the model).

A refusal writes only what records it. The commit point (web/transaction.py for a request,
models/db.py's unit_of_work for a job or a command) rolls the use-case's writes back, then runs
the records the refusal carries (`recorded_by`, `audited_as`) in a small transaction of their own;
a Forbidden that carries no audit line of its own gets the one line every refusal for want of
right gets (`access.denied`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from handlers.policy import Actor

#: Writes that keep a refusal once the change was rolled back; each takes the refusal's session.
RefusalRecord = Callable[["Session"], object]


class DomainError(Exception):
    """A refusal the user should see: a Chinese message, a stable code, an HTTP status."""

    status = 400
    code = "bad_request"
    message = "请求无法处理。"

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or type(self).message
        self.details = details
        #: What keeps this refusal after the rollback (a failed login's count, a chat explanation).
        self.records: list[RefusalRecord] = []
        #: True once one of `records` is an audit line: the generic access.denied is not added.
        self.audited = False
        super().__init__(self.message)

    def recorded_by(self, record: RefusalRecord) -> Self:
        """Keep `record(session)` with the refusal: it runs after the change's rollback."""
        self.records.append(record)
        return self

    def audited_as(self, actor: Actor, action: str, **event: Any) -> Self:
        """Record the refusal as this audit line (`audit.record`'s arguments; result "denied"
        unless given), instead of the generic access.denied."""
        from handlers import audit

        event.setdefault("result", "denied")
        self.audited = True
        return self.recorded_by(lambda session: audit.record(session, actor, action, **event))

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


class OutOfScope(NotFound):
    """A record outside the actor's scope, answered exactly as one that does not exist (the same
    404, code and words: nobody can probe which ids exist) — and, unlike a missing record,
    audited as the refusal it is (handlers/audit.record_refusal)."""


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "该记录已存在或已被他人修改。"
