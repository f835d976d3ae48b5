"""Registering AIPs in the catalogue, from whatever knows them: an ingest that just
stored one, or the stored package itself (recovery and rebuild read METS + PREMIS).

One function, so the catalogue rows are the same whichever way they were made.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from samarkiv.crashpoints import crash_point
from samarkiv.packages.model import AipSummary, FileRecord, PremisEvent
from samarkiv.preservation.models import Aip, AipFile, PreservationEvent, StoredCopy

BATCH = 2000


@dataclass(frozen=True)
class CopyInfo:
    location: str
    version: str
    url: str
    verified_at: datetime


def fingerprint(records: Iterable[tuple[str, str]]) -> str:
    """Content fingerprint of a SIP: same paths with the same digests, same fingerprint.

    Paths are hashed as the file system's bytes (``surrogateescape``), so a name that is
    not UTF-8 still gets a fingerprint instead of stopping the ingest before its report.
    """
    digest = hashlib.sha256()
    for path, sha in sorted(records):
        digest.update(f"{path}\0{sha}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _event_row(event: PremisEvent, aip: Aip | None, ingest_id=None) -> PreservationEvent:
    return PreservationEvent(
        identifier=uuid.UUID(event.identifier),
        aip=aip,
        ingest_id=ingest_id,
        event_type=event.event_type.value,
        date_time=event.date_time,
        outcome=event.outcome.value,
        detail=event.detail,
        outcome_detail=event.outcome_detail,
        agent=", ".join(event.agent_ids),
    )


def _file_row(aip: Aip, record: FileRecord) -> AipFile:
    return AipFile(
        aip=aip,
        path=record.path,
        size=record.size,
        sha256=record.sha256,
        puid=record.puid,
        format_name=record.format_name[:255],
        format_version=record.format_version[:64],
        mime=record.mime[:255],
    )


@transaction.atomic
def register_aip(
    summary: AipSummary,
    *,
    fingerprint_value: str,
    version: str,
    copies: list[CopyInfo],
    ingest_id=None,
) -> Aip:
    """Create (or replace, for a new version) the catalogue rows of one stored AIP."""
    aip, _ = Aip.objects.update_or_create(
        id=summary.aip_id,
        defaults={
            "tenant_id": summary.tenant_code,
            "sip_objid": summary.sip_objid,
            "agreement": summary.agreement,
            "label": summary.label[:500],
            "fingerprint": fingerprint_value,
            "version": version,
            "file_count": len(summary.files),
            "bytes": sum(f.size for f in summary.files),
            "created_at": summary.created or timezone.now(),
        },
    )
    aip.files.all().delete()
    AipFile.objects.bulk_create((_file_row(aip, f) for f in summary.files), batch_size=BATCH)
    crash_point("catalogue:files_written")
    known = set(PreservationEvent.objects.filter(aip=aip).values_list("identifier", flat=True))
    new_events = [e for e in summary.events if uuid.UUID(e.identifier) not in known]
    PreservationEvent.objects.bulk_create(
        (_event_row(e, aip, ingest_id) for e in new_events), batch_size=BATCH
    )
    for copy in copies:
        StoredCopy.objects.update_or_create(
            aip=aip,
            location=copy.location,
            version=copy.version,
            defaults={"url": copy.url, "verified_at": copy.verified_at},
        )
    return aip


def record_ingest_events(events: list[PremisEvent], ingest_id) -> None:
    """Events of an ingest that produced no AIP (rejected or failed) stay with the ingest."""
    PreservationEvent.objects.bulk_create(
        [_event_row(e, None, ingest_id) for e in events], ignore_conflicts=True
    )
