"""The embedded worker: runs queued deliveries, indexes newly stored AIPs for search,
and runs fixity audits when their schedule says they are due.

One process per archive home (an exclusive ``worker`` lock; a second worker exits at
once rather than running every due audit twice). ``--once`` runs what is due now and
returns, for cron, systemd timers and tests; otherwise it checks every ``interval``
seconds until SIGTERM / SIGINT, finishing the audit in progress first. ``stop`` lets
an embedding process (the web app's worker thread) end it the same way.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from samarkiv.errors import SamarkivError
from samarkiv.preservation.audit import run_audit
from samarkiv.preservation.models import AuditRun
from samarkiv.preservation.schedules import due_audits

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 300.0


class WorkerBusyError(SamarkivError):
    """Another worker already runs for this archive home."""

    code = "worker_busy"


def run_worker(
    *, once: bool = False, interval: float = DEFAULT_INTERVAL, stop: threading.Event | None = None
) -> list[AuditRun]:
    """Run due audits (once, or until stopped); return the runs made, in order."""
    stop = stop or threading.Event()
    runs: list[AuditRun] = []
    fd = _take_worker_lock(Path(settings.SAMARKIV_LOCKS_DIR))
    previous = _stop_on_signals(stop) if not once else {}
    try:
        while not stop.is_set():
            _run_deliveries()
            _run_indexing()
            _run_publication()
            for location, pct in due_audits(timezone.now()):
                if stop.is_set():
                    break
                log.info("worker: %s audit of %s is due", _what(pct), location)
                runs.append(run_audit(location, sample_pct=pct))
            if once or _wait_for_next_pass(stop, interval):
                break
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        os.close(fd)
    return runs


def _run_deliveries() -> None:
    """Queued deliveries first: a business system waits for its receipt, audits do not."""
    from samarkiv.delivery.worker import run_queued_deliveries

    ran = run_queued_deliveries(once=True)
    if ran:
        log.info("worker: ran %d queued deliveries", ran)


def _run_indexing() -> None:
    """Then the search index: records and text of newly stored AIPs (never blocks an
    ingest; an AIP that fails stays queued with its error, see access/search/queue.py)."""
    from samarkiv.access.search.queue import process_pending

    try:
        summary = process_pending(wait=False)
    except Exception:  # the queue keeps its state; the next pass tries again
        log.exception("worker: indexing pass failed")
        return
    if summary.indexed or summary.failures:
        log.info("worker: indexed %d AIPs, %d failed", summary.indexed, len(summary.failures))


def _run_publication() -> None:
    """Once a day, recompute what the public may see (secrecy periods end, records
    reach a publication rule's age); see access/publication/daily.py."""
    from samarkiv.access.publication.daily import refresh_if_due

    try:
        summary = refresh_if_due()
    except Exception:  # tried again on the next pass
        log.exception("worker: publication pass failed")
        return
    if summary is not None:
        log.info("worker: publication refreshed, %s", summary.counts)


def _wait_for_next_pass(stop: threading.Event, interval: float) -> bool:
    """Wait ``interval`` for the next audit check, looking at the delivery queue every
    few seconds meanwhile; True when stopped."""
    from samarkiv.delivery.worker import POLL_SECONDS

    deadline = time.monotonic() + interval
    while (left := deadline - time.monotonic()) > 0:
        if stop.wait(min(left, POLL_SECONDS)):
            return True
        if left > POLL_SECONDS:
            _run_deliveries()
            _run_indexing()
    return False


def _stop_on_signals(stop: threading.Event) -> dict:
    """SIGTERM/SIGINT end the loop after the current audit; returns the old handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # an embedding process owns its signals and uses ``stop``
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, lambda *_args: stop.set())
    return previous


def _what(pct: int) -> str:
    return "full" if pct >= 100 else f"{pct} % sample"


def _take_worker_lock(lock_dir: Path) -> int:
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / "worker.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise WorkerBusyError(f"another samarkiv worker is running for {lock_dir.parent}") from None
    return fd
