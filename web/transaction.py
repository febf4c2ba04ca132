"""The request's one commit point (indico's `RH.process` is the model).

Every view of the app — H5, console, API and the WeCom callback alike — runs inside
`dispatch_in_one_transaction`: when the view returns, its change commits; when a use-case refuses
(`DomainError`), the change is rolled back and only what records the refusal is written, in a
transaction of its own (`handlers.audit.record_refusal`). A view that answers a refusal itself
(a flash and a redirect, a form shown again, a chat reply) says so with `note_refusal(...)`; one that
lets it propagate is settled by the error handler (web/errors.py) the same way. Views and chat
routes never call `commit()`; any other exception rolls everything back when the session closes.

Side effects (enqueueing the outbox's jobs) run after this commit, from `models.db.after_commit`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, current_app, g, request
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import DomainError
from handlers.policy import Actor


def request_session() -> Session:
    """The request's database session; it commits once, here, when the view is done."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["dangjian.db"].session()
    return g.db_session


@dataclass(frozen=True)
class _Refusal:
    error: DomainError
    actor: Actor | None
    where: str


def note_refusal(error: DomainError, *, actor: Actor | None = None, where: str | None = None) -> DomainError:
    """This request's change was refused and the view answers it itself: roll the change back
    now (so the page shown next sees none of it); the refusal is recorded when the view returns.
    `actor` defaults to the request's (g.actor); `where` to the endpoint."""
    request_session().rollback()
    g.dangjian_refusal = _Refusal(error, actor or g.get("actor"), where or _where())
    return error


def settle(error: DomainError | None = None) -> None:
    """End the request's unit of work: commit it, or — refused — roll it back and commit only
    the refusal's records."""
    noted: _Refusal | None = g.pop("dangjian_refusal", None)
    if error is not None:
        noted = _Refusal(error, g.get("actor"), _where())
    session = g.get("db_session")
    if noted is None:
        if session is not None:
            session.commit()
        return
    session = request_session()
    session.rollback()
    audit.record_refusal(session, noted.actor, noted.error, where=noted.where)
    session.commit()


def _where() -> str:
    return request.endpoint or request.path


class RequestUnit:
    """What an adapter outside web/ (the WeCom callback) uses of the request's unit of work,
    found at `app.extensions["dangjian.request_unit"]`: the adapters do not import each other."""

    session = staticmethod(request_session)
    refused = staticmethod(note_refusal)


def dispatch_in_one_transaction(app: Flask) -> None:
    """Commit after every view that returns; a raised DomainError is settled by the error handler."""
    dispatch = app.dispatch_request

    def dispatch_and_settle() -> Any:
        response = dispatch()
        settle()
        return response

    app.dispatch_request = dispatch_and_settle  # type: ignore[method-assign]
    app.extensions["dangjian.request_unit"] = RequestUnit()


def path_id(value: str) -> uuid.UUID:
    """An id from a URL path; one that is not an id is a page that does not exist (404)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        abort(404)
