"""Runs queued deliveries through the ingest pipeline, in the web process or beside it.

Embedded default: one daemon thread in the web process, started by the first delivery.
A separate process (``samarkiv worker`` calling :func:`run_queued_deliveries`) may run
beside it or instead of it; both take deliveries with an atomic QUEUED → INGESTING
update and hold the ``deliveries`` lock while they work, so no delivery is ingested
twice.

Why a lock beside the pipeline's own: a delivery marked INGESTING by a process that
then died must go back to the queue, and it is safe to tell "abandoned" from "being
worked on" only while holding the lock every worker holds while it works.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from samarkiv.delivery import uploads as files
from samarkiv.delivery.choices import DeliveryState
from samarkiv.delivery.models import Delivery
from samarkiv.delivery.services import expire_uploads
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.locking import exclusive_lock
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.ingest.receipt import json_safe

log = logging.getLogger(__name__)

OUTCOMES = {
    IngestState.DONE: DeliveryState.DONE,
    IngestState.DUPLICATE: DeliveryState.DUPLICATE,
    IngestState.REJECTED: DeliveryState.REJECTED,
}
POLL_SECONDS = 5.0

_wake = threading.Event()
_thread: threading.Thread | None = None
_thread_guard = threading.Lock()


def dispatch(delivery_id) -> None:
    """Called once a delivery is queued: inline in tests, else wake the worker thread
    when the delivery row is committed (a worker must be able to see it)."""
    if settings.SAMARKIV_DELIVERY_INLINE:
        run_delivery(delivery_id)
        return
    transaction.on_commit(nudge)


def nudge() -> None:
    """Make sure this process's worker thread runs and looks at the queue now.

    Also called when someone asks about an unfinished delivery, so deliveries queued
    before a restart of the web process do not wait for the next new one.
    """
    if settings.SAMARKIV_DELIVERY_THREAD and not settings.SAMARKIV_DELIVERY_INLINE:
        ensure_thread()
        _wake.set()


def ensure_thread() -> None:
    """Start the one background worker thread of this process, if not running."""
    global _thread
    with _thread_guard:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_thread_main, name="samarkiv-deliveries", daemon=True)
        _thread.start()


def _thread_main() -> None:
    while True:
        _wake.clear()  # before looking: a wake-up during the pass is not lost
        try:
            run_queued_deliveries(once=True)
        except Exception:  # keep the thread alive; the delivery was marked failed
            log.exception("delivery worker pass failed")
        try:
            _index_new_aips()
        finally:
            close_old_connections()
        _wake.wait(POLL_SECONDS)


def _index_new_aips() -> None:
    """Make newly stored AIPs searchable (delivered here, or ingested from the shell),
    in this same thread, so the embedded archive needs no separate worker; skipped when
    another process (``samarkiv worker``) is indexing, which then takes them."""
    from samarkiv.access.search import queue

    try:
        if queue.has_work():
            queue.process_pending(wait=False)
    except Exception:  # the AIPs stay queued for the worker and `samarkiv index`
        log.exception("indexing pass failed")


def _lock():
    return exclusive_lock(Path(settings.SAMARKIV_LOCKS_DIR), "deliveries")


def requeue_abandoned() -> int:
    """INGESTING deliveries whose worker died go back to the queue (call under the lock)."""
    return Delivery.objects.filter(state=DeliveryState.INGESTING).update(state=DeliveryState.QUEUED)


def _claim(delivery_id) -> bool:
    claimed = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.QUEUED).update(
        state=DeliveryState.INGESTING, started_at=timezone.now()
    )
    return claimed == 1


def run_queued_deliveries(once: bool = True, interval: float = POLL_SECONDS) -> int:
    """Ingest every queued delivery, oldest first; with ``once=False`` keep polling.

    Returns how many deliveries were run (in the ``once`` mode).
    """
    done = 0
    while True:
        with _lock():
            requeue_abandoned()
            expire_uploads()
            queued = Delivery.objects.filter(state=DeliveryState.QUEUED).order_by("created_at")
            for delivery_id in list(queued.values_list("pk", flat=True)):
                if _claim(delivery_id):
                    _run_guarded(delivery_id)
                    done += 1
        if once:
            return done
        close_old_connections()
        time.sleep(interval)


def run_delivery(delivery_id) -> Delivery:
    """Run one delivery now if it is still queued (the inline mode and tests)."""
    with _lock():
        if _claim(delivery_id):
            _run_guarded(delivery_id)
    return Delivery.objects.get(pk=delivery_id)


def _source_key(path: Path) -> str:
    """The ingest's ``source_name`` for this path, computed the way the pipeline does."""
    return json_safe(str(path))[: Ingest._meta.get_field("source_name").max_length]


def _latest_ingest(path: Path) -> Ingest | None:
    return Ingest.objects.filter(source_name=_source_key(path)).order_by("-created_at").first()


def _request(delivery: Delivery, source: Path) -> IngestRequest:
    return IngestRequest(
        source=source,
        tenant=delivery.tenant_id,
        agreement=delivery.agreement.code,
        actor=_actor(delivery),
    )


def _actor(delivery: Delivery) -> str:
    if delivery.submitted_by is None:
        return "system:unknown"
    kind = "system" if delivery.token_id else "user"
    return f"{kind}:{delivery.submitted_by.get_username()}"


def _run_guarded(delivery_id) -> None:
    """Run a claimed delivery; an unexpected error fails it instead of retrying forever."""
    try:
        _run_claimed(delivery_id)
    except Exception as exc:
        log.exception("delivery %s could not be run", delivery_id)
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.INGESTING).update(
            state=DeliveryState.FAILED,
            message=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )


def _run_claimed(delivery_id) -> None:
    delivery = Delivery.objects.select_related("agreement", "submitted_by").get(pk=delivery_id)
    source = files.delivery_source(delivery.pk, delivery.filename)
    earlier = _latest_ingest(source)
    if earlier is not None and earlier.state in (IngestState.DONE, IngestState.DUPLICATE):
        _finish(delivery, earlier, source)  # ingested before a crash; only the row lagged
        return
    if files.move_to_delivery(delivery.upload_id, delivery.pk, delivery.filename) is None:
        _close(delivery, DeliveryState.FAILED, "the uploaded file is missing", None)
        return
    try:
        ingest(_request(delivery, source))
    except Exception as exc:  # recorded on the delivery; the ingest row has the details
        log.warning("ingest of delivery %s failed: %s", delivery.pk, exc)
        fallback = f"{type(exc).__name__}: {exc}"
        _finish(delivery, _latest_ingest(source), source, fallback)
        return
    _finish(delivery, _latest_ingest(source), source)


def _finish(delivery: Delivery, row: Ingest | None, source: Path, fallback: str = "") -> None:
    state = OUTCOMES.get(row.state, DeliveryState.FAILED) if row is not None else None
    message = (row.message if row is not None else "") or fallback
    _close(delivery, state or DeliveryState.FAILED, message, row)
    files.remove_delivery_source(delivery.pk)


def _close(delivery: Delivery, state: DeliveryState, message: str, row: Ingest | None) -> None:
    delivery.state = state
    delivery.message = message
    delivery.ingest = row
    delivery.finished_at = timezone.now()
    delivery.save(update_fields=["state", "message", "ingest", "finished_at"])
