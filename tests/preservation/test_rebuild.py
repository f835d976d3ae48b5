"""`rebuild-catalog`: the catalogue recreated from the stored packages equals the original.

The archive holds several municipalities' demo deliveries, one AIP in two versions,
most AIPs in two locations and a history of audit events. The catalogue is snapshot,
wiped, rebuilt from storage alone, and compared row by row.

What cannot round-trip, and is therefore left out of the comparison: a copy's
``verified_at`` (it becomes the time the rebuild verified the copy; asserted to be
that). Everything else is compared, including event ids, times, details and agents,
file formats (PUID, name, version, MIME), the AIPs' creation times and versions, and
the link from each PREMIS event to the ingest that recorded it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from samarkiv.ingest import demo_packages
from samarkiv.ingest.demo_sips import build_demo_deliveries
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.preservation.audit import run_audit
from samarkiv.preservation.choices import AipState
from samarkiv.preservation.locations import location
from samarkiv.preservation.models import Aip, AipFile, PreservationEvent, StoredCopy
from samarkiv.preservation.rebuild import AUDIT_EVENTS, rebuild_catalog
from tests.preservation.support import disk_tamper, ingest_demo, second_copy

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[tuple]]:
    """Every catalogue fact about the AIPs that the packages must be able to restore."""
    return {
        "aips": sorted(
            Aip.objects.values_list(
                "id",
                "tenant_id",
                "sip_objid",
                "agreement",
                "label",
                "fingerprint",
                "state",
                "version",
                "file_count",
                "bytes",
                "created_at",
            )
        ),
        "files": sorted(
            AipFile.objects.values_list(
                "aip_id", "path", "size", "sha256", "puid", "format_name", "format_version", "mime"
            )
        ),
        "events": sorted(
            PreservationEvent.objects.filter(aip__isnull=False).values_list(
                "identifier",
                "aip_id",
                "ingest_id",
                "event_type",
                "date_time",
                "outcome",
                "detail",
                "outcome_detail",
                "agent",
            )
        ),
        "copies": sorted(StoredCopy.objects.values_list("aip_id", "location", "version", "url")),
    }


def wipe() -> None:
    StoredCopy.objects.all().delete()
    AipFile.objects.all().delete()
    PreservationEvent.objects.filter(aip__isnull=False).delete()
    Aip.objects.all().delete()


@pytest.fixture
def archive_with_history(home: Path, tmp_path: Path, monkeypatch) -> list[Aip]:
    for delivery in build_demo_deliveries(tmp_path / "demo"):
        assert ingest(IngestRequest(delivery.path, delivery.tenant_code)).ok
    versioned = ingest_demo(tmp_path / "v1")
    monkeypatch.setattr(demo_packages, "PROTOKOLL", demo_packages.PROTOKOLL + "\n§ 3 Slut.\n")
    changed = demo_packages.build_valid_sip(tmp_path / "v2")
    assert ingest(IngestRequest(changed, "lund", new_version=True)).ok
    aips = list(Aip.objects.order_by("id"))
    for aip in aips[1:]:  # the first AIP stays in one location only
        second_copy(aip)
    assert run_audit(location_name="primary").healthy  # fixity events the packages lack
    versioned.refresh_from_db()
    assert versioned.version == "v2"
    return aips


def assert_same(after: dict, before: dict) -> None:
    for table in ("aips", "files", "events", "copies"):
        lost = sorted(set(before[table]) - set(after[table]))
        made = sorted(set(after[table]) - set(before[table]))
        assert (lost, made) == ([], []), table
        assert after[table] == before[table], table


def without_audit_events(state: dict) -> dict:
    events = [e for e in state["events"] if e[3] not in AUDIT_EVENTS]
    return {**state, "events": events}


def test_a_lost_catalogue_is_rebuilt_equal_to_the_original(archive_with_history: list[Aip]):
    """Catalogue tables wiped (a lost database): everything the packages hold comes back."""
    before = snapshot()
    assert len(before["aips"]) >= 5 and len({a[1] for a in before["aips"]}) >= 4
    assert {e[3] for e in before["events"]} >= {"ingestion start", "fixity check"}
    assert all(e[2] for e in before["events"] if e[3] not in AUDIT_EVENTS)  # ingest links
    started = timezone.now()
    wipe()
    assert snapshot() == {"aips": [], "files": [], "events": [], "copies": []}

    result = rebuild_catalog()

    assert result.ok, result.to_dict()
    # The audits' own events were only ever in the lost database, not in the packages.
    assert_same(snapshot(), without_audit_events(before))
    assert result.aips == len(before["aips"]) and result.copies == len(before["copies"])
    assert all(c.verified_at >= started for c in StoredCopy.objects.all())


def test_a_rebuild_over_the_catalogue_keeps_everything_including_audit_history(
    archive_with_history: list[Aip],
):
    before = snapshot()
    result = rebuild_catalog()
    assert result.ok, result.to_dict()
    assert_same(snapshot(), before)
    assert result.kept_events == sum(1 for e in before["events"] if e[3] in AUDIT_EVENTS)
    rebuild_catalog()
    assert_same(snapshot(), before)  # and a second time changes nothing


def test_a_copy_that_fails_verification_is_not_recorded(home: Path, tmp_path: Path):
    both = ingest_demo(tmp_path / "a", name="sip-tva-kopior")
    only = ingest_demo(tmp_path / "b", name="sip-en-kopia")
    location("offsite").remove_object(only.id)  # its offsite copy is gone: one copy left
    second_copy(both)
    offsite = location("offsite")
    damaged_path = offsite.inventory(both.id)["manifest"].popitem()[1][0]
    disk_tamper(offsite).flip(both.id, damaged_path)
    primary = location("primary")
    lone_path = next(iter(primary.inventory(only.id)["manifest"].values()))[0]
    disk_tamper(primary).flip(only.id, lone_path)

    result = rebuild_catalog()

    assert not result.ok
    assert result.damaged == [only.id]  # its only copy is damaged: registered, flagged
    assert len(result.bad_copies) == 2
    copies = set(StoredCopy.objects.values_list("aip_id", "location"))
    assert copies == {(both.id, "primary")}
    assert Aip.objects.get(id=both.id).state == AipState.PRESERVED
    assert Aip.objects.get(id=only.id).state == AipState.DAMAGED
    # The next audit finds the unrecorded bad copy (the policy still requires it).
    run = run_audit(location_name="offsite")
    assert run.repaired >= 1 and StoredCopy.objects.filter(aip=both, location="offsite").exists()


def test_a_catalogued_aip_no_package_can_restore_keeps_its_rows_flagged(home: Path, tmp_path: Path):
    lost = ingest_demo(tmp_path / "a", name="sip-forlorad")
    garbled = ingest_demo(tmp_path / "b", name="sip-olasbar")
    files = {aip.id: AipFile.objects.filter(aip=aip).count() for aip in (lost, garbled)}
    primary = location("primary")
    for aip in (lost, garbled):  # no second copy to fall back on
        location("offsite").remove_object(aip.id)
    primary.remove_object(lost.id)
    mets = next(p for p in primary.logical_files(garbled.id) if p.endswith("/METS.xml"))
    inventory = primary.inventory(garbled.id)
    content = inventory["manifest"][primary.logical_files(garbled.id)[mets]][0]
    disk_tamper(primary).write(garbled.id, content, b"<mets")

    result = rebuild_catalog()

    assert sorted(result.damaged) == sorted([lost.id, garbled.id])
    notes = [str(n) for n in (*result.failed, *result.bad_copies)]
    assert any(garbled.id in note for note in notes), notes
    for aip in (lost, garbled):
        aip.refresh_from_db()  # still catalogued: the only record that it existed
        assert aip.state == AipState.DAMAGED
        assert AipFile.objects.filter(aip=aip).count() == files[aip.id]
        assert not StoredCopy.objects.filter(aip=aip).exists()
