"""Staff pages of ingests: the list with a filter and an upload form, and one ingest.

The list (metadata) needs VIEW_DELIVERIES, the detail page and the receipt (file
names, findings, events) VIEW_CONTENT, the upload DELIVER; all in the acting tenant.
The upload runs the ingest service synchronously in the request (the embedded,
in-process worker); the pipeline takes the archive-wide ingest lock itself.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.errors import NotFoundError, SamarkivError
from samarkiv.ingest import queries
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.ingest.receipt import Receipt
from samarkiv.web.forms import IngestFilterForm, IngestUploadForm, filters
from samarkiv.web.scoping import requires
from samarkiv.web.sections import group_findings
from samarkiv.web.uploads import named_upload

PAGE_SIZE = 50


def _ingest(scope: Scope, form: IngestUploadForm) -> Receipt | None:
    """Ingest the uploaded delivery for the acting tenant; domain errors become form errors.

    The pipeline writes the INGEST entry of the audit log, under the scope's actor.
    """
    scope.require(Permission.DELIVER)
    agreement = form.cleaned_data["agreement"].code
    try:
        with named_upload(form.cleaned_data["package"]) as path:
            request = IngestRequest(path, scope.tenant, agreement=agreement, actor=scope.actor)
            return ingest(request)
    except SamarkivError as exc:
        form.add_error("package", exc.message)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@requires(Permission.VIEW_DELIVERIES)
def ingest_list(request: HttpRequest) -> HttpResponse:
    """The acting tenant's ingests, newest first, by state; a form to deliver one more."""
    scope = request.acting
    can_deliver = scope.can(Permission.DELIVER)
    form = None
    if can_deliver:
        form = IngestUploadForm(scope, request.POST or None, request.FILES or None)
    if request.method == "POST":
        scope.require(Permission.DELIVER)
        if form.is_valid():
            receipt = _ingest(scope, form)
            if receipt is not None:
                return redirect("web:ingest_detail", pk=receipt.ingest_id)
    filter_form = IngestFilterForm(request.GET or None, auto_id="filter_%s")
    rows = queries.ingests(scope, **filters(filter_form))
    context = {
        "form": form,
        "filter_form": filter_form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida")),
    }
    status = 400 if (form is not None and form.errors) or filter_form.errors else 200
    return render(request, "web/ingest_list.html", context, status=status)


@require_GET
@requires(Permission.VIEW_CONTENT)
def ingest_detail(request: HttpRequest, pk) -> HttpResponse:
    """One ingest: its state, receipt, validation findings and PREMIS events."""
    row = queries.ingest_detail(request.acting, pk)
    record(request.acting, AuditAction.VIEW, obj=row, tenant=row.tenant_id)
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
@requires(Permission.VIEW_CONTENT)
def ingest_receipt_json(request: HttpRequest, pk) -> JsonResponse:
    """The receipt as `samarkiv ingest --json` prints it, for the deliverer's scripts."""
    row = queries.ingest_detail(request.acting, pk)
    if not row.receipt:
        raise NotFoundError("the ingest has no receipt yet")
    record(request.acting, AuditAction.DOWNLOAD, obj=row, tenant=row.tenant_id)
    return JsonResponse(row.receipt, json_dumps_params={"ensure_ascii": False})
