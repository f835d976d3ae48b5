"""The one interface both search engines implement.

The index is a projection: documents are built from catalogue records
(``search.documents``) or, in the benchmark, generated directly; a backend only stores
and searches them. A document is a plain dict with the keys of :data:`DOC_FIELDS`.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from samarkiv.access.search.query import SearchQuery

# record_id, aip_id, tenant, kind: str; title, registration_number, body: str;
# records_creator, classification, document_type: str ("" = none); formats: list[str]
# (PUIDs); date_start, date_end: date | None; year: int | None (the decade is derived).
DOC_FIELDS = (
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

FACET_SIZE = 50  # values per facet; the UI shows the commonest


@dataclass
class RawHit:
    record_id: str
    aip_id: str
    tenant: str
    kind: str
    title: str
    registration_number: str
    date_start: date | None
    date_end: date | None
    score: float
    highlights: list[str] = field(default_factory=list)  # escaped HTML with <mark>


@dataclass
class RawResult:
    total: int
    hits: list[RawHit]
    facets: dict[str, list[tuple[str, int]]]  # facet key -> [(value, count)], commonest first


class SearchBackend(abc.ABC):
    """Store, replace and search index documents. Writes become visible on commit()."""

    name: str = ""

    @abc.abstractmethod
    def index(self, docs: Iterable[dict]) -> int:
        """Add documents (replacing any with the same record id); returns how many."""

    @abc.abstractmethod
    def delete_aip(self, aip_id: str) -> None:
        """Remove every document of one AIP (before re-adding its records)."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document (a rebuild starts here)."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Make the writes so far visible to searches, atomically."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Forget the writes since the last commit (an AIP that failed half-way)."""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> RawResult:
        """One page of hits, best first, with the total and the facet counts."""

    def count(self) -> int:
        """How many documents the index holds (for reports and tests)."""
        return self.search(SearchQuery(limit=0, facets=False, highlights=False)).total

    def close(self) -> None:
        """Give up any writer (tantivy: the one-writer lock); searching still works."""
        return None

    def needs_reindex(self) -> bool:
        """True when the index was created empty although AIPs may exist (tantivy)."""
        return False

    def reindex_queued(self) -> None:
        """The queue has re-enqueued every AIP after :meth:`needs_reindex`."""
        return None

    def size_bytes(self) -> int:
        """Bytes on disk (for the benchmark); 0 when unknown."""
        return 0


def decade(year: int | None) -> str:
    return "" if year is None else str(year // 10 * 10)


def date_from_int(value: int | None) -> date | None:
    """yyyymmdd -> date (tantivy stores dates this way)."""
    if not value:
        return None
    return date(value // 10000, value // 100 % 100, value % 100)


def date_to_int(value: date | None) -> int | None:
    return None if value is None else value.year * 10000 + value.month * 100 + value.day
