"""E-ARK DIP builder: valid per commons-IP 2 and our validator, safe names, streamed.

The packages are real zips unpacked on disk and judged by commons-IP (the E-ARK
reference validator) and by samarkiv's own validator (which also knows the DIP1-4
rules commons-IP 2.11 does not apply to a DIP), and every listed checksum is
recomputed from the unpacked bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import unicodedata
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from samarkiv.packages.dip import (
    CHUNK,
    DATA_PREFIX,
    MAX_NAME_BYTES,
    DipFile,
    DipIntegrityError,
    DipSpec,
    build_dip,
    iter_dip,
    new_dip_id,
    safe_name,
)
from samarkiv.packages.dip_mets import DIP_PROFILE
from samarkiv.packages.namespaces import CSIP, METS, XLINK, q
from samarkiv.packages.validation.api import validate_package

NS = {"m": METS, "xlink": XLINK}
ODD_NAMES = {
    "Bygglov Storgatan 1.pdf": b"%PDF-1.4\n" + b"ritning " * 500,
    # decomposed a-ring (NFD), as macOS writes it
    unicodedata.normalize("NFD", "Ritning å+ä%ö#.pdf"): b"%PDF-1.4 ritning",
    "../../etc/passwd": b"root:x:0:0",
    "mapp\\undermapp/fil:1.txt": "Ärende om bygglov\n".encode(),
    "CON.txt": b"reserverat namn i Windows",
    "con.TXT": b"samma namn, annan skiftlaege",
    "\x00\x07.hidden": b"kontrolltecken",
    "": b"tomt namn",
}


def _file(name: str, data: bytes, mime: str = "application/pdf", **over) -> DipFile:
    fields = {
        "name": name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "mime": mime,
        "opener": lambda: io.BytesIO(data),
        "source": f"uuid-aip/{name}",
    }
    fields.update(over)
    return DipFile(**fields)


def _spec(files: list[DipFile], dip_id: str | None = None) -> DipSpec:
    return DipSpec(
        dip_id=dip_id or new_dip_id(),
        label="Bygglov, Storgatan 1",
        source_aip_id="uuid-30fb074d-e5da-49a3-b794-e9be9ccfad80",
        tenant_name="Lunds kommun",
        tenant_code="lund",
        files=files,
        descriptive={
            "title": "Bygglov för nybyggnad av enbostadshus",
            "registration_number": "BN 2019/123",
            "dates": "2019-01-10/2019-03-01",
            "municipality": "Lunds kommun",
            "records_creator": "Byggnadsnämnden",
            "document_type": "Beslut",
        },
        created=datetime(2025, 11, 26, 1, 2, 3, tzinfo=UTC),
    )


def _unzip(data: bytes, dest: Path) -> Path:
    """Unpack after checking every name stays inside dest (what a citizen's tool does)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        roots = set()
        for info in zf.infolist():
            parts = PurePosixPath(info.filename).parts
            assert ".." not in parts and "\\" not in info.filename
            assert not info.filename.startswith("/")
            assert unicodedata.is_normalized("NFC", info.filename)
            roots.add(parts[0])
        zf.extractall(dest)
    assert len(roots) == 1  # CSIPSTR1: one root folder
    return dest / roots.pop()


def _listed_files(mets: Path) -> list[tuple[Path, etree._Element]]:
    tree = etree.parse(str(mets))
    out = []
    for node in tree.iterfind(".//m:file", NS):
        href = node.find("m:FLocat", NS).get(q(XLINK, "href"))
        out.append((mets.parent / unquote(href), node))
    for node in tree.iterfind(".//m:mdRef", NS):
        out.append((mets.parent / unquote(node.get(q(XLINK, "href"))), node))
    return out


@pytest.fixture(scope="module")
def odd_dip(tmp_path_factory) -> tuple[Path, DipSpec]:
    spec = _spec([_file(name, data) for name, data in ODD_NAMES.items()])
    out = io.BytesIO()
    build_dip(spec, out)
    root = _unzip(out.getvalue(), tmp_path_factory.mktemp("dip"))
    return root, spec


def test_the_dip_is_a_dip_of_its_aip_with_the_record_metadata(odd_dip):
    root, spec = odd_dip
    assert root.name == spec.dip_id  # CSIPSTR2
    mets = etree.parse(str(root / "METS.xml")).getroot()
    assert mets.get("OBJID") == spec.dip_id != spec.source_aip_id  # DIP1
    assert mets.get("PROFILE") == DIP_PROFILE  # DIP2
    hdr = mets.find("m:metsHdr", NS)
    assert hdr.get(q(CSIP, "OAISPACKAGETYPE")) == "DIP"  # DIP3
    assert hdr.find("m:agent[@ROLE='IPOWNER']/m:name", NS).text == "Lunds kommun"
    dc = (root / "metadata/descriptive/dc.xml").read_text(encoding="utf-8")
    for value in ("BN 2019/123", "Byggnadsnämnden", "2019-01-10/2019-03-01", "Beslut"):
        assert value in dc
    premis = (root / "metadata/preservation/premis.xml").read_text(encoding="utf-8")
    assert spec.source_aip_id in premis and "has source" in premis
    assert ">dissemination<" in premis


def test_every_listed_checksum_and_size_matches_the_unpacked_bytes(odd_dip):
    root, _spec_ = odd_dip
    listed = _listed_files(root / "METS.xml") + _listed_files(
        root / "representations/rep1/METS.xml"
    )
    seen = set()
    for path, node in listed:
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == node.get("CHECKSUM"), path
        assert len(data) == int(node.get("SIZE"))
        seen.add(path.resolve())
    on_disk = {p.resolve() for p in root.rglob("*") if p.is_file()} - {
        (root / "METS.xml").resolve()
    }
    assert on_disk == seen  # nothing unlisted, nothing missing


def test_odd_names_become_safe_unique_nfc_names_with_the_original_bytes(odd_dip):
    root, _spec_ = odd_dip
    data_dir = root / DATA_PREFIX
    names = sorted(p.name for p in data_dir.iterdir())
    assert len(names) == len(ODD_NAMES)
    assert len({n.casefold() for n in names}) == len(names)
    assert "Ritning å+ä_ö_.pdf" in names and "_CON.txt" in names and "_con-2.TXT" in names
    assert "_.._etc_passwd" in names and not (root.parent / "etc").exists()
    contents = sorted(p.read_bytes() for p in data_dir.iterdir())
    assert contents == sorted(ODD_NAMES.values())


def test_our_validator_finds_no_must_failure_and_checks_the_dip_rules(odd_dip, tmp_path):
    root, _spec_ = odd_dip
    report = validate_package(root, "csip-2.2")
    assert report.valid, [(f.rule_id, f.message) for f in report.errors()]
    # the DIP rules really run: a DIP that claims another profile fails DIP2
    broken = shutil.copytree(root, tmp_path / root.name)
    mets = broken / "METS.xml"
    mets.write_text(
        mets.read_text(encoding="utf-8").replace(DIP_PROFILE, "https://example.org/x"),
        encoding="utf-8",
    )
    assert "DIP2" in validate_package(broken, "csip-2.2").rule_ids()


@pytest.mark.skipif(shutil.which("java") is None, reason="commons-IP needs Java")
def test_commons_ip_2_says_valid_and_notices_a_changed_file(odd_dip, tmp_path):
    from samarkiv.ingest.commons_ip import commons_ip_failures, commons_ip_validate

    root, _spec_ = odd_dip
    ok, report = commons_ip_validate(root, version="2.2.0")
    assert ok, commons_ip_failures(report)
    assert report["summary"]["errors"] == 0
    changed = shutil.copytree(root, tmp_path / root.name)
    (changed / DATA_PREFIX / "_CON.txt").write_bytes(b"changed after packaging")
    ok, report = commons_ip_validate(changed, version="2.2.0")
    assert not ok
    assert "CSIP71" in {f["id"] for f in commons_ip_failures(report)}


def test_a_file_that_is_not_the_archived_one_aborts_the_package():
    bad = _file("a.pdf", b"the real bytes", sha256=hashlib.sha256(b"other").hexdigest())
    with pytest.raises(DipIntegrityError, match="a.pdf"):
        build_dip(_spec([bad]), io.BytesIO())
    short = _file("b.pdf", b"12345", size=6)
    with pytest.raises(DipIntegrityError):
        build_dip(_spec([short]), io.BytesIO())


class _Unseekable(io.RawIOBase):
    """A file-like that only writes (an HTTP body, a pipe)."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        return len(data)


def test_streaming_holds_about_one_chunk_and_needs_no_seekable_output(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(6 * CHUNK + 123))  # incompressible: chunks stay large
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    spec = _spec(
        [
            DipFile(
                "stor fil.bin",
                big.stat().st_size,
                digest,
                "application/octet-stream",
                lambda: big.open("rb"),
            ),
            # a derived (masked) copy whose digest is not known in advance
            DipFile("maskerad.txt", -1, "", "text/plain", lambda: io.BytesIO(b"X" * 1000)),
        ]
    )
    done = []
    chunks = list(iter_dip(spec, on_done=done.append))
    assert len(chunks) > 5 and max(len(c) for c in chunks) < 2 * CHUNK + 64 * 1024
    root = _unzip(b"".join(chunks), tmp_path / "out")
    assert (root / DATA_PREFIX / "stor fil.bin").read_bytes() == big.read_bytes()
    masked = [e for e in done[0].data_files if e.path.endswith("maskerad.txt")][0]
    assert masked.sha256 == hashlib.sha256(b"X" * 1000).hexdigest() and masked.size == 1000
    sink = _Unseekable()
    build_dip(spec, sink)
    assert zipfile.ZipFile(io.BytesIO(bytes(sink.buffer))).testzip() is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=8))
def test_any_name_becomes_one_safe_unique_path_segment(names):
    taken: set[str] = set()
    made = [safe_name(n, taken) for n in names]
    assert len({m.casefold() for m in made}) == len(made)
    for name in made:
        assert name and name not in (".", "..") and not name.startswith(".")
        assert "/" not in name and "\\" not in name and "\x00" not in name
        assert unicodedata.is_normalized("NFC", name)
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES + 8


def test_a_dip_id_that_is_not_a_folder_name_is_refused():
    with pytest.raises(ValueError, match="portable"):
        build_dip(_spec([], dip_id="../x"), io.BytesIO())
