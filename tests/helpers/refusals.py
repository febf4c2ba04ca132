"""Calling a use-case that refuses, as the commit point would settle it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import DomainError


def settle_refusal(
    session: Session, expected: type[DomainError], call: Callable[[], Any], **match: Any
) -> DomainError:
    """`call()` must raise `expected`; then what the refusal carries is written, as web/transaction.py
    writes it after rolling the change back (the tests' session keeps its transaction)."""
    with pytest.raises(expected, **match) as refused:
        call()
    audit.record_refusal(session, None, refused.value, where="test")
    return refused.value
