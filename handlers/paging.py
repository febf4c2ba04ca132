"""One page of a list, as the console and the API show it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

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
