"""The public search index: a separate tantivy index built ONLY from PublishedRecord rows.

Why separate from the staff index: the staff index holds every record of every
tenant; a public query against it would need a filter that one forgotten line could
drop. This index never receives anything but the published projection (already
checked and masked), so whatever a public query asks, it can only find published
records. It reuses the staff analyzers and query parser (Swedish stemming, ``prefix*``,
``fuzzy~``, phrases), so both sides understand a query the same way.

Speed: one process-wide index object and a searcher per request (cheap), stored
fields for everything a hit shows (no database query per search), and a small result
cache keyed by the index generation (``meta.json``'s mtime), dropped on every commit.
"""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import tantivy
from django.conf import settings

from samarkiv.access.search.backends.base import date_to_int, decade
from samarkiv.access.search.backends.tantivy_backend import writer_lock
from samarkiv.access.search.backends.tantivy_schema import EXACT, SV, SV_PLAIN, register_analyzers

SCHEMA_VERSION = "p1"
VERSION_FILE = "samarkiv-public-schema-version"
GENERATION_FILE = "samarkiv-generation"
FACET_KEYS = ("tenant", "records_creator", "document_type", "period", "kind")
FIELD_KEYS = ("registration_number", "names", "addresses", "property_designations", "title")
FACET_SIZE = 50
SNIPPET_CHARS = 240
CACHE_SIZE = 512
MAX_PER_PAGE = 100
MAX_PAGE = 500
MIN_PREFIX = 2


@dataclass
class PublicHit:
    record_id: str
    tenant_code: str
    tenant_name: str
    title: str
    registration_number: str
    date_start: date | None
    date_end: date | None
    document_type: str
    records_creator: str
    highlights: list[str] = field(default_factory=list)  # escaped HTML, only <mark> raw
    kind: str = ""


@dataclass
class PublicResult:
    total: int
    hits: list[PublicHit]
    facets: dict[str, list[tuple[str, str, int]]]  # key -> [(value, label, count)]
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1


def index_dir() -> Path:
    """``$SAMARKIV_HOME/index/public`` (beside the staff index, never inside it)."""
    base = getattr(settings, "SAMARKIV_SEARCH_DIR", None) or Path(settings.SAMARKIV_HOME) / "index"
    return Path(base) / "public"


def build_schema() -> tantivy.Schema:
    """Field names shared with the staff layout where the staff query builder uses them
    (title, regno, regno_text, meta, body, facet fields), plus the public fields."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("record_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("aip_id", tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name=SV)
    sb.add_text_field("title_plain", tokenizer_name=SV_PLAIN)
    sb.add_text_field("regno", stored=True, tokenizer_name=EXACT)
    sb.add_text_field("regno_text", tokenizer_name=SV_PLAIN)
    sb.add_text_field("meta", tokenizer_name=SV)
    sb.add_text_field("body", stored=True, tokenizer_name=SV)
    for name in ("names", "addresses", "property_designations"):
        sb.add_text_field(name, tokenizer_name=SV_PLAIN)
    for name in (*FACET_KEYS, "classification", "format"):
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("tenant_name", stored=True, tokenizer_name="raw")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_unsigned_field("date_start", stored=True)
    sb.add_unsigned_field("date_end", stored=True)
    return sb.build()


class PublicIndex:
    """The index directory, its single writer (under a flock) and the result cache."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.index = _open(self.path)
        self._writer: tantivy.IndexWriter | None = None
        self._lock_fd: int | None = None
        self._guard = threading.RLock()
        self._cache: OrderedDict = OrderedDict()
        self._cache_lock = threading.Lock()
        self.generation_file = self.path / GENERATION_FILE
        self._generation = self._stamp()

    # --- writing ---------------------------------------------------------------------

    def writer(self, heap_size: int = 64_000_000, threads: int = 1) -> tantivy.IndexWriter:
        if self._writer is None:
            self._guard.acquire()
            try:
                self._lock_fd = writer_lock(self.path.parent / "public-writer.lock")
                self._writer = self.index.writer(heap_size=heap_size, num_threads=threads)
            except BaseException:
                self._release()
                raise
        return self._writer

    def commit(self) -> None:
        """Commit, let merges finish, give the writer up and make the result visible."""
        if self._writer is None:
            return
        try:
            self._writer.commit()
            self._writer.wait_merging_threads()
        finally:
            self._writer = None
            self._bump()
            self._release()
            self.index.reload()
            self._forget()

    def rollback(self) -> None:
        if self._writer is None:
            return
        try:
            self._writer.rollback()
        finally:
            self._writer = None
            self._release()

    def _release(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None
        self._guard.release()

    # --- reading ---------------------------------------------------------------------

    def _stamp(self) -> tuple[int, int, int]:
        """The generation file's identity: every commit replaces it with a new file
        (new inode, new time), so one ``stat`` tells whether anything was committed
        since, also by another process."""
        try:
            st = os.stat(self.generation_file)
        except OSError:
            return (0, 0, 0)
        return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)

    def _bump(self) -> None:
        tmp = self.path / f".{GENERATION_FILE}.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(uuid.uuid4().hex, encoding="ascii")
        os.replace(tmp, self.path / GENERATION_FILE)

    def _forget(self) -> None:
        with self._cache_lock:
            self._cache.clear()
            self._generation = self._stamp()

    def cached(self, key: tuple, compute):
        """The cached answer for ``key`` in the current index generation, else compute.

        A commit by another process changes ``meta.json``: the reader is reloaded and
        the cache dropped before anything is answered from it.
        """
        stamp = self._stamp()
        with self._cache_lock:
            if stamp != self._generation:
                self.index.reload()
                self._cache.clear()
                self._generation = stamp
            elif key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._cache_lock:
            if stamp == self._generation:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value


_indexes: dict[tuple, PublicIndex] = {}
_indexes_guard = threading.Lock()


def public_index() -> PublicIndex:
    """The process-wide index object for the configured home (a dict lookup per call:
    the settings are read, not turned into paths, on the hot path)."""
    key = (getattr(settings, "SAMARKIV_SEARCH_DIR", None), settings.SAMARKIV_HOME)
    found = _indexes.get(key)
    if found is not None:
        return found
    with _indexes_guard:
        found = _indexes.get(key)
        if found is None:
            found = _indexes[key] = PublicIndex(index_dir())
        return found


def _open(path: Path) -> tantivy.Index:
    """Open or create; an index of another layout is emptied (it is a projection: the
    next refresh or ``rebuild_public_index`` fills it again)."""
    import shutil

    marker = path / VERSION_FILE
    stale = (
        path.exists()
        and any(path.iterdir())
        and (not marker.exists() or marker.read_text(encoding="ascii").strip() != SCHEMA_VERSION)
    )
    if stale:
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(build_schema(), path=str(path), reuse=True)
    register_analyzers(index)
    if not marker.exists():
        marker.write_text(SCHEMA_VERSION + "\n", encoding="ascii")
    return index


# --- documents -------------------------------------------------------------------------


def record_dict(record) -> dict:
    """A PublishedRecord as the plain dict :func:`bulk_load` takes."""
    names = [
        "tenant_code", "tenant_name", "aip_id", "kind", "title", "registration_number",
        "date_start", "date_end", "document_type", "classification_code", "records_creator",
        "series_title", "description", "names", "addresses", "property_designations", "body",
    ]  # fmt: skip
    out = {name: getattr(record, name) for name in names}
    out["id"] = str(record.pk)
    return out


def to_document(d: dict) -> tantivy.Document:
    """A published record dict -> a tantivy document (empty values left out)."""
    year_date = d.get("date_start") or d.get("date_end")
    year = year_date.year if year_date else None
    regno = (d.get("registration_number") or "").strip()
    meta = " ".join(
        v for v in (d.get("records_creator"), d.get("document_type"), d.get("series_title")) if v
    )
    searchable = "\n".join(
        v
        for v in (
            d.get("description"),
            d.get("names"),
            d.get("addresses"),
            d.get("property_designations"),
            d.get("body"),
        )
        if v
    )
    fields = {
        "record_id": str(d["id"]),
        "tenant": d["tenant_code"],
        "tenant_name": d.get("tenant_name") or d["tenant_code"],
        "title": d.get("title") or "",
        "title_plain": d.get("title") or "",
        "body": searchable,
        "kind": d.get("kind") or "",
    }
    optional = {
        "aip_id": d.get("aip_id"),
        "regno": regno,
        "regno_text": regno,
        "meta": meta,
        "names": d.get("names"),
        "addresses": d.get("addresses"),
        "property_designations": d.get("property_designations"),
        "records_creator": (d.get("records_creator") or "").strip(),
        "document_type": (d.get("document_type") or "").strip(),
        "classification": (d.get("classification_code") or "").strip(),
        "period": decade(year),
        "year": year,
        "date_start": date_to_int(d.get("date_start")),
        "date_end": date_to_int(d.get("date_end")),
    }
    fields.update({k: v for k, v in optional.items() if v not in (None, "")})
    return tantivy.Document(**fields)


def bulk_load(rows: Iterable[dict], *, replace: bool = False, threads: int = 2) -> int:
    """Add many published-record dicts at once (one writer, one commit).

    ``replace=False`` assumes new ids (a fresh load, the benchmark's million rows);
    ``replace=True`` first deletes any document with the same record id.
    """
    idx = public_index()
    writer = idx.writer(heap_size=256_000_000, threads=threads)
    count = 0
    try:
        for row in rows:
            if replace:
                writer.delete_documents_by_term("record_id", str(row["id"]))
            writer.add_document(to_document(row))
            count += 1
    except BaseException:
        idx.rollback()
        raise
    idx.commit()
    return count


def index_published(records: Iterable) -> int:
    """Replace the documents of these PublishedRecord rows (by id)."""
    return bulk_load((record_dict(r) for r in records), replace=True)


def remove_from_index(*, tenant: str | None, aip_id: str | None, record_ids) -> None:
    """Delete the documents of a refreshed scope and commit (a refresh's first step):
    one AIP, one tenant or (neither given) everything, plus the given record ids."""
    idx = public_index()
    writer = idx.writer()
    try:
        if tenant is None and aip_id is None:
            writer.delete_all_documents()
        elif aip_id is not None:
            writer.delete_documents_by_term("aip_id", aip_id)
        else:
            writer.delete_documents_by_term("tenant", tenant)
        for record_id in record_ids:
            writer.delete_documents_by_term("record_id", str(record_id))
    except BaseException:
        idx.rollback()
        raise
    idx.commit()


def drop_aip(aip_id: str) -> None:
    """Remove one AIP's documents (it was disposed of)."""
    idx = public_index()
    idx.writer().delete_documents_by_term("aip_id", aip_id)
    idx.commit()


def rebuild_public_index(progress=None) -> int:
    """Empty the index and load every PublishedRecord row again."""
    from samarkiv.access.publication.models import PublishedRecord

    idx = public_index()
    writer = idx.writer(heap_size=256_000_000, threads=2)
    count = 0
    try:
        writer.delete_all_documents()
        for record in PublishedRecord.objects.order_by("pk").iterator(chunk_size=2000):
            writer.add_document(to_document(record_dict(record)))
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
    except BaseException:
        idx.rollback()
        raise
    idx.commit()
    return count


def touch() -> None:
    """A new generation without an index commit: called after the projection's database
    transaction commits, so that a page cached from the old rows in between (another
    process may render one after the index removal, before the database commit) is
    never served again."""
    idx = public_index()
    idx._bump()
    idx._forget()


def generation() -> str:
    """Changes with every commit of the public index (every refresh commits): the
    portal keys its page cache on it, so a withdrawn record is never served again."""
    ino, mtime, ctime = public_index()._stamp()
    return f"{ino}.{mtime}.{ctime}"


def public_count() -> int:
    return public_index().index.searcher().num_docs
