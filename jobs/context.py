"""What a running job needs from the app it runs in (jobs run inside an app context), and a job's
one commit point.

`unit_of_work()` is where every job commits: a step's change commits when the step is done; a
use-case's refusal (DomainError) is rolled back, only what records it is written (as a request's
refusal is, web/transaction.py), and the error is raised on so RQ marks the job failed — never
swallowed. Any other exception rolls everything back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import DomainError

if TYPE_CHECKING:
    from jobs import JobQueues
    from models.db import Database
    from wecom.client import WeComClient


def database() -> Database:
    return current_app.extensions["dangjian.db"]


def queues() -> JobQueues:
    return current_app.extensions["dangjian.jobs"]


def wecom_client() -> WeComClient:
    """The app's WeCom client (its token cache in Redis is shared by every worker)."""
    return current_app.extensions["dangjian.wecom_client"]


def setting(name: str) -> Any:
    return current_app.config[name]


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction of a job (a batch, a step): committed here and nowhere else in jobs/."""
    session = database().session()
    try:
        yield session
        session.commit()
    except DomainError as refusal:
        session.rollback()
        audit.record_refusal(session, None, refusal, where="job")
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
