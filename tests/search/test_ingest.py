"""Ingest only queues an AIP for indexing; the worker makes it searchable."""

from __future__ import annotations

import pytest

from samarkiv.access.search.choices import IndexState
from samarkiv.access.search.models import IndexTask
from samarkiv.ingest.demo_packages import build_valid_sip
from samarkiv.ingest.pipeline import IngestRequest, ingest

pytestmark = pytest.mark.django_db


def test_ingest_queues_the_aip_and_the_worker_indexes_it(
    home, engine, extraction, tmp_path, settings
) -> None:
    from samarkiv.preservation.worker import _run_indexing

    settings.SAMARKIV_LOCKS_DIR = home / "locks"
    receipt = ingest(IngestRequest(source=build_valid_sip(tmp_path / "src"), tenant="bjuv"))
    assert receipt.state == "done"
    task = IndexTask.objects.get(aip_id=receipt.aip_id)
    assert task.state == IndexState.PENDING and extraction == []  # nothing during ingest

    _run_indexing()  # what the worker loop does on each pass
    task.refresh_from_db()
    assert task.state == IndexState.DONE
    assert extraction == [receipt.aip_id, f"text:{receipt.aip_id}"]
