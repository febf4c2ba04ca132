"""What a member sees at a glance: their to-dos and the workbench key figures.

Features register what they contribute: a to-do source (a pending check-in, an approval
waiting for a secretary, a lesson to read) and, where it is a figure a member checks, a
workbench item (本年学时, 党费). The H5 home lists the to-dos; the WeCom workbench shows the
figures. No rankings and no streaks (DOMAIN.md): each figure is the member's own.

When a change alters what a member would see, the use-case calls `touch()`; after the
transaction commits the workbench job refreshes that member's items in WeCom (coalesced,
within WeCom's 10 calls a minute per member). A daily pass repairs anything missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from handlers import links
from models import Person
from models.db import after_commit


@dataclass(frozen=True)
class Todo:
    title: str
    #: An H5 path under /m/ where the member does it.
    path: str


@dataclass(frozen=True)
class KeyItem:
    label: str  #: WeCom shows it under the figure; short (四字以内)
    page: str  #: the H5 page tapping the figure opens, by route name (handlers/links.py)
    value: Callable[[Session, Person], str]
    order: int

    @property
    def path(self) -> str:
        return links.page(self.page)


TodoSource = Callable[[Session, Person], list[Todo]]
TODO_SOURCES: list[TodoSource] = []
KEY_ITEMS: list[KeyItem] = []
#: WeCom's keydata template shows at most four figures (UNCONFIRMED limit, wecom-notes §8).
MAX_KEY_ITEMS = 4


def todo_source(fn: TodoSource) -> TodoSource:
    TODO_SOURCES.append(fn)
    return fn


def key_item(label: str, page: str, order: int) -> Callable[[Callable[[Session, Person], str]], Callable]:
    def register(fn: Callable[[Session, Person], str]) -> Callable[[Session, Person], str]:
        if len(KEY_ITEMS) >= MAX_KEY_ITEMS:
            raise ValueError("the workbench shows at most four figures")
        KEY_ITEMS.append(KeyItem(label, page, fn, order))
        KEY_ITEMS.sort(key=lambda item: item.order)
        return fn

    return register


def todos_for(session: Session, person: Person) -> list[Todo]:
    return [todo for source in TODO_SOURCES for todo in source(session, person)]


@key_item("待办", "h5.home", order=10)
def pending_todos(session: Session, person: Person) -> str:
    return str(len(todos_for(session, person)))


def key_figures(session: Session, person: Person) -> list[tuple[KeyItem, str]]:
    return [(item, item.value(session, person)) for item in KEY_ITEMS]


#: Set by the jobs layer (jobs/workbench.install): enqueue refreshes for these userids, given
#: the session's job queues. Handlers do not import jobs; this is the one seam.
Refresher = Callable[[Any, set[str]], None]
REFRESHERS: list[Refresher] = []


def touch(session: Session, people: Iterable[Person]) -> None:
    """Mark these members' workbench figures as changed by the current transaction; they are
    refreshed in WeCom once it commits (nothing happens if it rolls back)."""
    pending = next((c for c in session.info.get("after_commit", []) if isinstance(c, _Refresh)), None)
    if pending is None:
        pending = _Refresh(session)
        after_commit(session, pending)
    pending.userids.update(p.wecom_userid for p in people)


class _Refresh:
    """The after-commit callback of one transaction: it lives and dies with that transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.userids: set[str] = set()

    def __call__(self) -> None:
        jobs = self.session.info.get("dangjian.jobs")
        if self.userids and jobs is not None:
            for refresher in REFRESHERS:
                refresher(jobs, self.userids)
