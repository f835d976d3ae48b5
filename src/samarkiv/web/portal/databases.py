"""Portal pages for citizens: published archived databases (tables, rows, one row, CSV).

No login and no scope: every view reads only through
``samarkiv.access.databases.public_browse``, which reads only ``PublishedDatabase`` and
the public copy. An unpublished database, a secret table and a made-up number all
answer the portal's own 404 page. Plain GET forms, no JavaScript; the same public
cache headers as the other portal pages (not the per-process page cache, which is
keyed on the records' publication generation and would not see a database withdrawn).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from samarkiv.access.databases import public_browse as pub
from samarkiv.errors import UsageError
from samarkiv.web.portal.cache import public_headers
from samarkiv.web.portal.views import not_found_as_portal_page

OPS = (("contains", gettext_lazy("innehåller")), ("eq", gettext_lazy("är lika med")))
PAGING = ("efter",)


def _int(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise UsageError(_("ogiltigt tal: %(value)s") % {"value": value[:20]}) from None
    if not -(2**63) <= number < 2**63:
        raise UsageError(_("ogiltigt tal: %(value)s") % {"value": value[:20]})
    return number


def read_query(get: QueryDict) -> pub.PublicQuery:
    """The rows page's query string (Swedish names) as a PublicQuery."""
    column, value = get.get("kol", ""), get.get("varde", "")
    return pub.PublicQuery(
        filter=(column, get.get("op", "contains"), value[:500]) if column and value else None,
        sort=get.get("sortera", ""),
        desc=get.get("ordning") == "fallande",
        q=get.get("q", "")[:500],
        after=_int(get.get("efter")),
        via=_int(get.get("via")),
        till=_int(get.get("till")),
    )


def _url(get: QueryDict, **changes) -> str:
    params = get.copy()
    for name in PAGING:
        params.pop(name, None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return "?" + encoded if encoded else "?"


def _headers(get: QueryDict, page: pub.PublicPage) -> list[dict]:
    """Column headings, each a sort link, the current one with aria-sort."""
    headers = []
    for column in page.table.columns:
        current = page.query.sort == column.name
        ascending_next = not current or page.query.desc
        headers.append(
            {
                "column": column,
                "sort": ("descending" if page.query.desc else "ascending") if current else "",
                "url": _url(
                    get, sortera=column.name, ordning="stigande" if ascending_next else "fallande"
                ),
            }
        )
    return headers


def _page(request: HttpRequest, template: str, context: dict, status: int = 200):
    return public_headers(render(request, template, context, status=status))


@require_safe
def database_list(request: HttpRequest) -> HttpResponse:
    """Every published database, by municipality."""
    databases = list(pub.published_databases())
    return _page(request, "portal/databases/list.html", {"databases": databases})


@require_safe
@not_found_as_portal_page
def database(request: HttpRequest, pk: int) -> HttpResponse:
    """One published database: its public tables with descriptions, columns and counts."""
    published = pub.published_database(pk)
    context = {"db": published, "tables": pub.tables(published)}
    return _page(request, "portal/databases/tables.html", context)


@require_safe
@not_found_as_portal_page
def database_table(request: HttpRequest, pk: int, t: int) -> HttpResponse:
    """Rows of a public table: search, one filter, sort, keyset paging, CSV of the lot."""
    published = pub.published_database(pk)
    _tables, table = pub.table_at(published, t)
    get = request.GET
    context: dict = {"db": published, "table": table, "ops": OPS, "error": ""}
    try:
        query = read_query(get)
        page = pub.rows(published, t, query)
    except UsageError as exc:
        context.update(query=pub.PublicQuery(), filter=("", "contains", ""), error=exc.message)
        return _page(request, "portal/databases/rows.html", context, status=400)
    csv_params = get.copy()
    csv_params.pop("efter", None)
    context.update(
        query=query,
        page=page,
        filter=query.filter or ("", "contains", ""),
        headers=_headers(get, page),
        next_url=_url(get, efter=page.rows[-1].rowid) if page.has_next else "",
        first_url=_url(get) if query.after is not None else "",
        csv_url=reverse("portal:database_csv", kwargs={"pk": pk, "t": t})
        + ("?" + csv_params.urlencode() if csv_params else ""),
    )
    return _page(request, "portal/databases/rows.html", context)


@require_safe
@not_found_as_portal_page
def database_row(request: HttpRequest, pk: int, t: int, rowid: int) -> HttpResponse:
    """One row in full, its keys as links, and the public rows that refer to it."""
    published = pub.published_database(pk)
    detail = pub.row(published, t, rowid)
    pairs = list(zip(detail.table.columns, detail.row.cells, strict=False))
    context = {"db": published, "table": detail.table, "detail": detail, "pairs": pairs}
    return _page(request, "portal/databases/row.html", context)


@require_safe
@not_found_as_portal_page
def database_csv(request: HttpRequest, pk: int, t: int) -> HttpResponse:
    """The rows the query selects as CSV, streamed (formulas defused)."""
    published = pub.published_database(pk)
    try:
        name, lines = pub.export_csv(published, t, read_query(request.GET))
    except UsageError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return public_headers(response)
