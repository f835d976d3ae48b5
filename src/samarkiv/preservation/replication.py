"""Copying an AIP from one storage location to another, and recording the copy.

``replicate_object`` is storage only: it rebuilds the source's OCFL object in the
target version by version (v1, v2, ... each with the same logical state, message and
user), so the copy has the same history, not just the same head. Every version is an
ordinary ``begin_version`` + ``commit``: the commit re-hashes each staged byte against
the *source inventory's* digests before anything is written (a damaged source cannot
spread), and commits are atomic, so a killed replication leaves the target with no
object or with complete, verified versions. The finished copy is re-read as a whole.

``replicate_aip`` adds the catalogue side: StoredCopy rows only after the copy
verified, and a PREMIS "replication" event.
"""

from __future__ import annotations

import logging
import shutil
import uuid

from django.db import transaction
from django.utils import timezone

from samarkiv.crashpoints import crash_point
from samarkiv.ingest.events import SAMARKIV_AGENT_ID
from samarkiv.ingest.recovery import versions_up_to
from samarkiv.packages.model import EventOutcome, EventType
from samarkiv.preservation.locations import location as open_location
from samarkiv.preservation.models import Aip, PreservationEvent, StoredCopy
from samarkiv.storage.inventory import version_number, version_state
from samarkiv.storage.location import (
    StorageCorruptError,
    StorageError,
    StorageLocation,
    StoredVersion,
)

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


def replicate_object(
    source: StorageLocation, target: StorageLocation, object_id: str
) -> list[StoredVersion]:
    """Make ``target`` hold every version of ``object_id`` that ``source`` holds.

    Versions the target already has must have the same logical state (else
    StorageError: the copies diverged and a human must look). Returns the versions
    committed now (empty when the target was complete). Raises StorageCorruptError
    when the finished copy does not verify.
    """
    inventory = source.inventory(object_id)
    have = target.inventory(object_id) if target.exists(object_id) else None
    names = sorted(inventory["versions"], key=lambda v: version_number(v) or 0)
    _check_not_diverged(inventory, have, names, object_id)
    committed = []
    for name in names:
        if have is None or name not in have["versions"]:
            committed.append(_copy_version(source, target, object_id, inventory, name))
    problems = target.check_object(object_id)
    if problems:
        raise StorageCorruptError(
            f"the copy of {object_id} in {target.name} does not verify: "
            + "; ".join(p.message for p in problems[:5]),
            path=target.object_url(object_id),
        )
    return committed


def _check_not_diverged(inventory: dict, have: dict | None, names: list[str], oid: str) -> None:
    if have is None:
        return
    extra = sorted(set(have["versions"]) - set(names))
    shared = [n for n in names if n in have["versions"]]
    differ = [n for n in shared if version_state(have, n) != version_state(inventory, n)]
    if extra or differ:
        raise StorageError(
            f"copies of {oid} diverged: target has versions {extra} the source lacks, "
            f"or different content in {differ}; not replicating over them"
        )


def _copy_version(
    source: StorageLocation, target: StorageLocation, object_id: str, inventory: dict, name: str
) -> StoredVersion:
    """Stream one version's logical files into target staging and commit them (verified)."""
    block = inventory["versions"][name]
    state = version_state(inventory, name)
    user = block.get("user") or {}
    with target.begin_version(object_id) as staging:
        for index, logical in enumerate(sorted(state)):
            dest = staging.content_dir / logical
            dest.parent.mkdir(parents=True, exist_ok=True)
            with source.open_file(object_id, logical, name) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, CHUNK)
            crash_point(f"replication:staged_file_{index}")
        stored = staging.commit(
            state,
            message=block.get("message", ""),
            user_name=user.get("name", "samarkiv"),
            user_address=user.get("address", ""),
        )
    if stored.version != name:
        raise StorageError(
            f"{object_id}: {name} of {source.name} became {stored.version} in {target.name}"
        )
    return stored


def record_copies(aip: Aip, target: StorageLocation) -> list[StoredCopy]:
    """StoredCopy rows for every version ``target`` holds; call only after it verified."""
    head = target.head_version(aip.id)
    if head is None:
        return []
    url, now = target.object_url(aip.id), timezone.now()
    return [
        StoredCopy.objects.update_or_create(
            aip=aip, location=target.name, version=v, defaults={"url": url, "verified_at": now}
        )[0]
        for v in versions_up_to(head)
    ]


def replicate_aip(aip_id: str, source_name: str, target_name: str) -> list[StoredVersion]:
    """Copy a catalogued AIP to another configured location, then record the copy.

    The catalogue only learns of the copy after ``replicate_object`` verified it, so a
    crash at any point leaves no StoredCopy row that claims a copy which is not there.
    """
    aip = Aip.objects.get(id=aip_id)
    source, target = open_location(source_name), open_location(target_name)
    stored = replicate_object(source, target, aip_id)
    crash_point("replication:before_catalogue")
    with transaction.atomic():
        record_copies(aip, target)
        record_event(
            aip,
            EventType.REPLICATION,
            EventOutcome.SUCCESS,
            f"copied to {target.name} from {source.name}: "
            f"{', '.join(s.version for s in stored) or 'already complete'}",
        )
    log.info("replicated %s from %s to %s", aip_id, source_name, target_name)
    return stored


def record_event(
    aip: Aip, event_type: EventType, outcome: EventOutcome, detail: str, outcome_detail: str = ""
) -> PreservationEvent:
    """A PREMIS event about an AIP that happened after ingest (audit, replication, repair)."""
    return PreservationEvent.objects.create(
        identifier=uuid.uuid4(),
        aip=aip,
        event_type=event_type.value,
        date_time=timezone.now(),
        outcome=outcome.value,
        detail=detail,
        outcome_detail=outcome_detail,
        agent=SAMARKIV_AGENT_ID,
    )
