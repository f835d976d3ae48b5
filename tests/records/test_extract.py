"""Records from ingested AIPs: ERMS v3/v2, FGS 1.x, EAD, unknown, hostile and missing
descriptive metadata. Every AIP here went through the real ingest into real storage."""

from __future__ import annotations

import datetime as dt

import pytest

from samarkiv.catalog.records.choices import RecordKind, SourceFormat
from samarkiv.catalog.records.extract import extract_aip
from samarkiv.catalog.records.models import Record, RecordFile
from samarkiv.ingest.demo_erms import (
    DEFAULT_CASES,
    build_ead_sip,
    build_erms_sip,
    build_sip,
    case_files,
    erms_descriptive,
)
from samarkiv.ingest.demo_erms_xml import ERMS_NS
from tests.records.helpers import erms_v3_bytes, sip_with

pytestmark = pytest.mark.django_db


def _cases(aip) -> dict[str, Record]:
    return {r.registration_number: r for r in Record.objects.filter(aip=aip, kind="case")}


def _file_names(record: Record) -> list[str]:
    return sorted(link.aip_file.path.rsplit("/", 1)[-1] for link in record.files.all())


def test_erms_v3_cases_documents_parties_and_files(ingest_sip, tmp_path):
    aip = ingest_sip(build_erms_sip(tmp_path / "in", version=3))

    records = extract_aip(aip)

    assert {r.kind for r in records} == {"case", "document"}
    assert all(r.tenant_id == "horby" and r.aip_id == aip.id for r in records)
    cases = _cases(aip)
    assert sorted(cases) == ["BN 2023/145", "BN 2023/212", "BN 2023/301"]
    stenby = cases["BN 2023/145"]
    assert stenby.title == "Bygglov för nybyggnad av enbostadshus, Hörby Stenby 3:12"
    assert stenby.source_format == SourceFormat.ERMS3
    assert (stenby.date_start, stenby.date_end) == (dt.date(2023, 3, 14), dt.date(2023, 6, 20))
    assert stenby.case_officer == "Karin Holmén"
    assert stenby.classification_code == "3.4.2"
    assert stenby.records_creator_name == "Hörby kommun, bygg- och miljönämnden"
    assert stenby.source_path.endswith("/metadata/descriptive/erms.xml")
    person, company = stenby.parties
    assert person == {
        "name": "Tolvan Tolvansson",
        "role": "Sökande",
        "personal_id": "19121212-1212",
        "personal_data": True,
        "agent_type": "counterpart",
        "address": "Stenbyvägen 12, 242 92, Hörby",  # a person's: kept, never published
    }
    assert company["personal_data"] is False and company["personal_id"] == ""
    assert company["organisation_number"] == "556677-8899"
    assert stenby.extra["personal_ids_in_text"] == 1  # the description names the applicant
    assert stenby.extra["personal_data"] is True
    assert stenby.extra["validation"]["valid"] is True
    documents = list(stenby.children.order_by("order"))
    assert [d.document_type for d in documents] == ["Ansökan", "Ritning", "Beslut"]
    assert [d.registration_number for d in documents] == [f"BN 2023/145-{i}" for i in (1, 2, 3)]
    assert _file_names(documents[0]) == ["ansökan om bygglov.pdf"]
    assert _file_names(documents[2]) == ["beslut om bygglov.docx"]
    assert documents[2].date_start == dt.date(2023, 6, 20)
    assert all(d.classification_code == "3.4.2" and d.kind == "document" for d in documents)
    assert RecordFile.objects.filter(record__aip=aip).count() == 9  # every document's file
    assert cases["BN 2023/301"].extra["personal_data"] is False


@pytest.mark.parametrize(
    ("version", "source_format"), [(2, SourceFormat.ERMS2), (1, SourceFormat.FGS_ERMS1)]
)
def test_erms_v2_and_fgs1_give_the_same_cases(ingest_sip, tmp_path, version, source_format):
    aip = ingest_sip(build_erms_sip(tmp_path / "in", version=version))

    extract_aip(aip)

    cases = _cases(aip)
    assert sorted(cases) == ["BN 2023/145", "BN 2023/212", "BN 2023/301"]
    ringgarden = cases["BN 2023/212"]
    assert ringgarden.source_format == source_format
    assert ringgarden.title.startswith("Bygglov för tillbyggnad av äldreboendet Ringgården")
    assert ringgarden.case_officer == "Per Åkesson"
    assert ringgarden.classification_code == "3.4.2"
    assert (ringgarden.date_start, ringgarden.date_end) == (
        dt.date(2023, 5, 2),
        dt.date(2023, 9, 12),
    )
    neighbour = next(p for p in ringgarden.parties if p["personal_data"])
    assert (neighbour["name"], neighbour["personal_id"]) == ("Märta Sjöberg", "19850312-2387")
    documents = list(ringgarden.children.order_by("order"))
    assert [d.title for d in documents][1] == "Yttrande från granne"
    assert _file_names(documents[1]) == ["yttrande från granne.txt"]
    assert RecordFile.objects.filter(record__aip=aip).count() == 9


@pytest.mark.parametrize("ead_version", ["3", "2002"])
def test_ead_components_become_units_with_their_files(ingest_sip, tmp_path, ead_version):
    aip = ingest_sip(build_ead_sip(tmp_path / "in", ead_version=ead_version))

    records = extract_aip(aip)

    assert {r.kind for r in records} == {RecordKind.UNIT}
    series = records[0]
    assert series.parent is None and series.extra["level"] == "series"
    assert series.title == "Hörby kommun, bygg- och miljönämnden, diarieförda ärenden"
    assert series.records_creator_name == "Hörby kommun, bygg- och miljönämnden"
    files = {r.registration_number: r for r in records if r.extra.get("level") == "file"}
    stenby = files["BN 2023/145"]
    assert stenby.parent_id == series.pk
    assert (stenby.date_start, stenby.date_end) == (dt.date(2023, 3, 14), dt.date(2023, 6, 20))
    items = list(stenby.children.order_by("order"))
    assert [i.title for i in items] == [
        "Ansökan om bygglov, Stenby 3:12",
        "Fasadritning och planritning",
        "Beslut om bygglov",
    ]
    assert _file_names(items[0]) == ["ansökan om bygglov.pdf"]
    assert items[0].source_id == "BN 2023/145-1"


def _invalid_erms() -> bytes:
    """Breaks the XSD (an unknown element) and the Schematron (own aggregation type
    without otherAggregationType) but still describes the cases."""
    data = erms_v3_bytes().decode()
    data = data.replace(
        'aggregationType="caseFile"', 'aggregationType="own_aggregation_definition"', 1
    )
    data = data.replace(
        "<title>Bygglov för nybyggnad", "<rubrik>extra</rubrik><title>Bygglov för nybyggnad", 1
    )
    return data.encode()


def test_invalid_erms_is_still_extracted_with_the_problems_recorded(ingest_sip, tmp_path):
    aip = ingest_sip(sip_with(tmp_path / "in", "sip-ogiltig-erms", "erms.xml", _invalid_erms()))

    extract_aip(aip)

    cases = _cases(aip)
    assert len(cases) == 2  # the own_aggregation one is a described unit, not a case
    unit = Record.objects.get(aip=aip, kind="unit")
    assert unit.title.startswith("Bygglov för nybyggnad av enbostadshus")
    assert unit.extra["aggregation_type"] == "own_aggregation_definition"
    report = unit.extra["validation"]
    assert report["valid"] is False
    assert report["xsd_error_count"] >= 1 and "rubrik" in report["xsd_errors"][0]["message"]
    assert report["schematron_error_count"] == 1
    assert "otherAggregationType" in report["schematron_errors"][0]["message"]
    other = cases["BN 2023/212"].extra["validation"]  # the verdict; the list is on the first
    assert (other["valid"], other["details"]) == (False, "first")
    assert other["xsd_error_count"] == report["xsd_error_count"]
    assert "xsd_errors" not in other


XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE erms [ <!ENTITY secret SYSTEM "file://{path}"> ]>
<erms xmlns="{ns}"><control><identification identificationType="x">&secret;</identification>
</control><records><record systemIdentifier="1"><objectId>KS 2024/1</objectId>
<title>Ärende med extern entitet</title></record></records></erms>
"""


def test_an_external_entity_is_never_resolved(ingest_sip, tmp_path):
    secret = tmp_path / "hemlig.txt"
    secret.write_text("TOPPHEMLIGT-LÖSENORD", encoding="utf-8")
    data = XXE.format(path=secret, ns=ERMS_NS).encode()
    aip = ingest_sip(sip_with(tmp_path / "in", "sip-xxe", "erms.xml", data))

    records = extract_aip(aip)

    assert len(records) == 1
    package = records[0]
    assert (package.kind, package.source_format) == ("package", "other")
    assert "TOPPHEMLIGT" not in package.description
    assert "Ärende med extern entitet" in package.description
    assert "&secret;" in package.description
    assert "DOCTYPE" in package.extra["problems"][0]


def test_unknown_xml_is_kept_as_text_on_a_package_record(ingest_sip, tmp_path):
    data = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<leverans xmlns="urn:x-kommun:egen">'
        "<rubrik>Protokoll från förskolan Solstrålen</rubrik><text>Föräldramöte om "
        "förskolan 2024</text><person>19121212-1212</person></leverans>"
    ).encode()
    aip = ingest_sip(
        sip_with(tmp_path / "in", "sip-egen-xml", "egen.xml", data, other_mdtype="EGEN")
    )

    records = extract_aip(aip)

    assert len(records) == 1
    package = records[0]
    assert (package.kind, package.source_format) == (RecordKind.PACKAGE, SourceFormat.OTHER)
    assert "Protokoll från förskolan Solstrålen" in package.description
    assert "Föräldramöte om förskolan 2024" in package.description
    assert package.extra["root_element"] == "urn:x-kommun:egen leverans"
    assert package.extra["personal_ids_in_text"] == 1 and package.extra["personal_data"]
    # no record describes the files, so the package stands for them
    assert len(_file_names(package)) == 10


def test_an_aip_without_descriptive_metadata_gets_one_package_record(ingest_sip, tmp_path):
    sip = build_sip(
        tmp_path / "in",
        "sip-utan-beskrivning",
        label="Skannade ritningar 1975",
        files=case_files(()) | {"ritning.txt": "Ritning över förskolan".encode()},
        descriptive=None,
    )
    aip = ingest_sip(sip)

    records = extract_aip(aip)

    assert len(records) == 1
    package = records[0]
    assert package.kind == "package" and package.title == "Skannade ritningar 1975"
    assert package.records_creator_name == "Hörby kommun, bygg- och miljönämnden"  # METS
    assert _file_names(package) == ["leveransbeskrivning.txt", "ritning.txt"]


def test_extraction_is_idempotent(ingest_sip, tmp_path):
    aip = ingest_sip(build_erms_sip(tmp_path / "in", version=3))
    first = extract_aip(aip)
    links = sorted(RecordFile.objects.filter(record__aip=aip).values_list("aip_file_id", flat=True))

    second = extract_aip(aip)

    assert Record.objects.filter(aip=aip).count() == len(first) == len(second) == 12
    # Stable ids: what staff decided about a record (secrecy, requests) survives a reindex.
    assert [r.pk for r in first] == [r.pk for r in second]
    again = sorted(RecordFile.objects.filter(record__aip=aip).values_list("aip_file_id", flat=True))
    assert again == links
    assert [r.title for r in first] == [r.title for r in second]


def test_references_outside_the_aip_are_never_linked(ingest_sip, tmp_path):
    data = erms_v3_bytes().decode()
    first = "representations/rep1/data/BN-2023-145/ansökan om bygglov.pdf"
    data = data.replace(f'path="{first}"', 'path="../../../../../../etc/passwd"')
    second = "representations/rep1/data/BN-2023-145/ritning fasad och plan.pdf"
    data = data.replace(
        f'path="{second}"', 'path="file:///C:/Diarium/ritning%20fasad%20och%20plan.pdf"'
    )
    aip = ingest_sip(sip_with(tmp_path / "in", "sip-konstiga-sokvagar", "erms.xml", data.encode()))

    extract_aip(aip)

    application, drawing, _ = Record.objects.filter(aip=aip, kind="document").order_by("order")[:3]
    assert _file_names(application) == []
    assert application.extra["unresolved_files"] == ["../../../../../../etc/passwd"]
    assert _file_names(drawing) == []  # an absolute Windows path names no AIP file
    assert all(
        p.path.startswith(("submission/", "metadata/", "schemas/", "METS.xml"))
        for p in aip.files.all()
    )


def test_a_plain_text_description_is_kept_as_text(ingest_sip, tmp_path):
    data = "Leverans av bygglovsakter.\nInnehåller ritningar för förskolan.\n".encode("cp1252")
    sip = sip_with(tmp_path / "in", "sip-textbeskrivning", "beskrivning.txt", data,
                   other_mdtype="TEXT")  # fmt: skip
    aip = ingest_sip(sip)

    (package,) = extract_aip(aip)

    assert package.kind == "package" and package.title == "Testleverans"
    assert "Innehåller ritningar för förskolan." in package.description
    assert package.extra["sources"][0].endswith("metadata/descriptive/beskrivning.txt")


def test_an_fgs1_export_among_the_content_is_found_without_a_dmdsec(ingest_sip, tmp_path):
    files = case_files(DEFAULT_CASES) | {
        "export/arendehantering.xml": erms_descriptive(DEFAULT_CASES, 1).data
    }
    sip = build_sip(
        tmp_path / "in", "sip-fgs-export", label="Diabas-export", files=files, descriptive=None
    )
    aip = ingest_sip(sip)

    records = extract_aip(aip)

    assert sorted(_cases(aip)) == ["BN 2023/145", "BN 2023/212", "BN 2023/301"]
    assert all(r.source_format == "fgs-erms1" for r in records)
    assert records[0].source_path.endswith("representations/rep1/data/export/arendehantering.xml")
    assert RecordFile.objects.filter(record__aip=aip).count() == 9


def test_unreadable_storage_raises_and_keeps_the_old_records(ingest_sip, tmp_path, monkeypatch):
    from samarkiv.catalog.records import aipfiles
    from samarkiv.storage.location import StorageError

    aip = ingest_sip(build_erms_sip(tmp_path / "in"))
    before = {r.pk for r in extract_aip(aip)}

    def broken(*args, **kwargs):
        raise StorageError("lagringsplatsen svarar inte")

    monkeypatch.setattr(aipfiles, "location", lambda name: type("L", (), {"open_file": broken}))

    with pytest.raises(StorageError):
        extract_aip(aip)

    assert set(Record.objects.filter(aip=aip).values_list("pk", flat=True)) == before
