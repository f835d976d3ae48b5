"""Fixtures for the request tests: Hörby's building-permit cases ingested by the real
pipeline, their records extracted, and the public projection rows the portal would show
(one case published, one hidden behind a stub)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.web.conftest import collected_static, staff_client  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """The submission cap counts per client address in the cache: start each test at 0."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class Horby:
    aip: object
    cases: dict  # registration number -> Record
    stub: object  # PublicStub of BN 2023/145 (Stenby)
    published: object  # PublishedRecord of BN 2023/301 (Ljungen)


@pytest.fixture
def horby(home: Path, tmp_path: Path) -> Horby:
    from samarkiv.access.publication.models import PublicStub, PublishedRecord
    from samarkiv.catalog.records.extract import extract_aip
    from samarkiv.catalog.records.models import Record
    from samarkiv.ingest.demo_erms import build_erms_sip
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.preservation.models import Aip

    receipt = ingest(IngestRequest(source=build_erms_sip(tmp_path / "in"), tenant="horby"))
    assert receipt.state == "done", receipt
    aip = Aip.objects.get(pk=receipt.aip_id)
    extract_aip(aip)
    cases = {r.registration_number: r for r in Record.objects.filter(aip=aip, kind="case")}
    stenby, ljungen = cases["BN 2023/145"], cases["BN 2023/301"]
    stub = PublicStub.objects.create(
        id=stenby.pk,
        tenant_code="horby",
        tenant_name="Hörby kommun",
        kind="case",
        records_creator="Bygg- och miljönämnden",
        series_title="Bygglovsärenden",
        year_start=2023,
        year_end=2023,
        reason="secret",
    )
    published = PublishedRecord.objects.create(
        id=ljungen.pk,
        tenant_code="horby",
        tenant_name="Hörby kommun",
        aip_id=aip.pk,
        kind="case",
        title=ljungen.title,
        registration_number=ljungen.registration_number,
    )
    return Horby(aip=aip, cases=cases, stub=stub, published=published)
