"""Staff pages of archival packages (AIPs): the list and one AIP with its files."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from samarkiv.ingest import queries
from samarkiv.preservation import queries as storage_queries
from samarkiv.web.charts import chart_description, format_chart, format_label
from samarkiv.web.forms import AipFilterForm, filters

PAGE_SIZE = 50
FILE_PAGE_SIZE = 100


@require_GET
def aip_list(request: HttpRequest) -> HttpResponse:
    """AIPs, newest first, filtered by tenant."""
    filter_form = AipFilterForm(request.GET or None, auto_id="filter_%s")
    rows = queries.aips(**filters(filter_form))
    context = {
        "filter_form": filter_form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida")),
    }
    status = 400 if filter_form.errors else 200
    return render(request, "web/aip_list.html", context, status=status)


@require_GET
def aip_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One AIP: metadata, copies against its policy, audit findings, formats, files, events."""
    aip = get_object_or_404(queries.aips(), pk=pk)
    summary = queries.format_summary(aip)
    chart = format_chart(summary)
    files = Paginator(queries.aip_files(aip), FILE_PAGE_SIZE).get_page(request.GET.get("sida"))
    context = {
        "aip": aip,
        "policy": storage_queries.aip_policy(aip),
        "storage": storage_queries.aip_storage(aip),
        "audit_findings": storage_queries.aip_findings(aip),
        "ingests": queries.aip_ingests(aip),
        "formats": [{**row, "label": format_label(row)} for row in summary],
        "chart": chart,
        "chart_description": chart_description(chart),
        "files": files,
        "events": queries.aip_events(aip),
    }
    return render(request, "web/aip_detail.html", context)
