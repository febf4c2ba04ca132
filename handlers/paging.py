"""One page of a list, as the console and the API show it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
#: Beyond this a page number is nonsense; without a cap the OFFSET overflows a bigint.
MAX_PAGE = 100_000


def clamp_page(page: int | None) -> int:
    return min(max(1, page or 1), MAX_PAGE)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def paginate(
    session: Session,
    stmt: Select[Any],
    *,
    page: int | None,
    per_page: int,
    order_by: tuple[Any, ...],
    options: tuple[Any, ...] = (),
) -> Page[Any]:
    """Count the whole result, then fetch one page of it in `order_by` order (with loader `options`)."""
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = clamp_page(page)
    window = stmt.options(*options).order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
    return Page(list(session.scalars(window).unique()), page, per_page, total)
