"""Choosing the search engine: ``SAMARKIV_SEARCH_BACKEND`` = ``tantivy`` (default) or
``postgresql`` (only with the catalogue on PostgreSQL).

One backend object per process and configuration: opening a tantivy index is not free,
and its reader is shared by every request thread.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings

from samarkiv.access.search.backends.base import RawHit, RawResult, SearchBackend
from samarkiv.errors import UsageError

BACKENDS = ("tantivy", "postgresql")

_cache: dict[tuple, SearchBackend] = {}
_cache_guard = threading.Lock()

__all__ = ["BACKENDS", "RawHit", "RawResult", "SearchBackend", "backend_name", "get_backend"]


def backend_name() -> str:
    name = getattr(settings, "SAMARKIV_SEARCH_BACKEND", None) or os.environ.get(
        "SAMARKIV_SEARCH_BACKEND", "tantivy"
    )
    name = str(name).strip().lower()
    if name in ("postgres", "pg"):
        name = "postgresql"
    if name not in BACKENDS:
        raise UsageError(f"SAMARKIV_SEARCH_BACKEND: unknown search backend {name!r}")
    return name


def index_dir() -> Path:
    """Where the tantivy index lives: SAMARKIV_HOME/index/tantivy (tests may move it)."""
    base = getattr(settings, "SAMARKIV_SEARCH_DIR", None) or Path(settings.SAMARKIV_HOME) / "index"
    return Path(base) / "tantivy"


def get_backend() -> SearchBackend:
    """The configured backend (the same object for the same configuration)."""
    name = backend_name()
    key = (name, str(index_dir())) if name == "tantivy" else (name,)
    with _cache_guard:
        backend = _cache.get(key)
        if backend is None:
            backend = _make(name)
            _cache[key] = backend
        return backend


def _make(name: str) -> SearchBackend:
    if name == "postgresql":
        from samarkiv.access.search.backends.postgres_backend import PostgresBackend

        return PostgresBackend()
    from samarkiv.access.search.backends.tantivy_backend import TantivyBackend

    return TantivyBackend(index_dir())


def forget_backends() -> None:
    """Drop the cached backends (tests; after the index directory was removed)."""
    with _cache_guard:
        for backend in _cache.values():
            backend.close()
        _cache.clear()
