"""Submission agreements as the staff pages keep them: lookup, rules, tenancy, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from samarkiv.accounts.models import Membership
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import operator_scope, user_scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.catalog.models import RecordsCreator
from samarkiv.delivery.agreements import (
    AgreementInactiveError,
    InvalidAgreementError,
    UnknownAgreementError,
    deactivate_agreement,
    get_agreement,
    list_agreements,
    resolve_agreement,
    save_agreement,
)
from samarkiv.delivery.models import MANUAL_AGREEMENT, SubmissionAgreement
from samarkiv.errors import AccessDeniedError, ConflictError, NotFoundError

pytestmark = [pytest.mark.db, pytest.mark.django_db]

OWN, OTHER = "bjuv", "ystad"
VALID = {
    "code": "ks-diarium",
    "name": "Kommunstyrelsens diarium",
    "specifications": ["eark2", "fgs1"],
    "allowed_formats": ["fmt/95", "x-fmt/18", "fmt/95"],
    "business_system": "Public 360",
}


def person(name: str, tenant: str, role: Role):
    user = get_user_model().objects.create_user(name, f"{name}@example.se")
    Membership.objects.create(user=user, tenant_id=tenant, role=role)
    return user


def scope_of(user, tenant: str = OWN):
    return user_scope(user, tenant)


@pytest.fixture
def archivist():
    return scope_of(person("arkivarie", OWN, Role.ARCHIVIST))


@pytest.fixture
def theirs() -> SubmissionAgreement:
    return SubmissionAgreement.objects.create(
        tenant_id=OTHER, code="ystad-avtal", name="Ystads avtal", specifications=["eark2"]
    )


def config_changes() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.CONFIG_CHANGE).order_by("seq"))


# --------------------------------------------------------------------------- lookup


def test_no_code_means_the_tenants_manual_agreement():
    found = resolve_agreement(OWN)
    assert (found.tenant_id, found.code) == (OWN, MANUAL_AGREEMENT)
    assert resolve_agreement(OWN, "").pk == found.pk == resolve_agreement(OWN, found.pk).pk


def test_unknown_and_other_tenants_agreements_are_unknown(theirs):
    for key in ("finns-inte", "ystad-avtal", theirs.pk):
        with pytest.raises(UnknownAgreementError) as refused:
            resolve_agreement(OWN, key)
        assert refused.value.code == "unknown_agreement" and refused.value.exit_code == 2


def test_the_validity_period_is_inclusive():
    today = date(2025, 3, 1)
    SubmissionAgreement.objects.create(
        tenant_id=OWN,
        code="period",
        name="Period",
        specifications=["eark2"],
        valid_from=today,
        valid_until=today + timedelta(days=30),
    )
    assert resolve_agreement(OWN, "period", on=today).code == "period"
    assert resolve_agreement(OWN, "period", on=today + timedelta(days=30)).code == "period"
    for day in (today - timedelta(days=1), today + timedelta(days=31)):
        with pytest.raises(AgreementInactiveError):
            resolve_agreement(OWN, "period", on=day)


# --------------------------------------------------------------------------- saving


def test_an_archivist_creates_an_agreement_in_the_own_tenant_and_it_is_audited(archivist):
    creator = RecordsCreator.objects.create(tenant_id=OWN, code="ks", name="Kommunstyrelsen")
    saved = save_agreement(archivist, None, {**VALID, "records_creator": creator.pk})
    saved.refresh_from_db()
    assert (saved.tenant_id, saved.code, saved.records_creator) == (OWN, "ks-diarium", creator)
    assert saved.allowed_formats == ["fmt/95", "x-fmt/18"]  # duplicates dropped
    assert saved.specifications == ["eark2", "fgs1"] and saved.active
    [entry] = config_changes()
    assert (entry.actor, entry.tenant, entry.object_id) == ("user:arkivarie", OWN, str(saved.pk))
    assert entry.object_type == "delivery.submissionagreement"
    assert entry.detail["created"] is True and entry.detail["agreement"] == "ks-diarium"
    changed = entry.detail["changed"]
    assert changed["records_creator"] == [None, "ks"]
    assert changed["allowed_formats"] == [None, ["fmt/95", "x-fmt/18"]]


def test_a_change_is_audited_with_only_the_changed_fields(archivist):
    saved = save_agreement(archivist, None, VALID)
    depositor = person("registrator", OWN, Role.REGISTRAR)
    save_agreement(
        archivist,
        saved,
        {**VALID, "name": "KS diarium", "depositors": [depositor], "valid_until": "2030-12-31"},
    )
    saved.refresh_from_db()
    assert saved.name == "KS diarium" and saved.valid_until == date(2030, 12, 31)
    assert list(saved.depositors.all()) == [depositor]
    entry = config_changes()[-1]
    assert entry.detail["created"] is False
    assert entry.detail["changed"] == {
        "name": ["Kommunstyrelsens diarium", "KS diarium"],
        "depositors": [[], ["registrator"]],
        "valid_until": [None, "2030-12-31"],
    }


def test_fields_left_out_keep_their_values(archivist):
    saved = save_agreement(archivist, None, VALID)
    save_agreement(archivist, saved, {"information_type": "Diarium"})
    saved.refresh_from_db()
    assert (saved.name, saved.information_type) == (VALID["name"], "Diarium")
    assert saved.allowed_formats == ["fmt/95", "x-fmt/18"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"specifications": ["eark2", "pdf"]}, "specifications"),
        ({"specifications": []}, "specifications"),
        ({"allowed_formats": ["fmt/95", "pdf/a"]}, "allowed_formats"),
        ({"allowed_formats": ["sfw/1"]}, "allowed_formats"),
        ({"storage_policy": "finns-inte"}, "storage_policy"),
        ({"valid_from": "2030-01-01", "valid_until": "2029-01-01"}, "valid_until"),
        ({"valid_from": "igår"}, "valid_from"),
        ({"code": "å ä ö"}, "code"),
        ({"name": "  "}, "name"),
    ],
)
def test_broken_rules_are_reported_per_field_and_nothing_is_saved(archivist, data, field):
    with pytest.raises(InvalidAgreementError) as refused:
        save_agreement(archivist, None, {**VALID, **data})
    assert field in refused.value.errors
    assert refused.value.to_dict()["errors"][field]
    assert not SubmissionAgreement.objects.filter(code=VALID["code"]).exists()
    assert config_changes() == []


def test_a_new_agreement_needs_code_name_and_specifications(archivist):
    with pytest.raises(InvalidAgreementError) as refused:
        save_agreement(archivist, None, {"business_system": "Ciceron"})
    assert set(refused.value.errors) == {"code", "name", "specifications"}


def test_objects_of_another_tenant_cannot_be_linked(archivist, theirs):
    creator = RecordsCreator.objects.create(tenant_id=OTHER, code="ystad-ks", name="Ystad KS")
    outsider = person("ystadbo", OTHER, Role.REGISTRAR)
    with pytest.raises(InvalidAgreementError) as refused:
        save_agreement(
            archivist, None, {**VALID, "records_creator": creator, "depositors": [outsider.pk]}
        )
    assert set(refused.value.errors) == {"records_creator", "depositors"}


def test_the_code_is_unique_per_tenant_and_fixed_once_made(archivist):
    saved = save_agreement(archivist, None, VALID)
    with pytest.raises(InvalidAgreementError) as duplicate:
        save_agreement(archivist, None, VALID)
    assert "code" in duplicate.value.errors
    with pytest.raises(InvalidAgreementError) as renamed:
        save_agreement(archivist, saved, {"code": "nytt"})
    assert "code" in renamed.value.errors
    other = save_agreement(operator_scope(), None, {**VALID, "tenant": OTHER})
    assert other.tenant_id == OTHER  # the same code in another tenant is another agreement


def test_the_storage_policy_must_exist_in_the_configuration(archivist, settings):
    settings.SAMARKIV_STORAGE = {
        "locations": {"primary": {"type": "local"}, "vault": {"type": "local"}},
        "policies": {"default": ["primary"], "arkivvalv": ["vault", "primary"]},
    }
    saved = save_agreement(archivist, None, {**VALID, "storage_policy": "arkivvalv"})
    assert saved.storage_policy == "arkivvalv"


# --------------------------------------------------------------------------- tenancy


def test_an_archivist_cannot_change_another_tenants_agreement(archivist, theirs):
    with pytest.raises(NotFoundError):
        save_agreement(archivist, theirs, {"name": "Kapad"})
    with pytest.raises(NotFoundError):
        deactivate_agreement(archivist, theirs.pk)
    with pytest.raises(NotFoundError):
        get_agreement(archivist, theirs.pk)
    theirs.refresh_from_db()
    assert theirs.name == "Ystads avtal" and theirs.active
    assert config_changes() == []


def test_an_archivist_cannot_create_an_agreement_in_another_tenant(archivist):
    with pytest.raises(AccessDeniedError):
        save_agreement(archivist, None, {**VALID, "tenant": OTHER})
    assert not SubmissionAgreement.objects.filter(code=VALID["code"]).exists()


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.AUDITOR, Role.SYSTEM])
def test_roles_without_manage_agreements_are_refused(archivist, role):
    saved = save_agreement(archivist, None, VALID)
    scope = scope_of(person(f"p-{role}", OWN, role))
    with pytest.raises(AccessDeniedError):
        save_agreement(scope, None, {**VALID, "code": "annat"})
    with pytest.raises(AccessDeniedError):
        save_agreement(scope, saved, {"name": "Ändrat"})
    with pytest.raises(AccessDeniedError):
        deactivate_agreement(scope, saved.pk)
    saved.refresh_from_db()
    assert saved.name == VALID["name"] and saved.active


def test_the_list_shows_the_own_tenants_agreements_only(archivist, theirs):
    save_agreement(archivist, None, VALID)
    codes = set(list_agreements(archivist).values_list("code", flat=True))
    assert codes == {MANUAL_AGREEMENT, "ks-diarium"}
    auditor = scope_of(person("granskare", OWN, Role.AUDITOR))
    assert set(list_agreements(auditor).values_list("code", flat=True)) == codes
    admin = user_scope(person("plattform", "lund", Role.PLATFORM_ADMIN), "lund")
    assert not list_agreements(admin).exists()


# --------------------------------------------------------------------------- ending


def test_deactivating_ends_deliveries_under_it_and_is_audited(archivist):
    saved = save_agreement(archivist, None, VALID)
    deactivate_agreement(archivist, saved.pk)
    saved.refresh_from_db()
    assert not saved.active
    assert config_changes()[-1].detail["changed"] == {"active": [True, False]}
    with pytest.raises(AgreementInactiveError):
        resolve_agreement(OWN, "ks-diarium")
    assert saved.pk not in set(
        list_agreements(archivist, active_only=True).values_list("pk", flat=True)
    )


def test_the_manual_agreement_cannot_be_ended(archivist):
    manual = resolve_agreement(OWN)
    with pytest.raises(ConflictError):
        deactivate_agreement(archivist, manual.pk)
    with pytest.raises(InvalidAgreementError):
        save_agreement(archivist, manual, {"active": False})
    manual.refresh_from_db()
    assert manual.active
    assert resolve_agreement(OWN, on=timezone.localdate()).pk == manual.pk
