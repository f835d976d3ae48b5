"""PostgreSQL full-text search: the ``search_document`` table (migration 0002).

For installations whose catalogue is on PostgreSQL and that would rather keep one
database than an index directory (or run several web servers): a ``tsvector``
generated column (Swedish Snowball, weighted), a GIN index, ``websearch_to_tsquery``,
``ts_headline`` for highlights, GROUP BY for facet counts. Writes go through Django's
connection, so the queue's ``transaction.atomic`` makes replacing an AIP's documents
atomic; ``commit``/``rollback`` are no-ops here.

The SQL text is assembled only from this module's constants and ``postgres_query``'s
fragments; every value that comes from a user or a document is a bound parameter
(hence the ``noqa: S608``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, transaction

from samarkiv.access.search.backends import postgres_query as pq
from samarkiv.access.search.backends.base import FACET_SIZE, RawHit, RawResult, SearchBackend
from samarkiv.access.search.highlight import START, STOP, from_sentinels
from samarkiv.errors import UsageError

TABLE = "search_document"
COLUMNS = (
    "record_id",
    "aip_id",
    "tenant",
    "kind",
    "title",
    "registration_number",
    "body",
    "records_creator",
    "classification",
    "document_type",
    "formats",
    "date_start",
    "date_end",
    "year",
)
HEADLINE_OPTIONS = f'StartSel="{START}", StopSel="{STOP}", MaxWords=35, MinWords=15, MaxFragments=1'
HEADLINE_CHARS = 50_000  # ts_headline re-parses the text: only the start of long bodies
# For this transaction only: a bitmap of 100,000s of matching rows must stay exact
# (at the default 4 MB it turns lossy and every row's tsvector is checked again), and
# compiling these plans (JIT) costs more than it saves.
SEARCH_SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off")
# facet key -> column of the GROUP BY (formats: unnested)
FACET_COLUMNS = {
    "tenant": "tenant",
    "records_creator": "records_creator",
    "classification": "classification",
    "period": "decade",
    "document_type": "document_type",
    "kind": "kind",
}


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def __init__(self, using: str = "default") -> None:
        if connections[using].vendor != "postgresql":
            raise UsageError(
                "SAMARKIV_SEARCH_BACKEND=postgresql needs the catalogue on PostgreSQL "
                "(SAMARKIV_DATABASE_URL=postgresql://...)"
            )
        self.using = using

    def _cursor(self):
        return connections[self.using].cursor()

    def index(self, docs: Iterable[dict]) -> int:
        rows = [row(doc) for doc in docs]
        if rows:
            names = ", ".join(COLUMNS)
            marks = ", ".join(["%s"] * len(COLUMNS))
            updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])
            with self._cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {TABLE} ({names}) VALUES ({marks}) "  # noqa: S608
                    f"ON CONFLICT (record_id) DO UPDATE SET {updates}",
                    rows,
                )
        return len(rows)

    def delete_aip(self, aip_id: str) -> None:
        with self._cursor() as cur:
            cur.execute(f"DELETE FROM {TABLE} WHERE aip_id = %s", [aip_id])  # noqa: S608

    def clear(self) -> None:
        with self._cursor() as cur:
            cur.execute(f"DELETE FROM {TABLE}")  # noqa: S608

    def commit(self) -> None:
        """Nothing to do: autocommit, or the caller's transaction.atomic."""

    def rollback(self) -> None:
        """Nothing to do: the caller's transaction.atomic rolls back."""

    def search(self, query) -> RawResult:
        """One pass over the matching rows (ranks, the page, facets, total), then the
        page's rows and highlights by primary key: the heap scan is what costs."""
        where, params = pq.where_sql(query)
        rank, rank_params = pq.rank_sql(query)
        kept = ", ".join(sorted({*FACET_COLUMNS.values(), "formats"})) if query.facets else ""
        selects = [
            "SELECT 'hit', record_id, score, 0::bigint FROM ("
            "SELECT record_id, score FROM m ORDER BY score DESC, record_id LIMIT %s OFFSET %s) t"
        ]
        if query.facets:
            selects += _facet_selects()
        selects.append("SELECT '', NULL, NULL, count(*) FROM m")
        sql = (
            f"WITH m AS MATERIALIZED (SELECT d.record_id, {kept + ', ' if kept else ''}"  # noqa: S608
            f"{rank} AS score FROM {TABLE} d WHERE {where}) " + " UNION ALL ".join(selects)
        )
        with transaction.atomic(using=self.using), self._cursor() as cur:
            for setting in SEARCH_SETTINGS:
                cur.execute(setting)
            cur.execute(sql, [*rank_params, *params, query.limit, query.offset])
            rows = cur.fetchall()
        ranked: dict[str, float] = {}
        facets: dict[str, list[tuple[str, int]]] = {}
        total = 0
        for key, value, score, count in rows:
            if key == "hit":
                ranked[value] = float(score)
            elif key == "":
                total = count
            else:
                facets.setdefault(key, []).append((value, count))
        if query.facets:
            facets = {
                key: sorted(facets.get(key, []), key=lambda vc: (-vc[1], vc[0]))[:FACET_SIZE]
                for key in (*FACET_COLUMNS, "format")
            }
        return RawResult(total=total, hits=self._page(query, ranked), facets=facets)

    def _page(self, query, ranked: dict[str, float]) -> list[RawHit]:
        """The page's display columns and highlights, in rank order."""
        if not ranked:
            return []
        headline = pq.tsquery_sql(query.positive) if query.highlights else None
        hl_sql, hl_params = "NULL", []
        if headline is not None:
            hl_sql = f"ts_headline('swedish', left(body, {HEADLINE_CHARS}), {headline[0]}, %s)"
            hl_params = [*headline[1], HEADLINE_OPTIONS]
        sql = (
            "SELECT record_id, aip_id, tenant, kind, title, registration_number, "  # noqa: S608
            f"date_start, date_end, 0.0, {hl_sql} FROM {TABLE} WHERE record_id = ANY(%s)"
        )
        with self._cursor() as cur:
            cur.execute(sql, [*hl_params, list(ranked)])
            rows = {r[0]: r for r in cur.fetchall()}
        hits = [_hit(rows[record_id]) for record_id in ranked if record_id in rows]
        for hit in hits:
            hit.score = ranked[hit.record_id]
        return hits

    def count(self) -> int:
        with self._cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return cur.fetchone()[0]

    def size_bytes(self) -> int:
        with self._cursor() as cur:
            cur.execute("SELECT pg_total_relation_size(%s)", [TABLE])
            return cur.fetchone()[0]


def _facet_selects() -> list[str]:
    selects = [
        f"SELECT '{key}', {column}::text, NULL::float8, count(*) FROM m "  # noqa: S608
        f"WHERE {column} IS NOT NULL AND {column}::text <> '' GROUP BY {column}"
        for key, column in FACET_COLUMNS.items()
    ]
    selects.append("SELECT 'format', f, NULL, count(*) FROM m, unnest(m.formats) f GROUP BY f")
    return selects


def row(doc: dict) -> tuple:
    """A document dict -> the table's column values, in COLUMNS order."""
    return (
        str(doc["record_id"]),
        str(doc["aip_id"]),
        doc["tenant"],
        doc.get("kind") or "",
        doc.get("title") or "",
        doc.get("registration_number") or "",
        doc.get("body") or "",
        doc.get("records_creator") or "",
        doc.get("classification") or "",
        doc.get("document_type") or "",
        sorted(set(doc.get("formats") or ())),
        doc.get("date_start"),
        doc.get("date_end"),
        doc.get("year"),
    )


def _hit(r: tuple) -> RawHit:
    highlights = [from_sentinels(r[9])] if r[9] and START in r[9] else []
    return RawHit(
        record_id=r[0],
        aip_id=r[1],
        tenant=r[2],
        kind=r[3],
        title=r[4],
        registration_number=r[5],
        date_start=r[6],
        date_end=r[7],
        score=float(r[8]),
        highlights=highlights,
    )
