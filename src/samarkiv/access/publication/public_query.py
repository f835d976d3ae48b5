"""Searching the public index: free text, fields, filters, facets, suggestions, stubs.

Only the public index (built from the published projection) and the ``PublicStub``
table are read here. User input reaches tantivy only through the staff query parser
(``query.parse``) and as analyzed tokens, never as tantivy syntax.
"""

from __future__ import annotations

import tantivy
from django.utils.translation import gettext as _

from samarkiv.access.publication.public_index import (
    FACET_KEYS,
    FACET_SIZE,
    MAX_PAGE,
    MAX_PER_PAGE,
    MIN_PREFIX,
    SNIPPET_CHARS,
    PublicHit,
    PublicResult,
    public_index,
)
from samarkiv.access.search import swedish
from samarkiv.access.search.backends import tantivy_query
from samarkiv.access.search.backends.base import date_from_int
from samarkiv.access.search.highlight import mark_byte_ranges
from samarkiv.access.search.query import ClauseKind, SearchQuery, exact_text, parse

Occur = tantivy.Occur
Query = tantivy.Query

# fielded search: form key -> index field(s)
FIELD_MAP = {
    "registration_number": ("regno_text",),
    "names": ("names",),
    "addresses": ("addresses",),
    "property_designations": ("property_designations",),
    "title": ("title",),
}
YEAR_KEYS = ("year_from", "year_to")


def public_search(
    query: str,
    *,
    fields: dict[str, str] | None = None,
    filters: dict[str, list[str]] | None = None,
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
) -> PublicResult:
    """One page of published records matching ``query`` (all of them for an empty query).

    ``fields``: {"registration_number"|"names"|"addresses"|"property_designations"|
    "title": text}; ``filters``: facet key -> values (OR within a key, AND between
    keys), plus "year_from"/"year_to" (a year range on the record's start year).
    """
    per_page = max(1, min(_int(per_page, 20), MAX_PER_PAGE))
    page = max(1, min(_int(page, 1), MAX_PAGE))
    norm_fields = tuple(
        sorted((k, v.strip()) for k, v in (fields or {}).items() if v and v.strip())
    )
    norm_filters = tuple(
        sorted(
            (k, tuple(sorted(str(x) for x in v if str(x).strip())))
            for k, v in (filters or {}).items()
        )
    )
    key = ("search", (query or "").strip(), norm_fields, norm_filters, page, per_page, facets)
    idx = public_index()
    return idx.cached(
        key,
        lambda: _search(
            idx.index, query or "", dict(norm_fields), dict(norm_filters), page, per_page, facets
        ),
    )


def _search(index, text, fields, filters, page, per_page, facets) -> PublicResult:
    clauses = parse(text)
    facet_filters = {k: v for k, v in filters.items() if k in FACET_KEYS}
    sq = SearchQuery(
        clauses=clauses,
        filters=facet_filters,
        offset=(page - 1) * per_page,
        limit=per_page,
        exact=exact_text(text),
    )
    built = tantivy_query.build(index, sq)
    extra = _field_queries(index, fields) + _year_queries(index.schema, filters)
    if extra:
        built = Query.boolean_query([(Occur.Must, q) for q in (built, *extra)])
    searcher = index.searcher()
    result = searcher.search(built, limit=per_page, count=True, offset=sq.offset)
    addresses = [addr for _score, addr in result.hits[:per_page]]
    docs = [searcher.doc(addr) for addr in addresses]
    hits = [_hit(doc) for doc in docs]
    if hits and sq.positive:
        _highlight(index, searcher, sq, docs, hits)
    found = _facets(searcher, built) if facets else {}
    return PublicResult(total=result.count, hits=hits, facets=found, page=page, per_page=per_page)


def _int(value, default: int) -> int:
    """A page number from a query string: anything unreadable is the default."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _field_queries(index, fields: dict[str, str]) -> list:
    """Each filled field as its own AND-ed condition on its own index field."""
    out = []
    for key, text in fields.items():
        targets = FIELD_MAP.get(key)
        if not targets:
            continue
        parts = []
        for clause in parse(text):
            q = _clause_on(index, clause, targets)
            if q is not None:
                parts.append((Occur.MustNot if clause.negated else Occur.Must, q))
        if key == "registration_number":
            exact = Query.term_query(index.schema, "regno", exact_text(text))
            phrase = Query.boolean_query(parts) if parts else Query.empty_query()
            out.append(Query.boolean_query([(Occur.Should, exact), (Occur.Should, phrase)]))
        elif parts:
            if all(occur == Occur.MustNot for occur, _q in parts):
                parts.append((Occur.Must, Query.all_query()))
            out.append(Query.boolean_query(parts))
    return out


def _clause_on(index, clause, targets: tuple[str, ...]):
    tokens = swedish.words(clause.text)
    if not tokens:
        return None
    options = []
    for name in targets:
        if clause.kind == ClauseKind.PREFIX and len(tokens[-1]) >= MIN_PREFIX:
            pre = Query.regex_query(index.schema, name, f"{_regex_safe(tokens[-1])}.*")
            if len(tokens) > 1:
                pre = Query.boolean_query(
                    [(Occur.Must, _phrase(index, name, tokens[:-1])), (Occur.Must, pre)]
                )
            options.append(pre)
        elif clause.kind == ClauseKind.FUZZY and len(tokens) == 1:
            distance = 1 if len(tokens[0]) <= 6 else 2
            options.append(Query.fuzzy_term_query(index.schema, name, tokens[0], distance=distance))
        else:
            options.append(_phrase(index, name, tokens))
    if len(options) == 1:
        return options[0]
    return Query.boolean_query([(Occur.Should, q) for q in options])


def _phrase(index, name: str, tokens: list[str]):
    return index.parse_query('"' + " ".join(tokens) + '"', [name])


# The characters the regex syntax gives a meaning; escaping any other one is an error
# (a letter outside the BMP) or an assertion (``\<``, ``\>``: word boundaries).
_REGEX_META = frozenset("\\.+*?()|[]{}^$#&-~")


def _regex_safe(token: str) -> str:
    """The token as a literal: only the regex syntax's own characters are escaped."""
    return "".join("\\" + ch if ch in _REGEX_META else ch for ch in token)


def _year_queries(schema, filters: dict) -> list:
    low = _year(filters.get("year_from"))
    high = _year(filters.get("year_to"))
    if low is None and high is None:
        return []
    return [Query.range_query(schema, "year", tantivy.FieldType.Integer, low, high)]


def _year(values) -> int | None:
    for value in values or ():
        text = str(value).strip()
        if text.isdigit() and 1 <= len(text) <= 4:
            return int(text)
    return None


def _hit(doc) -> PublicHit:
    return PublicHit(
        record_id=doc.get_first("record_id"),
        tenant_code=doc.get_first("tenant") or "",
        tenant_name=doc.get_first("tenant_name") or "",
        title=doc.get_first("title") or "",
        registration_number=doc.get_first("regno") or "",
        date_start=date_from_int(doc.get_first("date_start")),
        date_end=date_from_int(doc.get_first("date_end")),
        document_type=doc.get_first("document_type") or "",
        records_creator=doc.get_first("records_creator") or "",
        kind=doc.get_first("kind") or "",
    )


def _highlight(index, searcher, sq: SearchQuery, docs, hits: list[PublicHit]) -> None:
    marked = tantivy_query.highlight_query(index, searcher, sq)
    if marked is None:
        return
    generator = tantivy.SnippetGenerator.create(searcher, marked, index.schema, "body")
    generator.set_max_num_chars(SNIPPET_CHARS)
    for hit, doc in zip(hits, docs, strict=True):
        snippet = generator.snippet_from_doc(doc)
        ranges = [(r.start, r.end) for r in snippet.highlighted()]
        if ranges:
            hit.highlights.append(mark_byte_ranges(snippet.fragment(), ranges))


def _facets(searcher, built) -> dict[str, list[tuple[str, str, int]]]:
    spec = {key: {"terms": {"field": key, "size": FACET_SIZE}} for key in FACET_KEYS}
    answer = searcher.aggregate(built, spec)
    out = {}
    for key in FACET_KEYS:
        buckets = answer.get(key, {}).get("buckets", [])
        out[key] = [
            (str(b["key"]), _label(key, str(b["key"])), int(b["doc_count"])) for b in buckets
        ]
    return out


def _label(key: str, value: str) -> str:
    if key == "tenant":
        return _tenant_name(value)
    if key == "period" and value.isdigit():
        return _("%(decade)s-talet") % {"decade": value}
    if key == "kind":
        from samarkiv.catalog.records.choices import RecordKind

        try:
            return str(RecordKind(value).label)
        except ValueError:
            return value
    return value


def _tenant_name(code: str) -> str:
    """A municipality's name as the projection holds it: one indexed lookup per code,
    cached until the next commit (a DISTINCT over a million rows would not be)."""
    idx = public_index()

    def compute() -> str:
        from samarkiv.access.publication.models import PublishedRecord

        rows = PublishedRecord.objects.filter(tenant_code=code).order_by()  # no sort: any row
        names = list(rows.values_list("tenant_name", flat=True)[:1])
        return names[0] if names else code

    return idx.cached(("tenant-name", code), compute)


def suggest(prefix: str, limit: int = 8) -> list[str]:
    """Published titles that contain words starting as typed (autocomplete).

    Built from live documents of the public index only; the term dictionary is never
    enumerated (it may still hold words of documents deleted but not yet merged away).
    """
    tokens = swedish.words(prefix or "")[:6]
    limit = max(1, min(int(limit or 8), 20))
    if not tokens or len(tokens[-1]) < MIN_PREFIX:
        return []
    idx = public_index()
    return idx.cached(("suggest", tuple(tokens), limit), lambda: _suggest(idx.index, tokens, limit))


def _suggest(index, tokens: list[str], limit: int) -> list[str]:
    parts = [(Occur.Must, Query.term_query(index.schema, "title_plain", t)) for t in tokens[:-1]]
    parts.append(
        (Occur.Must, Query.regex_query(index.schema, "title_plain", f"{_regex_safe(tokens[-1])}.*"))
    )
    searcher = index.searcher()
    result = searcher.search(Query.boolean_query(parts), limit=limit * 4, count=False)
    seen: list[str] = []
    for _score, address in result.hits:
        title = " ".join((searcher.doc(address).get_first("title") or "").split())[:120]
        if title and title not in seen:
            seen.append(title)
        if len(seen) >= limit:
            break
    return seen


def find_stubs(
    *,
    tenant: str | None = None,
    records_creator: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    page: int = 1,
    per_page: int = 20,
):
    """(total, stubs): unpublished records found only by their always-public fields.

    There is deliberately no text argument: a stub has no title to match, and
    matching hidden text would reveal that it exists.
    """
    from django.db.models import Q

    from samarkiv.access.publication.models import PublicStub

    qs = PublicStub.objects.all()
    if tenant:
        qs = qs.filter(tenant_code=tenant)
    if records_creator:
        qs = qs.filter(records_creator=records_creator)
    year_from, year_to = _year([year_from]), _year([year_to])
    if year_from is not None:
        qs = qs.filter(
            Q(year_end__gte=int(year_from))
            | Q(year_end__isnull=True, year_start__gte=int(year_from))
        )
    if year_to is not None:
        qs = qs.filter(year_start__lte=int(year_to))
    per_page = max(1, min(_int(per_page, 20), MAX_PER_PAGE))
    page = max(1, min(_int(page, 1), MAX_PAGE))
    total = qs.count()
    start = (page - 1) * per_page
    return total, list(qs.order_by("tenant_code", "year_start", "id")[start : start + per_page])
