"""The copies a storage policy asks for, written right after the primary one.

The policy is the submission agreement's when it names one, else the tenant's; the AIP
row remembers its agreement, so later replication and audits find the same policy.

An AIP whose policy names several locations is catalogued as INCOMPLETE and becomes
PRESERVED only when every copy has been written and verified. A copy that cannot be
written is retried, then reported on the receipt and left for the next audit (which
replicates missing policy copies); it is never silently dropped.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction

from samarkiv.crashpoints import crash_point
from samarkiv.delivery.agreements import policy_for_aip
from samarkiv.ingest.receipt import StoredCopyReceipt
from samarkiv.packages.model import EventOutcome, EventType
from samarkiv.preservation import replication
from samarkiv.preservation.choices import AipState
from samarkiv.preservation.models import Aip, StoredCopy

log = logging.getLogger(__name__)

ATTEMPTS = 3


def policy(tenant_code: str, agreement_code: str = "") -> tuple[str, ...]:
    """Location names an AIP must be stored in, the primary first."""
    return policy_for_aip(tenant_code, agreement_code)


def initial_state(names: tuple[str, ...]) -> AipState:
    return AipState.INCOMPLETE if len(names) > 1 else AipState.PRESERVED


def write_other_copies(aip: Aip, names: tuple[str, ...] | None = None) -> list[str]:
    """Replicate to every further policy location; returns the failures (empty = done).

    ``names`` is the policy the ingest stored under; without it, the AIP's own.
    """
    names = names or policy(aip.tenant_id, aip.agreement)
    failures = []
    for target in names[1:]:
        error = _replicate_with_retries(aip.id, names[0], target)
        if error:
            failures.append(f"{target}: {error}")
    crash_point("ingest:copies_written")
    with transaction.atomic():
        if failures:
            replication.record_event(
                aip,
                EventType.REPLICATION,
                EventOutcome.FAILURE,
                "copies the storage policy requires could not be written; the next audit "
                "retries them",
                "; ".join(failures),
            )
        else:
            Aip.objects.filter(id=aip.id).update(state=AipState.PRESERVED)
    return failures


def _replicate_with_retries(aip_id: str, source: str, target: str) -> str:
    last = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            replication.replicate_aip(aip_id, source, target)
            return ""
        except Exception as exc:  # noqa: BLE001 - any failure is retried, then reported
            last = f"{type(exc).__name__}: {exc}"
            log.warning("copy of %s to %s failed (attempt %d): %s", aip_id, target, attempt, last)
            time.sleep(0.2 * attempt)
    return last


def receipt_copies(aip: Aip) -> list[StoredCopyReceipt]:
    rows = StoredCopy.objects.filter(aip=aip, version=aip.version).order_by("location")
    return [StoredCopyReceipt(c.location, c.version, c.url) for c in rows]
