"""From a delivered SIP to the record page: ingest, the indexing queue, search, open.

No stand-ins: the real pipeline stores the AIP, ``process_pending`` extracts the
records and texts and indexes them (tantivy here; PostgreSQL FTS in the PostgreSQL run),
and the pages read what a person would see.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from samarkiv.access.search.queue import process_pending
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog.records.models import Record
from samarkiv.ingest.demo_erms import build_erms_sip
from samarkiv.ingest.pipeline import IngestRequest, ingest
from tests.search.conftest import engine  # noqa: F401 (both search backends)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STENBY = "Bygglov för nybyggnad av enbostadshus, Hörby Stenby 3:12"


@pytest.fixture
def indexed(home: Path, engine: str, tmp_path: Path) -> str:  # noqa: F811
    receipt = ingest(IngestRequest(source=build_erms_sip(tmp_path / "in"), tenant="horby"))
    assert receipt.state == "done"
    summary = process_pending(ignore_backoff=True)
    assert summary.ok and summary.indexed == 1 and summary.records >= 3, summary
    return receipt.aip_id


def _searches() -> int:
    return AuditEntry.objects.filter(object_type="search").count()


def test_a_delivered_case_is_found_and_opened(indexed: str, staff_client) -> None:
    client = staff_client("archivist", "horby")
    response = client.get("/staff/search/", {"q": "bygglov", "kind": "case"})
    html = response.content.decode()
    assert response.status_code == 200
    assert _searches() == 1  # the service logs the search; the page does not log it again
    stenby = Record.objects.get(registration_number="BN 2023/145", kind="case")
    assert f'<a href="/staff/records/{stenby.pk}/">{STENBY}</a>' in html
    assert "<mark>" in html
    assert re.search(r'name="kind" value="case" id="[^"]+" checked>', html)
    assert "Hörby kommun, bygg- och miljönämnden" in html  # the records creator facet
    assert "Handling" not in re.sub(r"<fieldset>.*?</fieldset>", "", html, flags=re.S)

    page = client.get(f"/staff/records/{stenby.pk}/").content.decode()
    assert f"<h1>{STENBY}</h1>" in page
    assert "Karin Holmén" in page and "<code>3.4.2</code>" in page
    assert "19121212-****" in page and "19121212-1212" not in page
    assert "556677-8899" in page  # a company's number is not personal data
    assert "ansökan om bygglov.pdf" in page and "beslut om bygglov.docx" in page
    assert f'href="/staff/aips/{indexed}/"' in page
    assert "Verifierad vid lagring" in page
    revealed = client.post(f"/staff/records/{stenby.pk}/", {"visa": "personnummer"})
    assert "19121212-1212" in revealed.content.decode()


def test_identity_numbers_in_highlights_are_masked(indexed: str, staff_client) -> None:
    html = staff_client("archivist", "horby").get("/staff/search/", {"q": "kompletterat"})
    body = html.content.decode()
    assert STENBY in body
    assert "19121212-****" in body and "19121212-1212" not in body


def test_another_municipality_finds_nothing(indexed: str, staff_client) -> None:
    html = staff_client("archivist", "bjuv").get("/staff/search/", {"q": "bygglov"})
    body = html.content.decode()
    assert "0 träffar för ”bygglov”" in body
    assert "Stenby" not in body
