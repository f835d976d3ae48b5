"""The statistics page's bar chart: requests per municipality, laid out for inline SVG
with the same geometry as the format chart (``samarkiv.web.charts``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samarkiv.access.requests.stats import TenantStats
from samarkiv.web.charts import BAR_HEIGHT, ROW, WIDTH, Bar, BarChart, chart_description

VALUE_SPACE = 64
MAX_BARS = 20


def stats_chart(rows: list[TenantStats]) -> tuple[BarChart, str]:
    """Bars of the number of requests, scaled to the busiest municipality."""
    items = sorted(rows, key=lambda r: (-r.total, r.name.casefold()))[:MAX_BARS]
    largest = max((r.total for r in items), default=0) or 1
    span = WIDTH - VALUE_SPACE
    chart = BarChart(height=len(items) * ROW + 4)
    for index, row in enumerate(items):
        top = index * ROW
        width = max(2, round(span * row.total / largest))
        chart.bars.append(
            Bar(
                label=row.name,
                value=row.total,
                label_y=top + 16,
                bar_y=top + 22,
                width=width,
                value_x=width + 8,
                value_y=top + 22 + BAR_HEIGHT - 4,
            )
        )
    description = chart_description(chart) if chart.bars else _("Inga begäranden ännu.")
    return chart, description
