"""Staff pages of ingests: the list with filters and an upload form, and one ingest.

The upload runs the ingest service synchronously in the request (the embedded,
in-process worker); the pipeline takes the archive-wide ingest lock itself.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from samarkiv.errors import SamarkivError
from samarkiv.ingest import queries
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.ingest.receipt import Receipt
from samarkiv.web.forms import IngestFilterForm, IngestUploadForm, filters
from samarkiv.web.sections import group_findings
from samarkiv.web.uploads import named_upload

PAGE_SIZE = 50


def _ingest(form: IngestUploadForm) -> Receipt | None:
    """Ingest the uploaded delivery; domain errors become form errors."""
    data = form.cleaned_data
    try:
        with named_upload(data["package"]) as path:
            return ingest(IngestRequest(path, data["tenant"], agreement=data["agreement"]))
    except SamarkivError as exc:
        form.add_error("package", exc.message)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def ingest_list(request: HttpRequest) -> HttpResponse:
    """Ingests, newest first, filtered by tenant and state; a form to ingest one more."""
    form = IngestUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        receipt = _ingest(form)
        if receipt is not None:
            return redirect("web:ingest_detail", pk=receipt.ingest_id)
    filter_form = IngestFilterForm(request.GET or None, auto_id="filter_%s")
    rows = queries.ingests(**filters(filter_form))
    context = {
        "form": form,
        "filter_form": filter_form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida")),
    }
    status = 400 if form.errors or filter_form.errors else 200
    return render(request, "web/ingest_list.html", context, status=status)


@require_GET
def ingest_detail(request: HttpRequest, pk) -> HttpResponse:
    """One ingest: its state, receipt, validation findings and PREMIS events."""
    row = get_object_or_404(queries.ingest_details(), pk=pk)
    validation = row.validation or {}
    context = {
        "ingest": row,
        "receipt": queries.receipt_of(row),
        "receipt_json": json.dumps(row.receipt, indent=2, ensure_ascii=False),
        "report": validation,
        "sections": group_findings(validation.get("findings", [])),
        "events": queries.ingest_events(row),
    }
    return render(request, "web/ingest_detail.html", context)


@require_GET
def ingest_receipt_json(request: HttpRequest, pk) -> JsonResponse:
    """The receipt as `samarkiv ingest --json` prints it, for the deliverer's scripts."""
    row = get_object_or_404(queries.ingest_details().exclude(receipt=None), pk=pk)
    return JsonResponse(row.receipt, json_dumps_params={"ensure_ascii": False})
