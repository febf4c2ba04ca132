"""How much a member owes a month, from their base (中组发〔2008〕3号; domain notes §B4).

The rate of the bracket the base falls in applies to the *whole* base — it is not marginal like
income tax — so 3,000.00 pays 15.00 and 3,000.01 pays 30.00. Brackets include their upper edge
("3000元以下（含3000元）"). Decimal arithmetic throughout; the texts say nothing of rounding, so
it is the rule dues.round_up_to_jiao (off: to the fen, half up; on: up to the next 0.1 yuan with
0.1 the least, as SmartPartyBuilding does). A monthly amount above the rule dues.monthly_cap is
capped: the excess is a voluntary payment, not what is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from models import DuesCategory

FEN, JIAO = Decimal("0.01"), Decimal("0.1")
#: 第六条: students, members without income, on relief or 低保: 0.20 a month.
FLAT = Decimal("0.20")

#: (upper edge inclusive or None for the rest, rate) — 第二条 (in service), 第五条 (retired).
BRACKETS: dict[DuesCategory, tuple[tuple[Decimal | None, Decimal], ...]] = {
    DuesCategory.in_service: (
        (Decimal("3000"), Decimal("0.005")),
        (Decimal("5000"), Decimal("0.01")),
        (Decimal("10000"), Decimal("0.015")),
        (None, Decimal("0.02")),
    ),
    DuesCategory.retired: (
        (Decimal("5000"), Decimal("0.005")),
        (None, Decimal("0.01")),
    ),
}
CATEGORY_LABELS = {
    DuesCategory.in_service: "在职",
    DuesCategory.retired: "离退休",
    DuesCategory.student: "学生",
    DuesCategory.unemployed: "无固定收入",
    DuesCategory.on_relief: "领取救济或低保",
}


@dataclass(frozen=True)
class Assessment:
    category: DuesCategory
    base: Decimal | None
    #: The bracket in words, as the member reads it ("3000元至5000元 1%", "学生 每月0.20元").
    bracket: str
    rate: Decimal | None
    #: Owed each month (after rounding and the cap).
    amount: Decimal
    #: What the bracket gives above the cap: a voluntary payment if paid, never owed.
    above_cap: Decimal


def _words(low: Decimal | None, high: Decimal | None, rate: Decimal) -> str:
    percent = f"{(rate * 100).normalize():f}%"
    if low is None:
        return f"{high:f}元以下（含） {percent}"
    if high is None:
        return f"{low:f}元以上 {percent}"
    return f"{low:f}元至{high:f}元（含） {percent}"


def _round(value: Decimal, up_to_jiao: bool) -> Decimal:
    if up_to_jiao:
        return max(JIAO, value.quantize(JIAO, rounding=ROUND_CEILING)).quantize(FEN)
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def assess(
    category: DuesCategory | str, base: Decimal | None, *, cap: Decimal, up_to_jiao: bool = False
) -> Assessment:
    """The monthly amount for a base in a category (the base is the month's actual pay for
    annual-salary staff, the pension for the retired — 第三条, 第五条)."""
    category = DuesCategory(category)
    if category not in BRACKETS:
        return Assessment(
            category, base, f"{CATEGORY_LABELS[category]} 每月{FLAT}元", None, FLAT, Decimal("0.00")
        )
    if base is None or base < 0:
        raise ValueError("a bracketed category needs a base of 0 or more")
    edges = BRACKETS[category]
    index = next(i for i, (high, _) in enumerate(edges) if high is None or base <= high)
    high, rate = edges[index]
    low = edges[index - 1][0] if index else None
    due = _round(base * rate, up_to_jiao)
    amount = min(due, cap)
    return Assessment(category, base, _words(low, high, rate), rate, amount, due - amount)
