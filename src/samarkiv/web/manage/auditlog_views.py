"""The audit log of the acting tenant: browse with filters, export, verify the chain.

Verifying walks the whole hash chain (every tenant's entries, it is one chain), so it
runs only when someone presses the button, never on an ordinary page view.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from samarkiv.accounts.roles import Permission
from samarkiv.auditlog import chain, export, queries
from samarkiv.web.manage.forms import AuditFilterForm, chosen
from samarkiv.web.manage.guard import staff_view

PAGE_SIZE = 100
# What each kind of break in the chain means, for people; the detail stays in English.
PROBLEMS = {
    "gap": _("Poster saknas i numreringen."),
    "broken_link": _("Följer inte posten före: en post har tagits bort eller flyttats."),
    "altered": _("Innehållet har ändrats efter att posten skrevs."),
    "unreadable": _("Posten går inte att läsa."),
    "head_missing": _("Huvudfilen (den senaste postens kontrollsumma) saknas."),
    "head_unreadable": _("Huvudfilen går inte att läsa."),
    "head_mismatch": _("Skiljer sig från huvudfilen: kedjan har skrivits om fram till hit."),
    "head_missing_entry": _("Posten som huvudfilen pekar ut saknas."),
    "truncated": _("Poster har tagits bort i slutet av loggen."),
}


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict]:
    data = request.GET.copy()
    for key in ("sida", "format"):
        data.pop(key, None)
    form = AuditFilterForm(data or None, auto_id="filter_%s")
    return form, chosen(form)


def detail_pairs(detail: dict) -> list[tuple[str, str]]:
    """An entry's details as (key, text): nested values as compact JSON, not Python."""
    return [
        (key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in (detail or {}).items()
    ]


@require_GET
@staff_view(Permission.VIEW_AUDIT_LOG)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The entries, newest first, 100 a page; the export links keep the filters."""
    form, filters = _filters(request)
    rows = queries.entries(request.acting, **filters).order_by("-seq")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida"))
    context = {
        "filter_form": form,
        "filtered": bool(filters),
        "page": page,
        "rows": [(entry, detail_pairs(entry.detail)) for entry in page.object_list],
        "tenant": request.acting.tenant,
    }
    return render(request, "manage/audit_log.html", context, status=400 if form.errors else 200)


@require_GET
@staff_view(Permission.VIEW_AUDIT_LOG)
def audit_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered entries as CSV or JSON Lines, streamed (the log can be large)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in export.FORMATS:
        return HttpResponseBadRequest("format must be csv or jsonl")
    form, filters = _filters(request)
    if form.errors:
        return HttpResponseBadRequest("invalid filter")
    lines = export.export_rows(request.acting, fmt, **filters)  # records the export
    response = StreamingHttpResponse(lines, content_type=export.CONTENT_TYPES[fmt])
    day = timezone.localdate().isoformat()
    name = f"granskningslogg-{request.acting.tenant}-{day}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_view(Permission.VIEW_AUDIT_LOG)
def audit_log_verify(request: HttpRequest) -> HttpResponse:
    """Walk the chain now and show whether it is whole, or where it is broken."""
    result = chain.verify()
    problems = [
        (problem, PROBLEMS.get(getattr(problem, "code", ""), _("Okänt fel.")))
        for problem in result.problems
    ]
    context = {"result": result, "problems": problems}
    return render(request, "manage/audit_verify.html", context)
