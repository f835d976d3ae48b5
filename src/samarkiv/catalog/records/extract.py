"""Records (cases, documents, described units) from an AIP's descriptive metadata.

``extract_aip`` is a projection: it reads the stored AIP (never the database's opinion
of it) and replaces the AIP's records in one transaction, so running it again, or for
every AIP after a schema change, gives the same result. It never fails because of what
a delivery contains: unknown, invalid or hostile metadata becomes a ``package`` record
with the text and the problems noted, and an AIP without any description still gets one
package record (from its label and METS), so every AIP can be found. Only when the
storage cannot deliver the AIP's files does it raise, before changing anything: the old
records stay and the indexing queue retries later.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.db import transaction

from samarkiv.catalog.records.aipfiles import AipFiles
from samarkiv.catalog.records.choices import RecordKind
from samarkiv.catalog.records.descriptive import descriptive_files, read_descriptive
from samarkiv.catalog.records.drafts import Draft, clean
from samarkiv.catalog.records.models import Record, RecordFile
from samarkiv.catalog.records.other import merge, package_draft
from samarkiv.catalog.records.personal_ids import find_personal_ids
from samarkiv.catalog.records.sip_mets import SipHints, read_hints
from samarkiv.catalog.records.text import is_content
from samarkiv.preservation.models import Aip, AipFile

log = logging.getLogger(__name__)
MAX_PACKAGE_LINKS = 10_000  # files linked to a package record without a structure
_LIMITS = {
    "source_path": 1024,
    "source_id": 255,
    "registration_number": 128,
    "case_officer": 255,
    "document_type": 128,
    "classification_code": 64,
    "records_creator_name": 255,
}


@dataclass
class _Plan:
    """The rows to write for one AIP."""

    records: list[Record] = field(default_factory=list)
    links: list[RecordFile] = field(default_factory=list)
    linked: set[int] = field(default_factory=set)  # AipFile pks


def extract_aip(aip: Aip) -> list[Record]:
    """Replace the AIP's records with those read from its stored descriptive metadata."""
    files = AipFiles(aip)
    hints = read_hints(files)
    structured: list[tuple[str, Draft]] = []
    unmapped: list[Draft] = []
    for aip_file in descriptive_files(files, hints):
        found, other = read_descriptive(files, aip_file, hints)
        structured += [(aip_file.path, draft) for draft in found]
        if other is not None:
            unmapped.append(other)
    title = _package_title(aip, hints)
    items = list(structured)
    if unmapped:
        items.append((unmapped[0].extra["sources"][0], merge(unmapped, title)))
    if not items:
        fallback = package_draft(title, "", "", note="paketet saknar beskrivande metadata")
        items.append(("", fallback))
    plan = _plan(aip, files, items, hints)
    with transaction.atomic():
        Record.objects.filter(aip=aip).delete()
        Record.objects.bulk_create(plan.records, batch_size=1000)
        RecordFile.objects.bulk_create(plan.links, batch_size=1000)
    log.info("%s: %d records, %d file links", aip.id, len(plan.records), len(plan.links))
    return plan.records


RECORD_NAMESPACE = uuid.UUID("6f1d3c1e-8a53-4c56-9a55-2f0c8f4b7a11")


def record_id(aip_id: str, order: int, source_path: str, source_id: str) -> uuid.UUID:
    """The same record of the same AIP gets the same id at every re-extraction, so that
    what staff decided about it (secrecy, publication, requests) survives a reindex."""
    return uuid.uuid5(RECORD_NAMESPACE, f"{aip_id}|{order}|{source_path}|{source_id}")


def _package_title(aip: Aip, hints: SipHints) -> str:
    return hints.label or clean(aip.label) or aip.sip_objid or aip.id  # METS LABEL says most


def _plan(aip: Aip, files: AipFiles, items: list[tuple[str, Draft]], hints: SipHints) -> _Plan:
    plan = _Plan()
    packages: list[Record] = []
    for source_path, top in items:
        start = len(plan.records)
        _add(plan, aip, files, source_path, top, None, hints)
        if top.kind == RecordKind.PACKAGE:
            packages.append(plan.records[start])
    if packages:
        _link_remaining(plan, files, packages[0])
    return plan


def _add(
    plan: _Plan,
    aip: Aip,
    files: AipFiles,
    source_path: str,
    draft: Draft,
    parent: Record | None,
    hints: SipHints,
) -> None:
    record = _record(aip, source_path, draft, parent, hints, len(plan.records))
    plan.records.append(record)
    unresolved, mine = [], set()
    for reference in draft.file_refs:
        aip_file = files.resolve(reference, source_path=source_path) if source_path else None
        if aip_file is None:
            unresolved.append(reference)
        elif aip_file.pk not in mine:
            mine.add(aip_file.pk)
            plan.links.append(RecordFile(record=record, aip_file=aip_file))
            plan.linked.add(aip_file.pk)
    if unresolved:
        record.extra["unresolved_files"] = unresolved[:100]
    for child in draft.children:
        _add(plan, aip, files, source_path, child, record, hints)


def _record(
    aip: Aip, source_path: str, draft: Draft, parent: Record | None, hints: SipHints, order: int
) -> Record:
    extra = dict(draft.extra)
    in_text = find_personal_ids(draft.free_text())
    if in_text:
        extra["personal_ids_in_text"] = len(in_text)
    extra["personal_data"] = bool(in_text) or any(p.get("personal_data") for p in draft.parties)
    values = {
        "source_path": source_path,
        "source_id": draft.source_id,
        "registration_number": draft.registration_number,
        "case_officer": draft.case_officer,
        "document_type": draft.document_type,
        "classification_code": draft.classification_code
        or _inherited(parent, "classification_code"),
        "records_creator_name": draft.records_creator_name
        or _inherited(parent, "records_creator_name")
        or hints.archivist,
    }
    values = {key: clean(value)[: _LIMITS[key]] for key, value in values.items()}
    return Record(
        id=record_id(aip.pk, order, source_path, draft.source_id),
        tenant_id=aip.tenant_id,
        aip=aip,
        parent=parent,
        kind=draft.kind,
        source_format=draft.source_format,
        title=clean(draft.title) or _fallback_title(draft),
        date_start=draft.date_start,
        date_end=_end(draft),
        description=draft.description.replace("\x00", ""),
        parties=draft.parties,
        extra=extra,
        order=order,
        **values,
    )


def _end(draft: Draft):
    """The end date, unless it lies before the start (a data error: keep the start)."""
    if draft.date_start and draft.date_end and draft.date_end < draft.date_start:
        return None
    return draft.date_end


def _inherited(parent: Record | None, name: str) -> str:
    return getattr(parent, name, "") if parent is not None else ""


def _fallback_title(draft: Draft) -> str:
    """Something to show for a record whose source has no title."""
    names = [n for n in draft.extra.get("appendices", []) if n]
    return draft.document_type or (names[0] if names else "") or draft.registration_number


def _link_remaining(plan: _Plan, files: AipFiles, package: Record) -> None:
    """A package record stands for the content files no other record points to, so a
    file's text is found through the package when nothing describes the file."""
    rest: list[AipFile] = [
        f
        for path, f in sorted(files.by_path.items())
        if is_content(path) and f.pk not in plan.linked
    ]
    for aip_file in rest[:MAX_PACKAGE_LINKS]:
        plan.links.append(RecordFile(record=package, aip_file=aip_file))
    if len(rest) > MAX_PACKAGE_LINKS:
        package.extra["unlinked_files"] = len(rest) - MAX_PACKAGE_LINKS
