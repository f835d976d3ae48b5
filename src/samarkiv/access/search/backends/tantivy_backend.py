"""The embedded search engine (default): a tantivy index under SAMARKIV_HOME/index.

One writer at a time: tantivy allows a single writer per index directory, so the
writer is opened under an exclusive ``flock`` (``tantivy-writer.lock`` beside the
index) and released by :meth:`close`; readers need no lock and see a commit made by
another process within about half a second (tantivy watches its meta file).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from samarkiv.access.search.backends import tantivy_query
from samarkiv.access.search.backends.base import (
    FACET_SIZE,
    RawHit,
    RawResult,
    SearchBackend,
    date_from_int,
    date_to_int,
    decade,
)
from samarkiv.access.search.backends.tantivy_schema import FACET_FIELDS, open_index
from samarkiv.access.search.highlight import mark_byte_ranges

REINDEX_FLAG = "needs-reindex"
SNIPPET_CHARS = 240


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, path: Path, *, heap_size: int = 128_000_000, threads: int = 1) -> None:
        self.path = Path(path)
        self.heap_size = heap_size
        self.threads = threads
        self.index_obj, created = open_index(self.path)
        if created:
            (self.path.parent / REINDEX_FLAG).touch()
        self._writer: tantivy.IndexWriter | None = None
        self._lock_fd: int | None = None
        self._guard = threading.RLock()

    # --- writing -------------------------------------------------------------------

    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._guard.acquire()
            try:
                self._lock_fd = writer_lock(self.path.parent / "tantivy-writer.lock")
                self._writer = self.index_obj.writer(
                    heap_size=self.heap_size, num_threads=self.threads
                )
            except BaseException:
                self._release()
                raise
        return self._writer

    def index(self, docs: Iterable[dict]) -> int:
        writer = self._w()
        count = 0
        for doc in docs:
            writer.delete_documents_by_term("record_id", doc["record_id"])
            writer.add_document(tantivy.Document(**to_fields(doc)))
            count += 1
        return count

    def delete_aip(self, aip_id: str) -> None:
        self._w().delete_documents_by_term("aip_id", aip_id)

    def clear(self) -> None:
        self._w().delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self.index_obj.reload()

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()

    def close(self) -> None:
        """Let merges finish and give the writer (and its lock) up."""
        if self._writer is None:
            return
        try:
            self._writer.wait_merging_threads()
        finally:
            self._writer = None
            self._release()
            self.index_obj.reload()

    def _release(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None
        self._guard.release()

    # --- reindex flag --------------------------------------------------------------

    def needs_reindex(self) -> bool:
        """True after the index was created afresh (first use, lost, or a new layout)."""
        return (self.path.parent / REINDEX_FLAG).exists()

    def reindex_queued(self) -> None:
        (self.path.parent / REINDEX_FLAG).unlink(missing_ok=True)

    # --- searching -----------------------------------------------------------------

    def search(self, query) -> RawResult:
        searcher = self.index_obj.searcher()
        built = tantivy_query.build(self.index_obj, query)
        result = searcher.search(built, limit=max(query.limit, 1), count=True, offset=query.offset)
        hits = [self._hit(searcher, score, addr) for score, addr in result.hits[: query.limit]]
        if hits and query.highlights:
            self._highlight(searcher, query, result.hits[: query.limit], hits)
        facets = self._facets(searcher, built) if query.facets else {}
        return RawResult(total=result.count, hits=hits, facets=facets)

    def _hit(self, searcher: tantivy.Searcher, score: float, address) -> RawHit:
        doc = searcher.doc(address)
        return RawHit(
            record_id=doc.get_first("record_id"),
            aip_id=doc.get_first("aip_id"),
            tenant=doc.get_first("tenant"),
            kind=doc.get_first("kind") or "",
            title=doc.get_first("title") or "",
            registration_number=doc.get_first("regno") or "",
            date_start=date_from_int(doc.get_first("date_start")),
            date_end=date_from_int(doc.get_first("date_end")),
            score=float(score),
        )

    def _highlight(self, searcher, query, addresses, hits: list[RawHit]) -> None:
        marked = tantivy_query.highlight_query(self.index_obj, searcher, query)
        if marked is None:
            return
        generator = tantivy.SnippetGenerator.create(searcher, marked, self.index_obj.schema, "body")
        generator.set_max_num_chars(SNIPPET_CHARS)
        for hit, (_score, address) in zip(hits, addresses, strict=True):
            snippet = generator.snippet_from_doc(searcher.doc(address))
            ranges = [(r.start, r.end) for r in snippet.highlighted()]
            if ranges:
                hit.highlights.append(mark_byte_ranges(snippet.fragment(), ranges))

    def _facets(self, searcher: tantivy.Searcher, built) -> dict[str, list[tuple[str, int]]]:
        spec = {
            key: {"terms": {"field": field, "size": FACET_SIZE}}
            for key, field in FACET_FIELDS.items()
        }
        answer = searcher.aggregate(built, spec)
        return {
            key: [(str(b["key"]), int(b["doc_count"])) for b in answer[key]["buckets"]]
            for key in FACET_FIELDS
        }

    def count(self) -> int:
        return self.index_obj.searcher().num_docs

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


def to_fields(doc: dict) -> dict:
    """A document dict -> tantivy field values (empty values left out: no facet "")."""
    regno = doc.get("registration_number") or ""
    meta = " ".join(
        v
        for v in (doc.get("records_creator"), doc.get("classification"), doc.get("document_type"))
        if v
    )
    fields = {
        "record_id": str(doc["record_id"]),
        "aip_id": str(doc["aip_id"]),
        "tenant": doc["tenant"],
        "kind": doc.get("kind") or "",
        "title": doc.get("title") or "",
        "body": doc.get("body") or "",
    }
    optional = {
        "regno": regno,
        "regno_text": regno,
        "meta": meta,
        "records_creator": doc.get("records_creator"),
        "classification": doc.get("classification"),
        "document_type": doc.get("document_type"),
        "period": decade(doc.get("year")),
        "format": sorted(set(doc.get("formats") or ())),
        "year": doc.get("year"),
        "date_start": date_to_int(doc.get("date_start")),
        "date_end": date_to_int(doc.get("date_end")),
    }
    fields.update({k: v for k, v in optional.items() if v not in (None, "", [])})
    return fields


def writer_lock(path: Path) -> int:
    """Hold the index's single-writer flock (tantivy allows one writer per index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd
