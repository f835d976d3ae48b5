"""The storage dashboard: copies per location and tenant, alerts, audits and growth.

Declarative like the other staff views: every figure comes from
``preservation.queries``, every chart from ``web.charts``; the view only hands them to
the template. It needs OPERATE_STORAGE and is platform-wide (every tenant's copies),
so it shows no content: AIP ids, states and numbers, never file names or titles.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samarkiv.accounts.roles import Permission
from samarkiv.preservation import queries
from samarkiv.web.charts import audit_charts, growth_chart
from samarkiv.web.scoping import requires

ALERTS_SHOWN = 100


@require_GET
@requires(Permission.OPERATE_STORAGE)
def storage_dashboard(request: HttpRequest) -> HttpResponse:
    """Locations, tenants, AIPs that need action, open alerts, audit history, growth."""
    scope = request.acting
    history = queries.audit_history(scope)
    growth = queries.storage_growth(scope)
    locations = queries.location_summaries(scope)
    names = [location.name for location in locations]  # one style per location everywhere
    checked_chart, problems_chart = audit_charts(history, names)
    tenants = queries.tenant_summaries(scope)
    context = {
        "states": queries.state_counts(scope),
        "locations": locations,
        "tenants": [tenant for tenant in tenants if tenant.aips],
        "idle_tenants": [tenant.name for tenant in tenants if not tenant.aips],
        "problem_aips": queries.problem_aips(scope),
        "alerts": queries.alerts(scope)[:ALERTS_SHOWN],
        "alert_total": queries.alert_count(scope),
        "repairs": queries.recent_repairs(scope),
        "history": history[::-1],  # the table: newest first
        "checked_chart": checked_chart,
        "problems_chart": problems_chart,
        "growth": growth,
        "growth_chart": growth_chart(growth, names),
    }
    return render(request, "web/storage.html", context)
