"""Fixity audits against real copies: damage is found, repaired from the other copy, or flagged.

Every test ingests the demo SIP through the real pipeline, makes the offsite copy with
``replicate_object`` (on disk, or on the real S3 server), then damages stored bytes
behind the archive's back and runs ``run_audit`` as the CLI and the worker do.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from pathlib import Path

import pytest

from samarkiv.ingest import copies as ingest_copies
from samarkiv.ingest import demo_packages
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.preservation.audit import run_audit
from samarkiv.preservation.choices import AipState, AuditState, FindingKind, FindingState
from samarkiv.preservation.models import (
    Aip,
    AipFile,
    AuditFinding,
    AuditRun,
    PreservationEvent,
    StoredCopy,
)
from samarkiv.storage.inventory import version_state
from tests.preservation.support import Archive, ingest_demo, second_copy

pytestmark = pytest.mark.django_db


def unique_content(store, aip_id: str) -> list[tuple[str, str]]:
    """(content path, logical path) of files whose bytes are stored exactly once."""
    inventory = store.inventory(aip_id)
    logical = {digest: path for path, digest in version_state(inventory).items()}
    return sorted(
        (paths[0], logical[digest])
        for digest, paths in inventory["manifest"].items()
        if len(paths) == 1
    )


def events(aip: Aip, event_type: str) -> list[PreservationEvent]:
    return list(PreservationEvent.objects.filter(aip=aip, event_type=event_type))


@pytest.fixture
def aip(archive: Archive, tmp_path: Path) -> Aip:
    aip = ingest_demo(tmp_path / "sips")
    second_copy(aip)
    assert archive.primary.check_object(aip.id) == []
    assert archive.offsite.check_object(aip.id) == []
    return aip


def test_damage_in_either_copy_is_found_and_repaired_from_the_other(archive: Archive, aip: Aip):
    files = unique_content(archive.primary, aip.id)
    assert len(files) >= 6
    plan = [
        ("primary", "flip", FindingKind.CORRUPT),
        ("primary", "truncate", FindingKind.SIZE),
        ("primary", "delete", FindingKind.MISSING),
        ("offsite", "flip", FindingKind.CORRUPT),
        ("offsite", "truncate", FindingKind.SIZE),
        ("offsite", "delete", FindingKind.MISSING),
    ]
    originals, expected = {}, set()
    for (where, damage, kind), (content, _logical_path) in zip(plan, files, strict=False):
        tamper = archive.tamper[where]
        originals[(where, content)] = tamper.read(aip.id, content)
        getattr(tamper, damage)(aip.id, content)
        expected.add((where, content, kind))
    before = {c.pk: c.verified_at for c in StoredCopy.objects.filter(aip=aip)}

    run = run_audit()

    assert (run.state, run.healthy) == (AuditState.DONE, True), run.message
    found = {(f.location, f.content_path, f.kind) for f in run.findings.all()}
    assert found == expected  # 100 % of the damage, nothing else
    for finding in run.findings.all():
        assert finding.state == FindingState.REPAIRED
        assert finding.repaired_from == ("offsite" if finding.location == "primary" else "primary")
        assert finding.aip_id == aip.id and finding.logical_path
        assert finding.expected_sha256 and finding.detail
    for (where, content), data in originals.items():
        assert archive.tamper[where].read(aip.id, content) == data
    assert archive.primary.check_object(aip.id) == []
    assert archive.offsite.check_object(aip.id) == []
    assert (run.aips_checked, run.problems_found, run.repaired, run.unrepairable) == (1, 6, 6, 0)
    assert run.files_checked > 30 and run.bytes_checked > 0 and run.finished_at
    checks = events(aip, "fixity check")
    assert sorted(e.outcome for e in checks) == ["warning", "warning"]
    assert {"primary", "offsite"} == {e.detail.split(" in ")[1].split(":")[0] for e in checks}
    repairs = [e for e in events(aip, "replication") if "repaired" in e.detail]
    assert len(repairs) == 2 and all(e.outcome == "success" for e in repairs)
    assert "repaired 3 file(s)" in repairs[0].detail
    aip.refresh_from_db()
    assert aip.state == AipState.PRESERVED
    for copy in StoredCopy.objects.filter(aip=aip):
        assert copy.verified_at > before[copy.pk]  # the audit re-verified it


def test_a_healthy_archive_audits_clean_with_one_event_per_copy(archive: Archive, aip: Aip):
    run = run_audit()
    assert run.healthy and run.problems_found == 0 and run.findings.count() == 0
    assert sorted(e.outcome for e in events(aip, "fixity check")) == ["success", "success"]
    assert [e for e in events(aip, "replication") if "repaired" in e.detail] == []


def test_the_same_file_damaged_in_both_copies_flags_the_aip_damaged(
    archive: Archive, aip: Aip, caplog
):
    content, _logical_path = unique_content(archive.primary, aip.id)[0]
    archive.tamper["primary"].flip(aip.id, content)
    archive.tamper["offsite"].truncate(aip.id, content)
    damaged = {w: archive.tamper[w].read(aip.id, content) for w in ("primary", "offsite")}

    with caplog.at_level(logging.ERROR):
        run = run_audit()

    assert run.state == AuditState.DONE and not run.healthy
    assert (run.problems_found, run.repaired, run.unrepairable, run.damaged_aips) == (2, 0, 2, 1)
    assert {(f.location, f.state) for f in run.findings.all()} == {
        ("primary", FindingState.UNREPAIRABLE),
        ("offsite", FindingState.UNREPAIRABLE),
    }
    aip.refresh_from_db()
    assert aip.state == AipState.DAMAGED
    assert any("DAMAGED" in r.message and r.levelno == logging.ERROR for r in caplog.records)
    assert sorted(e.outcome for e in events(aip, "fixity check")) == ["failure", "failure"]
    for where, data in damaged.items():  # a damaged source never overwrote anything
        assert archive.tamper[where].read(aip.id, content) == data
    assert all(f.is_alert for f in AuditFinding.objects.filter(aip=aip))


def test_a_damaged_aip_is_preserved_again_once_every_copy_verifies(archive: Archive, aip: Aip):
    content, _logical_path = unique_content(archive.primary, aip.id)[0]
    good = archive.tamper["primary"].read(aip.id, content)
    for where in ("primary", "offsite"):
        archive.tamper[where].flip(aip.id, content)
    assert run_audit().damaged_aips == 1
    archive.tamper["primary"].write(aip.id, content, good)  # an archivist restores it

    run = run_audit()

    assert run.healthy and run.repaired == 1  # offsite repaired from the restored primary
    aip.refresh_from_db()
    assert aip.state == AipState.PRESERVED


def test_a_copy_missing_entirely_is_replicated_back(archive: Archive, aip: Aip):
    archive.offsite.remove_object(aip.id)
    run = run_audit(location_name="offsite")
    assert run.healthy and run.repaired == 1
    finding = run.findings.get()
    assert (finding.kind, finding.content_path, finding.repaired_from) == ("missing", "", "primary")
    assert archive.offsite.check_object(aip.id) == []


@pytest.mark.parametrize("archive", ["local"], indirect=True)
def test_a_copy_the_policy_requires_is_made_and_recorded(archive: Archive, tmp_path: Path):
    aip = ingest_demo(tmp_path / "sips")
    # The offsite copy is lost (a failed replication at ingest, a dead disk...).
    archive.offsite.remove_object(aip.id)
    StoredCopy.objects.filter(aip=aip, location="offsite").delete()
    Aip.objects.filter(id=aip.id).update(state=AipState.INCOMPLETE)
    run = run_audit(location_name="offsite")
    assert run.healthy and run.repaired == 1
    assert StoredCopy.objects.filter(aip=aip, location="offsite", version="v1").exists()
    assert archive.offsite.check_object(aip.id) == []
    aip.refresh_from_db()
    assert aip.state == AipState.PRESERVED, "every policy copy verified: preserved again"


@pytest.mark.parametrize("archive", ["local"], indirect=True)
def test_a_copy_behind_the_catalogue_gets_the_missing_versions(
    archive: Archive, aip: Aip, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(demo_packages, "PROTOKOLL", demo_packages.PROTOKOLL + "\n§ 3 Slut.\n")
    changed = demo_packages.build_valid_sip(tmp_path / "changed")
    # The offsite copy of v2 is not written at ingest (say the link was down).
    monkeypatch.setattr(ingest_copies, "write_other_copies", lambda aip: ["offsite: down"])
    assert ingest(IngestRequest(changed, "lund", new_version=True)).ok
    aip.refresh_from_db()
    assert (aip.version, archive.offsite.head_version(aip.id)) == ("v2", "v1")

    run = run_audit(location_name="offsite")

    assert run.healthy, [f.detail for f in run.findings.all()]
    assert "versions are missing" in run.findings.get().detail
    primary, offsite = archive.primary.inventory(aip.id), archive.offsite.inventory(aip.id)
    for version in ("v1", "v2"):
        assert version_state(offsite, version) == version_state(primary, version)
    copies = StoredCopy.objects.filter(aip=aip, location="offsite")
    assert sorted(copies.values_list("version", flat=True)) == ["v1", "v2"]


@pytest.mark.parametrize("archive", ["local"], indirect=True)
def test_catalogue_and_inventory_disagreement_is_reported_not_repaired(archive: Archive, aip: Aip):
    row = AipFile.objects.filter(aip=aip, path__endswith=".txt").first()
    true_digest = row.sha256
    AipFile.objects.filter(pk=row.pk).update(sha256="0" * 64)
    AipFile.objects.filter(aip=aip, path="METS.xml").delete()

    run = run_audit()

    assert run.state == AuditState.DONE and not run.healthy
    findings = list(run.findings.all())
    assert {f.kind for f in findings} == {FindingKind.CATALOGUE}
    assert {f.state for f in findings} == {FindingState.OPEN}
    assert Counter(f.location for f in findings) == {"primary": 2, "offsite": 2}
    wrong = next(f for f in findings if f.logical_path == row.path)
    assert (wrong.expected_sha256, wrong.actual_sha256) == ("0" * 64, true_digest)
    assert any("METS.xml is not in the catalogue" in f.detail for f in findings)
    assert archive.primary.check_object(aip.id) == []  # storage was right and left alone
    aip.refresh_from_db()
    assert aip.state == AipState.PRESERVED  # no bytes are lost


@pytest.mark.parametrize("archive", ["local"], indirect=True)
def test_sampling_audits_a_random_subset(archive: Archive, tmp_path: Path):
    aips = [ingest_demo(tmp_path / f"s{i}", name=f"sip-urval-{i}") for i in range(4)]

    quarter = run_audit(location_name="primary", sample_pct=25, rng=random.Random(4))
    half = run_audit(location_name="primary", sample_pct=50, rng=random.Random(5))

    assert (quarter.aips_checked, half.aips_checked) == (1, 2)
    assert quarter.sample_pct == 25
    checked = Counter(
        PreservationEvent.objects.filter(event_type="fixity check").values_list("aip", flat=True)
    )
    assert sum(checked.values()) == 3 and set(checked) <= {a.id for a in aips}
    assert run_audit("primary", sample_pct=1).aips_checked == 1  # at least one, system random


@pytest.mark.parametrize("archive", ["local"], indirect=True)
def test_a_tenant_audit_only_touches_that_tenant(archive: Archive, tmp_path: Path):
    lund = ingest_demo(tmp_path / "a", tenant="lund")
    horby = ingest_demo(tmp_path / "b", tenant="horby")
    run = run_audit(location_name="primary", tenant="horby")
    assert run.aips_checked == 1 and run.tenant_id == "horby"
    assert events(horby, "fixity check") and not events(lund, "fixity check")


@pytest.mark.parametrize("archive", ["local"], indirect=True)
def test_bad_arguments_are_refused_before_anything_runs(archive: Archive):
    from samarkiv.catalog.tenants import UnknownTenantError
    from samarkiv.errors import UsageError

    with pytest.raises(UsageError, match="no storage location"):
        run_audit(location_name="tape")
    with pytest.raises(UnknownTenantError):
        run_audit(tenant="atlantis")
    with pytest.raises(UsageError, match="1-100"):
        run_audit(sample_pct=0)
    assert AuditRun.objects.count() == 0
