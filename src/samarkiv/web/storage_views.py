"""The storage dashboard: copies per location and tenant, alerts, audits and growth.

Declarative like the other staff views: every figure comes from
``preservation.queries``, every chart from ``web.charts``; the view only hands them to
the template.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samarkiv.preservation import queries
from samarkiv.web.charts import audit_charts, growth_chart

ALERTS_SHOWN = 100


@require_GET
def storage_dashboard(request: HttpRequest) -> HttpResponse:
    """Locations, tenants, AIPs that need action, open alerts, audit history, growth."""
    history = queries.audit_history()
    growth = queries.storage_growth()
    locations = queries.location_summaries()
    names = [location.name for location in locations]  # one style per location everywhere
    checked_chart, problems_chart = audit_charts(history, names)
    tenants = queries.tenant_summaries()
    context = {
        "states": queries.state_counts(),
        "locations": locations,
        "tenants": [tenant for tenant in tenants if tenant.aips],
        "idle_tenants": [tenant.name for tenant in tenants if not tenant.aips],
        "problem_aips": queries.problem_aips(),
        "alerts": queries.alerts()[:ALERTS_SHOWN],
        "alert_total": queries.alert_count(),
        "repairs": queries.recent_repairs(),
        "history": history[::-1],  # the table: newest first
        "checked_chart": checked_chart,
        "problems_chart": problems_chart,
        "growth": growth,
        "growth_chart": growth_chart(growth, names),
    }
    return render(request, "web/storage.html", context)
