"""Staff pages of archival packages (AIPs): the list and one AIP with its files.

The list (labels, states, sizes) needs VIEW_DELIVERIES; the detail page shows file
paths and events, so it needs VIEW_CONTENT and every visit is written to the audit log.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samarkiv.accounts.roles import Permission
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.ingest import queries
from samarkiv.preservation import queries as storage_queries
from samarkiv.web.charts import chart_description, format_chart, format_label
from samarkiv.web.forms import AipFilterForm, filters
from samarkiv.web.scoping import requires

PAGE_SIZE = 50
FILE_PAGE_SIZE = 100


@require_GET
@requires(Permission.VIEW_DELIVERIES)
def aip_list(request: HttpRequest) -> HttpResponse:
    """The acting tenant's AIPs, newest first, optionally in one state."""
    filter_form = AipFilterForm(request.GET or None, auto_id="filter_%s")
    rows = queries.aips(request.acting, **filters(filter_form))
    context = {
        "filter_form": filter_form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida")),
    }
    status = 400 if filter_form.errors else 200
    return render(request, "web/aip_list.html", context, status=status)


@require_GET
@requires(Permission.VIEW_CONTENT)
def aip_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One AIP: metadata, copies against its policy, audit findings, formats, files, events."""
    aip = queries.aip_detail(request.acting, pk)
    record(request.acting, AuditAction.VIEW, obj=aip, tenant=aip.tenant_id)
    summary = queries.format_summary(aip)
    chart = format_chart(summary)
    files = Paginator(queries.aip_files(aip), FILE_PAGE_SIZE).get_page(request.GET.get("sida"))
    context = {
        "aip": aip,
        "policy": storage_queries.aip_policy(aip),
        "storage": storage_queries.aip_storage(aip),
        "audit_findings": storage_queries.aip_findings(aip),
        "ingests": queries.aip_ingests(request.acting, aip),
        "formats": [{**row, "label": format_label(row)} for row in summary],
        "chart": chart,
        "chart_description": chart_description(chart),
        "files": files,
        "events": queries.aip_events(aip),
    }
    return render(request, "web/aip_detail.html", context)
