"""The statistics page's bar chart: requests per municipality, laid out for inline SVG
with the same geometry as the format chart (``samarkiv.web.charts``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samarkiv.access.requests.stats import TenantStats
from samarkiv.web.charts import BarChart, bar_chart, chart_description

MAX_BARS = 20


def stats_chart(rows: list[TenantStats]) -> tuple[BarChart, str]:
    """Bars of the number of requests, scaled to the busiest municipality."""
    items = sorted(rows, key=lambda r: (-r.total, r.name.casefold()))[:MAX_BARS]
    chart = bar_chart([(row.name, row.total) for row in items])
    description = chart_description(chart) if chart.bars else _("Inga begäranden ännu.")
    return chart, description
