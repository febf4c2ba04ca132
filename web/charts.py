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


#: 已完成 · 学习中 · 未开始, as every completion bar colours them.
STAGE_COLOURS = (RED, "#f5a623", TRACK)


def stacked_percent(
    categories: list[str], stages: list[tuple[str, list[int]]], *, colours: tuple[str, ...] = STAGE_COLOURS
) -> dict[str, Any]:
    """One 100% bar per category (a branch, the hospital), split into its stages (已完成, 学习中,
    未开始) as percentages of that category's people; a legend names the stages."""
    return {
        "animation": False,
        "legend": {"top": 0, "data": [name for name, _ in stages]},
        "grid": {"left": 8, "right": 16, "top": 28, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": categories, "inverse": True},
        "series": [
            {
                "name": name,
                "type": "bar",
                "stack": "all",
                "data": values,
                "itemStyle": {"color": colour},
                "label": {"show": index == 0, "position": "insideLeft", "formatter": "{c}%"},
            }
            for index, ((name, values), colour) in enumerate(zip(stages, colours, strict=False))
        ],
    }


def columns(
    categories: list[str], values: list[float], *, unit: str, top: float | None = None
) -> dict[str, Any]:
    """Upright columns over time (one per month), labelled with their value and unit."""
    return {
        "animation": False,
        "grid": {"left": 8, "right": 8, "top": 24, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "max": top, "axisLabel": {"formatter": "{value}" + unit}},
        "series": [
            {
                "type": "bar",
                "data": values,
                "itemStyle": {"color": RED},
                "label": {"show": True, "position": "top", "formatter": "{c}" + unit},
            }
        ],
    }


def rate_chart(rates: list[Any], *, upright: bool = False) -> dict[str, Any]:
    """Percentages toward 100% (handlers.compliance.Rate): bars per org, or columns per month."""
    draw = columns if upright else bars
    return draw([r.label for r in rates], [r.percent for r in rates], unit="%", top=100)


def completion_chart(progress: Any) -> dict[str, Any] | None:
    """A campaign's completion as bars: the total first, then each branch large enough to be
    broken down (handlers.figures); None when not even the total is."""
    rows = [(name, b) for name, b in progress.lines if b.shown]
    if not rows:
        return None

    def share(attr: str) -> list[int]:
        return [getattr(b, attr) * 100 // b.recipients for _, b in rows]

    done, going = share("completed"), share("in_progress")
    return stacked_percent(
        [name for name, _ in rows],
        [
            ("已完成", done),
            ("学习中", going),
            ("未开始", [100 - d - g for d, g in zip(done, going, strict=True)]),
        ],
    )


def completion_row(line: tuple[str, Any]) -> list[Any]:
    """One row of a completion table (the `completion_row` template filter): a group of fewer
    than 5 people shows its size only."""
    name, b = line
    if not b.shown:
        return [name, f"{b.recipients} 人", "不足 5 人，不分项", "", "", ""]
    return [
        name,
        f"{b.recipients} 人",
        f"{b.completed}（{b.completed_percent}%）",
        b.in_progress,
        b.not_started,
        b.nudged,
    ]


def series_chart(series: Any) -> dict[str, Any] | None:
    """One 数据中心 series (handlers.stats.Series) as a chart: months as columns (with the same months
    last year beside them when given), categories as bars. A series with a masked cell ("少于5人")
    is shown as its table alone, so the words are read, and so is one with nothing to draw."""

    def number(value: Any) -> float | None:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    labels = [label for label, _ in series.rows]
    values = [number(v) for _, v in series.rows]
    if all(v is None for v in values) or any(isinstance(v, str) and v != "—" for _, v in series.rows):
        return None  # masked cells are words: the table shows them, a chart would hide them
    if not series.title.startswith("各月"):
        chart = bars(labels, values, unit=series.unit if series.unit == "%" else "")
        if series.unit != "%":
            chart["xAxis"]["minInterval"] = 1  # people and branches come whole: no 0.2 ticks
        return chart
    chart = columns(labels, values, unit=series.unit, top=100 if series.unit == "%" else None)
    if len(labels) > 24:  # years of months: a line reads better than sixty columns
        chart["series"][0].update({"type": "line", "connectNulls": False, "label": {"show": False}})
    if series.compare is not None:
        chart["legend"] = {"top": 0, "data": ["本年", series.compare_label]}
        chart["series"][0]["name"] = "本年"
        chart["series"].append(
            {
                "type": "bar",
                "name": series.compare_label,
                "data": [number(v) for v in series.compare],
                "itemStyle": {"color": "#b8bcc4"},
            }
        )
    return chart


def scatter(points: list[tuple[str, float, float]], *, x_name: str, y_name: str) -> dict[str, Any]:
    """One dot per branch (its name on hover): a Party figure across, a department measure up."""
    return {
        "animation": False,
        "grid": {"left": 8, "right": 24, "top": 24, "bottom": 24, "containLabel": True},
        "tooltip": {"trigger": "item"},
        "xAxis": {"type": "value", "name": x_name, "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "value", "name": y_name, "scale": True},
        "series": [
            {
                "type": "scatter",
                "symbolSize": 12,
                "itemStyle": {"color": RED},
                "data": [{"name": name, "value": [x, y]} for name, x, y in points],
            }
        ],
    }
