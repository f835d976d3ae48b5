"""The format summary of an AIP as a horizontal bar chart, laid out for inline SVG.

Why SVG built here and not a chart library: no JavaScript, no CDN, and the layout is a
few lines of arithmetic. The template draws it with ``role="img"``, a title and a text
description, and the same numbers follow as a table (the text alternative).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

WIDTH = 640
ROW = 46  # label line + bar
BAR_HEIGHT = 18
VALUE_SPACE = 64  # room right of the longest bar for its count
MAX_BARS = 10


@dataclass
class Bar:
    label: str
    value: int
    label_y: int
    bar_y: int
    width: int
    value_x: int
    value_y: int


@dataclass
class BarChart:
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    bar_height: int = BAR_HEIGHT


def format_label(row: dict) -> str:
    """'Portable Network Graphics (fmt/11)', or a plain word for unidentified files."""
    if not row.get("puid"):
        return _("Utan PRONOM-id")
    name = row.get("format_name") or row["puid"]
    return f"{name} ({row['puid']})"


def _top(rows: list[dict], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` largest rows; the rest are summed into one 'other formats' bar."""
    items = [(format_label(row), int(row["files"])) for row in rows]
    if len(items) <= limit:
        return items
    rest = sum(value for _label, value in items[limit - 1 :])
    return [*items[: limit - 1], (_("Övriga format"), rest)]


def format_chart(rows: list[dict], limit: int = MAX_BARS) -> BarChart:
    """Bars scaled to the most common format; rows are ``queries.format_summary`` rows."""
    items = _top(rows, limit)
    largest = max((value for _label, value in items), default=0) or 1
    span = WIDTH - VALUE_SPACE
    chart = BarChart(height=len(items) * ROW + 4)
    for index, (label, value) in enumerate(items):
        top = index * ROW
        width = max(2, round(span * value / largest))
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                label_y=top + 16,
                bar_y=top + 22,
                width=width,
                value_x=width + 8,
                value_y=top + 22 + BAR_HEIGHT - 4,
            )
        )
    return chart


def chart_description(chart: BarChart) -> str:
    """The chart in one sentence, for the SVG's <desc>."""
    return "; ".join(f"{bar.label}: {bar.value}" for bar in chart.bars)
