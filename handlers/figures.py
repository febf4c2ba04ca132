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


MASKED = "人数过少不显示"
FEW = "少于5人"


#: A category big enough to show, hidden so that the total does not give a small one away.
WITHHELD = "不单独显示"


def masked_counts(rows: list[tuple[str, int]]) -> list[tuple[str, int | str]]:
    """A breakdown of people by category as it may be shown: a category of 1–4 people reads
    "少于5人", and when only one is hidden the next smallest is withheld too (else the total
    minus the rest gives it away)."""
    small = {label for label, n in rows if 0 < n < SMALLEST_GROUP}
    withheld = set()
    if len(small) == 1:
        others = sorted((n, label) for label, n in rows if n >= SMALLEST_GROUP)
        if others:
            withheld.add(others[0][1])
    return [(label, FEW if label in small else WITHHELD if label in withheld else n) for label, n in rows]
