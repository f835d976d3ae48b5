"""METS is checked against the official schemas offline, and hostile XML is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from samarkiv.ingest.demo_packages import build_valid_sip
from samarkiv.packages.validation import validate_package


@pytest.fixture
def package(tmp_path) -> Path:
    return build_valid_sip(tmp_path)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_element_unknown_to_mets_fails_the_schema_with_a_line(package):
    _replace(package / "METS.xml", "<metsHdr", "<nonsense/><metsHdr")
    report = validate_package(package)
    xsd = [f for f in report.findings if f.rule_id == "METS-XSD"]
    assert xsd and xsd[0].line and xsd[0].path == "METS.xml"
    assert not report.valid


def test_the_representation_mets_is_validated_too(package):
    rep_mets = package / "representations" / "rep1" / "METS.xml"
    _replace(rep_mets, 'CHECKSUMTYPE="SHA-256"', 'CHECKSUMTYPE="SHA-999"')
    report = validate_package(package)
    hits = [f for f in report.findings if f.rule_id in {"CSIP30", "CSIP44", "CSIP57", "CSIP72"}]
    assert hits and hits[0].path == "representations/rep1/METS.xml"


def test_xxe_in_mets_is_refused_and_never_resolved(package):
    mets = package / "METS.xml"
    text = mets.read_text(encoding="utf-8")
    body = text.split("?>", 1)[1]
    mets.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE mets [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + body.replace("<metsHdr", "<!-- &x; --><metsHdr", 1),
        encoding="utf-8",
    )
    report = validate_package(package)
    assert "XML-DOCTYPE" in report.rule_ids()
    assert not any("root:" in f.message for f in report.findings)


def test_billion_laughs_is_refused_quickly(package):
    mets = package / "METS.xml"
    laughs = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    mets.write_text(f'<?xml version="1.0"?><!DOCTYPE m [{laughs}]><m>&a9;</m>', encoding="utf-8")
    report = validate_package(package)
    assert "XML-DOCTYPE" in report.rule_ids()


def test_a_wrong_checksum_is_fixity_not_structure(package):
    data = package / "representations" / "rep1" / "data"
    target = next(p for p in data.iterdir() if p.is_file())
    target.write_bytes(target.read_bytes() + b"tampered")
    report = validate_package(package)
    ids = report.rule_ids()
    assert {"FIXITY-SIZE", "FIXITY-CHECKSUM"} <= ids
    assert not ids & {"CSIP69", "CSIP71"}


def test_an_unreferenced_file_is_reported(package):
    (package / "documentation" / "stray.txt").write_text("not in METS")
    report = validate_package(package)
    stray = [f for f in report.findings if f.rule_id == "REFERENCE-UNLISTED"]
    assert [f.path for f in stray] == ["documentation/stray.txt"]


def test_swedish_file_names_resolve_with_percent_encoding(package):
    mets = package / "METS.xml"
    doc = package / "documentation"
    original = next(p for p in doc.iterdir() if p.is_file())
    original.rename(doc / "leveransöverenskommelse å.txt")
    _replace(
        mets,
        f"documentation/{original.name}",
        "documentation/leveranс%C3%B6verenskommelse%20%C3%A5.txt".replace("с", "s"),
    )
    report = validate_package(package)
    assert "REFERENCE-MISSING" not in report.rule_ids()


@pytest.mark.parametrize(
    "data", [b"a\nb\r\nc\n", b"\n\n", b"x", b"a\r\n", b"y" * (2**20 - 1) + b"\r\nz\n"]
)
def test_the_crlf_explanation_matches_a_real_conversion(tmp_path, data):
    import hashlib

    from samarkiv.packages.validation import fixity

    path = tmp_path / "f.txt"
    path.write_bytes(data)
    converted = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert fixity.crlf_digest(path, "SHA-256") == hashlib.sha256(converted).hexdigest()
    assert fixity.crlf_size(path) == len(converted)
