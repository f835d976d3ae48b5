"""The daily publication pass: dates move on even when nothing else changes.

Why: a secrecy period that ends today, or a drawing that turns ten years old, must
change what the public sees without anyone touching the record. The worker calls
:func:`refresh_if_due` every pass; it recomputes everything at most once per day
(the date of the last full pass is kept in a file under the locks directory).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

STAMP = "publication-refreshed"


def _stamp_path() -> Path:
    return Path(settings.SAMARKIV_LOCKS_DIR) / STAMP


def last_full_refresh() -> date | None:
    try:
        return date.fromisoformat(_stamp_path().read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def refresh_if_due(today: date | None = None):
    """Run the full refresh when it has not run today; returns its summary or None."""
    from samarkiv.access.publication.refresh import RefreshSummary, refresh
    from samarkiv.catalog.models import Tenant
    from samarkiv.packages.atomic import atomic_write_bytes

    today = today or timezone.localdate()
    last = last_full_refresh()
    if last is not None and last >= today:
        return None
    summary = RefreshSummary()
    for code in Tenant.objects.order_by("code").values_list("code", flat=True):
        part = refresh(tenant=code, today=today)  # one tenant at a time: bounded memory
        summary.records += part.records
        summary.published_files += part.published_files
        summary.stubs += part.stubs
        summary.indexed += part.indexed
        for key, n in part.counts.items():
            summary.counts[key] = summary.counts.get(key, 0) + n
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, (today.isoformat() + "\n").encode("ascii"))
    return summary
