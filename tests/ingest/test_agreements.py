"""Ingest holds every delivery to its submission agreement, and records it in the audit log.

Real SIPs (the demo SIP is XML, XSD and plain text: fmt/101, x-fmt/280, x-fmt/111 by
siegfried), real OCFL storage; the archive here has three local locations so that an
agreement's storage policy can be told apart from the tenant's.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry
from samarkiv.delivery.agreements import (
    AgreementInactiveError,
    AgreementPolicyError,
    package_specification,
)
from samarkiv.delivery.choices import Specification
from samarkiv.delivery.models import MANUAL_AGREEMENT, SubmissionAgreement
from samarkiv.ingest import copies
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.demo_packages import VALID_NAME, build_valid_sip
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.packages.namespaces import CSIP, q
from samarkiv.preservation.choices import AipState
from samarkiv.preservation.locations import location
from samarkiv.preservation.models import Aip, PreservationEvent, StoredCopy

pytestmark = pytest.mark.django_db

TEXT_FILES = {
    "documentation/leveransbeskrivning.txt",
    "representations/rep1/data/protokoll-2024-01-15.txt",
}


@pytest.fixture
def home(home: Path, settings) -> Path:
    """A private archive: ``primary`` (every tenant's policy) and ``vault`` + ``offsite``
    (the policy ``arkivvalv``, which only an agreement names)."""
    base = home
    settings.SAMARKIV_STORAGE = {
        "locations": {
            "primary": {"type": "local", "path": str(base / "storage" / "primary")},
            "vault": {"type": "local", "path": str(base / "vault")},
            "offsite": {"type": "local", "path": str(base / "offsite")},
        },
        "policies": {"default": ["primary"], "arkivvalv": ["vault", "offsite"]},
    }
    return base


@pytest.fixture
def sip(tmp_path: Path) -> Path:
    return build_valid_sip(tmp_path / "deliveries")


def agreement(code: str = "ks-diarium", **fields) -> SubmissionAgreement:
    values = {"name": "Kommunstyrelsens diarium", "specifications": ["eark2"], **fields}
    return SubmissionAgreement.objects.create(tenant_id="lund", code=code, **values)


def run(source: Path, **options):
    return ingest(IngestRequest(source, "lund", actor="user:anna", **options))


def stored_nowhere() -> bool:
    return all(list(location(n).list_objects()) == [] for n in ("primary", "vault", "offsite"))


def errors_of(row: Ingest) -> list[dict]:
    return [f for f in row.validation["findings"] if f["severity"] == "error"]


# --------------------------------------------------------------------------- specifications


def test_an_agreement_for_fgs1_only_rejects_an_eark_sip(home, sip):
    agreement("fgs-arkiv", name="Gamla FGS-leveranser", specifications=["fgs1"])
    receipt = run(sip, agreement="fgs-arkiv")
    row = Ingest.objects.get()
    assert (receipt.state, row.state) == ("rejected", IngestState.REJECTED)
    assert "fgs-arkiv" in receipt.message and receipt.errors == 1
    [finding] = errors_of(row)
    assert finding["rule_id"] == "AGREEMENT-SPECIFICATION"
    assert "'fgs-arkiv' (Gamla FGS-leveranser) accepts fgs1" in finding["message"]
    assert "csip-2" in finding["message"]
    assert row.agreement == "fgs-arkiv"
    assert not Aip.objects.exists() and stored_nowhere()
    assert list((home / "workspaces").iterdir()) == []


def test_an_eark_agreement_takes_the_eark_sip_and_the_aip_remembers_it(home, sip):
    agreement(specifications=["fgs1", "eark2"])
    receipt = run(sip, agreement="ks-diarium")
    assert receipt.state == "done", receipt.message
    aip = Aip.objects.get()
    assert aip.agreement == "ks-diarium" == Ingest.objects.get().agreement
    start = PreservationEvent.objects.get(aip=aip, event_type="ingestion start")
    assert "under submission agreement 'ks-diarium'" in start.detail


def test_a_siard_database_in_an_eark_sip_is_a_siard_delivery(home, sip):
    mets = sip / "METS.xml"
    tree = etree.parse(str(mets))
    tree.getroot().set(q(CSIP, "CONTENTINFORMATIONTYPE"), "SIARD2")
    tree.write(str(mets), xml_declaration=True, encoding="UTF-8")
    agreement(specifications=["eark2"])
    receipt = run(sip, agreement="ks-diarium")
    assert receipt.state == "rejected", receipt.message
    [finding] = errors_of(Ingest.objects.get())
    assert finding["rule_id"] == "AGREEMENT-SPECIFICATION"
    assert "content SIARD2" in finding["message"]
    agreement("databaser", specifications=["siard"])
    assert run(sip, agreement="databaser").state == "done"


@pytest.mark.parametrize(
    ("reported", "content", "expected"),
    [
        ("csip-2.2", "MIXED", Specification.EARK2),
        ("csip-2.1", "", Specification.EARK2),
        ("csip-2.0.4", "SIARDDK", Specification.SIARD),
        ("csip-2.2", "citssiard_v1_0", Specification.SIARD),
        ("csip-2.1", "ERMS", Specification.ERMS),
        ("fgs-1.1", "", Specification.FGS1),
        ("fgs-1.2", "", Specification.FGS1),
        ("unknown", "", None),
    ],
)
def test_what_a_package_is_in_the_agreements_terms(reported, content, expected):
    assert package_specification(reported, content) == expected


# --------------------------------------------------------------------------- formats


def test_formats_the_agreement_does_not_list_reject_the_sip_naming_each_file(home, sip):
    agreement(allowed_formats=["fmt/101", "x-fmt/280", "fmt/95"])
    receipt = run(sip, agreement="ks-diarium")
    row = Ingest.objects.get()
    assert (receipt.state, row.state) == ("rejected", IngestState.REJECTED), row.message
    findings = errors_of(row)
    assert {f["rule_id"] for f in findings} == {"AGREEMENT-FORMAT"}
    assert {f["path"] for f in findings} == TEXT_FILES
    for finding in findings:
        assert f"'{finding['path']}' is x-fmt/111 (Plain Text File)" in finding["message"]
        assert "accepts only fmt/101, fmt/95, x-fmt/280" in finding["message"]
    assert receipt.errors == 2
    assert not Aip.objects.exists() and stored_nowhere()
    identified = PreservationEvent.objects.get(ingest=row, event_type="format identification")
    assert identified.aip_id is None
    assert list((home / "workspaces").iterdir()) == []


def test_a_sip_in_listed_formats_only_is_taken(home, sip):
    agreement(allowed_formats=["fmt/101", "x-fmt/280", "x-fmt/111"])
    receipt = run(sip, agreement="ks-diarium")
    assert receipt.state == "done", receipt.message
    events = PreservationEvent.objects.filter(aip__isnull=False, event_type="format identification")
    assert events.count() == 1  # identified once, before staging, and not again


# --------------------------------------------------------------------------- storage policy


def test_the_agreements_storage_policy_decides_where_the_aip_is_stored(home, sip):
    agreement(storage_policy="arkivvalv")
    receipt = run(sip, agreement="ks-diarium")
    assert receipt.state == "done", receipt.message
    aip = Aip.objects.get()
    assert aip.state == AipState.PRESERVED
    assert set(StoredCopy.objects.filter(aip=aip).values_list("location", flat=True)) == {
        "vault",
        "offsite",
    }
    assert [c.location for c in receipt.copies] == ["offsite", "vault"]
    assert location("vault").exists(aip.id) and location("offsite").exists(aip.id)
    assert list(location("primary").list_objects()) == []
    assert copies.policy(aip.tenant_id, aip.agreement) == ("vault", "offsite")


def test_audits_follow_the_agreements_policy_not_the_tenants(home, sip):
    """A full audit must not "repair" the AIP into the tenant's own location."""
    from samarkiv.preservation.audit import run_audit

    agreement(storage_policy="arkivvalv")
    assert run(sip, agreement="ks-diarium").state == "done"
    aip = Aip.objects.get()
    for name in ("primary", "vault", "offsite"):
        audit = run_audit(name)
        assert audit.unrepairable == 0 and audit.repaired == 0, name
    assert list(location("primary").list_objects()) == []
    assert Aip.objects.get().state == AipState.PRESERVED
    assert set(StoredCopy.objects.filter(aip=aip).values_list("location", flat=True)) == {
        "vault",
        "offsite",
    }


def test_the_aip_mets_names_its_agreement_so_a_rebuild_keeps_it(home, sip):
    from samarkiv.preservation.rebuild import rebuild_catalog

    agreement(storage_policy="arkivvalv")
    assert run(sip, agreement="ks-diarium").state == "done"
    aip = Aip.objects.get()
    from samarkiv.packages.aip import aip_folder_name

    with location("vault").open_file(aip.id, f"{aip_folder_name(aip.id)}/METS.xml") as mets:
        assert b'<altRecordID TYPE="SUBMISSIONAGREEMENT">ks-diarium<' in mets.read()
    Aip.objects.all().delete()
    rebuild_catalog()
    assert Aip.objects.get().agreement == "ks-diarium"


def test_without_a_storage_policy_the_tenants_policy_applies(home, sip):
    agreement()
    assert run(sip, agreement="ks-diarium").state == "done"
    aip = Aip.objects.get()
    assert list(StoredCopy.objects.filter(aip=aip).values_list("location", flat=True)) == [
        "primary"
    ]
    assert list(location("vault").list_objects()) == []


def test_a_storage_policy_gone_from_the_configuration_refuses_before_anything(home, sip, settings):
    agreement(storage_policy="arkivvalv")
    settings.SAMARKIV_STORAGE = {**settings.SAMARKIV_STORAGE, "policies": {"default": ["primary"]}}
    with pytest.raises(AgreementPolicyError, match="arkivvalv"):
        run(sip, agreement="ks-diarium")
    assert not Ingest.objects.exists() and stored_nowhere()


# --------------------------------------------------------------------------- validity


@pytest.mark.parametrize(
    "fields",
    [
        {"active": False},
        {"valid_until": timezone.localdate() - timedelta(days=1)},
        {"valid_from": timezone.localdate() + timedelta(days=1)},
    ],
    ids=["deactivated", "ended", "not-yet"],
)
def test_an_agreement_not_in_force_refuses_before_anything_is_written(home, sip, fields):
    agreement(**fields)
    with pytest.raises(AgreementInactiveError) as refused:
        run(sip, agreement="ks-diarium")
    assert refused.value.code == "agreement_inactive"
    assert not Ingest.objects.exists() and stored_nowhere()


def test_an_agreement_can_be_named_by_its_primary_key(home, sip):
    row = agreement()
    assert run(sip, agreement=row.pk).state == "done"
    assert Aip.objects.get().agreement == "ks-diarium"


def test_another_tenants_agreement_is_unknown(home, sip):
    SubmissionAgreement.objects.create(
        tenant_id="ystad", code="ystad-avtal", name="Ystad", specifications=["eark2"]
    )
    with pytest.raises(Exception, match="no submission agreement 'ystad-avtal'") as refused:
        run(sip, agreement="ystad-avtal")
    assert refused.value.code == "unknown_agreement"


# --------------------------------------------------------------------------- audit log


def test_a_preserved_sip_is_recorded_in_the_audit_log(home, sip):
    receipt = run(sip)
    entry = AuditEntry.objects.get(action=AuditAction.INGEST)
    assert (entry.actor, entry.tenant, entry.outcome) == ("user:anna", "lund", "success")
    assert (entry.object_type, entry.object_id) == ("preservation.aip", receipt.aip_id)
    assert entry.detail["state"] == "done" and entry.detail["sip_objid"] == VALID_NAME
    assert entry.detail["agreement"] == MANUAL_AGREEMENT
    assert entry.detail["ingest"] == receipt.ingest_id


def test_a_rejected_sip_is_recorded_as_a_failure(home, sip):
    agreement(specifications=["fgs1"])
    receipt = run(sip, agreement="ks-diarium")
    entry = AuditEntry.objects.get(action=AuditAction.INGEST)
    assert entry.outcome == AuditOutcome.FAILURE
    assert (entry.object_type, entry.object_id) == ("ingest.ingest", receipt.ingest_id)
    assert entry.detail["state"] == "rejected" and entry.detail["sip_objid"] == VALID_NAME


def test_a_refused_delivery_is_recorded_too(home, sip):
    agreement(active=False)
    with pytest.raises(AgreementInactiveError):
        run(sip, agreement="ks-diarium")
    entry = AuditEntry.objects.get(action=AuditAction.INGEST)
    assert (entry.outcome, entry.tenant, entry.actor) == ("failure", "lund", "user:anna")
    assert entry.detail["error"] == "agreement_inactive"
    assert entry.detail["agreement"] == "ks-diarium"
