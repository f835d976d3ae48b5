"""Audit schedules and the worker: a due audit runs once, then not again until it is due."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from samarkiv.preservation.choices import AuditState
from samarkiv.preservation.models import AuditRun, PreservationEvent
from samarkiv.preservation.schedules import due_audits
from samarkiv.preservation.worker import WorkerBusyError, run_worker
from samarkiv.storage.config import StorageConfigError, parse_storage_config
from tests.preservation.support import ingest_demo, local_storage, second_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(home: Path, settings, tmp_path: Path):
    storage = local_storage(home)
    storage["audits"] = {
        "offsite": {"full_every_days": 60, "sample_every_days": 7, "sample_pct": 50}
    }
    settings.SAMARKIV_STORAGE = storage
    aip = ingest_demo(tmp_path / "sips")
    second_copy(aip)
    return aip


def test_worker_once_runs_the_due_audits_and_not_a_second_time(scheduled):
    now = timezone.now()
    assert due_audits(now) == [("primary", 100), ("offsite", 100)]  # never audited

    runs = run_worker(once=True)

    assert [(r.location, r.sample_pct, r.state) for r in runs] == [
        ("primary", 100, AuditState.DONE),
        ("offsite", 100, AuditState.DONE),
    ]
    assert PreservationEvent.objects.filter(event_type="fixity check").count() == 2
    assert due_audits(timezone.now()) == []
    assert run_worker(once=True) == []  # nothing due: nothing runs
    assert AuditRun.objects.count() == 2


def test_schedules_per_location_with_defaults(scheduled):
    run_worker(once=True)
    now = timezone.now()
    assert due_audits(now + timedelta(days=6)) == []
    assert due_audits(now + timedelta(days=8)) == [("offsite", 50)]
    assert due_audits(now + timedelta(days=31)) == [("primary", 5), ("offsite", 50)]
    assert due_audits(now + timedelta(days=61)) == [("primary", 5), ("offsite", 100)]
    assert due_audits(now + timedelta(days=183)) == [("primary", 100), ("offsite", 100)]


def test_a_sample_restarts_the_sample_clock_and_a_full_sweep_both(scheduled):
    run_worker(once=True)
    later = timezone.now() + timedelta(days=8)
    AuditRun.objects.create(
        location="offsite", sample_pct=50, state=AuditState.DONE, started_at=later
    )
    assert due_audits(later + timedelta(days=1)) == []
    AuditRun.objects.create(location="", sample_pct=100, state=AuditState.DONE, started_at=later)
    assert due_audits(later + timedelta(days=31)) == [("primary", 5), ("offsite", 50)]


def test_tenant_audits_do_not_count_and_failures_wait_before_a_retry(scheduled):
    now = timezone.now()
    AuditRun.objects.create(location="primary", tenant_id="lund", state=AuditState.DONE)
    AuditRun.objects.create(location="offsite", state=AuditState.FAILED, started_at=now)
    assert due_audits(now) == [("primary", 100)]
    assert due_audits(now + timedelta(hours=2)) == [("primary", 100), ("offsite", 100)]


def test_one_worker_per_archive_home(scheduled, settings):
    import fcntl
    import os

    lock = Path(settings.SAMARKIV_LOCKS_DIR) / "worker.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(WorkerBusyError):
            run_worker(once=True)
    finally:
        os.close(fd)


@pytest.mark.parametrize(
    ("audits", "message"),
    [
        ({"tape": {}}, "no such storage location"),
        ({"primary": {"full_every": 3}}, "unknown keys"),
        ({"primary": {"sample_pct": 0}}, "1-100"),
        ({"primary": {"full_every_days": -1}}, "positive"),
        ({"primary": {"sample_pct": "many"}}, "invalid literal"),
    ],
)
def test_a_schedule_typo_is_an_error(audits: dict, message: str, tmp_path: Path):
    with pytest.raises(StorageConfigError, match=message):
        parse_storage_config({"audits": audits}, tmp_path)


def test_schedule_defaults(tmp_path: Path):
    config = parse_storage_config({"audits": {"primary": {"sample_pct": 10}}}, tmp_path)
    primary = config.audit_schedule("primary")
    assert (primary.full_every_days, primary.sample_every_days, primary.sample_pct) == (
        182,
        30,
        10,
    )
    assert config.audit_schedule("elsewhere").sample_pct == 5
