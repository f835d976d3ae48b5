"""Rebuild the catalogue from storage alone: the packages are the truth.

Every Aip, AipFile, StoredCopy and PreservationEvent row of a stored AIP is recreated
from the AIP's own METS and PREMIS (``ingest.recovery.read_summary`` and
``registry.register_aip``, the same code that registers an AIP after a crash), for
every object in every configured location, replacing what the catalogue held.

Rules, and why:

- Every copy is verified (every byte re-read) before it is recorded: a StoredCopy row
  says "a verified copy is here", so a copy that fails gets no row (the next audit
  finds it, because the tenant's policy still requires it) and is reported.
- The AIP is registered from the copy with the newest version, a verifying one when
  there is a choice; if the newest version exists only in a damaged copy, the AIP is
  registered from it and flagged DAMAGED.
- What the packages cannot hold is carried over rather than lost: the audits'
  "fixity check" and "replication" events (written after ingest, so not in the
  stored PREMIS) are put back for AIPs that exist again, and PREMIS events are linked
  again to the ingest that recorded them (its row names the AIP; its time window
  contains the event). ``verified_at`` of a copy becomes the time of this rebuild's
  verification; AuditRun/AuditFinding rows are untouched.
- A catalogued AIP that no stored package can restore (unreadable METS/PREMIS in every
  copy, or no copy anywhere) keeps its rows, flagged DAMAGED and reported: those rows
  are the last record that it existed, and silently dropping them would hide a loss.
- All reading and verifying happens first; then, under the ingest and audit locks, one
  transaction replaces the rows: readers see the old catalogue or the new one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samarkiv.catalog.models import Tenant
from samarkiv.errors import SamarkivError
from samarkiv.ingest.locking import exclusive_lock
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.recovery import read_summary, submission_fingerprint, versions_up_to
from samarkiv.packages.model import AipSummary
from samarkiv.packages.safexml import XmlProblem
from samarkiv.preservation.choices import AipState, EventTypeChoice
from samarkiv.preservation.locations import all_locations
from samarkiv.preservation.models import Aip, AipFile, PreservationEvent, StoredCopy
from samarkiv.preservation.registry import CopyInfo, register_aip
from samarkiv.storage.inventory import version_number
from samarkiv.storage.location import StorageError, StorageLocation

log = logging.getLogger(__name__)

AUDIT_EVENTS = (EventTypeChoice.FIXITY_CHECK, EventTypeChoice.REPLICATION)


@dataclass
class StoredCopyCheck:
    """One object in one location, as found before anything in the catalogue changes."""

    location: StorageLocation
    head: str | None
    problems: list[str]

    @property
    def healthy(self) -> bool:
        return self.head is not None and not self.problems


@dataclass
class RebuildResult:
    """What the rebuilt catalogue holds, and what could not be made whole."""

    objects: int = 0
    aips: int = 0
    files: int = 0
    events: int = 0
    copies: int = 0
    kept_events: int = 0
    damaged: list[str] = field(default_factory=list)
    bad_copies: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.damaged or self.bad_copies or self.failed)

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "objects": self.objects,
            "aips": self.aips,
            "files": self.files,
            "events": self.events,
            "copies": self.copies,
            "kept_audit_events": self.kept_events,
            "damaged": self.damaged,
            "bad_copies": self.bad_copies,
            "failed": self.failed,
        }


def rebuild_catalog() -> RebuildResult:
    """Replace the AIP catalogue with what the stored packages say (module docstring)."""
    locks = Path(settings.SAMARKIV_LOCKS_DIR)
    with exclusive_lock(locks, "audit"), exclusive_lock(locks):  # audit before ingest
        locations = all_locations()
        for location in locations:
            location.recover()  # as before an ingest: no interrupted write looks like damage
        found = scan(locations)
        result = RebuildResult(objects=len(found))
        planned = [_plan(oid, found[oid], result) for oid in sorted(found)]
        with transaction.atomic():
            kept = list(
                PreservationEvent.objects.filter(
                    aip__isnull=False, event_type__in=AUDIT_EVENTS
                ).values()
            )
            restorable = {p.object_id for p in planned if p.summary is not None}
            unrestorable = set(Aip.objects.exclude(id__in=restorable).values_list("id", flat=True))
            _wipe(keep=unrestorable)
            for item in planned:
                _register(item, result)
            _flag_unrestorable(unrestorable, found, result)
            result.kept_events = _restore(kept)
            _relink_ingests()
            _count(result)
    return result


def scan(locations: list[StorageLocation]) -> dict[str, list[StoredCopyCheck]]:
    """object id -> its copy in each location holding it, each fully verified."""
    found: dict[str, list[StoredCopyCheck]] = {}
    for location in locations:
        for object_id in location.list_objects():
            problems = location.verify_object(object_id)
            try:
                head = location.head_version(object_id)
            except StorageError:
                head = None
            found.setdefault(object_id, []).append(StoredCopyCheck(location, head, problems))
    return found


@dataclass
class Planned:
    """One stored object, read but not yet registered: the catalogue is still untouched."""

    object_id: str
    checks: list[StoredCopyCheck]
    source: StoredCopyCheck | None = None  # the copy its METS/PREMIS were read from
    summary: AipSummary | None = None


def _plan(object_id: str, checks: list[StoredCopyCheck], result: RebuildResult) -> Planned:
    """Read the AIP from its newest copy (a verifying one first); note copies that fail."""
    for check in checks:
        if not check.healthy:
            note = f"{object_id} in {check.location.name}: {'; '.join(check.problems[:3])}"
            result.bad_copies.append(note)
            log.error("rebuild: copy does not verify, not recorded: %s", note)
    readable = sorted(
        (c for c in checks if c.head),
        key=lambda c: (version_number(c.head) or 0, c.healthy),
        reverse=True,
    )
    for check in readable:
        try:
            summary = read_summary(check.location, object_id)
        except (ValueError, OSError, XmlProblem, SamarkivError) as exc:
            log.warning("rebuild: %s in %s unreadable: %s", object_id, check.location.name, exc)
            continue
        if not Tenant.objects.filter(code=summary.tenant_code).exists():
            result.failed.append(f"{object_id}: tenant '{summary.tenant_code}' is not configured")
            return Planned(object_id, checks)
        return Planned(object_id, checks, check, summary)
    result.failed.append(f"{object_id}: no copy has a readable METS and PREMIS")
    return Planned(object_id, checks)


def _wipe(keep: set[str]) -> None:
    """Children first, so each delete is one statement rather than a cascade walk.

    ``keep``: catalogued AIPs that no stored package can restore; their rows are the
    only record left that they existed, so they stay (flagged) instead of vanishing.
    """
    StoredCopy.objects.exclude(aip_id__in=keep).delete()
    AipFile.objects.exclude(aip_id__in=keep).delete()
    PreservationEvent.objects.filter(aip__isnull=False).exclude(aip_id__in=keep).delete()
    Aip.objects.exclude(id__in=keep).delete()


def _register(item: Planned, result: RebuildResult) -> None:
    if item.summary is None or item.source is None:
        return
    now = timezone.now()
    copies = [
        CopyInfo(c.location.name, v, c.location.object_url(item.object_id), now)
        for c in item.checks
        if c.healthy
        for v in versions_up_to(c.head)
    ]
    aip = register_aip(
        item.summary,
        fingerprint_value=submission_fingerprint(item.summary.files),
        version=item.source.head or "v1",
        copies=copies,
    )
    if not item.source.healthy:
        Aip.objects.filter(id=aip.id).update(state=AipState.DAMAGED)
        result.damaged.append(aip.id)
        log.error("rebuild: AIP %s is DAMAGED: its newest version has no healthy copy", aip.id)


def _flag_unrestorable(
    ids: set[str], found: dict[str, list[StoredCopyCheck]], result: RebuildResult
) -> None:
    """Catalogued AIPs whose packages are unreadable or gone everywhere: DAMAGED, loudly."""
    for aip_id in sorted(ids):
        StoredCopy.objects.filter(aip_id=aip_id).delete()  # no copy of it verifies
        Aip.objects.filter(id=aip_id).update(state=AipState.DAMAGED)
        where = "unreadable in every location" if aip_id in found else "in no location"
        result.damaged.append(aip_id)
        log.error("rebuild: catalogued AIP %s is %s; its rows are kept, DAMAGED", aip_id, where)


def _restore(kept: list[dict]) -> int:
    """Audit events back, for AIPs that exist again (their ids survive in the packages)."""
    ids = set(Aip.objects.values_list("id", flat=True))
    rows = [PreservationEvent(**row) for row in kept if row["aip_id"] in ids]
    PreservationEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _relink_ingests() -> None:
    """Link each PREMIS event to the ingest whose time window contains it (best effort)."""
    ids = set(Aip.objects.values_list("id", flat=True))
    for ingest in Ingest.objects.filter(aip_id__in=ids, finished_at__isnull=False):
        PreservationEvent.objects.filter(
            aip_id=ingest.aip_id,
            ingest__isnull=True,
            date_time__gte=ingest.created_at,
            date_time__lte=ingest.finished_at,
        ).exclude(event_type__in=AUDIT_EVENTS).update(ingest=ingest)


def _count(result: RebuildResult) -> None:
    result.aips = Aip.objects.count()
    result.files = AipFile.objects.count()
    result.events = PreservationEvent.objects.filter(aip__isnull=False).count()
    result.copies = StoredCopy.objects.count()
