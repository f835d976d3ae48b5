"""The delivery pages: the tenant's own deliveries only, filters, and the status block
that polls while a delivery is on its way."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from samarkiv.accounts.roles import Role
from samarkiv.delivery.choices import DeliveryState
from samarkiv.delivery.models import Delivery, SubmissionAgreement
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.models import Ingest
from tests.manage.conftest import MARK, OTHER, OWN, client_for, make_token, make_user, manual

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _delivery(tenant: str, filename: str, state=DeliveryState.QUEUED, **extra) -> Delivery:
    return Delivery.objects.create(
        tenant_id=tenant,
        agreement=extra.pop("agreement", None) or manual(tenant),
        filename=filename,
        state=state,
        **extra,
    )


def _finished_ingest(tenant: str, name: str) -> Ingest:
    receipt = {
        "ingest_id": "i-1",
        "state": "done",
        "tenant": tenant,
        "source": name,
        "aip_id": "aip-bjuv-1",
        "file_count": 3,
        "bytes": 1234,
    }
    return Ingest.objects.create(
        tenant_id=tenant,
        source_name=name,
        state=IngestState.DONE,
        aip_id="aip-bjuv-1",
        receipt=receipt,
        finished_at=timezone.now(),
    )


@pytest.fixture
def registrar():
    return make_user("bjuv.registrator", OWN, Role.REGISTRAR)


def test_list_shows_own_deliveries_and_not_another_tenants(registrar) -> None:
    token = make_token(OWN, "diarium", manual(OWN), "Diariet, produktion")
    _delivery(OWN, "bygglov-2023.zip", submitted_by=token.user, token=token)
    _delivery(OWN, "protokoll-2024.zip", DeliveryState.DONE, finished_at=timezone.now())
    _delivery(OTHER, f"{MARK}.zip")
    response = client_for(registrar).get(reverse("manage:deliveries"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "bygglov-2023.zip" in body and "protokoll-2024.zip" in body
    assert MARK not in body
    assert "2 leveranser, senaste först" in body
    assert "Systemet diarium (nyckel: Diariet, produktion)" in body
    assert "Bevarad" in body and "I kö" in body  # the state badges, in Swedish


def test_list_filters_by_state_and_agreement(registrar) -> None:
    other = SubmissionAgreement.objects.create(
        tenant_id=OWN, code="ks-diarium", name="KS diarium", specifications=["eark2"]
    )
    _delivery(OWN, "i-ko.zip")
    _delivery(OWN, "klar.zip", DeliveryState.DONE)
    _delivery(OWN, "diariet.zip", DeliveryState.DONE, agreement=other)
    client = client_for(registrar)
    body = client.get(reverse("manage:deliveries"), {"state": "done"}).content.decode()
    assert "klar.zip" in body and "diariet.zip" in body and "i-ko.zip" not in body
    body = client.get(reverse("manage:deliveries"), {"agreement": other.pk}).content.decode()
    assert "diariet.zip" in body and "klar.zip" not in body


def test_another_tenants_agreement_is_not_a_filter_choice(registrar, other_agreement) -> None:
    response = client_for(registrar).get(
        reverse("manage:deliveries"), {"agreement": other_agreement.pk}
    )
    assert response.status_code == 400
    assert MARK not in response.content.decode()


def test_unfinished_delivery_polls_its_status(registrar) -> None:
    delivery = _delivery(OWN, "pagar.zip", DeliveryState.INGESTING)
    client = client_for(registrar)
    body = client.get(
        reverse("manage:delivery_detail", kwargs={"pk": delivery.pk})
    ).content.decode()
    status_url = reverse("manage:delivery_status", kwargs={"pk": delivery.pk})
    assert f'hx-get="{status_url}?state=ingesting"' in body
    assert "htmx.min" in body and 'aria-live="polite"' in body
    assert "Inleverans pågår" in body

    unchanged = client.get(status_url, {"state": "ingesting"}, HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204

    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.REJECTED, message="Paketet är inte giltigt.", finished_at=timezone.now()
    )
    changed = client.get(status_url, {"state": "ingesting"}, HTTP_HX_REQUEST="true")
    fragment = changed.content.decode()
    assert changed.status_code == 200
    assert "Avvisad" in fragment and "Paketet är inte giltigt." in fragment
    assert "hx-get" not in fragment  # finished: the polling stops
    assert "<html" not in fragment


def test_finished_delivery_shows_the_receipt(registrar) -> None:
    ingest = _finished_ingest(OWN, "klar.zip")
    delivery = _delivery(OWN, "klar.zip", DeliveryState.DONE, ingest=ingest)
    client = client_for(registrar)
    response = client.get(reverse("manage:delivery_detail", kwargs={"pk": delivery.pk}))
    body = response.content.decode()
    assert "Arkivpaket / AIP: aip-bjuv-1" in body
    assert "hx-get" not in body and "htmx.min" not in body
    assert reverse("web:ingest_detail", kwargs={"pk": ingest.pk}) in body
    receipt = client.get(reverse("manage:delivery_receipt", kwargs={"pk": delivery.pk}))
    assert json.loads(receipt.content)["aip_id"] == "aip-bjuv-1"


def test_another_tenants_delivery_is_not_found(registrar) -> None:
    theirs = _delivery(OTHER, f"{MARK}.zip", DeliveryState.DONE)
    client = client_for(registrar)
    for name in ("manage:delivery_detail", "manage:delivery_status", "manage:delivery_receipt"):
        response = client.get(reverse(name, kwargs={"pk": theirs.pk}))
        assert response.status_code == 404, name
        assert MARK not in response.content.decode()
