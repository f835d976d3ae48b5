"""Submission agreements: the tenant's list, the form with errors per field in Swedish,
and another tenant's agreements out of reach."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samarkiv.accounts.roles import Role
from samarkiv.catalog.models import RecordsCreator
from samarkiv.delivery.models import SubmissionAgreement
from tests.manage.conftest import MARK, OWN, client_for, make_user

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def creator() -> RecordsCreator:
    return RecordsCreator.objects.create(tenant_id=OWN, code="ks", name="Kommunstyrelsen")


def _form(creator, **changes) -> dict:
    data = {
        "code": "ks-diarium",
        "name": "Kommunstyrelsens diarium",
        "records_creator": creator.pk,
        "business_system": "Ciceron",
        "information_type": "Ärenden",
        "specifications": ["eark2", "erms"],
        "allowed_formats": "fmt/95\n\n  fmt/354 \nx-fmt/18\n",
        "storage_policy": "",
        "valid_from": "2025-01-01",
        "valid_until": "",
        "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_list_shows_own_agreements_only(archivist, other_agreement) -> None:
    body = client_for(archivist).get(reverse("manage:agreements")).content.decode()
    assert "Manuell leverans" in body  # every tenant's seeded agreement
    assert reverse("manage:agreement_new") in body
    assert MARK not in body


def test_auditor_reads_the_list_without_edit_controls() -> None:
    auditor = make_user("bjuv.granskare", OWN, Role.AUDITOR)
    client = client_for(auditor)
    body = client.get(reverse("manage:agreements")).content.decode()
    assert "Manuell leverans" in body
    assert reverse("manage:agreement_new") not in body and "Avaktivera" not in body
    agreement = SubmissionAgreement.objects.get(tenant_id=OWN, code="manuell-leverans")
    edit = reverse("manage:agreement_edit", kwargs={"pk": agreement.pk})
    assert client.get(edit).status_code == 403
    deactivate = reverse("manage:agreement_deactivate", kwargs={"pk": agreement.pk})
    assert client.post(deactivate).status_code == 403
    assert SubmissionAgreement.objects.get(pk=agreement.pk).active


def test_new_agreement_form_offers_only_own_records_creators(archivist, creator) -> None:
    RecordsCreator.objects.create(tenant_id="ystad", code=MARK, name=f"{MARK} nämnd")
    body = client_for(archivist).get(reverse("manage:agreement_new")).content.decode()
    assert "Kommunstyrelsen" in body and MARK not in body
    assert "<legend>Tillåtna specifikationer</legend>" in body
    assert 'type="checkbox" name="specifications" value="siard"' in body
    assert 'name="allowed_formats"' in body and "<textarea" in body


def test_archivist_creates_an_agreement(archivist, creator) -> None:
    response = client_for(archivist).post(reverse("manage:agreement_new"), _form(creator))
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:agreements")
    saved = SubmissionAgreement.objects.get(tenant_id=OWN, code="ks-diarium")
    assert saved.name == "Kommunstyrelsens diarium"
    assert saved.records_creator == creator
    assert sorted(saved.specifications) == ["eark2", "erms"]
    assert saved.allowed_formats == ["fmt/95", "fmt/354", "x-fmt/18"]
    assert saved.active and str(saved.valid_from) == "2025-01-01"
    page = client_for(archivist).get(reverse("manage:agreements")).content.decode()
    assert "Kommunstyrelsens diarium" in page


def test_errors_are_shown_per_field_in_swedish(archivist, creator) -> None:
    data = _form(
        creator,
        name="",
        specifications=None,
        allowed_formats="fmt/95\npdf",
        valid_until="2024-01-01",
    )
    response = client_for(archivist).post(reverse("manage:agreement_new"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Överenskommelsen kunde inte sparas" in body  # the error summary
    assert "Detta fält måste fyllas i." in body  # Django's own message, in Swedish
    assert "Välj minst en specifikation." in body
    assert "Inte ett PRONOM-id: pdf." in body
    assert "Slutdatumet ligger före startdatumet." in body
    assert 'aria-invalid="true"' in body
    assert not SubmissionAgreement.objects.filter(code="ks-diarium").exists()


def test_archivist_edits_and_deactivates_own_agreement(archivist, creator) -> None:
    client = client_for(archivist)
    client.post(reverse("manage:agreement_new"), _form(creator))
    agreement = SubmissionAgreement.objects.get(tenant_id=OWN, code="ks-diarium")
    edit = reverse("manage:agreement_edit", kwargs={"pk": agreement.pk})
    form = client.get(edit).content.decode()
    assert "fmt/95\nfmt/354\nx-fmt/18" in form
    response = client.post(edit, _form(creator, name="KS diarium (nytt namn)"))
    assert response.status_code == 302
    assert SubmissionAgreement.objects.get(pk=agreement.pk).name == "KS diarium (nytt namn)"

    deactivate = reverse("manage:agreement_deactivate", kwargs={"pk": agreement.pk})
    assert client.get(deactivate).status_code == 405
    assert client.post(deactivate).status_code == 302
    assert not SubmissionAgreement.objects.get(pk=agreement.pk).active
    listing = client.get(reverse("manage:agreements")).content.decode()
    assert "Avaktiverad" in listing


def test_another_tenants_agreement_is_not_found(archivist, other_agreement, creator) -> None:
    client = client_for(archivist)
    edit = reverse("manage:agreement_edit", kwargs={"pk": other_agreement.pk})
    assert client.get(edit).status_code == 404
    assert client.post(edit, _form(creator, name="kapad")).status_code == 404
    deactivate = reverse("manage:agreement_deactivate", kwargs={"pk": other_agreement.pk})
    assert client.post(deactivate).status_code == 404
    other_agreement.refresh_from_db()
    assert other_agreement.name == f"{MARK} avtal" and other_agreement.active
