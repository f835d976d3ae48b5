"""Recovery before every ingest: the archive returns to "nothing, or complete AIPs".

Called under the ingest lock, so no other ingest is running:
- storage drops staging leftovers and half-written versions;
- ingest workspaces of dead runs are removed;
- a stored, verified AIP that never reached the catalogue (a crash between the storage
  commit and the catalogue commit) is registered from its own METS and PREMIS, because
  the packages are the truth;
- ingests that were running when the process died are closed as interrupted, or as done
  when their AIP turned out to be complete.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.placement import all_locations, split_submission_path
from samarkiv.packages import aip as aipmod
from samarkiv.preservation.models import Aip
from samarkiv.preservation.registry import CopyInfo, fingerprint, register_aip


def recover() -> list[str]:
    notes: list[str] = []
    locations = all_locations()
    for location in locations:
        notes.extend(location.recover())
    notes.extend(_clean_workspaces(Path(settings.SAMARKIV_WORKSPACES_DIR)))
    for location in locations:
        notes.extend(_register_orphans(location))
    notes.extend(_close_interrupted())
    return notes


def _clean_workspaces(base: Path) -> list[str]:
    removed = []
    if base.is_dir():
        for entry in base.iterdir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(f"removed workspace {entry.name}")
    return removed


def _register_orphans(location) -> list[str]:
    known = set(Aip.objects.values_list("id", flat=True))
    notes = []
    for object_id in location.list_objects():
        if object_id in known:
            continue
        problems = location.verify_object(object_id)
        if problems:
            location.remove_object(object_id)
            notes.append(f"removed unverifiable uncatalogued object {object_id}: {problems[:3]}")
            continue
        register_from_storage(location, object_id)
        notes.append(f"registered {object_id} from storage")
    return notes


def register_from_storage(location, object_id: str) -> Aip:
    """Catalogue rows for a stored AIP, read from its METS and PREMIS alone."""
    summary = read_summary(location, object_id)
    version = location.head_version(object_id) or "v1"
    copy = CopyInfo(location.name, version, location.object_url(object_id), timezone.now())
    return register_aip(
        summary,
        fingerprint_value=submission_fingerprint(summary.files),
        version=version,
        copies=[copy],
    )


def read_summary(location, object_id: str):
    files = location.logical_files(object_id)
    folder = aipmod.aip_folder_name(object_id)
    with tempfile.TemporaryDirectory() as tmp:
        for logical in files:
            if logical == f"{folder}/METS.xml" or logical.startswith(f"{folder}/metadata/"):
                target = Path(tmp) / logical
                target.parent.mkdir(parents=True, exist_ok=True)
                with location.open_file(object_id, logical) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
        return aipmod.read_aip_summary(Path(tmp) / folder)


def submission_fingerprint(records) -> str:
    """The SIP fingerprint, from the AIP's copy of the SIP (paths below the SIP folder)."""
    pairs = []
    for record in records:
        parts = split_submission_path(record.path)
        if parts is not None:
            pairs.append((parts[1], record.sha256))
    return fingerprint(pairs)


def _close_interrupted() -> list[str]:
    notes = []
    running = Ingest.objects.exclude(state__in=IngestState.finished())
    for row in running:
        complete = Aip.objects.filter(id=row.aip_id, created_at__gte=row.created_at).exists()
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
