"""Fixity audits: re-read stored AIPs, repair what another copy can mend, flag the rest.

``run_audit`` is the one entry point (CLI ``samarkiv audit``, the worker, tests). Its
scope in a location is every AIP with a StoredCopy row there *and* every AIP whose
tenant's storage policy names that location: a copy the policy requires but that is
missing is a finding, and is replicated back like any other missing file. Sampling
picks a random subset of those AIPs. One AIP copy at a time is audited by
``audit_copy`` (see there for the check-repair-record order).

Locks, so that an audit never sees half of something:
- ``audit`` (whole run): two audits never repair the same file at once;
- ``ingest`` (per AIP copy, a few seconds): no ingest commits a version or updates
  the catalogue while a copy is compared with it. Ingests wait at most one AIP.
Every holder of several takes them in one order, worker > audit > ingest (the
rebuild too), so they cannot deadlock.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from samarkiv.catalog.models import Tenant
from samarkiv.catalog.tenants import get_tenant
from samarkiv.delivery.agreements import agreement_policies
from samarkiv.errors import UsageError
from samarkiv.ingest.locking import exclusive_lock
from samarkiv.preservation.audit_copy import CopyResult, audit_copy
from samarkiv.preservation.choices import AipState, AuditState, FindingState
from samarkiv.preservation.locations import location as open_location
from samarkiv.preservation.locations import policy_of, storage_config
from samarkiv.preservation.models import Aip, AuditRun
from samarkiv.storage.config import StorageConfig
from samarkiv.storage.location import StorageError, StorageLocation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditProgress:
    """Where a running audit is; passed to the ``progress`` callback after each AIP copy."""

    location: str
    aips_done: int
    aips_total: int
    bytes_done: int
    aip_id: str


@dataclass
class _Tally:
    """Running totals of one audit, written to its AuditRun row as it goes."""

    aips: set[str] = field(default_factory=set)
    clean: dict[str, set[str]] = field(default_factory=dict)  # AIP -> locations verified
    dirty: set[str] = field(default_factory=set)
    damaged: set[str] = field(default_factory=set)


def run_audit(
    location_name: str | None = None,
    tenant: str | None = None,
    sample_pct: int = 100,
    progress: Callable[[AuditProgress], None] | None = None,
    rng: random.Random | None = None,
) -> AuditRun:
    """Audit one location (or all), optionally one tenant's AIPs, optionally a sample.

    Returns the finished AuditRun (state DONE, or FAILED with its message when an
    unexpected error stopped it); ``run.healthy`` is False when anything is left
    unrepaired. Raises UsageError / UnknownTenantError before starting on bad input.
    """
    config = storage_config()
    names = _location_names(config, location_name)
    tenant_row = get_tenant(tenant) if tenant else None
    if not 1 <= sample_pct <= 100:
        raise UsageError(f"the sample must be 1-100 percent, not {sample_pct}")
    locks = Path(settings.SAMARKIV_LOCKS_DIR)
    with exclusive_lock(locks, "audit"):
        close_dead_runs()
        run = AuditRun.objects.create(
            location=location_name or "", tenant=tenant_row, sample_pct=sample_pct
        )
        tally = _Tally()
        try:
            for name in names:
                ids = _sample(in_scope(name, tenant_row, config), sample_pct, rng)
                _audit_location(run, tally, name, ids, config, locks, progress)
            _restore_healed(tally, config)
            run.state = AuditState.DONE
        except Exception as exc:
            log.exception("audit %s failed", run.pk)
            run.state, run.message = AuditState.FAILED, f"{type(exc).__name__}: {exc}"
        except BaseException as exc:
            run.state, run.message = AuditState.FAILED, f"interrupted: {type(exc).__name__}"
            raise
        finally:
            run.finished_at = timezone.now()
            run.save()
    _log_summary(run)
    return run


def _location_names(config: StorageConfig, name: str | None) -> list[str]:
    if name is None:
        return list(config.locations)
    if name not in config.locations:
        known = ", ".join(config.locations)
        raise UsageError(f"no storage location '{name}'; configured: {known}")
    return [name]


def in_scope(name: str, tenant: Tenant | None, config: StorageConfig) -> list[str]:
    """AIP ids with a copy recorded in ``name`` or required there by their tenant's policy."""
    codes = [
        code
        for code in Tenant.objects.values_list("code", flat=True)
        if name in config.policy_for(code)
    ]
    own = agreement_policies()  # AIPs under these follow their agreement's policy
    under_own = Q(pk__in=[])
    required = Q(pk__in=[])
    for (code, agreement), names in own.items():
        under_own |= Q(tenant_id=code, agreement=agreement)
        if name in names:
            required |= Q(tenant_id=code, agreement=agreement)
    by_tenant = Q(tenant_id__in=codes) & ~under_own
    query = Aip.objects.filter(Q(copies__location=name) | by_tenant | required)
    if tenant is not None:
        query = query.filter(tenant=tenant)
    return sorted(set(query.values_list("id", flat=True)))


def _sample(ids: list[str], pct: int, rng: random.Random | None) -> list[str]:
    """All ids at 100 %; else a random ceil(pct % of them), at least one when any exist."""
    if pct >= 100 or not ids:
        return ids
    count = max(1, math.ceil(len(ids) * pct / 100))
    return sorted((rng or random.SystemRandom()).sample(ids, count))


def _audit_location(
    run: AuditRun,
    tally: _Tally,
    name: str,
    ids: list[str],
    config: StorageConfig,
    locks: Path,
    progress: Callable[[AuditProgress], None] | None,
) -> None:
    target = open_location(name)
    for done, aip_id in enumerate(ids, start=1):
        with exclusive_lock(locks):  # the ingest lock: see the module docstring
            aip = Aip.objects.filter(id=aip_id).first()
            if aip is None:
                continue  # gone since the scope was read
            result = audit_copy(run, aip, target, _sources(aip, name, config))
        _add(run, tally, aip_id, name, result)
        if progress is not None:
            progress(AuditProgress(name, done, len(ids), run.bytes_checked, aip_id))


def _sources(aip: Aip, target: str, config: StorageConfig) -> list[StorageLocation]:
    """Other locations that may hold healthy bytes: recorded copies first, then policy."""
    names = list(dict.fromkeys(aip.copies.values_list("location", flat=True)))
    names += [n for n in policy_of(aip) if n not in names]
    opened = []
    for name in names:
        if name == target or name not in config.locations:
            continue
        try:
            opened.append(open_location(name))
        except StorageError as exc:
            log.warning("location %s cannot be opened as a repair source: %s", name, exc)
    return opened


def _add(run: AuditRun, tally: _Tally, aip_id: str, location: str, result: CopyResult) -> None:
    tally.aips.add(aip_id)
    if result.clean:
        tally.clean.setdefault(aip_id, set()).add(location)
    else:
        tally.dirty.add(aip_id)
    if result.damaged:
        tally.damaged.add(aip_id)
    states = [j.state for j in result.judged]
    run.aips_checked = len(tally.aips)
    run.files_checked += result.files
    run.bytes_checked += result.bytes
    run.problems_found += len(states)
    run.repaired += states.count(FindingState.REPAIRED)
    run.unrepairable += len(states) - states.count(FindingState.REPAIRED)
    run.damaged_aips = len(tally.damaged)
    run.save()


def _restore_healed(tally: _Tally, config: StorageConfig) -> None:
    """AIPs this run proved whole again become PRESERVED.

    DAMAGED: every copy this run verified intact (after an archivist restored the bytes
    by hand, say from tape); the audit, not the archivist, declares it healthy.
    INCOMPLETE: every location of the policy now holds a verified copy of the current
    version (copies are verified when written, so their rows are proof).
    """
    clean = list(tally.clean)
    for aip in Aip.objects.filter(state=AipState.DAMAGED, id__in=clean).exclude(id__in=tally.dirty):
        needed = set(aip.copies.values_list("location", flat=True))
        needed |= set(policy_of(aip))
        if needed <= tally.clean[aip.id]:
            Aip.objects.filter(id=aip.id).update(state=AipState.PRESERVED)
            log.warning("AIP %s verified intact in %s: no longer damaged", aip.id, sorted(needed))
    for aip in Aip.objects.filter(state=AipState.INCOMPLETE, id__in=clean).exclude(
        id__in=tally.dirty
    ):
        have = set(aip.copies.filter(version=aip.version).values_list("location", flat=True))
        if set(policy_of(aip)) <= have:
            Aip.objects.filter(id=aip.id).update(state=AipState.PRESERVED)
            log.info("AIP %s now has every copy its policy requires", aip.id)


def close_dead_runs() -> int:
    """Mark RUNNING rows FAILED: under the audit lock, a RUNNING run is a dead process's."""
    return AuditRun.objects.filter(state=AuditState.RUNNING).update(
        state=AuditState.FAILED,
        finished_at=timezone.now(),
        message="interrupted: the process running it died",
    )


def _log_summary(run: AuditRun) -> None:
    text = (
        f"audit {run.pk} ({run.location or 'all locations'}, {run.sample_pct} %): "
        f"{run.aips_checked} AIPs, {run.files_checked} files, {run.bytes_checked} bytes; "
        f"{run.problems_found} problems, {run.repaired} repaired, {run.unrepairable} not"
    )
    if run.damaged_aips or run.state == AuditState.FAILED:
        log.error("%s; %d AIP(s) DAMAGED; %s", text, run.damaged_aips, run.message or run.state)
    elif run.unrepairable:
        log.warning(text)
    else:
        log.info(text)
