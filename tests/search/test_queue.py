"""The index is an asynchronous, rebuildable projection: ingest queues, the queue
retries with backoff and reports failures, a rebuild gives the same index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from samarkiv.access.search import queue
from samarkiv.access.search.backends import forget_backends, get_backend
from samarkiv.access.search.choices import IndexState
from samarkiv.access.search.models import IndexTask
from samarkiv.access.search.service import search
from samarkiv.accounts.scope import operator_scope
from tests.search.conftest import found, ids, scope

pytestmark = pytest.mark.django_db


def _fail_first(monkeypatch, times: int = 1) -> list[str]:
    """Make the records extraction fail ``times`` times, then work."""
    seen: list[str] = []

    def extract(aip) -> None:
        seen.append(aip.pk)
        if len(seen) <= times:
            raise RuntimeError("erms.xml could not be read")

    monkeypatch.setattr(queue, "_extract_records", extract)
    return seen


def test_a_failed_indexing_stays_queued_with_its_error_and_a_retry_succeeds(
    catalogue, monkeypatch
) -> None:
    aip = catalogue.aip("bjuv")
    record = catalogue.record(aip, title="Detaljplan för Norra hamnen")
    _fail_first(monkeypatch)
    queue.enqueue_aip(aip.pk)

    summary = queue.process_pending()
    assert summary.indexed == 0 and not summary.ok
    (failure,) = summary.failures
    assert failure.aip_id == aip.pk and "erms.xml could not be read" in failure.error
    assert not failure.final
    task = IndexTask.objects.get(aip=aip)
    assert task.state == IndexState.PENDING and task.attempts == 1
    assert "RuntimeError: erms.xml could not be read" in task.last_error
    assert task.next_attempt_at > timezone.now() + timedelta(seconds=30)  # backoff
    assert list(queue.failed_tasks()) == [task]  # reported while it waits
    assert search(scope("bjuv"), "detaljplan").total == 0  # not yet searchable

    assert queue.process_pending().indexed == 0  # not due yet: nothing tried
    IndexTask.objects.filter(pk=task.pk).update(next_attempt_at=timezone.now())
    summary = queue.process_pending()
    assert summary.ok and summary.indexed == 1 and summary.records == 1
    task.refresh_from_db()
    assert (task.state, task.last_error, task.records) == (IndexState.DONE, "", 1)
    assert task.indexed_at is not None
    assert found(search(scope("bjuv"), "detaljplan")) == ids(record)
    assert list(queue.failed_tasks()) == []


def test_after_the_last_attempt_the_task_fails_and_keeps_its_error(catalogue, monkeypatch):
    aip = catalogue.aip("bjuv")
    catalogue.record(aip, title="Detaljplan")
    _fail_first(monkeypatch, times=queue.MAX_ATTEMPTS + 10)
    queue.enqueue_aip(aip.pk)
    delays = []
    for attempt in range(1, queue.MAX_ATTEMPTS + 1):
        before = timezone.now()
        summary = queue.process_pending(ignore_backoff=True)
        task = IndexTask.objects.get(aip=aip)
        assert task.attempts == attempt
        delays.append((task.next_attempt_at - before).total_seconds())
    assert summary.failures[0].final
    assert task.state == IndexState.FAILED and "erms.xml" in task.last_error
    assert all(b > a * 1.5 for a, b in zip(delays, delays[1:], strict=False))  # exponential
    assert queue.process_pending(ignore_backoff=True).failures == []  # failed: left alone
    assert queue.retry_failed() == 1
    task.refresh_from_db()
    assert (task.state, task.attempts) == (IndexState.PENDING, 0)


def test_enqueue_is_idempotent_and_resets(catalogue, monkeypatch) -> None:
    aip = catalogue.aip("bjuv")
    _fail_first(monkeypatch, times=99)
    queue.enqueue_aip(aip.pk)
    queue.process_pending()
    queue.enqueue_aip(aip.pk)
    queue.enqueue_aip(aip.pk)
    task = IndexTask.objects.get(aip=aip)
    assert IndexTask.objects.count() == 1
    assert (task.state, task.attempts, task.last_error) == (IndexState.PENDING, 0, "")
    assert task.next_attempt_at <= timezone.now()


def test_a_failure_half_way_keeps_the_previous_documents(catalogue, monkeypatch) -> None:
    aip = catalogue.aip("bjuv")
    first = catalogue.record(aip, title="Detaljplan för hamnen")
    catalogue.record(aip, title="Samrådsredogörelse för hamnen")
    catalogue.index()
    backend = get_backend()
    real_index = type(backend).index

    def index_then_fail(self, docs):
        real_index(self, list(docs)[:1])
        raise OSError("disk full")

    monkeypatch.setattr(type(backend), "index", index_then_fail)
    queue.enqueue_aip(aip.pk)
    assert queue.process_pending().failures[0].error == "OSError: disk full"
    monkeypatch.undo()
    assert search(scope("bjuv"), "hamnen").total == 2  # the old documents, no duplicate
    assert found(search(scope("bjuv"), "detaljplan")) == ids(first)


def test_aips_without_a_task_are_queued_by_the_next_pass(catalogue) -> None:
    aip = catalogue.aip("bjuv")  # as crash recovery or rebuild-catalog would register it
    record = catalogue.record(aip, title="Renhållningsordning")
    assert not IndexTask.objects.filter(aip=aip).exists()
    summary = queue.process_pending()
    assert summary.indexed == 1
    assert found(search(scope("bjuv"), "renhållningsordning")) == ids(record)


def test_rebuild_gives_the_same_index_as_incremental_updates(records, extraction) -> None:
    queries = ["", "äldreomsorgen", "bygglov", '"BN 2023/145"', "förskol*", "beslut"]
    wanted = [{"document_type": ["Beslut"]}, {"period": ["2020"]}, None]

    def snapshot():
        out = []
        for q in queries:
            for filters in wanted:
                result = search(operator_scope(), q, filters=filters, per_page=50)
                facets = {
                    k: sorted((v.value, v.count) for v in vs) for k, vs in result.facets.items()
                }
                out.append((q, str(filters), result.total, sorted(found(result)), facets))
        return out

    incremental = snapshot()
    extraction.clear()
    summary = queue.rebuild()
    assert summary.ok and summary.indexed == 3 and summary.records == 5
    aips = {r.aip_id for r in records.values()}
    # every AIP's records and texts were extracted again, from the packages
    assert sorted(extraction) == sorted([*aips, *(f"text:{a}" for a in aips)])
    assert snapshot() == incremental
    assert get_backend().count() == 5


def test_a_lost_tantivy_index_is_rebuilt_by_the_next_pass(records, engine, settings) -> None:
    if engine != "tantivy":
        pytest.skip("only the embedded index lives in a directory that can be lost")
    forget_backends()
    settings.SAMARKIV_SEARCH_DIR = settings.SAMARKIV_SEARCH_DIR.parent / "new-index"
    assert search(operator_scope(), "").total == 0  # an empty, new index
    summary = queue.process_pending()
    assert summary.indexed == 3
    assert search(operator_scope(), "").total == 5
