"""Searching the catalogue as a scope: the one entry point of every search screen.

Tenancy is enforced here, not in the engines: the scope must hold VIEW_CONTENT (record
content is content; host technical staff get nothing), and the tenant filter is always
the scope's own tenant, whatever ``filters`` asks for. Asking for another tenant gives
an empty result, the same as asking for something that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _gettext

from samarkiv.access.search import query as q
from samarkiv.access.search.backends import get_backend
from samarkiv.access.search.backends.base import RawResult
from samarkiv.access.search.results import FacetValue, Hit, SearchResult
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope

MAX_PER_PAGE = 100
MAX_PAGE = 500  # deep paging costs the engines; nobody reads page 500 of a result


def search(
    scope: Scope,
    query: str,
    *,
    filters: Mapping[str, list[str]] | None = None,
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
) -> SearchResult:
    """One page of the records matching ``query`` that ``scope`` may read.

    ``facets=False`` skips the facet counts (the CLI shows none; on PostgreSQL they
    are a good part of a broad query's time)."""
    page = min(max(int(page), 1), MAX_PAGE)
    per_page = min(max(int(per_page), 0), MAX_PER_PAGE)
    empty = SearchResult(page=page, per_page=per_page)
    if not scope.can(Permission.VIEW_CONTENT):
        return empty
    wanted = _filters(scope, filters or {})
    if wanted is None:
        return empty
    parsed = q.SearchQuery(
        clauses=q.parse(query or ""),
        filters=wanted,
        offset=(page - 1) * per_page,
        limit=per_page,
        exact=q.exact_text(query or ""),
        facets=facets,
    )
    raw = get_backend().search(parsed)
    result = _result(raw, page, per_page)
    _audit(scope, query, filters, result)
    return result


def _filters(scope: Scope, asked: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]] | None:
    """Known facet keys only, the tenant narrowed to the scope; None: nothing can match."""
    wanted = {
        key: tuple(str(v) for v in values if str(v))
        for key, values in asked.items()
        if key in q.FACET_KEYS and values
    }
    wanted = {key: values for key, values in wanted.items() if values}
    asked_tenants = wanted.pop("tenant", None)
    if scope.all_tenants and scope.tenant is None:
        allowed = asked_tenants  # the operator at the shell: any tenant, or all
    elif scope.tenant is None:
        return None
    else:
        allowed = (scope.tenant,)
        if asked_tenants is not None and scope.tenant not in asked_tenants:
            return None
    if allowed is not None:
        wanted["tenant"] = allowed
    return wanted


def _result(raw: RawResult, page: int, per_page: int) -> SearchResult:
    hits = [
        Hit(
            record_id=h.record_id,
            aip_id=h.aip_id,
            tenant=h.tenant,
            title=h.title,
            kind=h.kind,
            registration_number=h.registration_number,
            date_start=h.date_start,
            date_end=h.date_end,
            score=h.score,
            highlights=h.highlights,
        )
        for h in raw.hits
    ]
    facets = {
        key: [FacetValue(value, _label(key, value), count) for value, count in values]
        for key, values in raw.facets.items()
    }
    return SearchResult(total=raw.total, hits=hits, facets=facets, page=page, per_page=per_page)


def _label(key: str, value: str) -> str:
    """A facet value as staff read it: tenant names, record kinds, decades."""
    if key == "tenant":
        return _tenant_names().get(value, value)
    if key == "kind":
        from samarkiv.catalog.records.choices import RecordKind

        return str(RecordKind(value).label) if value in RecordKind.values else value
    if key == "period" and value.isdigit():
        return _gettext("%(start)s–%(end)s") % {"start": value, "end": int(value) + 9}
    return value


def _tenant_names() -> dict[str, str]:
    from samarkiv.catalog.models import Tenant

    return dict(Tenant.objects.values_list("code", "name"))


def _audit(scope: Scope, query: str, filters, result: SearchResult) -> None:
    """Searching records is reading content: logged, with what was asked."""
    if scope.actor == "anonymous":
        return
    from samarkiv.auditlog.choices import AuditAction
    from samarkiv.auditlog.service import record

    record(
        scope,
        AuditAction.VIEW,
        object_type="search",
        detail={"query": query, "filters": dict(filters or {}), "total": result.total},
    )
