"""Recovery before every ingest: the archive returns to "nothing, or complete AIPs".

Called under the ingest lock, so no other ingest is running:
- storage drops staging leftovers and half-written versions;
- ingest workspaces of dead runs are removed;
- a stored, verified AIP that never reached the catalogue (a crash between the storage
  commit and the catalogue commit) is registered from its own METS and PREMIS, because
  the packages are the truth; the same for a new version of a catalogued AIP that was
  committed to storage just before a crash. Only the AIPs unfinished ingests name are
  looked at (each saves its AIP id before staging), so recovery does not grow with the
  archive;
- ingests that were running when the process died are closed as interrupted, or as done
  when their AIP turned out to be complete.

Recovery never deletes a stored object. A crash cannot leave an incomplete object in
the storage root (storage places an object with one rename), so an object that fails
verification is damage to real data, perhaps its only copy: it is reported and left
for an audit to repair, not silently thrown away.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils import timezone

from samarkiv.errors import SamarkivError
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.placement import all_locations, split_submission_path
from samarkiv.packages import aip as aipmod
from samarkiv.packages.model import AipSummary, FileRecord
from samarkiv.packages.safexml import XmlProblem
from samarkiv.preservation.models import Aip
from samarkiv.preservation.registry import CopyInfo, fingerprint, register_aip

log = logging.getLogger(__name__)


def recover() -> list[str]:
    """Bring storage, workspaces and catalogue back in line; returns what was done."""
    notes: list[str] = []
    locations = all_locations()
    # Only what interrupted ingests were writing: the cost does not grow with the archive.
    # A full sweep of every object is the audit's and rebuild-catalog's job.
    writing = sorted(set(_unfinished().exclude(aip_id="").values_list("aip_id", flat=True)))
    for location in locations:
        notes.extend(location.recover(writing))
    notes.extend(_clean_workspaces(Path(settings.SAMARKIV_WORKSPACES_DIR)))
    for location in locations:
        notes.extend(_register_orphans(location, writing))
        notes.extend(_catch_up_versions(location))
    notes.extend(_close_interrupted())
    return notes


def _unfinished() -> QuerySet[Ingest]:
    return Ingest.objects.exclude(state__in=IngestState.finished())


def _clean_workspaces(base: Path) -> list[str]:
    removed = []
    if base.is_dir():
        for entry in base.iterdir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(f"removed workspace {entry.name}")
    return removed


def _register_orphans(location, writing: list[str]) -> list[str]:
    """Objects interrupted ingests stored that the catalogue does not know yet."""
    known = set(Aip.objects.filter(id__in=writing).values_list("id", flat=True))
    return [
        _register_checked(location, object_id)
        for object_id in writing
        if object_id not in known and location.exists(object_id)
    ]


def _catch_up_versions(location) -> list[str]:
    """Catalogued AIPs whose stored head is a version the catalogue has not seen.

    Only a new-version ingest that died between the storage commit and the catalogue
    commit leaves that, and it saved the AIP id on its (still unfinished) row before
    staging anything; so only those AIPs' inventories are read, not the whole storage.
    """
    ids = set(_unfinished().exclude(aip_id="").values_list("aip_id", flat=True))
    notes = []
    for aip in Aip.objects.filter(id__in=ids):
        head = location.head_version(aip.id)
        if head is not None and head != aip.version:
            notes.append(_register_checked(location, aip.id))
    return notes


def _register_checked(location, object_id: str) -> str:
    """Register one stored object if it verifies; a note either way, never an exception.

    Why no exception: recovery runs before every ingest, and one object that cannot be
    registered (damaged, or owned by a tenant no longer configured) must not stop the
    archive from taking in deliveries.
    """
    problems = location.verify_object(object_id)
    if problems:
        log.error("stored object %s fails verification: %s", object_id, problems[:3])
        return f"left unverifiable object {object_id} in place for audit: {problems[:3]}"
    owner = _unfinished().filter(aip_id=object_id).values_list("id", flat=True).first()
    try:
        register_from_storage(location, object_id, ingest_id=owner)
    except (ValueError, XmlProblem, SamarkivError, IntegrityError) as exc:
        log.error("could not register stored object %s: %s", object_id, exc)
        return f"could not register {object_id}: {exc}"
    return f"registered {object_id} from storage"


def register_from_storage(location, object_id: str, *, ingest_id=None) -> Aip:
    """Catalogue rows for a stored AIP, read from its METS and PREMIS alone."""
    summary = read_summary(location, object_id)
    version = location.head_version(object_id) or "v1"
    url, now = location.object_url(object_id), timezone.now()
    return register_aip(
        summary,
        fingerprint_value=submission_fingerprint(summary.files),
        version=version,
        copies=[CopyInfo(location.name, v, url, now) for v in versions_up_to(version)],
        ingest_id=ingest_id,
    )


def versions_up_to(head: str) -> list[str]:
    """OCFL version names v1..head (same zero-padding): each is a stored generation."""
    digits = head[1:]
    if not head.startswith("v") or not digits.isdigit():
        return [head]
    width = len(digits) if digits.startswith("0") else 0
    return [f"v{number:0{width}d}" for number in range(1, int(digits) + 1)]


def read_summary(location, object_id: str) -> AipSummary:
    """The stored AIP's head version as the catalogue records it.

    PREMIS describes the submitted files; the AIP's own METS, PREMIS file and schemas
    are added from the storage inventory, so the rows equal those the ingest wrote.
    """
    files = location.logical_files(object_id)
    folder = aipmod.aip_folder_name(object_id)
    with tempfile.TemporaryDirectory() as tmp:
        for logical in files:
            if logical == f"{folder}/METS.xml" or logical.startswith(f"{folder}/metadata/"):
                target = Path(tmp) / logical
                target.parent.mkdir(parents=True, exist_ok=True)
                with location.open_file(object_id, logical) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
        summary = aipmod.read_aip_summary(Path(tmp) / folder)
    described = {record.path for record in summary.files}
    for logical, digest in sorted(files.items()):
        rel = logical.removeprefix(f"{folder}/")
        if rel != logical and rel not in described:
            size = _stored_size(location, object_id, logical)
            summary.files.append(FileRecord(rel, size, digest))
    return summary


def _stored_size(location, object_id: str, logical: str) -> int:
    with location.open_file(object_id, logical) as handle:
        return handle.seek(0, os.SEEK_END)


def submission_fingerprint(records) -> str:
    """The SIP fingerprint, from the AIP's copy of the SIP (paths below the SIP folder)."""
    pairs = []
    for record in records:
        parts = split_submission_path(record.path)
        if parts is not None:
            pairs.append((parts[1], record.sha256))
    return fingerprint(pairs)


def _close_interrupted() -> list[str]:
    """Close the rows of dead ingests: done if the catalogue now holds their content.

    The test is the content fingerprint, not a timestamp: a new version keeps its AIP id
    and an earlier generation's row already exists, so only "the catalogued AIP is what
    this ingest was storing" tells a completed ingest from an interrupted one.
    """
    notes = []
    for row in _unfinished():
        complete = bool(row.aip_id and row.fingerprint) and (
            Aip.objects.filter(id=row.aip_id, fingerprint=row.fingerprint).exists()
        )
        row.state = IngestState.DONE if complete else IngestState.INTERRUPTED
        row.message = (
            "completed by recovery: the AIP was stored and verified before the interruption"
            if complete
            else "interrupted; nothing was kept, deliver again"
        )
        row.finished_at = timezone.now()
        row.save()
        notes.append(f"ingest {row.id}: {row.state}")
    return notes
