"""The staff search page and the record page.

Both show content (titles, parties, file names), so both need VIEW_CONTENT: the host's
IT archivists get a 403, another tenant's record is a 404. The search itself goes
through ``samarkiv.access.search.service``, which narrows to the acting tenant and
writes the search to the audit log; the record page writes one VIEW entry per visit,
with ``personal_id: shown`` in its detail when the visit showed full personal identity
numbers.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from samarkiv.access.search import service
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record as audit
from samarkiv.catalog.records import queries
from samarkiv.catalog.records.choices import RecordKind
from samarkiv.ingest import queries as ingest_queries
from samarkiv.web.scoping import requires
from samarkiv.web.search import presenters as show

PER_PAGE = 20
MAX_PAGE = service.MAX_PAGE  # deep paging is a crawler, not a person
REVEAL_PARAM = "visa"
REVEAL_VALUE = "personnummer"


def run_search(scope: Scope, query: str, filters: dict[str, list[str]], page: int):
    """The one call into the search service, which narrows to the scope's tenant and
    writes the search to the audit log (so this page must not log it again)."""
    return service.search(scope, query, filters=filters or None, page=page, per_page=PER_PAGE)


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), MAX_PAGE))
    except ValueError:
        return 1


def _results(request: HttpRequest, query: str, selected: dict[str, list[str]]) -> dict:
    """Search, clamp an out-of-range page to the last one, and shape the sidebar."""
    number = _page_number(request.GET.get(show.PAGE_PARAM))
    result = run_search(request.acting, query, selected, number)
    page = Paginator(range(result.total), PER_PAGE).get_page(number)
    if page.number != number and result.total:
        result = run_search(request.acting, query, selected, page.number)
    groups = show.facet_groups(result.facets or {}, selected)
    return {
        "total": result.total,
        "hits": [show.hit_view(hit) for hit in result.hits],
        "page": page,
        "facets": groups,
        "chips": show.chips(request.GET, selected, groups),
        "clear_url": show.without_filters(request.GET),
    }


@require_GET
@requires(Permission.VIEW_CONTENT)
def search(request: HttpRequest) -> HttpResponse:
    """One search box, hits with highlights, facets to narrow by; nothing until asked."""
    query = request.GET.get(show.QUERY_PARAM, "").strip()[: show.MAX_QUERY]
    selected = show.read_filters(request.GET)
    context: dict = {"query": query, "selected": selected, "searched": bool(query or selected)}
    if context["searched"]:  # the service parses any typed text; it never refuses a query
        context.update(_results(request, query, selected))
    return render(request, "search/search.html", context)


def _hides_ids(item) -> bool:
    """True when the page masks something the "Visa personnummer" button would show."""
    return show.has_personal_ids(item.parties) or show.has_ids_in_text(item.title, item.description)


def _wants_reveal(request: HttpRequest, item) -> bool:
    return (
        request.method == "POST"
        and request.POST.get(REVEAL_PARAM) == REVEAL_VALUE
        and _hides_ids(item)
    )


def _texts(item, reveal: bool) -> dict:
    """Title and description, identity numbers in them masked unless revealed."""
    if reveal:
        return {"title": item.title, "description": item.description}
    return {
        "title": show.mask_ids_in_text(item.title),
        "description": show.mask_ids_in_text(item.description),
    }


def _secrecy(scope: Scope, item):
    """The "Sekretess och publicering" section: computed visibility and markings."""
    from samarkiv.access.publication.service import record_secrecy

    return record_secrecy(scope, item) if scope.tenant else None


@require_http_methods(["GET", "POST"])
@requires(Permission.VIEW_CONTENT)
def record_detail(request: HttpRequest, pk) -> HttpResponse:
    """One case, document or described unit: metadata, parties, documents, files.

    Full personal identity numbers are shown only in the response to the POST of the
    "Visa personnummer" button, never in a URL, and that view is logged as such.
    """
    scope = request.acting
    item = queries.get_record(scope, pk)
    reveal = _wants_reveal(request, item)
    audit(
        scope,
        AuditAction.VIEW,
        obj=item,
        tenant=item.tenant_id,
        detail={"personal_id": "shown"} if reveal else None,
    )
    children = list(queries.record_children(scope, item))
    files = queries.files_of(scope, [item, *children])
    context = {
        "record": item,
        "kind_label": show.kind_label(item.kind),
        "is_case": item.kind == RecordKind.CASE,
        "parent": queries.record_parent(scope, item),
        "texts": _texts(item, reveal),
        "parties": show.parties(item.parties, reveal=reveal),
        "can_reveal": _hides_ids(item) and not reveal,
        "revealed": reveal,
        "files": files[item.pk],
        "documents": [
            (child, show.mask_ids_in_text(child.title), files[child.pk]) for child in children
        ],
        "ingests": ingest_queries.aip_ingests(scope, item.aip)[:5],
        "validation": show.validation_problems(item.extra),
        "reveal_param": REVEAL_PARAM,
        "reveal_value": REVEAL_VALUE,
        "secrecy": _secrecy(scope, item),
    }
    response = render(request, "search/record_detail.html", context)
    if reveal:
        response["Cache-Control"] = "no-store"
    return response
