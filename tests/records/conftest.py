"""Fixtures for the records tests: a private archive home per test and ERMS deliveries
ingested by the real pipeline (so the records code reads real stored AIPs)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(settings, tmp_path: Path) -> Path:
    """A private archive home: storage, workspaces, locks and tmp for this test only."""
    base = tmp_path / "home"
    settings.SAMARKIV_HOME = base
    settings.SAMARKIV_STORAGE_DIR = base / "storage"
    settings.SAMARKIV_WORKSPACES_DIR = base / "workspaces"
    settings.SAMARKIV_LOCKS_DIR = base / "locks"
    settings.SAMARKIV_TMP_DIR = base / "tmp"
    for folder in ("storage", "workspaces", "tmp"):
        (base / folder).mkdir(parents=True)
    return base


@pytest.fixture
def ingest_sip(home):
    """``ingest_sip(path, tenant="horby")`` -> the stored Aip."""
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.preservation.models import Aip

    def run(path: Path, tenant: str = "horby"):
        receipt = ingest(IngestRequest(source=path, tenant=tenant))
        assert receipt.state == "done", receipt
        return Aip.objects.get(pk=receipt.aip_id)

    return run
