"""The arkivförteckning exports: EAD3 that validates against the vendored schema (and a
broken one that does not), and a PDF/A that opens and lists the series."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from samarkiv.catalog import ead3, inventory_pdf
from samarkiv.catalog.demo import load_demo_description
from samarkiv.catalog.inventory import creator_inventory, tenant_inventory
from samarkiv.errors import NotFoundError
from tests.catalog.conftest import MARK, OTHER, make_aip

pytestmark = pytest.mark.django_db
NS = {"e": ead3.NS}
SHARED_EAD3 = Path("/work/shared/schemas/ead3.xsd")


@pytest.fixture
def horby_aip(db):
    """Hörby's demo description, with its demo bygglov AIP linked into it."""
    aip = make_aip("horby", "Bygglov 2022, bygg- och miljönämnden")
    load_demo_description([("sip-horby-bmn-bygglov-2022", aip.pk)])
    return aip


@pytest.fixture
def horby(db):
    from samarkiv.accounts.roles import Role
    from tests.catalog.conftest import scope_of

    return scope_of(Role.REGISTRAR, "horby")


def test_the_vendored_schema_is_the_official_one() -> None:
    vendored = ead3.EAD3_XSD.read_bytes()
    assert hashlib.sha256(vendored).hexdigest() == (
        "b090ea6a208360bc056f45d129922b208a5490355745cfbe016005edceac43dc"
    )
    if SHARED_EAD3.exists():
        assert vendored == SHARED_EAD3.read_bytes()


def test_a_realistic_export_validates_and_says_what_it_should(horby, horby_aip) -> None:
    document = ead3.export(creator_inventory(horby, "bn"))
    assert ead3.validation_errors(document) == []
    root = etree.fromstring(document)
    text = lambda path: root.findtext(path, namespaces=NS)  # noqa: E731
    assert text("e:control/e:recordid") == "samarkiv:horby:bn"
    assert text("e:control/e:maintenanceagency/e:agencyname") == "Hörby kommun"
    assert root.find("e:control/e:maintenancehistory/e:maintenanceevent", NS) is not None
    archdesc = root.find("e:archdesc", NS)
    assert archdesc.get("level") == "fonds"
    assert text("e:archdesc/e:did/e:unitid") == "SE/1266/BN"
    assert text("e:archdesc/e:did/e:origination/e:corpname/e:part") == "Byggnadsnämnden"
    bioghist = [p.text for p in archdesc.findall("e:bioghist/e:p", NS)]
    assert bioghist[0] == "Verksam från 2019-01-01." and "bygglov" in bioghist[1]
    predecessor = archdesc.find("e:relations/e:relation/e:relationentry", NS)
    assert predecessor.text == "Miljö- och byggnämnden" and predecessor.get("localtype") == (
        "predecessor"
    )
    series = archdesc.findall("e:dsc/e:c01", NS)
    assert [s.findtext("e:did/e:unitid", namespaces=NS) for s in series] == ["A1", "B1", "F1"]
    assert {s.get("level") for s in series} == {"series"}
    f1 = series[2]
    volumes = f1.findall("e:c02", NS)
    assert [v.get("level") for v in volumes] == ["file", "file", "file"]  # 2021-2023
    daos = f1.findall("e:c02/e:did/e:dao", NS)
    assert [d.get("href") for d in daos] == [horby_aip.pk]
    assert volumes[1].find("e:did/e:dao", NS).get("linktitle").startswith("Bygglov 2022")


def test_a_broken_document_fails_validation(horby, horby_aip) -> None:
    document = ead3.build(creator_inventory(horby, "bn"))
    root = etree.fromstring(document)
    did = root.find("e:archdesc/e:did", NS)
    did.getparent().remove(did)  # archdesc without did
    etree.SubElement(root.find("e:control", NS), f"{{{ead3.NS}}}nosuchelement")
    errors = ead3.validation_errors(etree.tostring(root))
    assert errors and any("did" in e or "nosuchelement" in e for e in errors)
    assert ead3.validation_errors(b"<ead>not closed") != []


def test_an_export_that_would_not_validate_is_refused(horby, horby_aip, monkeypatch) -> None:
    monkeypatch.setattr(ead3, "build", lambda inventory: b"<ead xmlns='%s'/>" % ead3.NS.encode())
    with pytest.raises(ead3.InvalidEadError):
        ead3.export(creator_inventory(horby, "bn"))


def test_the_whole_tenant_exports_every_creator(horby, horby_aip) -> None:
    document = ead3.export(tenant_inventory(horby))
    root = etree.fromstring(document)
    assert root.find("e:archdesc", NS).get("level") == "recordgrp"
    fonds = root.findall("e:archdesc/e:dsc/e:c01", NS)
    names = [f.findtext("e:did/e:origination/e:corpname/e:part", namespaces=NS) for f in fonds]
    assert "Byggnadsnämnden" in names and "Miljö- och byggnämnden" in names
    assert len(root.findall(".//e:c03", NS)) > 0  # fonds > series > volume


def test_an_aip_linked_only_to_a_class_is_listed_under_it(horby) -> None:
    from samarkiv.catalog import aip_links
    from samarkiv.catalog.models import AipDescription, ClassificationNode, RecordsCreator

    load_demo_description()
    aip = make_aip("horby", "Förhandsbesked 2024")
    node = ClassificationNode.objects.get(tenant_id="horby", code="3.4.1", scheme__status="active")
    AipDescription.objects.create(
        aip=aip,
        tenant_id="horby",
        records_creator=RecordsCreator.objects.get(tenant_id="horby", code="bn"),
        classification_node=node,
    )
    assert aip_links.description_of(aip).series is None
    root = etree.fromstring(ead3.export(creator_inventory(horby, "bn")))
    [process] = root.findall("e:archdesc/e:dsc/e:c01[@level='otherlevel']", NS)
    assert process.get("otherlevel") == "process"
    assert process.findtext("e:did/e:unitid", namespaces=NS) == "3.4.1"
    assert process.find("e:did/e:dao", NS).get("href") == aip.pk


def test_another_tenants_creator_cannot_be_exported(horby, horby_aip) -> None:
    from samarkiv.catalog.models import RecordsCreator

    RecordsCreator.objects.create(tenant_id=OTHER, code=MARK, name=f"{MARK} nämnd")
    with pytest.raises(NotFoundError):
        creator_inventory(horby, MARK)
    assert MARK.encode() not in ead3.export(tenant_inventory(horby))


def test_the_pdf_opens_and_lists_the_series(horby, horby_aip) -> None:
    pdf = inventory_pdf.render(creator_inventory(horby, "bn"))
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for title in (
        "Arkivförteckning",
        "Byggnadsnämnden",
        "Hörby kommun",
        "Protokoll",
        "Diarier",
        "Bygglovsakter",
        "Miljö- och byggnämnden",
        horby_aip.pk,
    ):
        assert title in text, title
    assert f"Sida 1 av {len(reader.pages)}" in text
    xmp = reader.xmp_metadata.rdf_root.toxml()  # the PDF/A claim: part 3, conformance B
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


def test_the_tenant_pdf_has_a_section_per_creator(horby, horby_aip) -> None:
    pdf = inventory_pdf.render(tenant_inventory(horby))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for name in ("Kommunstyrelsen", "Socialnämnden", "Byggnadsnämnden", "Kommunfullmäktige"):
        assert name in text


WRAPPER = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="{ns}" schemaLocation="{url}"/>
</xs:schema>"""


def test_schemas_compile_offline_only(tmp_path: Path) -> None:
    """Known imports (xml.xsd) resolve to the vendored copies; anything else is refused."""
    known = tmp_path / "known.xsd"
    known.write_text(
        WRAPPER.format(
            ns="http://www.w3.org/XML/1998/namespace", url="http://www.w3.org/2001/xml.xsd"
        )
    )
    ead3.compile_offline(known)
    unknown = tmp_path / "unknown.xsd"
    unknown.write_text(WRAPPER.format(ns="urn:x", url="http://example.org/x.xsd"))
    with pytest.raises(etree.XMLSchemaParseError):
        ead3.compile_offline(unknown)
