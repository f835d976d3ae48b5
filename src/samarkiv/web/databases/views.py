"""Staff pages for browsing archived databases (/staff/databases/).

The service (``samarkiv.access.databases.browse``) enforces the tenant, the masks and
the audit log; these views only turn query strings into a ``RowQuery`` and render. Every
form is a plain GET/POST form: nothing needs JavaScript.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarkiv.access.databases import browse, public_copy
from samarkiv.access.databases.masks import marks_of, set_table_marks
from samarkiv.access.databases.metadata import table_at
from samarkiv.accounts.roles import Permission
from samarkiv.errors import AccessDeniedError, NotFoundError, SamarkivError, UsageError
from samarkiv.web.manage.flash import notices, notify
from samarkiv.web.manage.guard import staff_view

OPS = (("contains", gettext_lazy("innehåller")), ("eq", gettext_lazy("är lika med")))


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def database_list(request: HttpRequest) -> HttpResponse:
    databases = browse.list_databases(request.acting).select_related("aip")
    return render(request, "databases/list.html", {"databases": databases})


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def database_detail(request: HttpRequest, pk: int) -> HttpResponse:
    database, tables = browse.database_tables(request.acting, pk)
    context = {
        "database": database,
        "tables": tables,
        "can_decide": request.acting.can(Permission.DECIDE),
        "notices": notices(request),
    }
    return render(request, "databases/tables.html", context)


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        raise UsageError(_("ogiltigt tal: %(value)s") % {"value": value}) from None


def row_query(request: HttpRequest) -> browse.RowQuery:
    """The rows page's query string as a RowQuery (names are checked by the service)."""
    get = request.GET
    filters = [
        (col, op, value)
        for col, op, value in zip(
            get.getlist("kol"), get.getlist("op"), get.getlist("varde"), strict=False
        )
        if col and value != ""
    ]
    return browse.RowQuery(
        filters=filters,
        sort=get.get("sortera", ""),
        desc=get.get("ordning") == "fallande",
        q=get.get("q", "")[:500],
        offset=_int(get.get("fran"), 0) or 0,
        after=_int(get.get("efter")),
        ref_fk=_int(get.get("via")),
        ref_rowid=_int(get.get("till")),
    )


def _with(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = str(value)
    return "?" + params.urlencode()


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return "?" + params.urlencode()


def _next_url(request: HttpRequest, page: browse.RowPage) -> str:
    """In the archive's own order, the next page starts after the last row id (a keyset:
    as fast on page 100 000 as on page 1); a sorted table pages by offset, up to a cap."""
    if not page.has_next:
        return ""
    if not page.query.sort:
        params = request.GET.copy()
        params.pop("fran", None)
        params["efter"] = str(page.rows[-1].rowid)
        return "?" + params.urlencode()
    return _with(request, fran=page.offset + browse.PAGE_SIZE)


def _headers(request: HttpRequest, page: browse.RowPage) -> list[dict]:
    """Column headings: a sort link each (not for masked columns), with aria-sort."""
    headers = []
    for column in page.table.columns:
        current = page.query.sort == column.name
        item = {"column": column, "url": "", "sort": ""}
        if current:
            item["sort"] = "descending" if page.query.desc else "ascending"
        if not column.masked:
            params = request.GET.copy()
            for name in ("fran", "efter"):
                params.pop(name, None)
            params["sortera"] = column.name
            params["ordning"] = "fallande" if current and not page.query.desc else "stigande"
            item["url"] = "?" + params.urlencode()
        headers.append(item)
    return headers


def _rows_error(request, pk: int, t: int, exc: UsageError) -> HttpResponse:
    database, tables = browse.database_tables(request.acting, pk, audit=False)
    context = {
        "database": database,
        "table": table_at(tables, t),
        "error": exc.message,
        "query": browse.RowQuery(),
        "ops": OPS,
    }
    return render(request, "databases/rows.html", context, status=400)


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def table_rows(request: HttpRequest, pk: int, t: int) -> HttpResponse:
    try:
        page = browse.browse_rows(request.acting, pk, t, row_query(request))
    except UsageError as exc:
        return _rows_error(request, pk, t, exc)
    first_filter = page.query.filters[0] if page.query.filters else ("", "contains", "")
    context = {
        "database": page.database,
        "table": page.table,
        "page": page,
        "query": page.query,
        "filter": first_filter,
        "ops": OPS,
        "next_url": _next_url(request, page),
        "prev_url": _with(request, fran=max(0, page.offset - browse.PAGE_SIZE))
        if page.offset > 0
        else "",
        "first_url": _without(request, "efter", "fran") if page.query.after is not None else "",
        "headers": _headers(request, page),
        "csv_url": reverse("databases_ui:table_csv", kwargs={"pk": pk, "t": t})
        + "?"
        + request.GET.urlencode(),
        "first": page.offset + 1,
        "last": page.offset + len(page.rows),
    }
    return render(request, "databases/rows.html", context)


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def table_csv(request: HttpRequest, pk: int, t: int) -> HttpResponse:
    try:
        name, lines = browse.export_csv(request.acting, pk, t, row_query(request))
    except UsageError as exc:
        return _rows_error(request, pk, t, exc)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def row_detail(request: HttpRequest, pk: int, t: int, rowid: int) -> HttpResponse:
    detail = browse.row_detail(request.acting, pk, t, rowid)
    pairs = list(zip(detail.table.columns, detail.row.cells, strict=False))
    return render(
        request,
        "databases/row.html",
        {"detail": detail, "pairs": pairs, "database": detail.database, "table": detail.table},
    )


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def follow_key(request: HttpRequest, pk: int, t: int, rowid: int, fk: int) -> HttpResponse:
    """From a foreign-key cell to the row it points at (404 if the archive lacks it)."""
    target, target_rowid = browse.follow_fk(request.acting, pk, t, rowid, fk)
    if target_rowid is None:
        raise NotFoundError(_("den refererade raden finns inte i arkivet"))
    return redirect("databases_ui:row_detail", pk=pk, t=target, rowid=target_rowid)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(Permission.DECIDE)
def table_masks(request: HttpRequest, pk: int, t: int) -> HttpResponse:
    """Mark a table or some of its columns as secret (DECIDE); audited by the service."""
    database, tables = browse.database_tables(request.acting, pk, audit=False)
    table = table_at(tables, t)
    error = ""
    if request.method == "POST":
        try:
            set_table_marks(
                request.acting,
                pk,
                t,
                table_secret=request.POST.get("hela") == "1",
                secret_columns=set(request.POST.getlist("kolumn")),
                reason=request.POST.get("skal", "")[:500],
            )
        except (AccessDeniedError, NotFoundError):
            raise
        except SamarkivError as exc:
            error = exc.message
        else:
            notify(
                request, _("Sekretessmarkeringen för %(table)s är sparad.") % {"table": table.label}
            )
            return redirect("databases_ui:database_detail", pk=pk)
    secret_tables, secret_columns = marks_of(database)
    context = {
        "database": database,
        "table": table,
        "table_secret": (table.schema, table.name) in secret_tables,
        "marked": {c for s, tb, c in secret_columns if (s, tb) == (table.schema, table.name)},
        "error": error,
    }
    return render(request, "databases/masks.html", context, status=400 if error else 200)


@require_POST
@staff_view(Permission.DECIDE)
def database_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the database on the public portal, or withdraw it (DECIDE; audited by
    the service). Only the tables and columns no mask reaches become public."""
    publish = request.POST.get("publicera") == "1"
    try:
        database = public_copy.set_published(request.acting, pk, publish)
    except public_copy.PublicCopyError as exc:
        notify(request, exc.message, problem=True)
        return redirect("databases_ui:database_detail", pk=pk)
    if publish:
        text = _("%(db)s är publicerad i e-arkivets webbplats.") % {"db": database.name}
    else:
        text = _("%(db)s är inte längre publicerad.") % {"db": database.name}
    notify(request, text)
    return redirect("databases_ui:database_detail", pk=pk)


@require_GET
@staff_view(Permission.VIEW_CONTENT)
def cell_download(request: HttpRequest, pk: int, t: int, rowid: int, c: int) -> HttpResponse:
    """A whole LOB (or long text) as an attachment, never rendered on our origin."""
    found = browse.cell_file(request.acting, pk, t, rowid, c)
    text = found.mime.startswith("text/")
    response = StreamingHttpResponse(
        found.chunks, content_type=f"{found.mime}; charset=utf-8" if text else found.mime
    )
    response["Content-Length"] = str(found.size)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
