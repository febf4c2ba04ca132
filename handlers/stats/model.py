"""What a figure is: a family of breakdowns over one scope and period, each written with its
definition beside it, and already masked (handlers/figures): a group under five shows "人数过少
不显示", a category of 1–4 people "少于5人"."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.figures import MASKED, masked_counts, may_break_down


@dataclass(frozen=True)
class Series:
    title: str
    #: 人, %, 个 (orgs), 学时
    unit: str
    rows: list[tuple[str, int | float | str]]
    #: A second set of values beside the first (the same months last year), or None.
    compare: list[int | float | str] | None = None
    compare_label: str = ""


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    definition: str
    scope: str
    period: str
    series: list[Series]
    #: How many people the figure is computed over (None for figures of orgs).
    people: int | None = None
    #: One level down, to drill into: (org id, org name, its headline) — orgs, never people.
    children: list[tuple[str, str, int | float | str]] = field(default_factory=list)

    @property
    def masked(self) -> bool:
        return self.people is not None and 0 < self.people and not may_break_down(self.people)


def people_series(title: str, counts: list[tuple[str, int]], total: int) -> Series:
    """A breakdown of people, masked as the privacy rules require."""
    if 0 < total and not may_break_down(total):  # none at all gives nobody away: zeros are shown
        return Series(title, "人", [(label, MASKED) for label, _ in counts])
    return Series(title, "人", masked_counts(counts))


def rate(part: int, whole: int, people: int) -> int | str:
    """A whole percentage, or MASKED when computed over fewer than five people."""
    if not may_break_down(people):
        return MASKED
    return part * 100 // whole if whole else 0
