"""One set of search tests for both engines, on a small catalogue built per test.

``engine`` runs each test on tantivy (an index in the test's tmp dir) and on
PostgreSQL full-text search; the PostgreSQL half runs in the PostgreSQL run of the
suite (``SAMARKIV_TEST_DB=postgresql pytest -m db``) and is skipped, saying so, on
SQLite. Records are created directly: extraction from packages is the records
domain's (tests/records); here ``extract_aip``/``extract_texts`` are stand-ins unless a
test replaces them.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest

PG_ONLY = (
    "the PostgreSQL search backend needs the catalogue on PostgreSQL: "
    "run SAMARKIV_TEST_DB=postgresql pytest -m db tests/search"
)
_numbers = itertools.count(1)


@pytest.fixture(params=["tantivy", "postgresql"])
def engine(request, settings, tmp_path) -> str:
    """The search backend under test, configured as an installation would."""
    from django.db import connection

    from samarkiv.access.search.backends import forget_backends

    if request.param == "postgresql" and connection.vendor != "postgresql":
        pytest.skip(PG_ONLY)
    settings.SAMARKIV_SEARCH_BACKEND = request.param
    settings.SAMARKIV_SEARCH_DIR = tmp_path / "index"
    settings.SAMARKIV_LOCKS_DIR = tmp_path / "locks"
    forget_backends()
    yield request.param
    forget_backends()


@pytest.fixture
def extraction(monkeypatch):
    """Stand-ins for the records domain's extraction, counting their calls."""
    from samarkiv.access.search import queue

    calls: list[str] = []
    monkeypatch.setattr(queue, "_extract_records", lambda aip: calls.append(aip.pk))
    monkeypatch.setattr(queue, "_extract_texts", lambda aip: calls.append(f"text:{aip.pk}"))
    return calls


class Catalogue:
    """AIPs and records made directly in the catalogue, then indexed through the queue."""

    def aip(self, tenant: str = "bjuv"):
        from django.utils import timezone

        from samarkiv.preservation.models import Aip

        n = next(_numbers)
        return Aip.objects.create(
            id=f"urn:uuid:{uuid.uuid4()}",
            tenant_id=tenant,
            sip_objid=f"sip-{n}",
            label=f"Leverans {n}",
            fingerprint=f"{n:064x}",
            created_at=timezone.now(),
        )

    def record(self, aip, *, files: tuple[tuple[str, str], ...] = (), **fields):
        """A record of ``aip``; ``files``: (PUID, extracted text) of linked files."""
        from samarkiv.catalog.records.choices import RecordKind, SourceFormat, TextStatus
        from samarkiv.catalog.records.models import FileText, Record, RecordFile
        from samarkiv.preservation.models import AipFile

        fields.setdefault("kind", RecordKind.CASE)
        fields.setdefault("source_format", SourceFormat.ERMS3)
        record = Record.objects.create(tenant_id=aip.tenant_id, aip=aip, **fields)
        for i, (puid, text) in enumerate(files):
            aip_file = AipFile.objects.create(
                aip=aip,
                path=f"representations/rep1/data/{record.pk}-{i}.pdf",
                size=len(text),
                sha256="0" * 64,
                puid=puid,
            )
            FileText.objects.create(aip_file=aip_file, status=TextStatus.DONE, text=text)
            RecordFile.objects.create(record=record, aip_file=aip_file)
        return record

    def index(self, **kwargs):
        """Queue every AIP and index them now; returns the queue's summary."""
        from samarkiv.access.search import queue

        queue.enqueue_all()
        return queue.process_pending(ignore_backoff=True, **kwargs)


@pytest.fixture
def catalogue(engine, extraction) -> Catalogue:
    return Catalogue()


@pytest.fixture
def records(catalogue) -> dict:
    """Two tenants' records: Bjuv's social services and building cases, and a Klippan
    case that shares words and even a registration number with Bjuv's."""
    from samarkiv.catalog.records.choices import RecordKind

    social, building, klippan = (
        catalogue.aip("bjuv"),
        catalogue.aip("bjuv"),
        catalogue.aip("klippan"),
    )
    made = {}
    made["care"] = catalogue.record(
        social,
        title="Ansökan om bistånd inom äldreomsorg",
        registration_number="SN 2021/77",
        date_start=date(2021, 3, 1),
        records_creator_name="Socialnämnden",
        classification_code="3.2.1",
        document_type="Ansökan",
        description="Ansökan om hemtjänst och trygghetslarm.",
        parties=[{"name": "Greta Persson", "personal_id": "19400101-1234", "personal_data": True}],
        case_officer="Karin Lind",
    )
    made["decision"] = catalogue.record(
        social,
        kind=RecordKind.DOCUMENT,
        parent=made["care"],
        title="Beslut om plats",
        registration_number="SN 2021/77",
        date_start=date(2021, 4, 1),
        records_creator_name="Socialnämnden",
        classification_code="3.2.1",
        document_type="Beslut",
        files=(
            ("fmt/276", "Beslut om plats i Bjuv & förskolan Solrosen <script>alert(1)</script>"),
        ),
    )
    made["permit"] = catalogue.record(
        building,
        title="Bygglov för tillbyggnad av enbostadshus",
        registration_number="BN 2023/145",
        date_start=date(2023, 5, 10),
        records_creator_name="Byggnadsnämnden",
        classification_code="4.1",
        document_type="Ansökan",
        description="Ansökan enligt plan- och bygglagen.",
    )
    made["shore"] = catalogue.record(
        building,
        title="Strandskyddsdispens",
        registration_number="BN 2023/1456",
        date_start=date(1998, 2, 2),
        records_creator_name="Byggnadsnämnden",
        classification_code="4.2",
        document_type="Beslut",
        description="Tillbyggnad utan bygglov inom strandskyddat område.",
    )
    made["klippan"] = catalogue.record(
        klippan,
        title="Äldreomsorgen i Klippan",
        registration_number="BN 2023/145",
        date_start=date(2023, 1, 1),
        records_creator_name="Vård- och omsorgsnämnden",
        document_type="Beslut",
        description="Förskolan och äldreomsorg i samverkan.",
    )
    summary = catalogue.index()
    assert summary.ok and summary.indexed == 3 and summary.records == 5
    return made


def scope(tenant: str = "bjuv", role: str = "archivist"):
    """The scope of a new staff member with ``role`` in ``tenant`` (the real rules)."""
    from samarkiv.accounts.scope import user_scope
    from tests.factories import staff_user

    return user_scope(staff_user(role, tenant), tenant)


def found(result) -> set[str]:
    return {hit.record_id for hit in result.hits}


def ids(*records) -> set[str]:
    return {str(r.pk) for r in records}
