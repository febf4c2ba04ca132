"""Engine and sessions: one session per request or job, one commit point, hooks after commit.

Plain SQLAlchemy (no Flask-SQLAlchemy, STYLE.md habit 5). The app holds one `Database`;
views and jobs get their session from it and commit once. Work that must happen only when
the change is durable (enqueueing a job) is registered with `after_commit()` and is dropped
if the transaction rolls back.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

logger = logging.getLogger(__name__)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _make_sqlite_transactional(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _make_sqlite_transactional(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, emit BEGIN (SQLAlchemy's documented recipe).

    pysqlite's own transaction handling breaks SAVEPOINT, which the tests' rolled-back
    transaction relies on. BEGIN IMMEDIATE takes the write lock at the start, so the
    audit chain's read-then-append cannot interleave between two demo processes.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


AfterCommit = Callable[[], None]

_LIVE_DATABASES: weakref.WeakSet[Database] = weakref.WeakSet()


def _dispose_engines_in_child() -> None:
    # A forked RQ work horse must not reuse the parent's pooled connections: two processes
    # on one socket corrupt each other's protocol state. close=False leaves the parent's
    # connections alone (SQLAlchemy's documented fork recipe).
    for database in list(_LIVE_DATABASES):
        database.engine.dispose(close=False)


os.register_at_fork(after_in_child=_dispose_engines_in_child)


class Database:
    """The engine, the session factory and the after-commit hook for one app."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        _LIVE_DATABASES.add(self)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self.session_factory()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction for a job or a CLI step: commit on success, roll back on error."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def after_commit(session: Session, callback: AfterCommit) -> None:
    """Run `callback` once the session's transaction commits; never if it rolls back."""
    if not session.in_transaction():
        # Tie the callback to a transaction (begun lazily, no connection yet); otherwise a
        # rollback with nothing open would leave it for whatever commits next.
        session.begin()
    session.info.setdefault("after_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        # The change is already durable; a failing side effect must not look like a failed
        # commit. Durable intent is in the database, so the reconciler repairs what is lost.
        try:
            callback()
        except Exception:
            logger.exception("after-commit callback failed; the reconciler will retry it")


@event.listens_for(Session, "after_transaction_end")
def _drop_after_commit(session: Session, transaction: SessionTransaction) -> None:
    # after_commit has already taken the callbacks of a committed transaction; whatever is
    # left when the outermost transaction ends was rolled back (or closed uncommitted).
    if transaction.parent is None:
        session.info.pop("after_commit", None)
