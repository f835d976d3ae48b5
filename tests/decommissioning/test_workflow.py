"""The decommissioning workflow on a real SQLite source: every step, every refusal,
the SIP ingested, the access copy built and the certificate rendered."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from samarkiv.access.databases.models import ArchivedDatabase
from samarkiv.accounts.roles import Role, permissions_of
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.models import AuditEntry
from samarkiv.decommissioning import workflow
from samarkiv.decommissioning.models import DecommissioningState as S
from samarkiv.decommissioning.verify import verify
from samarkiv.errors import AccessDeniedError, ConflictError, NotFoundError, UsageError
from samarkiv.planning.models import Installation
from tests.databases.sample import PEOPLE, make_source

pytestmark = pytest.mark.django_db
CORPUS = Path("/work/shared/corpus/siard/sfa-siard-SiardCmd")


def scope_of(role: Role = Role.ARCHIVIST, tenant: str = "bjuv") -> Scope:
    return Scope(
        actor=f"user:{role.value}.{tenant}",
        tenant=tenant,
        permissions=permissions_of({role}),
        roles=frozenset({role}),
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return make_source(tmp_path / "bygglov.sqlite")


def start(scope: Scope | None = None):
    return workflow.create(
        scope or scope_of(),
        system_name="Bygglovssystemet",
        vendor="Acme",
        source_description="Bygglovsärenden 1998–2015",
    )


def test_create_makes_the_installation_once(home) -> None:
    first, second = start(), start()
    assert first.state == S.INVENTORIED
    assert first.installation_id == second.installation_id
    assert Installation.objects.get(pk=first.installation_id).tenant_id == "bjuv"
    with pytest.raises(UsageError):
        workflow.create(scope_of())
    with pytest.raises(AccessDeniedError):
        workflow.create(scope_of(Role.AUDITOR), system_name="x")


def test_steps_out_of_order_are_refused_and_audited(home) -> None:
    item = start()
    for step in (
        lambda: workflow.review(scope_of(), item.pk, approve=True),
        lambda: workflow.ingest_archive(scope_of(), item.pk),
        lambda: workflow.certify(scope_of(), item.pk),
        lambda: workflow.mark_decommissioned(scope_of(), item.pk, Decimal(1)),
        lambda: workflow.verify_again(scope_of(), item.pk),
    ):
        with pytest.raises(ConflictError):
            step()
    refused = AuditEntry.objects.filter(object_id=str(item.pk), outcome="failure")
    assert refused.count() == 5
    item.refresh_from_db()
    assert item.state == S.INVENTORIED


def test_local_files_cannot_be_extracted_from_the_web(home, source: Path) -> None:
    item = start()
    with pytest.raises(UsageError):
        workflow.extract_from_source(scope_of(), item.pk, f"sqlite:///{source}")
    assert workflow.redact_url("postgresql://u:hemligt@db/x") == "postgresql://u:***@db/x"


def test_other_tenant_sees_nothing(home) -> None:
    item = start()
    other = scope_of(tenant="ystad")
    assert not workflow.list_decommissionings(other).exists()
    with pytest.raises(NotFoundError):
        workflow.get(other, item.pk)
    with pytest.raises((NotFoundError, AccessDeniedError)):
        workflow.review(scope_of(Role.IT_ARCHIVIST, "lund"), item.pk, approve=True)


def test_verification_catches_a_changed_source(home, source: Path) -> None:
    item = start()
    item = workflow.extract_from_source(
        scope_of(), item.pk, f"sqlite:///{source}", allow_local=True
    )
    assert item.state == S.VERIFIED and item.verified_ok
    person = next(t for t in item.verification["tables"] if t["table"] == "person")
    assert person["source_rows"] == person["siard_rows"] == PEOPLE
    assert person["source_checksum"] == person["siard_checksum"]
    conn = sqlite3.connect(source)
    conn.execute("UPDATE person SET namn = 'Åsa Ändrad' WHERE id = 1")
    conn.commit()
    conn.close()
    again = verify(Path(item.siard_path), f"sqlite:///{source}")
    changed = {t["table"]: t["ok"] for t in again["tables"]}
    assert changed == {"person": False, "arende": True} and not again["ok"]


def test_upload_is_checked_against_its_metadata(home) -> None:
    item = start()
    data = (CORPUS / "nations.siard").read_bytes()
    item = workflow.upload_siard(scope_of(), item.pk, [data[:1000], data[1000:]], "nations.siard")
    assert item.state == S.VERIFIED and item.verification["against"] == "metadata"
    assert {t["table"]: t["siard_rows"] for t in item.verification["tables"]} == {
        "countries": 239,
        "country_languages": 984,
        "languages": 457,
    }


def test_review_needs_decide_and_a_reason_to_reject(home, source: Path) -> None:
    item = start()
    workflow.extract_from_source(scope_of(), item.pk, f"sqlite:///{source}", allow_local=True)
    with pytest.raises(AccessDeniedError):
        workflow.review(scope_of(Role.AUDITOR), item.pk, approve=True)
    with pytest.raises(UsageError):
        workflow.review(scope_of(), item.pk, approve=False)
    item = workflow.review(scope_of(), item.pk, approve=False, comment="Fel databas")
    assert item.state == S.INVENTORIED


@pytest.mark.slow
def test_whole_workflow_to_decommissioned(home, source: Path, tmp_path: Path) -> None:
    s = scope_of()
    item = start(s)
    workflow.extract_from_source(s, item.pk, f"sqlite:///{source}", allow_local=True)
    workflow.review(s, item.pk, approve=True, comment="Stämmer med systemet")
    item = workflow.ingest_archive(s, item.pk)
    assert item.state == S.INGESTED and item.aip_id
    [database] = ArchivedDatabase.objects.filter(aip_id=item.aip_id)
    assert database.state == "ready" and database.row_count == PEOPLE + 3
    item = workflow.certify(s, item.pk)
    pdf = Path(item.certificate_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    _png_not_blank(pdf, tmp_path)
    text = _pdf_text(pdf)
    assert item.aip_id in text and "person" in text
    item = workflow.mark_decommissioned(s, item.pk, Decimal("185000.00"))
    assert item.state == S.DECOMMISSIONED and item.yearly_cost_saved == Decimal("185000.00")
    _, path = workflow.certificate_file(s, item.pk)
    assert path == pdf
    with pytest.raises(ConflictError):
        workflow.extract_from_source(s, item.pk, f"sqlite:///{source}", allow_local=True)


def _pdf_text(pdf: Path) -> str:
    from pypdf import PdfReader

    return "".join("".join(p.extract_text().split()) for p in PdfReader(pdf).pages)


def _png_not_blank(pdf: Path, tmp: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is missing")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp / "intyg")],
        check=True,
    )
    [png] = tmp.glob("intyg*.png")
    from PIL import Image

    image = Image.open(png).convert("L")
    assert image.getextrema()[0] < 100  # some dark (text) pixels on the white page


@pytest.mark.slow
def test_demo_decommissions_one_system_once(home) -> None:
    from samarkiv.access.databases import browse, copies
    from samarkiv.access.databases.masks import MASKED
    from samarkiv.decommissioning.demo import load_demo
    from samarkiv.decommissioning.models import Decommissioning

    assert load_demo() == 0
    item = Decommissioning.objects.get(tenant_id="bjuv")
    assert item.state == S.DECOMMISSIONED and Path(item.certificate_path).is_file()
    s = scope_of()
    database = browse.list_databases(s).get(aip_id=item.aip_id)
    t = [x["name"] for x in database.metadata["tables"]].index("sokande")
    page = browse.browse_rows(s, database.pk, t, browse.RowQuery())
    col = [c.name for c in page.table.columns].index("personnummer")
    assert {r.cells[col].text for r in page.rows} == {MASKED}
    # the copy is a cache: removed, it is rebuilt from the AIP
    copies.copy_path(database).unlink()
    [rebuilt] = copies.rebuild(aip_id=item.aip_id)
    assert rebuilt.state == "ready" and not rebuilt.error and copies.copy_path(rebuilt).is_file()
    assert load_demo() == 0 and Decommissioning.objects.count() == 1
