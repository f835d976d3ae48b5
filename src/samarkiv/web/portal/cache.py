"""A small per-process cache of rendered portal pages, and the public cache headers.

Why: the portal's busiest page is the search page, and most of its requests are the
same few queries (the start page, a municipality's facet link, a popular word). A
rendered page is kept for at most ``TTL`` seconds, keyed on (language, path, the full
query string, the publication generation): when the publication refresh publishes or
withdraws anything the generation changes and every cached page is stale at once, so
a withdrawn record never stays visible longer than it takes the refresh to finish (and
never longer than ``TTL`` if no generation is available).

Only complete, successful, cookie-free HTML answers are kept; the portal pages show
nothing that depends on who asks, so one copy serves everyone in that language.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

TTL = 60.0  # seconds; also the browsers' and proxies' max-age
MAX_ENTRIES = 512  # about 10-20 MB of HTML per process
MAX_KEY_CHARS = 2000  # longer query strings are not a person's search: not cached

_lock = threading.Lock()
_pages: OrderedDict[tuple, tuple[float, bytes, str]] = OrderedDict()


def generation() -> str:
    """The publication generation: ``public.generation()`` if offered, else the public
    index's commit stamp (every refresh commits the index, so a page rendered before a
    refresh is never served after it)."""
    from samarkiv.access.publication import public

    current = getattr(public, "generation", None)
    if current is not None:
        return str(current())
    from samarkiv.access.publication.public_index import index_dir

    meta = index_dir() / "meta.json"
    try:
        stat = os.stat(meta)
    except OSError:
        return f"{meta}:-"
    return f"{meta}:{stat.st_mtime_ns}:{stat.st_size}"


def clear() -> None:
    """Forget every cached page (tests; a refresh in this process may call it too)."""
    with _lock:
        _pages.clear()


def _get(key: tuple) -> tuple[bytes, str] | None:
    now = time.monotonic()
    with _lock:
        entry = _pages.get(key)
        if entry is None:
            return None
        stored, body, content_type = entry
        if now - stored > TTL:
            del _pages[key]
            return None
        _pages.move_to_end(key)
        return body, content_type


def _put(key: tuple, response: HttpResponse) -> None:
    with _lock:
        _pages[key] = (time.monotonic(), response.content, response["Content-Type"])
        _pages.move_to_end(key)
        while len(_pages) > MAX_ENTRIES:
            _pages.popitem(last=False)


def public_headers(response: HttpResponse, max_age: int = int(TTL)) -> HttpResponse:
    """``Cache-Control: public, max-age=60``: a proxy may serve it to anyone."""
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _cacheable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "text/html" in response.get("Content-Type", "")
    )


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a GET from the per-process cache when an identical one was rendered lately."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        query_string = request.META.get("QUERY_STRING", "")
        if request.method != "GET" or len(query_string) > MAX_KEY_CHARS:
            return public_headers(view(request, *args, **kwargs))
        key = (get_language(), request.path, query_string, generation())
        found = _get(key)
        if found is not None:
            body, content_type = found
            return public_headers(HttpResponse(body, content_type=content_type))
        response = view(request, *args, **kwargs)
        if _cacheable(response):
            _put(key, response)
        return public_headers(response)

    return wrapped
