"""The format readers and the ERMS validation on XML trees (no database, no storage)."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from samarkiv.catalog.records import ead, erms, fgs_erms1
from samarkiv.catalog.records.drafts import parse_date, parse_range
from samarkiv.catalog.records.other import raw_markup_text, read_other_xml
from samarkiv.catalog.records.validation import schematron_problems, validate_erms, xsd_problems
from samarkiv.ingest.demo_erms import DEFAULT_CASES, erms_descriptive
from samarkiv.ingest.demo_erms_xml import ERMS_NS

MINIMAL_CONTROL = """<control><identification identificationType="system">X</identification>
<maintenanceInformation><maintenanceStatus value="new"/><maintenanceAgency>
<agencyName>Bjuvs kommun, kommunstyrelsen</agencyName></maintenanceAgency><maintenanceHistory>
<maintenanceEvent><eventType value="created"/><eventDateTime>2024-01-01T00:00:00</eventDateTime>
<agent agentType="creator"><name>X</name></agent></maintenanceEvent></maintenanceHistory>
</maintenanceInformation></control>"""


def _tree(text: str) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(text.encode()))


def _erms(body: str) -> etree._ElementTree:
    return _tree(f'<erms xmlns="{ERMS_NS}">{MINIMAL_CONTROL}{body}</erms>')


def test_a_schematron_rule_really_fires():
    tree = _erms(
        '<aggregations><aggregation systemIdentifier="a" '
        'aggregationType="own_aggregation_definition"><objectId>KS 2024/1</objectId>'
        "</aggregation></aggregations>"
    )
    assert xsd_problems(tree, 3) == []  # the XSD cannot say this; the Schematron can
    problems = schematron_problems(tree, 3)
    assert len(problems) == 1
    assert problems[0]["test"] == "normalize-space(@otherAggregationType)"
    assert "aggregation" in problems[0]["location"]
    named = _erms(
        '<aggregations><aggregation systemIdentifier="a" '
        'aggregationType="own_aggregation_definition" otherAggregationType="akt">'
        "<objectId>KS 2024/1</objectId></aggregation></aggregations>"
    )
    assert schematron_problems(named, 3) == []


def test_the_demo_erms_is_valid_and_a_broken_one_is_reported():
    for version in (3, 2):
        tree = _tree(erms_descriptive(DEFAULT_CASES, version).data.decode())
        assert validate_erms(tree, version)["valid"] is True
    broken = _erms("<records/>")  # records need at least one record
    report = validate_erms(broken, 3)
    assert report["valid"] is False and report["xsd_error_count"] == 1
    assert report["xsd_errors"][0]["line"] == 6  # where <records/> is
    assert "record" in report["xsd_errors"][0]["message"]


@pytest.mark.parametrize(
    ("version", "hint", "expected"),
    [
        (3, "", (3, "v3 constructs")),
        (2, "", (2, "v2 constructs")),
        (2, "citserms_v3_0", (3, "mets")),
        (3, "ERMS 2.1 citserms_v2_1", (2, "mets")),
        (2, "ERMS 3.0 MIXED", (3, "mets")),
        (3, "ERMS MIXED", (3, "v3 constructs")),
    ],
)
def test_erms_version_detection(version, hint, expected):
    tree = _tree(erms_descriptive(DEFAULT_CASES, version).data.decode())
    tree.getroot().attrib.pop("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert erms.detect_version(tree, hint) == expected


def test_a_plain_erms_document_is_told_by_its_schema_location_or_defaults_to_v3():
    plain = _erms('<records><record systemIdentifier="r"><objectId>1</objectId></record></records>')
    assert erms.detect_version(plain) == (3, "default")
    plain.getroot().set(
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", f"{ERMS_NS} ERMS_v3.xsd"
    )
    assert erms.detect_version(plain) == (3, "schemaLocation")


def test_nested_aggregations_and_loose_records():
    tree = _erms(
        '<aggregations><aggregation systemIdentifier="k" aggregationType="class">'
        "<objectId>2.1</objectId><title>Styra verksamheten</title>"
        '<aggregation systemIdentifier="c" aggregationType="caseFile">'
        "<objectId>KS 2024/7</objectId>"
        '<extraId extraIdType="Diarienummer">KS 2024/0007</extraId><title>Budget</title>'
        '<agents><agent agentType="administrator"><name>Anna Ek</name>'
        "<role>Handläggare</role></agent>"
        '<agent agentType="responsible_person"><name>Chef</name></agent></agents>'
        '<dates><date dateType="other" otherDateType="registrerad">2024-02-01T00:00:00</date>'
        '<date dateType="modified">2024-03-01T00:00:00</date></dates>'
        '<record systemIdentifier="d"><objectId>KS 2024/7-1</objectId></record>'
        "</aggregation></aggregation></aggregations>"
    )
    (klass,) = erms.read_erms(tree, 3)
    assert (klass.kind, klass.title, klass.registration_number) == (
        "unit",
        "Styra verksamheten",
        "2.1",
    )
    (case,) = klass.children
    assert case.kind == "case" and case.registration_number == "KS 2024/0007"
    assert case.case_officer == "Anna Ek"  # the role says so, before the responsible person
    assert case.extra["dates"] == {
        "registrerad": "2024-02-01T00:00:00",
        "modified": "2024-03-01T00:00:00",
    }
    assert (case.date_start, case.date_end) == (dt.date(2024, 2, 1), dt.date(2024, 3, 1))
    assert case.records_creator_name == "Bjuvs kommun, kommunstyrelsen"
    (document,) = case.children
    assert document.kind == "document" and document.title == ""
    loose = erms.read_erms(
        _erms(
            '<records><record systemIdentifier="r"><objectId>X 1</objectId>'
            "<title>Lös handling</title></record></records>"
        ),
        3,
    )
    assert [(d.kind, d.title) for d in loose] == [("document", "Lös handling")]


def test_fgs1_without_namespace_and_documents_outside_cases():
    tree = _tree(
        "<Leveransobjekt><ArkivobjektListaHandlingar><ArkivobjektHandling Systemidentifierare='h1'>"
        "<ArkivobjektID>SN 2019/3-2</ArkivobjektID><Rubrik>Skrivelse</Rubrik>"
        "<Avsandare><Namn>Anna Ek</Namn><Personnummer>121212-1212</Personnummer></Avsandare>"
        "<Skapad>2019-04-01</Skapad><Bilaga Namn='a.pdf' Lank='file:///Content/1/a.pdf'/>"
        "</ArkivobjektHandling></ArkivobjektListaHandlingar></Leveransobjekt>"
    )
    (document,) = fgs_erms1.read_fgs_erms1(tree)
    assert (document.kind, document.registration_number, document.title) == (
        "document",
        "SN 2019/3-2",
        "Skrivelse",
    )
    assert document.parties[0]["personal_id"] == "20121212-1212"
    assert document.file_refs == ["file:///Content/1/a.pdf"]
    assert document.date_start == dt.date(2019, 4, 1)


def test_ead3_structured_dates_and_ead2002_without_namespace():
    ead3 = _tree(
        '<ead xmlns="http://ead3.archivists.org/schema/"><control/><archdesc level="fonds"><did>'
        "<unittitle>Kommunstyrelsen</unittitle><unitdatestructured><daterange>"
        '<fromdate standarddate="1971">1971</fromdate><todate standarddate="2010-06">2010</todate>'
        "</daterange></unitdatestructured></did><dsc><c01 level='series'><did><unitid>A1</unitid>"
        "<unittitle>Protokoll</unittitle></did><c02 level='file'><did><unitid>KS 1971/1</unitid>"
        "</did></c02></c01></dsc></archdesc></ead>"
    )
    (fonds,) = ead.read_ead(ead3)
    assert (fonds.date_start, fonds.date_end) == (dt.date(1971, 1, 1), dt.date(2010, 6, 30))
    (series,) = fonds.children
    assert series.source_id == "A1" and series.registration_number == ""
    assert series.children[0].registration_number == "KS 1971/1"
    old = _tree(
        "<ead><eadheader><filedesc><titlestmt><titleproper>Förteckning</titleproper></titlestmt>"
        "</filedesc></eadheader><archdesc level='series'><did><unitdate>1950–1959</unitdate></did>"
        "<dsc><c level='file'><did><unittitle>Akt</unittitle></did></c></dsc></archdesc></ead>"
    )
    (top,) = ead.read_ead(old)
    assert top.title == "Förteckning" and top.date_end == dt.date(1959, 12, 31)
    assert [c.title for c in top.children] == ["Akt"]


def test_dates():
    assert parse_date("2023-03-14T09:00:00+01:00") == dt.date(2023, 3, 14)
    assert parse_date("20230314") == dt.date(2023, 3, 14)
    assert parse_date("2024-02", end=True) == dt.date(2024, 2, 29)
    assert parse_date("okänt") is None and parse_date("2023-02-30") is None
    assert parse_range("2023-03-14/2023-06-20") == (dt.date(2023, 3, 14), dt.date(2023, 6, 20))
    assert parse_range("1990") == (dt.date(1990, 1, 1), dt.date(1990, 12, 31))


def test_text_of_refused_markup_keeps_entities_literal():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<lolz><rubrik>Bygglovet</rubrik>&lol2;</lolz>"
    )
    assert raw_markup_text(laughs) == "Bygglovet &lol2;"


def test_dublin_core_gives_the_package_record_its_title_and_creator():
    tree = _tree(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Protokoll 2024</dc:title>'
        "<dc:creator>Bjuvs kommun</dc:creator><dc:date>2024</dc:date></oai_dc:dc>"
    )
    draft = read_other_xml(tree, "fallback", "x/dc.xml")
    assert (draft.title, draft.records_creator_name) == ("Protokoll 2024", "Bjuvs kommun")
    assert (draft.date_start, draft.date_end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert draft.description == "Protokoll 2024\nBjuvs kommun\n2024"
