"""The rules every figure follows before anyone sees it (DESIGN.md, privacy in figures).

A figure computed over fewer than `SMALLEST_GROUP` people is not broken down: the page shows the
group's size and nothing that would let a reader work out what one named person did (a branch of
three where "2 已完成" says who did not). Rates are whole percentages of the people counted."""

from __future__ import annotations

SMALLEST_GROUP = 5


def may_break_down(people: int) -> bool:
    return people >= SMALLEST_GROUP


def percent(part: int, whole: int) -> int:
    """part of whole as a whole percentage, rounded down (99.6% is not yet 100%)."""
    return part * 100 // whole if whole else 0
