"""Fixtures for the records tests: a private archive home per test and ERMS deliveries
ingested by the real pipeline (so the records code reads real stored AIPs)."""

from __future__ import annotations

from pathlib import Path

import pytest


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
