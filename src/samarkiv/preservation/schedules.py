"""When each location is due for a fixity audit, from its schedule and its audit history.

The schedule (``[storage.audits.<location>]``, see storage/config.py) says how often a
full sweep and how often a random sample runs; the history is the AuditRun table.
Only finished whole-archive runs count (a tenant-only audit does not vouch for the
other tenants' AIPs), and a run of every location counts for each of them. Computing
"due" from the table rather than from a timer means a restarted worker, or a manual
``samarkiv audit``, never causes an audit to be skipped or run twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from samarkiv.preservation.choices import AuditState
from samarkiv.preservation.locations import storage_config
from samarkiv.preservation.models import AuditRun

RETRY_AFTER = timedelta(hours=1)  # a failed audit is retried, but not in a tight loop


def due_audits(now: datetime | None = None) -> list[tuple[str, int]]:
    """(location, sample_pct) for every audit due at ``now``: 100 is a full sweep."""
    now = now or timezone.now()
    config = storage_config()
    due = []
    for name in config.locations:
        schedule = config.audit_schedule(name)
        runs = _history(name)
        latest = runs.first()
        if latest and latest.state == AuditState.FAILED and latest.started_at > now - RETRY_AFTER:
            continue
        done = runs.filter(state=AuditState.DONE)
        full = done.filter(sample_pct=100).first()
        if full is None or full.started_at + timedelta(days=schedule.full_every_days) <= now:
            due.append((name, 100))
            continue
        last = done.first()  # a full sweep also restarts the sampling interval
        if last.started_at + timedelta(days=schedule.sample_every_days) <= now:
            due.append((name, schedule.sample_pct))
    return due


def _history(name: str) -> QuerySet[AuditRun]:
    """Runs that vouch for the whole location, newest first."""
    return (
        AuditRun.objects.filter(tenant__isnull=True)
        .filter(Q(location=name) | Q(location=""))
        .exclude(state=AuditState.RUNNING)
        .order_by("-started_at")
    )
