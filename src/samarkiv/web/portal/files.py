"""Published files to the public: download, view in the browser, or all as an E-ARK DIP.

Why the headers: an archived file is untrusted content served from our own origin. A
file shown inline is limited to formats the browser renders in its own viewer (PDF and
raster images), sent with ``X-Content-Type-Options: nosniff`` so the browser cannot
reinterpret it, and with ``Content-Security-Policy: sandbox`` so that even a file that
did run as a page would get an opaque origin: no cookies, no scripts, no same-origin
requests. Everything else is an attachment only.

PDFs get ``sandbox allow-scripts allow-downloads`` instead: Safari's and Firefox's PDF
viewers are scripts inside the document and show a blank page under a bare ``sandbox``
(Chromium strips the header from its viewer anyway). Without ``allow-same-origin`` the
document still has an opaque origin, so a script in a PDF reaches no cookie and no
page of the portal.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

from asgiref.sync import SyncToAsync, sync_to_async
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from samarkiv.web.portal.cache import public_headers
from samarkiv.web.portal.presenters import can_show_inline
from samarkiv.web.portal.views import not_found_as_portal_page, public

CHUNK = 256 * 1024
FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
PDF_CSP = "sandbox allow-scripts allow-downloads"


def _chunks(handle) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK):
        yield chunk


def _read_one(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Under ASGI Django would read a synchronous iterator whole into memory before
    sending it; this hands it over one chunk at a time, read in the view's thread."""
    step = sync_to_async(_read_one, thread_sensitive=True)
    while (chunk := await step(chunks)) is not None:
        yield chunk


def _under_event_loop() -> bool:
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop is not None and loop.is_running()


def _disposition(kind: str, name: str) -> str:
    """RFC 6266 with an ASCII fallback, so any file name is safe in the header."""
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name
    )
    return f"{kind}; filename=\"{ascii_name or 'fil'}\"; filename*=UTF-8''{quote(name)}"


def _file_response(pk, file_id: int, *, inline: bool) -> HttpResponse:
    source = public()
    item = source.published_record(pk)  # NotFoundError -> 404
    pf = source.published_file(item, file_id)  # NotFoundError unless it is one of its files
    mime = (pf.mime or "").split(";")[0].strip().lower()
    show_inline = inline and can_show_inline(mime)
    stack = contextlib.ExitStack()
    handle = stack.enter_context(source.open_published_file(pf))
    content_type = mime if show_inline else (mime or "application/octet-stream")
    chunks = _chunks(handle)
    content = _async_chunks(chunks) if _under_event_loop() else chunks
    response = StreamingHttpResponse(content, content_type=content_type)
    response._resource_closers.append(stack.close)  # closes the file, even if unread
    response["Content-Disposition"] = _disposition(
        "inline" if show_inline else "attachment", pf.name
    )
    response["Content-Length"] = str(pf.size)
    response["X-Content-Type-Options"] = "nosniff"
    pdf_viewer = show_inline and mime == "application/pdf"
    response["Content-Security-Policy"] = PDF_CSP if pdf_viewer else FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return public_headers(response)


@require_safe
@not_found_as_portal_page
def file_download(request: HttpRequest, pk, file_id: int) -> HttpResponse:
    """One published file as an attachment, whatever its format."""
    return _file_response(pk, file_id, inline=False)


@require_safe
@not_found_as_portal_page
def file_view(request: HttpRequest, pk, file_id: int) -> HttpResponse:
    """A PDF or image shown by the browser; any other format is downloaded instead."""
    return _file_response(pk, file_id, inline=True)


@require_safe
@not_found_as_portal_page
def dip(request: HttpRequest, pk) -> HttpResponse:
    """All of the record's published files as an E-ARK DIP (a zip, built as it streams)."""
    item = public().published_record(pk)  # NotFoundError -> 404
    from samarkiv.access.dip import dip_response  # built by the access domain

    response = dip_response(item)
    response["X-Content-Type-Options"] = "nosniff"
    return response
