"""The indexing queue: ingest enqueues, the worker (or ``samarkiv index``) indexes.

Per AIP, in this order: re-read its records from the stored descriptive metadata
(``extract_aip``), extract its files' text (``extract_texts``), then replace the AIP's
documents in the index and commit. An error anywhere leaves the AIP's task pending
with the error and a later attempt time (exponential backoff); after
``MAX_ATTEMPTS`` it is failed, keeps its error, and is reported by ``samarkiv index``
and the staff UI until someone retries it. So a stored AIP is never silently missing
from search.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samarkiv.access.search.backends import SearchBackend, get_backend
from samarkiv.access.search.choices import IndexState
from samarkiv.access.search.documents import aip_documents
from samarkiv.access.search.models import IndexTask

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)  # then 2, 4, 8 minutes
MAX_ERROR_CHARS = 4000

Progress = Callable[[int, int, str], None]  # (done, total, aip id)


@dataclass
class IndexFailure:
    aip_id: str
    tenant: str
    attempts: int
    error: str
    final: bool  # failed for good (until retried), not just waiting for another attempt


@dataclass
class IndexSummary:
    indexed: int = 0
    records: int = 0
    failures: list[IndexFailure] = field(default_factory=list)
    busy: bool = False  # another process held the queue: nothing was done
    remaining: int = 0  # tasks still pending afterwards

    @property
    def ok(self) -> bool:
        return not self.failures


def enqueue_aip(aip_id: str) -> IndexTask:
    """(Re-)queue one AIP for indexing now; idempotent, and resets a failed task."""
    task, _created = IndexTask.objects.update_or_create(
        aip_id=aip_id,
        defaults={
            "state": IndexState.PENDING,
            "attempts": 0,
            "last_error": "",
            "next_attempt_at": timezone.now(),
        },
    )
    return task


def enqueue_all() -> int:
    """Queue every AIP (after the index was lost or rebuilt); returns how many."""
    from samarkiv.preservation.models import Aip

    ids = list(Aip.objects.values_list("pk", flat=True))
    for aip_id in ids:
        enqueue_aip(aip_id)
    return len(ids)


def forget_aip(aip_id: str) -> None:
    """Remove a deleted (disposed of) AIP's documents from the index at once."""
    with _queue_lock(wait=True):
        backend = get_backend()
        try:
            with transaction.atomic():
                backend.delete_aip(aip_id)
            backend.commit()
        finally:
            backend.close()
    _drop_publication(aip_id)


def _drop_publication(aip_id: str) -> None:
    """The disposed AIP's published rows, stubs and public documents go too."""
    from samarkiv.access.publication.refresh import drop_aip

    drop_aip(aip_id)


def _refresh_publication(aip) -> None:
    """Recompute what the public may see of the AIP's (re-extracted) records.

    A failure is logged, not raised: the staff index is done and must not be retried
    for it; the daily publication pass (worker) recomputes it again.
    """
    from samarkiv.access.publication.refresh import refresh

    try:
        refresh(aip_id=aip.pk)
    except Exception as exc:  # logged; the worker's daily pass repairs it
        log.warning("publication refresh of %s failed: %s", aip.pk, exc, exc_info=True)


def retry_failed() -> int:
    """Give every failed task a fresh set of attempts (after the cause was fixed)."""
    return IndexTask.objects.filter(state=IndexState.FAILED).update(
        state=IndexState.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def failed_tasks():
    """Tasks that gave up, and tasks waiting to retry after an error (for reports)."""
    return (
        IndexTask.objects.exclude(last_error="")
        .exclude(state=IndexState.DONE)
        .select_related("aip")
        .order_by("aip_id")
    )


def has_work() -> bool:
    """Anything to index now? Two indexed queries and a file check: the web process's
    thread asks this every few seconds before it takes the queue's lock."""
    from samarkiv.preservation.models import Aip

    due = IndexTask.objects.filter(state=IndexState.PENDING, next_attempt_at__lte=timezone.now())
    return (
        due.exists()
        or Aip.objects.filter(index_task__isnull=True).exists()
        or get_backend().needs_reindex()
    )


def process_pending(
    limit: int | None = None,
    *,
    ignore_backoff: bool = False,
    wait: bool = True,
    progress: Progress | None = None,
) -> IndexSummary:
    """Index the due tasks (at most ``limit``), each once; see the module docstring.

    ``wait=False`` returns at once (``busy``) when another process is indexing, which
    is what the worker loop and the web process's thread want; ``ignore_backoff``
    (``samarkiv index``) also runs tasks whose next attempt is not due yet.
    """
    summary = IndexSummary()
    with _queue_lock(wait) as locked:
        if not locked:
            summary.busy = True
            return summary
        backend = get_backend()
        try:
            if backend.needs_reindex():
                enqueue_all()
                backend.reindex_queued()
            _requeue_abandoned()
            _enqueue_missing()
            due = _due(ignore_backoff, limit)
            for done, task_id in enumerate(due, start=1):
                aip_id = _run_task(backend, task_id, summary)
                if progress is not None:
                    progress(done, len(due), aip_id)
        finally:
            backend.close()
    summary.remaining = IndexTask.objects.filter(state=IndexState.PENDING).count()
    return summary


def rebuild(progress: Progress | None = None) -> IndexSummary:
    """Drop the whole index and index every AIP again, re-extracting its records."""
    with _queue_lock(wait=True):
        backend = get_backend()
        try:
            with transaction.atomic():
                backend.clear()
            backend.commit()
            enqueue_all()
            backend.reindex_queued()
        finally:
            backend.close()
    return process_pending(ignore_backoff=True, progress=progress)


def index_aip(backend: SearchBackend, aip) -> int:
    """Re-extract one AIP's records and texts and replace its documents; returns the
    number of documents. Raises on any error (the caller records it)."""
    _extract_records(aip)
    _extract_texts(aip)
    docs = aip_documents(aip)
    try:
        with transaction.atomic():
            backend.delete_aip(aip.pk)
            count = backend.index(docs)
        backend.commit()
    except BaseException:
        backend.rollback()
        raise
    _refresh_publication(aip)
    return count


def _extract_records(aip) -> None:
    from samarkiv.catalog.records.extract import extract_aip

    extract_aip(aip)


def _extract_texts(aip) -> None:
    from samarkiv.catalog.records.text import extract_texts

    extract_texts(aip)


def _run_task(backend: SearchBackend, task_id: int, summary: IndexSummary) -> str:
    """Index one claimed task's AIP; returns its id ("" when someone else took it)."""
    claimed = IndexTask.objects.filter(pk=task_id, state=IndexState.PENDING).update(
        state=IndexState.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return ""
    task = IndexTask.objects.select_related("aip").get(pk=task_id)
    try:
        count = index_aip(backend, task.aip)
    except Exception as exc:  # recorded on the task, retried later
        log.warning("indexing %s failed: %s", task.aip_id, exc, exc_info=True)
        summary.failures.append(_failed(task, exc))
        return task.aip_id
    task.state = IndexState.DONE
    task.last_error = ""
    task.records = count
    task.indexed_at = timezone.now()
    task.save(update_fields=["state", "last_error", "records", "indexed_at", "updated_at"])
    summary.indexed += 1
    summary.records += count
    return task.aip_id


def _failed(task: IndexTask, exc: Exception) -> IndexFailure:
    task.attempts += 1
    task.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    final = task.attempts >= MAX_ATTEMPTS
    task.state = IndexState.FAILED if final else IndexState.PENDING
    task.next_attempt_at = timezone.now() + BACKOFF * 2 ** (task.attempts - 1)
    task.save(update_fields=["attempts", "last_error", "state", "next_attempt_at", "updated_at"])
    return IndexFailure(task.aip_id, task.aip.tenant_id, task.attempts, task.last_error, final)


def _due(ignore_backoff: bool, limit: int | None) -> list[int]:
    tasks = IndexTask.objects.filter(state=IndexState.PENDING)
    if not ignore_backoff:
        tasks = tasks.filter(next_attempt_at__lte=timezone.now())
    ids = tasks.order_by("next_attempt_at", "pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit is not None else ids)


def _enqueue_missing() -> int:
    """AIPs with no task at all: registered by crash recovery or ``rebuild-catalog``
    rather than by a finished ingest. They must not stay invisible."""
    from samarkiv.preservation.models import Aip

    missing = list(Aip.objects.filter(index_task__isnull=True).values_list("pk", flat=True))
    for aip_id in missing:
        enqueue_aip(aip_id)
    return len(missing)


def _requeue_abandoned() -> int:
    """RUNNING tasks whose process died go back to pending (called under the lock)."""
    return IndexTask.objects.filter(state=IndexState.RUNNING).update(state=IndexState.PENDING)


@contextlib.contextmanager
def _queue_lock(wait: bool) -> Iterator[bool]:
    """One indexer per archive home; yields False when busy and ``wait`` is False."""
    lock_dir = Path(settings.SAMARKIV_LOCKS_DIR)
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / "search-index.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
