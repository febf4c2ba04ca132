"""The rolled-back-transaction recipe really isolates tests (it has broken between SQLAlchemy
minor versions, hence the pinned minor version). The two tests run in this order."""

from sqlalchemy import func, select

from models import Campus


def test_first_commits_a_row(db_session):
    db_session.add(Campus(code="ISO", name="隔离测试院区"))
    db_session.commit()  # a view's commit: releases a savepoint inside the outer transaction
    assert db_session.scalar(select(func.count()).select_from(Campus).where(Campus.code == "ISO")) == 1


def test_second_sees_none(db_session):
    assert db_session.scalar(select(func.count()).select_from(Campus).where(Campus.code == "ISO")) == 0
