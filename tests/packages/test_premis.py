"""PREMIS 3.0 writer and reader: schema-valid, exact round trip, streamed, atomic."""

from __future__ import annotations

import os
import stat
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from samarkiv.packages.atomic import atomic_open, atomic_write_bytes
from samarkiv.packages.model import (
    AgentType,
    EventOutcome,
    EventType,
    FileRecord,
    PremisAgent,
    PremisEvent,
)
from samarkiv.packages.namespaces import PREMIS3
from samarkiv.packages.premis import premis_schema_errors, read_premis, write_premis
from samarkiv.packages.safexml import XmlProblem

AIP_ID = "urn:uuid:5b1e4f3c-2a1d-5c6e-9f00-0123456789ab"
PREFIX = "submission/sip-hörby-2024/"
CEST = timezone(timedelta(hours=2))
NS = {"p": PREMIS3}

FILES = [
    FileRecord(
        "representations/rep1/data/protokoll åäö ÅÄÖ.txt",
        279,
        "28caa264d21af8e8d8aef2fb77a5378e2b394b176c3c46566374d6039cc43900",
        puid="x-fmt/111",
        format_name="Plain Text File",
        mime="text/plain",
        basis="extension match txt; text match ASCII",
        warning="match on extension only\nsecond line",
    ),
    FileRecord("METS.xml", 5556, "2c" * 32, "fmt/101", "Extensible Markup Language", "1.0"),
    FileRecord("documentation/okänd.bin", 1, "ef" * 32),  # unidentified
    FileRecord("representations/rep1/data/bild.tif", 10, "ab" * 32, puid="fmt/353"),
    FileRecord("representations/rep1/data/gammal.pdf", 7, "cd" * 32, format_name="PDF"),
]
AGENTS = [
    PremisAgent("samarkiv-0.1.0", "samarkiv", AgentType.SOFTWARE, "0.1.0"),
    PremisAgent("tenant:horby", "Hörby kommun", AgentType.ORGANIZATION),
    PremisAgent("user:anna", "Anna Andersson", AgentType.PERSON, "arkivarie"),
]
EVENTS = [
    PremisEvent(
        "6f2a0c4e-0000-4000-8000-000000000001",
        EventType.INGESTION_START,
        datetime(2024, 5, 3, 9, 0, tzinfo=CEST),
        EventOutcome.SUCCESS,
        agent_ids=("samarkiv-0.1.0", "tenant:horby"),
        object_ids=("sip-hörby-2024",),
    ),
    PremisEvent(
        "6f2a0c4e-0000-4000-8000-000000000002",
        EventType.FORMAT_IDENTIFICATION,
        datetime(2024, 5, 3, 7, 1, 30, 123000, tzinfo=UTC),
        EventOutcome.WARNING,
        detail="siegfried 1.11, PRONOM v120",
        outcome_detail="1 file unidentified",
        agent_ids=("samarkiv-0.1.0",),
        object_ids=tuple(f.path for f in FILES),
    ),
    PremisEvent(
        "6f2a0c4e-0000-4000-8000-000000000003",
        EventType.INFORMATION_PACKAGE_CREATION,
        datetime(2024, 5, 3, 9, 5, tzinfo=CEST),
        EventOutcome.SUCCESS,
        agent_ids=("samarkiv-0.1.0",),
        object_ids=(AIP_ID,),
    ),
]


def _write(path: Path, prefix: str = PREFIX) -> Path:
    write_premis(
        path,
        aip_id=AIP_ID,
        files=FILES,
        events=EVENTS,
        agents=AGENTS,
        representation_prefix=prefix,
    )
    return path


def test_written_premis_is_valid_against_the_premis_3_schema(tmp_path):
    assert premis_schema_errors(_write(tmp_path / "premis.xml")) == []


def test_reading_with_the_same_prefix_returns_exactly_what_was_written(tmp_path):
    files, events, agents = read_premis(
        _write(tmp_path / "premis.xml"), representation_prefix=PREFIX
    )
    assert files == FILES
    assert events == EVENTS
    assert agents == AGENTS


def test_without_a_prefix_paths_are_kept_as_they_are(tmp_path):
    files, events, _ = read_premis(_write(tmp_path / "premis.xml", prefix=""))
    assert files == FILES
    assert events == EVENTS


def test_objects_are_identified_by_aip_relative_path_and_keep_their_original_name(tmp_path):
    root = etree.parse(str(_write(tmp_path / "premis.xml"))).getroot()
    entity, first = root.findall("p:object", NS)[:2]
    xsi_type = "{http://www.w3.org/2001/XMLSchema-instance}type"
    assert entity.get(xsi_type) == "intellectualEntity"
    assert entity.findtext("p:objectIdentifier/p:objectIdentifierValue", namespaces=NS) == AIP_ID
    assert first.get(xsi_type) == "file"
    ident = first.find("p:objectIdentifier", NS)
    assert ident.findtext("p:objectIdentifierType", namespaces=NS) == "filepath"
    assert ident.findtext("p:objectIdentifierValue", namespaces=NS) == PREFIX + FILES[0].path
    assert first.findtext("p:originalName", namespaces=NS) == FILES[0].path
    fixity = first.find("p:objectCharacteristics/p:fixity", NS)
    assert fixity.findtext("p:messageDigestAlgorithm", namespaces=NS) == "SHA-256"
    assert fixity.findtext("p:messageDigestOriginator", namespaces=NS) == "samarkiv"
    related = first.find("p:relationship/p:relatedObjectIdentifier", NS)
    assert related.findtext("p:relatedObjectIdentifierValue", namespaces=NS) == AIP_ID


def test_event_links_name_their_agents_and_objects_with_matching_identifier_types(tmp_path):
    root = etree.parse(str(_write(tmp_path / "premis.xml"))).getroot()
    events = root.findall("p:event", NS)

    def links(event):
        return [
            (
                link.findtext("p:linkingObjectIdentifierType", namespaces=NS),
                link.findtext("p:linkingObjectIdentifierValue", namespaces=NS),
            )
            for link in event.findall("p:linkingObjectIdentifier", NS)
        ]

    assert links(events[0]) == [("local", "sip-hörby-2024")]
    assert links(events[1])[0] == ("filepath", PREFIX + FILES[0].path)
    assert links(events[2]) == [("repository", AIP_ID)]
    event_type = events[1].find("p:eventType", NS)
    assert event_type.get("valueURI") == "http://id.loc.gov/vocabulary/preservation/eventType/for"
    assert events[0].findtext("p:eventDateTime", namespaces=NS) == "2024-05-03T09:00:00+02:00"
    agent_links = events[0].findall("p:linkingAgentIdentifier/p:linkingAgentIdentifierValue", NS)
    assert [a.text for a in agent_links] == ["samarkiv-0.1.0", "tenant:horby"]


def test_an_event_without_a_time_zone_is_refused(tmp_path):
    naive = PremisEvent(
        "6f2a0c4e-0000-4000-8000-000000000009",
        EventType.VALIDATION,
        datetime(2024, 5, 3, 9, 0),
        EventOutcome.SUCCESS,
    )
    with pytest.raises(ValueError, match="time zone"):
        write_premis(tmp_path / "p.xml", aip_id=AIP_ID, files=[], events=[naive], agents=[])
    assert not (tmp_path / "p.xml").exists()


def test_a_failed_write_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    target = _write(tmp_path / "premis.xml")
    before = target.read_bytes()
    broken = [FileRecord("bad\x00name.txt", 1, "00" * 32)]  # not representable in XML
    with pytest.raises(ValueError):
        write_premis(target, aip_id=AIP_ID, files=broken, events=[], agents=[])
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["premis.xml"]


def test_the_reader_refuses_a_doctype_and_never_expands_entities(tmp_path):
    hostile = tmp_path / "premis.xml"
    hostile.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE premis [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f'<premis xmlns="{PREMIS3}" version="3.0"><object>&x;</object></premis>',
        encoding="utf-8",
    )
    with pytest.raises(XmlProblem) as caught:
        read_premis(hostile)
    assert caught.value.rule_id == "XML-DOCTYPE"


def test_the_reader_reports_broken_xml_as_an_xml_problem(tmp_path):
    broken = tmp_path / "premis.xml"
    broken.write_bytes(_write(tmp_path / "ok.xml").read_bytes()[:-40])
    with pytest.raises(XmlProblem) as caught:
        read_premis(broken)
    assert caught.value.rule_id == "XML-WELLFORMED"


def test_atomic_write_bytes_replaces_the_file_readably_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "METS.xml"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["METS.xml"]


def test_atomic_open_discards_the_new_content_when_the_block_fails(tmp_path):
    target = tmp_path / "premis.xml"
    atomic_write_bytes(target, b"old")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["premis.xml"]


@pytest.mark.slow
def test_premis_for_100k_files_is_written_and_read_in_bounded_time(tmp_path):
    files = [
        FileRecord(
            f"representations/rep1/data/mapp-{i // 1000:03d}/handling-{i:06d}.pdf",
            1000 + i,
            f"{i:064x}",
            puid="fmt/354",
            format_name="Acrobat PDF/A - Portable Document Format",
            format_version="1b",
            mime="application/pdf",
        )
        for i in range(100_000)
    ]
    event = EVENTS[1]
    target = tmp_path / "premis.xml"
    started = time.perf_counter()
    write_premis(
        target,
        aip_id=AIP_ID,
        files=files,
        events=[event],
        agents=AGENTS,
        representation_prefix=PREFIX,
    )
    written = time.perf_counter()
    read_files, _, _ = read_premis(target, representation_prefix=PREFIX)
    done = time.perf_counter()
    print(
        f"\nPREMIS for {len(files):,} files: {target.stat().st_size / 2**20:.0f} MiB, "
        f"written in {written - started:.1f} s, read back in {done - written:.1f} s"
    )
    assert len(read_files) == len(files)
    assert read_files[-1] == files[-1]


def test_the_reader_refuses_a_document_that_is_not_premis(tmp_path):
    other = tmp_path / "premis.xml"
    other.write_text('<mets xmlns="http://www.loc.gov/METS/"><metsHdr/></mets>', "utf-8")
    with pytest.raises(XmlProblem) as caught:
        read_premis(other)
    assert caught.value.rule_id == "XML-ROOT"
