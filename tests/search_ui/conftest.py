"""Fixtures of the search UI tests: a fake search service and a stored case.

The fake replaces ``service.search`` (the search engineer's real one is tested with
its backends); it returns what the real one returns and records how it was called, so
the tests can check both what the page shows and what it asked for.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.web.conftest import collected_static, staff_client  # noqa: F401


class FakeSearch:
    """Stands in for ``service.search``: returns ``result`` and keeps every call."""

    def __init__(self) -> None:
        from samarkiv.access.search.results import FacetValue, Hit, SearchResult

        self.Hit, self.FacetValue, self.SearchResult = Hit, FacetValue, SearchResult
        self.calls: list[dict] = []
        self.result = SearchResult(total=0, hits=[], facets={})

    def hit(self, title: str, **values):
        values.setdefault("record_id", str(uuid.uuid4()))
        values.setdefault("aip_id", "urn:uuid:" + str(uuid.uuid4()))
        values.setdefault("tenant", "lund")
        values.setdefault("kind", "case")
        for name, default in (
            ("registration_number", ""),
            ("date_start", None),
            ("date_end", None),
            ("score", 1.0),
            ("highlights", []),
        ):
            values.setdefault(name, default)
        return self.Hit(title=title, **values)

    def facet(self, value: str, count: int, label: str = ""):
        return self.FacetValue(value=value, label=label or value, count=count)

    def set(self, total: int, hits: list, facets: dict | None = None) -> None:
        self.result = self.SearchResult(total=total, hits=hits, facets=facets or {})

    def __call__(self, scope, query, *, filters=None, page=1, per_page=20):
        self.calls.append(
            {"scope": scope, "query": query, "filters": filters, "page": page, "per_page": per_page}
        )
        return self.result


@pytest.fixture
def fake_search(monkeypatch) -> FakeSearch:
    from samarkiv.access.search import service

    fake = FakeSearch()
    monkeypatch.setattr(service, "search", fake)
    return fake


@dataclass
class Case:
    """A stored case with two documents, each with a file, for the record page."""

    aip: object
    case: object
    documents: list
    files: list


def make_aip(tenant: str = "lund", label: str = "Bygglov 2019"):
    from samarkiv.preservation.models import Aip, StoredCopy

    aip = Aip.objects.create(
        id=f"urn:uuid:{uuid.uuid4()}",
        tenant_id=tenant,
        sip_objid=f"sip-{uuid.uuid4().hex[:8]}",
        label=label,
        fingerprint=uuid.uuid4().hex,
        created_at=timezone.now() - timedelta(days=3),
    )
    StoredCopy.objects.create(
        aip=aip,
        location="primary",
        version="v1",
        url="/x",
        verified_at=timezone.now() - timedelta(days=3),
    )
    return aip


def make_case(tenant: str = "lund", *, title: str = "Bygglov för enbostadshus") -> Case:
    from samarkiv.catalog.records.models import Record, RecordFile
    from samarkiv.preservation.models import AipFile

    aip = make_aip(tenant)
    case = Record.objects.create(
        tenant_id=tenant,
        aip=aip,
        kind="case",
        source_format="erms3",
        source_path="submission/sip/metadata/descriptive/erms.xml",
        title=title,
        registration_number="BN 2019/123",
        date_start=date(2019, 3, 1),
        date_end=date(2019, 6, 30),
        case_officer="Karin Handläggare",
        classification_code="3.4.2",
        records_creator_name="Byggnadsnämnden",
        document_type="",
        parties=[
            {
                "name": "Tolvan Tolvansson",
                "role": "Sökande",
                "personal_id": "19121212-1212",
                "personal_data": True,
            },
            {"name": "Bygg AB", "role": "Ombud", "personal_id": "", "personal_data": False},
        ],
        extra={"validation": [{"message": "Element 'Rubrik' saknas", "line": 12}]},
    )
    documents, files = [], []
    # Created out of order: the page must follow the case's order, not the insertion.
    for order, name, puid in [(2, "Beslut.pdf", "fmt/354"), (1, "Ritning.pdf", "fmt/95")]:
        doc = Record.objects.create(
            tenant_id=tenant,
            aip=aip,
            parent=case,
            kind="document",
            source_format="erms3",
            title=name.removesuffix(".pdf"),
            document_type="Inkommande handling" if order == 1 else "Beslut",
            date_start=date(2019, 3, order),
            order=order,
        )
        aip_file = AipFile.objects.create(
            aip=aip,
            path=f"submission/sip/representations/rep1/data/{name}",
            size=12345 * order,
            sha256=f"{order}" * 64,
            puid=puid,
            format_name="Acrobat PDF/A",
            format_version="1b" if order == 1 else "2b",
            mime="application/pdf",
        )
        RecordFile.objects.create(record=doc, aip_file=aip_file)
        documents.append(doc)
        files.append(aip_file)
    return Case(aip=aip, case=case, documents=documents[::-1], files=files[::-1])
