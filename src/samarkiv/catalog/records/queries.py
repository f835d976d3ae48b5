"""Read-side queries of catalogue records: one record, its case or documents, its files.

Why through the Scope: a record is content (titles, parties, file names), so every
read needs VIEW_CONTENT in the record's tenant, and a record of another tenant is "not
found", exactly like one that does not exist. The record page and any later API share
these functions, so neither can forget the check.

A file's fixity is read from what the preservation domain already records: the
PREMIS "fixity check" events an audit writes per AIP and location, the copies'
``verified_at`` (set when a copy is written and verified), and the audit findings that
name the file. Nothing here touches the storage itself.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.catalog.records.models import Record, RecordFile
from samarkiv.preservation.choices import EventTypeChoice, OutcomeChoice
from samarkiv.preservation.models import (
    Aip,
    AipFile,
    AuditFinding,
    PreservationEvent,
    StoredCopy,
)


class FixityStatus(models.TextChoices):
    """What the archive knows about a file's bytes, most reassuring first."""

    VERIFIED = "verified", _("Kontrollerad")  # an audit re-read the copies without a finding
    WRITTEN = "written", _("Verifierad vid lagring")  # checked when written, not audited yet
    PROBLEM = "problem", _("Avvikelse")  # an audit finding about this file is still open
    REPAIRED = "repaired", _("Reparerad")  # damage was found and mended from another copy


@dataclass
class AipFixity:
    """The AIP-wide part of a file's fixity: when its copies were last checked."""

    last_check: datetime | None = None  # the newest PREMIS fixity-check event
    last_check_ok: bool = True  # that event's outcome was a success
    copies: int = 0  # verified copies of the current version
    written_at: datetime | None = None  # the newest copy's verified_at
    findings: list[AuditFinding] = field(default_factory=list)


@dataclass
class RecordFileInfo:
    """One file of a record, with what the record page shows about it."""

    file: AipFile
    status: FixityStatus
    verified_at: datetime | None
    copies: int
    findings: list[AuditFinding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return posixpath.basename(self.file.path)


def _visible(scope: Scope, queryset: QuerySet[Record]) -> QuerySet[Record]:
    return scope.visible(queryset, "tenant", Permission.VIEW_CONTENT)


def get_record(scope: Scope, pk) -> Record:
    """One record for its page, or NotFoundError (also for other tenants' records)."""
    rows = Record.objects.select_related("tenant", "aip", "parent")
    return scope.get(rows, "tenant", Permission.VIEW_CONTENT, pk=pk)


def record_parent(scope: Scope, record: Record) -> Record | None:
    """The case a document belongs to (None for a case, or one the scope cannot see)."""
    if record.parent_id is None:
        return None
    return _visible(scope, Record.objects.filter(pk=record.parent_id)).first()


def record_children(scope: Scope, record: Record) -> QuerySet[Record]:
    """A case's documents in their order in the case (as the metadata lists them)."""
    rows = Record.objects.filter(parent_id=record.pk)
    return _visible(scope, rows).order_by("order", "date_start", "title", "pk")


def aip_fixity(aip: Aip) -> AipFixity:
    """When the AIP's copies were last checked, and every audit finding about it."""
    check = (
        PreservationEvent.objects.filter(aip=aip, event_type=EventTypeChoice.FIXITY_CHECK)
        .order_by("-date_time")
        .first()
    )
    copies = StoredCopy.objects.filter(aip=aip, version=F("aip__version"))
    newest = copies.order_by("-verified_at").values_list("verified_at", flat=True).first()
    findings = list(AuditFinding.objects.filter(aip_id=aip.pk).order_by("-created_at", "id"))
    return AipFixity(
        last_check=check.date_time if check else None,
        last_check_ok=check is None or check.outcome == OutcomeChoice.SUCCESS,
        copies=copies.count(),
        written_at=newest,
        findings=findings,
    )


def _names_file(finding: AuditFinding, path: str) -> bool:
    """True when the finding is about this file (its logical paths end in the AIP path).

    The finding keeps the OCFL logical paths (``<aip folder>/<AipFile.path>``) joined
    with ", "; a finding about the whole object names no file and counts for none.
    """
    logical = [part.strip() for part in finding.logical_path.split(", ") if part.strip()]
    return any(name == path or name.endswith(f"/{path}") for name in logical)


def file_info(aip_file: AipFile, fixity: AipFixity) -> RecordFileInfo:
    """One file's fixity status from the AIP-wide facts and the findings naming it."""
    findings = [f for f in fixity.findings if _names_file(f, aip_file.path)]
    if any(f.is_alert for f in findings):
        status = FixityStatus.PROBLEM
    elif findings:
        status = FixityStatus.REPAIRED
    elif fixity.last_check is not None:
        status = FixityStatus.VERIFIED
    else:
        status = FixityStatus.WRITTEN
    return RecordFileInfo(
        file=aip_file,
        status=status,
        verified_at=fixity.last_check or fixity.written_at,
        copies=fixity.copies,
        findings=findings,
    )


def files_of(scope: Scope, records: Iterable[Record]) -> dict[object, list[RecordFileInfo]]:
    """{record id: its files}, in path order, for a record and its documents at once.

    One query for the links and one set of fixity queries per AIP (a case and its
    documents share one), so a case with a hundred documents stays a handful of queries.
    """
    ids = [r.pk for r in records]
    links = (
        RecordFile.objects.filter(record_id__in=ids, record__in=_visible(scope, Record.objects))
        .select_related("aip_file", "aip_file__aip")
        .order_by("aip_file__path", "pk")
    )
    fixity: dict[str, AipFixity] = {}
    found: dict[object, list[RecordFileInfo]] = defaultdict(list)
    for link in links:
        aip = link.aip_file.aip
        if aip.pk not in fixity:
            fixity[aip.pk] = aip_fixity(aip)
        found[link.record_id].append(file_info(link.aip_file, fixity[aip.pk]))
    return {pk: found.get(pk, []) for pk in ids}


def record_files(scope: Scope, record: Record) -> list[RecordFileInfo]:
    """The AIP files a record points to: path, size, format, checksum and fixity."""
    return files_of(scope, [record])[record.pk]


__all__ = [
    "AipFixity",
    "FixityStatus",
    "RecordFileInfo",
    "aip_fixity",
    "file_info",
    "files_of",
    "get_record",
    "record_children",
    "record_files",
    "record_parent",
]
