"""The ERMS demo deliveries: valid packages, valid metadata, genuine files with text.

The judges are independent of the code under test: the official schemas as published in
/work/shared (ERMS XSD + Schematron, EAD3 and EAD 2002 XSDs), our package validator,
pypdf, python-docx and odfpy.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import docx
import pytest
from lxml import etree, isoschematron
from odf import teletype
from odf.opendocument import load
from pypdf import PdfReader

from samarkiv.catalog.records.personal_ids import classify
from samarkiv.ingest.demo_erms import DEFAULT_CASES, build_ead_sip, build_erms_sip
from samarkiv.packages.report import Severity
from samarkiv.packages.validation import validate_package
from tests.records.helpers import SWEDISH_WORDS

SHARED = Path("/work/shared/schemas")
VENDORED = Path(__file__).parents[2] / "src/samarkiv/packages/schemas/erms"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="needs /work/shared/schemas")


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("erms-demo")
    built = {f"erms{v}": build_erms_sip(root, f"sip-erms-{v}", version=v) for v in (3, 2, 1)}
    built |= {f"ead{v}": build_ead_sip(root, f"sip-ead-{v}", ead_version=v) for v in ("3", "2002")}
    return built


def _descriptive(pkg: Path) -> Path:
    (path,) = (pkg / "metadata" / "descriptive").iterdir()
    return path


@needs_shared
def test_the_vendored_erms_schemas_are_the_official_files():
    for name in ("erms-v2.xsd", "erms-v3.xsd", "erms-v2.sch", "erms-v3.sch"):
        assert (VENDORED / name).read_bytes() == (SHARED / name).read_bytes()


@needs_shared
@pytest.mark.parametrize("version", [3, 2])
def test_the_erms_documents_are_valid_against_xsd_and_schematron(packages, version):
    document = etree.parse(str(_descriptive(packages[f"erms{version}"])))
    schema = etree.XMLSchema(etree.parse(str(SHARED / f"erms-v{version}.xsd")))
    assert schema.validate(document), schema.error_log
    rules = etree.parse(str(SHARED / f"erms-v{version}.sch"))
    rules.getroot().set("queryBinding", "xslt")  # lxml runs XSLT 1.0; the tests are XPath 1
    assert isoschematron.Schematron(rules).validate(document)
    other = etree.XMLSchema(etree.parse(str(SHARED / f"erms-v{5 - version}.xsd")))
    assert not other.validate(document)  # really the one version, not both


@needs_shared
def test_the_ead_documents_are_valid(packages):
    ead3 = etree.XMLSchema(etree.parse(str(SHARED / "ead3.xsd")))
    assert ead3.validate(etree.parse(str(_descriptive(packages["ead3"])))), ead3.error_log
    text = (SHARED / "ead.xsd").read_text(encoding="utf-8")
    local = text.replace(
        "http://www.loc.gov/standards/xlink/xlink.xsd", (SHARED / "xlink.xsd").as_uri()
    )
    ead2002 = etree.XMLSchema(etree.fromstring(local.encode(), base_url=str(SHARED / "ead.xsd")))
    assert ead2002.validate(etree.parse(str(_descriptive(packages["ead2002"])))), ead2002.error_log


def test_the_fgs1_document_has_the_fgs_erms_shape(packages):
    root = etree.parse(str(_descriptive(packages["erms1"]))).getroot()
    ns = {"f": "http://xml.ra.se/e-arkiv/FGS-ERMS"}
    assert etree.QName(root).localname == "Leveransobjekt"
    cases = root.findall("f:ArkivobjektListaArenden/f:ArkivobjektArende", ns)
    assert [c.findtext("f:ArkivobjektID", namespaces=ns) for c in cases] == [
        "BN 2023/145",
        "BN 2023/212",
        "BN 2023/301",
    ]
    links = root.xpath("//f:Bilaga/@Lank", namespaces=ns)
    assert len(links) == 9 and all((packages["erms1"] / link).is_file() for link in links)


@pytest.mark.parametrize("name", ["erms3", "erms2", "erms1", "ead3", "ead2002"])
def test_every_package_is_a_valid_sip(packages, name):
    report = validate_package(packages[name])
    errors = [f.to_dict() for f in report.findings if f.effective_severity == Severity.ERROR]
    assert errors == []


def test_a_rebuild_is_byte_identical(packages, tmp_path):
    def digests(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    again = build_erms_sip(tmp_path, "sip-erms-3", version=3)
    assert digests(again) == digests(packages["erms3"])


def test_the_files_are_genuine_and_hold_swedish_text(packages):
    data = packages["erms3"] / "representations" / "rep1" / "data"
    texts = {}
    for path in sorted(data.rglob("*.*")):
        raw = path.read_bytes()
        if path.suffix == ".pdf":
            texts[path.name] = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
        elif path.suffix == ".docx":
            texts[path.name] = "\n".join(p.text for p in docx.Document(io.BytesIO(raw)).paragraphs)
        elif path.suffix == ".odt":
            texts[path.name] = teletype.extractText(load(io.BytesIO(raw)).text)
        else:
            encoding = "cp1252" if path.name == "yttrande från granne.txt" else "utf-8"
            texts[path.name] = raw.decode(encoding)
    assert len(texts) == 9
    assert "Fastighet: Hörby Stenby 3:12" in texts["ansökan om bygglov.pdf"]
    assert "beviljar bygglovet" in texts["beslut om bygglov.docx"]
    assert "äldreomsorg" in texts["ansökan tillbyggnad.odt"]
    joined = "\n".join(texts.values())
    assert all(word in joined for word in SWEDISH_WORDS)


def test_the_personal_identity_numbers_are_synthetic_but_valid():
    numbers = {p.id_number: p.id_type for c in DEFAULT_CASES for p in c.parties}
    assert "19121212-1212" in numbers  # Skatteverket's published test number
    for value, kind in numbers.items():
        number = classify(value)
        assert number is not None and (number.kind == kind or kind == "personnummer")
