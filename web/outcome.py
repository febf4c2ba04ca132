"""How a form's change ends for the person who sent it: done (a notice, then where they go next),
or refused (the reason, where they came from). One way for the console and the H5 pages alike;
the request's transaction (web/transaction.py) commits the change or only the refusal's records."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect
from flask.typing import ResponseReturnValue

from handlers.errors import DomainError
from web.transaction import note_refusal

T = TypeVar("T")


def attempt(change: Callable[[], T]) -> tuple[T | None, DomainError | None]:
    """Run one change; a refusal is rolled back and returned, for a form shown again with it."""
    try:
        return change(), None
    except DomainError as refusal:
        return None, note_refusal(refusal)


def form_change(
    change: Callable[[], T],
    *,
    done: str | Callable[[T], str] | None = None,
    back: str,
    then: Callable[[T], str] | None = None,
    refused_to: Callable[[DomainError], str | None] | None = None,
) -> ResponseReturnValue:
    """Run one change from a form and redirect: to `then(result)` (default `back`) with the notice
    `done`, or — refused — to `refused_to(error)` (when it names a page; else `back`) with the
    reason."""
    result, refusal = attempt(change)
    if refusal is not None:
        flash(refusal.message, "error")
        return redirect((refused_to(refusal) if refused_to else None) or back)
    notice = done(result) if callable(done) else done
    if notice:
        flash(notice, "info")
    return redirect(then(result) if then else back)
