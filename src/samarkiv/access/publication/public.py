"""The public side's only door: everything the portal may call, nothing else.

Why one module: the portal (and the DIP, the sitemap, the public API) import only from
here, and everything here reads only the published projection (``PublishedRecord``,
``PublishedFile``, ``PublicStub``) and the public index built from it. Staff tables
(records, markings, AIPs) are never queried for content on this side, so a page that
forgets a check cannot show what the projection does not hold.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import BinaryIO

from samarkiv.access.publication.models import PublicStub, PublishedFile, PublishedRecord
from samarkiv.access.publication.public_index import (
    PublicHit,
    PublicResult,
    bulk_load,
    generation,
    index_published,
    rebuild_public_index,
)
from samarkiv.access.publication.public_query import find_stubs, public_search, suggest
from samarkiv.errors import NotFoundError

__all__ = [
    "PublicHit",
    "PublicResult",
    "PublicStub",
    "PublishedFile",
    "PublishedRecord",
    "bulk_load",
    "find_stubs",
    "generation",
    "index_published",
    "open_published_file",
    "public_search",
    "public_stub",
    "published_file",
    "published_files",
    "published_record",
    "rebuild_public_index",
    "suggest",
]


def published_record(record_id) -> PublishedRecord:
    """The published record with this id; NotFoundError for anything else (also for a
    malformed id, a stub or a secret record: they all look the same to the public)."""
    try:
        return PublishedRecord.objects.get(pk=str(record_id))
    except (PublishedRecord.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError("no such published record") from exc
    except Exception as exc:  # ValidationError for a non-UUID string
        if exc.__class__.__name__ == "ValidationError":
            raise NotFoundError("no such published record") from exc
        raise


def published_files(record: PublishedRecord) -> list[PublishedFile]:
    """The files of a published record the public may open, in their order."""
    return list(PublishedFile.objects.filter(record=record).order_by("order", "name", "pk"))


def published_file(record: PublishedRecord, file_id: int) -> PublishedFile:
    """One published file of the record (NotFoundError when it is not one of them)."""
    try:
        return PublishedFile.objects.get(record=record, pk=int(file_id))
    except (PublishedFile.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError("no such published file") from exc


@contextlib.contextmanager
def open_published_file(pf: PublishedFile) -> Iterator[BinaryIO]:
    """Stream a published file from the stored AIP.

    The only staff table touched is ``Aip`` (to find the stored copies), keyed by the
    projection's own aip id and path: a file that is not in ``PublishedFile`` can never
    be named here.
    """
    from samarkiv.catalog.records.aipfiles import open_aip_file
    from samarkiv.preservation.models import Aip

    if not PublishedFile.objects.filter(pk=pf.pk, aip_id=pf.aip_id, path=pf.path).exists():
        raise NotFoundError("no such published file")
    try:
        aip = Aip.objects.get(pk=pf.aip_id)
    except Aip.DoesNotExist as exc:
        raise NotFoundError("no such published file") from exc
    with open_aip_file(aip, pf.path) as stream:
        yield stream


def public_stub(stub_id) -> PublicStub:
    """A record that exists but is not published (only its always-public fields)."""
    try:
        return PublicStub.objects.get(pk=str(stub_id))
    except (PublicStub.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError("no such record") from exc
    except Exception as exc:
        if exc.__class__.__name__ == "ValidationError":
            raise NotFoundError("no such record") from exc
        raise
