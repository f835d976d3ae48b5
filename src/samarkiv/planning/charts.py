"""The plan's three charts laid out for inline SVG, on the page and in the PDF.

Why its own layout and not ``web.charts``: the PDF has no stylesheet of the staff app,
so these charts carry their colours as attributes; and a plan's x axis is quarters
(categories), not time stamps. Like ``web.charts``, the numbers also follow as tables
(the text alternative), and the two savings lines differ by dash and marker, not only
by colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 96, 20, 24, 48
INK, GRID = "#1f2933", "#c8ced6"
BLUE, ORANGE, RED, GREEN = "#1d4f91", "#a44a00", "#b00020", "#2e6b30"


@dataclass
class Tick:
    pos: float
    label: str


@dataclass
class Line:
    name: str
    colour: str
    dash: str
    path: str
    points: list[tuple[float, float, str]]  # x, y, tooltip


@dataclass
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    colour: str


@dataclass
class Chart:
    """One chart: axes, and lines, columns or horizontal bars."""

    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    limit_y: float | None = None  # the capacity line
    limit_label: str = ""

    @property
    def label_y(self) -> int:
        return self.bottom + 18


def nice_step(largest: float, steps: int = 4) -> float:
    """1, 2 or 5 times a power of ten, so that ``steps`` steps reach ``largest``."""
    raw = max(largest, 1) / steps
    power = 10 ** math.floor(math.log10(raw))
    return next(float(f * power) for f in (1, 2, 5, 10) if f * power >= raw)


def sek(value: float) -> str:
    """'1 250 000 kr', and in millions from ten million up (axis labels stay short)."""
    if value >= 10_000_000:
        return f"{value / 1_000_000:.0f} mnkr"
    return f"{int(round(value)):,} kr".replace(",", "\u00a0")


def _y_axis(chart: Chart, largest: float, fmt) -> float:
    step = nice_step(largest)
    top_value = step * max(1, math.ceil(largest / step))
    span = chart.bottom - chart.top
    count = round(top_value / step)
    chart.y_ticks = [
        Tick(round(chart.bottom - i * step / top_value * span, 1), fmt(i * step))
        for i in range(count + 1)
    ]
    return top_value


def _x_slots(chart: Chart, labels: list[str]) -> tuple[float, list[float]]:
    """Centre of each category; every label when they fit, else every n-th."""
    slot = (chart.right - chart.left) / max(1, len(labels))
    centres = [round(chart.left + slot * (i + 0.5), 1) for i in range(len(labels))]
    every = max(1, math.ceil(len(labels) / 8))
    chart.x_ticks = [Tick(centres[i], labels[i]) for i in range(0, len(labels), every)]
    return slot, centres


def savings_chart(
    labels: list[str], planned: list[float], realised: list[float | None], title: str, names
) -> Chart:
    """Yearly savings reached by the end of each quarter: planned and realised."""
    chart = Chart(title=title, description="")
    largest = max([*planned, *(v for v in realised if v is not None), 1])
    top_value = _y_axis(chart, largest, sek)
    _slot, centres = _x_slots(chart, labels)
    span = chart.bottom - chart.top

    def y(value: float) -> float:
        return round(chart.bottom - value / top_value * span, 1)

    for name, values, colour, dash in (
        (names[0], planned, BLUE, ""),
        (names[1], realised, GREEN, "6 4"),
    ):
        points = [
            (centres[i], y(v), f"{name}: {labels[i]}: {sek(v)}")
            for i, v in enumerate(values)
            if v is not None
        ]
        path = "".join(
            f"{'M' if i == 0 else 'L'}{x:.1f} {py:.1f}" for i, (x, py, _t) in enumerate(points)
        )
        chart.lines.append(Line(name, colour, dash, path, points))
    final = planned[-1] if planned else 0
    chart.description = f"{names[0]}: {sek(final)} {labels[-1] if labels else ''}."
    return chart


def effort_chart(labels: list[str], load: list[int], capacity: int, title: str, cap_name: str):
    """Planned hours per quarter as columns, the capacity as a dashed line."""
    chart = Chart(title=title, description="", limit_label=f"{cap_name}: {capacity} h")
    top_value = _y_axis(chart, max([*load, capacity, 1]), lambda v: f"{int(v)} h")
    slot, centres = _x_slots(chart, labels)
    span = chart.bottom - chart.top
    for i, hours in enumerate(load):
        height = round(hours / top_value * span, 1)
        chart.columns.append(
            Column(
                x=round(centres[i] - slot * 0.35, 1),
                y=round(chart.bottom - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                label=labels[i],
                value=str(hours),
                colour=RED if hours > capacity else BLUE,
            )
        )
    chart.limit_y = round(chart.bottom - capacity / top_value * span, 1)
    chart.description = "; ".join(f"{c.label}: {c.value} h" for c in chart.columns)
    return chart


def coverage_chart(rows: list[tuple[str, int, int]], title: str) -> Chart:
    """Per municipality, the share of its systems placed within the plan's horizon.

    ``rows``: (municipality, planned, total). Bars are horizontal, 100 % = the width.
    """
    row_height = 30
    chart = Chart(title=title, description="", height=max(60, row_height * len(rows) + 30))
    chart.left, chart.right = 150, WIDTH - 110
    chart.top, chart.bottom = 10, chart.height - 20
    span = chart.right - chart.left
    for i, (name, planned, total) in enumerate(rows):
        share = planned / total if total else 0.0
        width = max(2.0, round(span * share, 1))
        chart.columns.append(
            Column(
                x=chart.left,
                y=chart.top + i * row_height + 4,
                width=width,
                height=row_height - 10,
                label=name,
                value=f"{planned}/{total} ({round(share * 100)} %)",
                colour=ORANGE,
            )
        )
    chart.description = "; ".join(f"{c.label}: {c.value}" for c in chart.columns)
    return chart
