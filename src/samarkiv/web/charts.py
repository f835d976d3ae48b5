"""Charts laid out for inline SVG: the format bar chart and time-series line charts.

Why SVG built here and not a chart library: no JavaScript, no CDN, and the layout is a
few lines of arithmetic. Templates draw each chart with ``role="img"``, a title and a
text description, and the same numbers follow as a table (the text alternative).
Series differ by colour *and* by line dash and marker shape, so colour is never the
only way to tell them apart (WCAG 1.4.1); the legend names them in text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.web.templatetags.samarkiv_web import number

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
    return bar_chart(_top(rows, limit))


def bar_chart(items: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars for (label, value) pairs in the given order, scaled to the largest."""
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


# --------------------------------------------------------------------------- time series

TIME_WIDTH = 720
TIME_HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 86, 24, 22, 40  # margins around the plot area
Y_STEPS = 4  # at most this many grid steps above zero
X_TICKS = 4
STYLES = 4  # distinct colour + dash + marker combinations before they repeat
MARKER_R = 4.5
MAX_MARKERS = 80  # a longer series shows only its last marker

When = date | datetime
Formatter = Callable[[float], str]


@dataclass
class Tick:
    pos: float
    label: str


@dataclass
class Point:
    x: float
    y: float
    shape: str  # SVG path of the marker
    title: str  # tooltip: series, time and value
    note: str = ""  # printed above the marker (problems found, say)


@dataclass
class Series:
    name: str
    style: int
    path: str
    points: list[Point]
    swatch: str  # the marker, drawn at (12, 8) for the legend
    summary: str  # one sentence for the chart's <desc>


@dataclass
class TimeChart:
    series: list[Series] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    width: int = TIME_WIDTH
    height: int = TIME_HEIGHT
    left: int = LEFT
    right: int = TIME_WIDTH - RIGHT
    top: int = TOP
    bottom: int = TIME_HEIGHT - BOTTOM

    @property
    def description(self) -> str:
        return " ".join(series.summary for series in self.series)

    @property
    def y_label_x(self) -> int:
        return self.left - 8

    @property
    def x_tick_end(self) -> int:
        return self.bottom + 5

    @property
    def x_label_y(self) -> int:
        return self.bottom + 22


def _marker(style: int, x: float, y: float, r: float = MARKER_R) -> str:
    """Circle, square, triangle or diamond: the shape tells series apart without colour."""
    kind = style % STYLES
    if kind == 0:
        return f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0z"
    if kind == 1:
        return f"M{x - r:.1f} {y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}z"
    if kind == 2:
        return (
            f"M{x:.1f} {y - 1.3 * r:.1f}L{x + 1.2 * r:.1f} {y + 0.9 * r:.1f}"
            f"L{x - 1.2 * r:.1f} {y + 0.9 * r:.1f}z"
        )
    return (
        f"M{x:.1f} {y - 1.4 * r:.1f}L{x + 1.4 * r:.1f} {y:.1f}"
        f"L{x:.1f} {y + 1.4 * r:.1f}L{x - 1.4 * r:.1f} {y:.1f}z"
    )


def _seconds(when: When) -> float:
    if isinstance(when, datetime):
        return when.timestamp()
    return timezone.make_aware(datetime.combine(when, time())).timestamp()


def _local(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.get_current_timezone())


def _moment_label(when: When) -> str:
    """A point in text: the day for daily data, day and minute for a moment."""
    if isinstance(when, datetime):
        return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


def _tick_label(seconds: float, span: float) -> str:
    """As precise as the axis needs: days over two days, minutes, or seconds."""
    if span >= 2 * 86400:
        return _local(seconds).strftime("%Y-%m-%d")
    return _local(seconds).strftime("%Y-%m-%d %H:%M" if span >= 1800 else "%H:%M:%S")


def _x_ticks(axes: _Axes, whens: list[When]) -> list[Tick]:
    """Evenly spaced ticks; for daily data, on distinct days only."""
    if not axes.span:
        return [Tick(axes.x(axes.start), _moment_label(whens[0]))]
    times = [axes.start + axes.span * i / (X_TICKS - 1) for i in range(X_TICKS)]
    if all(not isinstance(when, datetime) for when in whens):
        days = sorted({_local(t + 43200).date() for t in times})  # nearest day
        return [Tick(axes.x(_seconds(day)), day.isoformat()) for day in days]
    return [Tick(axes.x(t), _tick_label(t, axes.span)) for t in times]


def _step(largest: float, binary: bool) -> float:
    """A round grid step so that ``Y_STEPS`` steps reach ``largest``.

    Byte axes step in powers of two (256 MB, 512 MB, 1 GB: round in 1024-based units);
    counts in 1, 2 or 5 times a power of ten, and never below 1.
    """
    raw = max(largest, 1) / Y_STEPS
    if binary:
        return float(2 ** math.ceil(math.log2(raw)))
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1.0, float(factor * power))
    return max(1.0, 10.0 * power)


@dataclass(frozen=True)
class _Axes:
    """Value -> pixel mapping of one chart, shared by its series."""

    start: float  # earliest time, seconds
    span: float  # seconds from the earliest to the latest time (0: one moment)
    top_value: float  # the value at the top of the plot
    chart: TimeChart
    fmt: Formatter

    def x(self, seconds: float) -> float:
        width = self.chart.right - self.chart.left
        offset = (seconds - self.start) / self.span * width if self.span else width / 2
        return round(self.chart.left + offset, 1)

    def y(self, value: float) -> float:
        height = self.chart.bottom - self.chart.top
        return round(self.chart.bottom - value / self.top_value * height, 1)


def time_chart(
    data: dict[str, Sequence[tuple[When, float]]],
    fmt: Formatter,
    *,
    binary: bool = False,
    step: bool = False,
    notes: Callable[[float], str] | None = None,
    styles: dict[str, int] | None = None,
) -> TimeChart:
    """Lines over time, one per series name, on a shared time axis and y axis from zero.

    ``step`` draws a staircase held to the right edge (running totals); ``notes`` may
    print a short text above a point (e.g. the number of problems when it is not 0);
    ``styles`` pins a series to a style, so a location looks the same in every chart.
    """
    chart = TimeChart()
    whens = [when for points in data.values() for when, _value in points]
    if not whens:
        return chart
    times = [_seconds(when) for when in whens]
    largest = max(value for points in data.values() for _when, value in points)
    grid = _step(largest, binary)
    top_value = grid * max(1, math.ceil(largest / grid))
    axes = _Axes(min(times), max(times) - min(times), top_value, chart, fmt)
    steps = round(top_value / grid)
    chart.y_ticks = [Tick(axes.y(i * grid), fmt(i * grid)) for i in range(steps + 1)]
    chart.x_ticks = _x_ticks(axes, whens)
    styles = styles or {}
    order = sorted(data, key=lambda name: (styles.get(name, len(styles)), list(data).index(name)))
    for index, name in enumerate(order):
        style = styles.get(name, index)
        chart.series.append(_series(name, style, data[name], axes, step, notes))
    return chart


def _path(coords: list[tuple[float, float]], step: bool, right: float) -> str:
    """Straight segments, or a staircase that holds its last value to the right edge."""
    if not coords:
        return ""
    path = f"M{coords[0][0]:.1f} {coords[0][1]:.1f}"
    for x, y in coords[1:]:
        path += f"H{x:.1f}V{y:.1f}" if step else f"L{x:.1f} {y:.1f}"
    return path + (f"H{right:.1f}" if step else "")


def _series(
    name: str,
    style: int,
    raw: Sequence[tuple[When, float]],
    axes: _Axes,
    step: bool,
    notes: Callable[[float], str] | None,
) -> Series:
    """One line: its path, its markers (with tooltips) and its sentence for <desc>."""
    ordered = sorted(raw, key=lambda item: _seconds(item[0]))
    labels = [_moment_label(when) for when, _value in ordered]
    coords = [(axes.x(_seconds(when)), axes.y(value)) for when, value in ordered]
    path = _path(coords, step, axes.chart.right) if axes.span else ""
    shown = range(len(coords)) if len(coords) <= MAX_MARKERS else [len(coords) - 1]
    points = []
    for index in shown:
        value, (x, y) = ordered[index][1], coords[index]
        title = f"{name}: {labels[index]}: {axes.fmt(value)}"
        note = notes(value) if notes else ""
        points.append(Point(x, y, _marker(style, x, y), title, note))
    summary = _(
        "%(name)s: %(count)s värden från %(first)s till %(last)s, högst %(max)s, senast %(latest)s."
    ) % {
        "name": name,
        "count": number(len(ordered)),
        "first": labels[0],
        "last": labels[-1],
        "max": axes.fmt(max(value for _when, value in ordered)),
        "latest": axes.fmt(ordered[-1][1]),
    }
    return Series(name, style % STYLES, path, points, _marker(style, 12, 8), summary)


# --------------------------------------------------------------------------- storage


def bytes_label(value: float) -> str:
    return str(filesizeformat(int(value)))


def count_label(value: float) -> str:
    return number(int(value))


def audit_location(run) -> str:
    """The series an audit run belongs to: its location, or all of them."""
    return run.location or _("alla lagringsplatser")


def _styles(locations: Sequence[str]) -> dict[str, int]:
    """Location -> style in configuration order; 'all locations' after them."""
    styles = {name: index for index, name in enumerate(locations)}
    styles[_("alla lagringsplatser")] = len(styles)
    return styles


def audit_charts(runs: Sequence, locations: Sequence[str] = ()) -> tuple[TimeChart, TimeChart]:
    """Bytes re-read and problems found per audit run, one line per location."""
    checked: dict[str, list[tuple[When, float]]] = {}
    problems: dict[str, list[tuple[When, float]]] = {}
    for run in runs:
        name = audit_location(run)
        checked.setdefault(name, []).append((run.started_at, run.bytes_checked))
        problems.setdefault(name, []).append((run.started_at, run.problems_found))
    styles = _styles(locations)
    return (
        time_chart(checked, bytes_label, binary=True, styles=styles),
        time_chart(
            problems,
            count_label,
            notes=lambda v: count_label(v) if v else "",
            styles=styles,
        ),
    )


def growth_chart(points: Sequence, locations: Sequence[str] = ()) -> TimeChart:
    """Cumulative bytes per location (``queries.storage_growth`` rows) as staircases."""
    data: dict[str, list[tuple[When, float]]] = {}
    for point in points:
        data.setdefault(point.location, []).append((point.day, point.total_bytes))
    return time_chart(data, bytes_label, binary=True, step=True, styles=_styles(locations))
