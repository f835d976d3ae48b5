"""The public portal's pages for citizens: search, record, hidden record, explanations.

No login and no scope: every page reads only through
``samarkiv.access.publication.public``, which reads only the published projection. A
record that is not published is a 404 here whatever the reason (secret, protected,
another municipality's rule, or no such id), so the answer reveals nothing.

Pages are plain GET forms that work without JavaScript, rendered by the server and
kept for a minute in the per-process page cache (``portal.cache``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from samarkiv.catalog.records.choices import RecordKind
from samarkiv.errors import NotFoundError
from samarkiv.web.portal import params
from samarkiv.web.portal import presenters as show
from samarkiv.web.portal.cache import cached_page
from samarkiv.web.portal.params import PER_PAGE, PortalQuery

log = logging.getLogger(__name__)

STUBS_PER_PAGE = 20  # find_stubs pages by this many
STUB_PAGE = "dsida"
MAX_CHILDREN = 200  # documents listed on a case page
PARENT_KINDS = {RecordKind.CASE.value, RecordKind.PACKAGE.value, RecordKind.UNIT.value}


def not_found_as_portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anything not published answers the portal's own 404 page: the same for a secret
    record, a protected one and a made-up id, and without the staff page's cookies."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFoundError:
            return render(request, "portal/404.html", status=404)

    return wrapped


def public():
    """``public.py``, imported on first use (the portal's only door to the archive)."""
    from samarkiv.access.publication import public as module

    return module


def _run(query: PortalQuery, page: int):
    return public().public_search(
        query.text,
        fields=query.fields or None,
        filters=query.service_filters() or None,
        page=page,
        per_page=PER_PAGE,
        facets=True,
    )


def _results(request: HttpRequest, query: PortalQuery) -> dict:
    """Search, clamp an out-of-range page to the last one, shape facets and chips."""
    result = _run(query, query.page)
    page = Paginator(range(min(result.total, params.MAX_PAGE * PER_PAGE)), PER_PAGE).get_page(
        query.page
    )
    if page.number != query.page and result.total:
        result = _run(query, page.number)
    groups = show.facet_groups(result.facets or {}, query.filters)
    prefix = show.record_url_prefix()
    return {
        "total": result.total,
        "hits": [show.hit_view(hit, prefix) for hit in result.hits],
        "page": page,
        "facets": groups,
        "chips": show.chips(request.GET, groups),
        "clear_url": show.without_filters(request.GET),
    }


def _municipalities() -> list[show.FacetOption]:
    """Every municipality with published records, and how many (the start page)."""
    try:
        result = public().public_search("", page=1, per_page=1, facets=True)
    except Exception:  # an empty or rebuilding index must not take the start page down
        log.warning("portal start page: no municipality counts", exc_info=True)
        return []
    groups = show.facet_groups(result.facets or {}, {})
    return next((g.options for g in groups if g.key == "tenant"), [])


def _kind_label(kind: str) -> str:
    try:
        return str(RecordKind(kind).label)
    except ValueError:
        return kind


def _stubs(request: HttpRequest, query: PortalQuery) -> dict:
    """Records that exist but must be requested: only the always-public fields."""
    tenants = query.filters.get("tenant", [])
    creators = query.filters.get("records_creator", [])
    number = params.page_number(request.GET.get(STUB_PAGE))
    total, stubs = public().find_stubs(
        tenant=tenants[0] if len(tenants) == 1 else None,
        records_creator=creators[0] if len(creators) == 1 else None,
        year_from=query.year_from,
        year_to=query.year_to,
        page=number,
    )
    rows = [
        {
            "stub": stub,
            "kind": _kind_label(stub.kind),
            "request_url": show.request_url(stub=stub.pk),
        }
        for stub in stubs
    ]
    pages = Paginator(range(min(total, params.MAX_PAGE * STUBS_PER_PAGE)), STUBS_PER_PAGE)
    return {"stub_total": total, "stubs": rows, "stub_page": pages.get_page(number)}


def _published_children(source, item) -> list:
    """The published documents of a case (only cases and packages have any: a document
    page must not pay for the lookup)."""
    if item.kind not in PARENT_KINDS:
        return []
    rows = source.PublishedRecord.objects.filter(parent_id=item.pk)
    return list(rows.order_by("date_start", "title")[:MAX_CHILDREN])


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """Start page and search page in one: the box, and results once something is asked."""
    query = params.read(request.GET)
    context: dict = {
        "query": query,
        "fields": [
            (param, label, request.GET.get(param, "").strip()[: params.MAX_FIELD])
            for param, _key, label in params.FIELDS
        ],
        "P": {
            "year_from": params.YEAR_FROM,
            "year_to": params.YEAR_TO,
            "stubs": params.SHOW_STUBS,
            "stub_page": STUB_PAGE,
        },
    }
    if query.searched:
        context.update(_results(request, query))
    else:
        context["municipalities"] = _municipalities()
    if query.show_stubs:
        context.update(_stubs(request, query))
    return render(request, "portal/search.html", context)


@require_safe
@not_found_as_portal_page
@cached_page
def record(request: HttpRequest, pk) -> HttpResponse:
    """A published record: metadata, files to view or download, the DIP of them all."""
    source = public()
    item = source.published_record(pk)  # NotFoundError -> 404 for anything unpublished
    files = source.published_files(item)
    parent = None
    if item.parent_id:
        try:
            parent = source.published_record(item.parent_id)
        except NotFoundError:  # an unpublished case of a published document: not named
            parent = None
    children = _published_children(source, item)
    context = {
        "record": item,
        "title": show.mask_ids_in_text(item.title),
        "description": show.mask_ids_in_text(item.description),
        "kind": _kind_label(item.kind),
        "names": [show.mask_ids_in_text(n) for n in show.lines(item.names)],
        "addresses": show.lines(item.addresses),
        "properties": show.lines(item.property_designations),
        "files": show.file_views(files),
        "parent": parent,
        "children": children,
        "request_url": show.request_url(record=item.pk),
    }
    return render(request, "portal/record.html", context)


@require_safe
@not_found_as_portal_page
@cached_page
def stub(request: HttpRequest, pk) -> HttpResponse:
    """A record that exists but is not published: what may be shown, why, and a button."""
    item = public().public_stub(pk)  # protected identities have no stub: 404
    context = {
        "stub": item,
        "kind": _kind_label(item.kind),
        "request_url": show.request_url(stub=item.pk),
    }
    return render(request, "portal/stub.html", context)


@require_safe
@cached_page
def about_hidden(request: HttpRequest) -> HttpResponse:
    """Plain language: why not everything is online, and what a citizen can do."""
    return render(request, "portal/about_hidden.html")
