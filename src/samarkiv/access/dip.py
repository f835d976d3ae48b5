"""E-ARK DIP downloads over HTTP: a published record's files, or released copies.

API (for the portal and the requests engineer)::

    dip_response(record: PublishedRecord, *, asynchronous: bool | None = None)
        -> StreamingHttpResponse   (NotFoundError when it has no published file)
        Every PublishedFile of the record, read through
        ``publication.public.open_published_file``; descriptive metadata from the
        published projection only (never staff tables).

    dip_for_files(*, label: str, source_aip_id: str, tenant_code: str, tenant_name: str,
                  files: Sequence[DipFile], descriptive: Mapping[str, str] | None = None,
                  filename: str = "", dip_id: str | None = None,
                  asynchronous: bool | None = None) -> StreamingHttpResponse
        Any files, e.g. the released (possibly masked) copies of a request. Each
        ``DipFile(name, size, sha256, mime, opener, source="")`` is re-exported here;
        ``opener()`` returns a context manager yielding a binary stream; a masked copy
        whose digest is unknown passes ``size=-1, sha256=""``. ``descriptive`` keys:
        title, registration_number, record_id, dates, municipality, records_creator,
        document_type, series, classification_code, description. The caller decides
        what is released: nothing is read from staff tables here.

    write_dip(spec: DipSpec, path: Path) -> DipSummary   a DIP kept as a file (e.g.
        behind an expiring link), written atomically.

Why streamed and not a temporary file: the zip is produced while the files are read
from storage (see ``packages.dip``), so the first byte leaves at once, memory stays at
one chunk, and no disk fills up with copies of municipal records. Under ASGI (uvicorn)
Django would buffer a synchronous iterator *whole* before sending it, so the response
gets an asynchronous iterator that builds each chunk in the request's thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

from asgiref.sync import SyncToAsync, sync_to_async
from django.http import StreamingHttpResponse

from samarkiv.errors import NotFoundError
from samarkiv.packages.atomic import atomic_open
from samarkiv.packages.dip import DipFile, DipSpec, DipSummary, build_dip, iter_dip, new_dip_id

__all__ = [
    "DipFile",
    "DipSpec",
    "DipSummary",
    "descriptive_fields",
    "dip_for_files",
    "dip_response",
    "spec_for_record",
    "write_dip",
]

ZIP_MIME = "application/zip"


def descriptive_fields(record) -> dict[str, str]:
    """What the record page shows, as the DIP's Dublin Core (a PublishedRecord)."""
    dates = [d.isoformat() for d in (record.date_start, record.date_end) if d]
    if len(dates) == 2 and dates[0] == dates[1]:
        dates = dates[:1]
    return {
        "title": record.title,
        "registration_number": record.registration_number,
        "record_id": f"urn:uuid:{record.pk}",
        "dates": "/".join(dates),
        "municipality": record.tenant_name,
        "records_creator": record.records_creator,
        "document_type": record.document_type,
        "series": record.series_title,
        "classification_code": record.classification_code,
        "description": record.description,
        "language": "sv",
    }


def spec_for_record(record, *, dip_id: str | None = None) -> DipSpec:
    """The DIP of a published record: its published files and its public metadata."""
    from samarkiv.access.publication.public import open_published_file, published_files

    files = [
        DipFile(
            name=pf.name or pf.path.rsplit("/", 1)[-1],
            size=pf.size,
            sha256=pf.sha256,
            mime=pf.mime,
            opener=lambda pf=pf: open_published_file(pf),
            source=f"{pf.aip_id}/{pf.path}",
        )
        for pf in published_files(record)
    ]
    return DipSpec(
        dip_id=dip_id or new_dip_id(),
        label=record.title or record.registration_number or str(record.pk),
        source_aip_id=record.aip_id,
        tenant_name=record.tenant_name,
        tenant_code=record.tenant_code,
        files=files,
        descriptive=descriptive_fields(record),
    )


def dip_response(record, *, asynchronous: bool | None = None) -> StreamingHttpResponse:
    """All of a published record's files as an E-ARK DIP zip, streamed as it is built.

    NotFoundError (404) when the record has no published file: an empty package would
    promise a download that holds nothing (and break CSIP66's "1..n files").
    """
    spec = spec_for_record(record)
    if not spec.files:
        raise NotFoundError("the record has no published files to download")
    name = record.registration_number or record.title or str(record.pk)
    return _response(spec, f"{name} (E-ARK DIP).zip", asynchronous)


def dip_for_files(
    *,
    label: str,
    source_aip_id: str,
    tenant_code: str,
    tenant_name: str,
    files: Sequence[DipFile],
    descriptive: Mapping[str, str] | None = None,
    filename: str = "",
    dip_id: str | None = None,
    asynchronous: bool | None = None,
) -> StreamingHttpResponse:
    """Any files (released or masked copies) as a DIP download; see the module doc."""
    spec = DipSpec(
        dip_id=dip_id or new_dip_id(),
        label=label,
        source_aip_id=source_aip_id,
        tenant_name=tenant_name,
        tenant_code=tenant_code,
        files=list(files),
        descriptive=dict(descriptive or {}),
    )
    return _response(spec, filename or f"{label or spec.dip_id} (E-ARK DIP).zip", asynchronous)


def write_dip(spec: DipSpec, path: Path) -> DipSummary:
    """The DIP as a file (temp + fsync + rename): nobody sees half a package."""
    with atomic_open(Path(path)) as fh:
        return build_dip(spec, fh)


# --------------------------------------------------------------------------- HTTP


def _response(spec: DipSpec, filename: str, asynchronous: bool | None) -> StreamingHttpResponse:
    chunks = iter_dip(spec)
    if asynchronous is None:
        asynchronous = _under_event_loop()
    content = _async_chunks(chunks) if asynchronous else chunks
    response = StreamingHttpResponse(content, content_type=ZIP_MIME)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    # An interrupted download closes the generator, and with it the open stored file.
    response._resource_closers.append(chunks.close)
    return response


def _under_event_loop() -> bool:
    """True in a sync view run by Django's ASGI handler (uvicorn): the thread was
    entered from a running event loop, which will consume the response content."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop is not None and loop.is_running()


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Each chunk built in the request's own thread (storage and database access are
    synchronous, and thread-sensitive like the view that started them)."""
    step = sync_to_async(_next_chunk, thread_sensitive=True)
    while (chunk := await step(chunks)) is not None:
        yield chunk


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients plus the UTF-8 name (RFC 5987)."""
    clean = "".join(c for c in filename if c.isprintable() and c not in "\r\n") or "dip.zip"
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;%/' else "_" for c in clean
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(clean, safe='')}"
