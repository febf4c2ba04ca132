"""Charts as the pages draw them: Apache ECharts options built from figures, here in Python, so a
page passes a dict to the `chart` macro (templates/_macros/chart.html) with the same figures as a
table. The table is what a page shows when scripts are off, and what a screen reader reads;
static/charts.js draws the chart over it. ECharts is served from static/vendor (no CDN)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: The Party red the pages use, and the grey of what is still to do.
RED, TRACK = "#c8161d", "#f0f1f2"


def ring(done: Decimal | float, target: float, *, label: str) -> dict[str, Any]:
    """A progress ring toward a target (a year's study hours): done in red, the rest grey."""
    done = float(done)
    rest = max(float(target) - done, 0.0)
    return {
        "animation": False,
        "title": {
            "text": f"{done:g}",
            "subtext": label,
            "left": "center",
            "top": "36%",
            "textStyle": {"fontSize": 26, "color": "#1f2329"},
            "subtextStyle": {"fontSize": 13, "color": "#646a73"},
        },
        "series": [
            {
                "type": "pie",
                "radius": ["70%", "86%"],
                "silent": True,
                "label": {"show": False},
                "data": [
                    {"value": done, "itemStyle": {"color": RED}},
                    {"value": rest, "itemStyle": {"color": TRACK}},
                ],
            }
        ],
    }


def bars(
    categories: list[str], values: list[float], *, unit: str, top: float | None = None
) -> dict[str, Any]:
    """Horizontal bars, one per category (a branch, a month), labelled with their value and unit."""
    return {
        "animation": False,
        "grid": {"left": 8, "right": 48, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": top, "axisLabel": {"formatter": "{value}" + unit}},
        "yAxis": {"type": "category", "data": categories, "inverse": True},
        "series": [
            {
                "type": "bar",
                "data": values,
                "itemStyle": {"color": RED},
                "label": {"show": True, "position": "right", "formatter": "{c}" + unit},
            }
        ],
    }
