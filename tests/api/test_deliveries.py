"""Deliveries through the API: start once, ingest, receipt, and nothing across tenants."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from samarkiv.accounts.models import Membership
from samarkiv.accounts.roles import Role
from samarkiv.delivery import uploads as files
from samarkiv.delivery.choices import DeliveryState, UploadState
from samarkiv.delivery.models import Delivery, Upload
from samarkiv.delivery.worker import requeue_abandoned, run_queued_deliveries
from samarkiv.ingest.demo_packages import archive, build_broken_sip
from samarkiv.ingest.models import Ingest
from samarkiv.preservation.models import Aip
from tests.api.support import create, head, make_archivist, make_system, patch, upload_bytes

pytestmark = [pytest.mark.db, pytest.mark.django_db]

DELIVERIES = "/api/v1/deliveries"


def _upload_id(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[1]


def _deliver(client: Client, location: str):
    return client.post(
        DELIVERIES, data={"upload_id": _upload_id(location)}, content_type="application/json"
    )


def test_a_valid_sip_becomes_an_aip_with_a_receipt(system, valid_zip: Path):
    client = system.client()
    location = upload_bytes(client, valid_zip.read_bytes())
    answer = _deliver(client, location)
    assert answer.status_code == 202
    delivery = answer.json()
    assert delivery["state"] == "done"  # inline in tests; the server runs it in a thread
    assert delivery["agreement"] == system.agreement.code
    receipt = client.get(f"{DELIVERIES}/{delivery['id']}/receipt")
    assert receipt.status_code == 200
    body = receipt.json()
    assert body["state"] == "done"
    assert body["source"] == "leverans.zip"
    assert Aip.objects.filter(pk=body["aip_id"], tenant_id="bjuv").exists()
    assert body["aip_id"] == delivery["aip_id"]
    row = Delivery.objects.get(pk=delivery["id"])
    assert row.ingest.agreement == system.agreement.code
    assert Upload.objects.get(pk=_upload_id(location)).state == UploadState.CONSUMED
    assert not files.part_path(_upload_id(location)).exists()
    assert not files.delivery_source(row.pk, row.filename).exists()


def test_starting_twice_returns_the_same_delivery(system, valid_zip: Path):
    client = system.client()
    location = upload_bytes(client, valid_zip.read_bytes())
    first = _deliver(client, location).json()
    second = _deliver(client, location).json()
    assert first["id"] == second["id"]
    assert Delivery.objects.filter(upload_id=_upload_id(location)).count() == 1
    assert Ingest.objects.count() == 1


def test_an_incomplete_upload_cannot_be_delivered(system):
    client = system.client()
    location = create(client, 100)["Location"]
    patch(client, location, 0, b"x" * 50)
    answer = _deliver(client, location)
    assert (answer.status_code, answer.json()["code"]) == (409, "upload_state")
    assert not Delivery.objects.exists()


def test_a_broken_sip_is_rejected_with_a_receipt(system, tmp_path: Path):
    broken = archive(build_broken_sip(tmp_path / "src"), tmp_path / "trasig.zip")
    client = system.client()
    delivery = _deliver(client, upload_bytes(client, broken.read_bytes(), "trasig.zip")).json()
    assert delivery["state"] == "rejected"
    receipt = client.get(f"{DELIVERIES}/{delivery['id']}/receipt").json()
    assert receipt["state"] == "rejected"
    assert receipt["errors"] > 0


def test_receipt_waits_for_the_ingest(system, valid_zip: Path, settings):
    settings.SAMARKIV_DELIVERY_INLINE = False  # queued: nobody runs it yet
    client = system.client()
    delivery = _deliver(client, upload_bytes(client, valid_zip.read_bytes())).json()
    assert delivery["state"] == "queued"
    answer = client.get(f"{DELIVERIES}/{delivery['id']}/receipt")
    assert (answer.status_code, answer.json()["code"]) == (409, "not_finished")
    assert run_queued_deliveries(once=True) == 1
    assert client.get(f"{DELIVERIES}/{delivery['id']}").json()["state"] == "done"
    assert client.get(f"{DELIVERIES}/{delivery['id']}/receipt").status_code == 200


def test_a_delivery_abandoned_mid_ingest_is_run_again(system, valid_zip: Path, settings):
    settings.SAMARKIV_DELIVERY_INLINE = False
    client = system.client()
    delivery = _deliver(client, upload_bytes(client, valid_zip.read_bytes())).json()
    Delivery.objects.filter(pk=delivery["id"]).update(state=DeliveryState.INGESTING)
    assert requeue_abandoned() == 1
    assert run_queued_deliveries(once=True) == 1
    assert Delivery.objects.get(pk=delivery["id"]).state == DeliveryState.DONE


def test_other_tenants_see_nothing(system, other_system, valid_zip: Path):
    client = system.client()
    location = upload_bytes(client, valid_zip.read_bytes())
    delivery = _deliver(client, location).json()
    stranger = other_system.client()
    assert head(stranger, location).status_code == 404
    assert patch(stranger, location, 0, b"x").status_code == 404
    assert stranger.delete(location).status_code == 404
    assert _deliver(stranger, location).status_code == 404
    for url in (f"{DELIVERIES}/{delivery['id']}", f"{DELIVERIES}/{delivery['id']}/receipt"):
        answer = stranger.get(url)
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    assert stranger.get(DELIVERIES).json() == []
    assert [d["id"] for d in client.get(DELIVERIES).json()] == [delivery["id"]]


def test_a_token_sees_only_its_own_agreement(system, valid_zip: Path):
    client = system.client()
    location = upload_bytes(client, valid_zip.read_bytes())
    delivery = _deliver(client, location).json()
    sibling = make_system("bjuv", "ekonomi").client()  # same tenant, other agreement
    assert head(sibling, location).status_code == 404
    assert sibling.get(f"{DELIVERIES}/{delivery['id']}").status_code == 404
    assert sibling.get(DELIVERIES).json() == []
    agreements = sibling.get("/api/v1/agreements").json()
    assert [a["code"] for a in agreements] == ["ekonomi-arende"]


def _staff_client(user, tenant: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session["samarkiv_tenant"] = tenant
    session.save()
    csrf = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    return client, csrf


def test_staff_session_works_with_csrf(system, valid_zip: Path):
    registrar = make_archivist("bjuv", "registrator")
    Membership.objects.filter(user=registrar).update(role=Role.REGISTRAR)
    client, csrf = _staff_client(registrar, "bjuv")
    assert client.get("/api/v1/agreements").json()[0]["code"] == "manuell-leverans"
    data = valid_zip.read_bytes()
    assert create(client, len(data)).status_code == 403  # no CSRF token
    client.defaults["HTTP_X_CSRFTOKEN"] = csrf
    location = upload_bytes(client, data)
    delivery = _deliver(client, location).json()
    assert delivery["agreement"] == "manuell-leverans"
    assert delivery["state"] == "done"
    assert Delivery.objects.get(pk=delivery["id"]).submitted_by == registrar
    # the tenant's staff see every delivery of the tenant, the system's too
    system_delivery = _deliver(system.client(), upload_bytes(system.client(), data)).json()
    listed = {d["id"] for d in client.get(DELIVERIES).json()}
    assert listed == {delivery["id"], system_delivery["id"]}


def test_unknown_paths_are_json_404():
    answer = Client().get("/api/v1/no-such-thing")
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_staff_choose_only_agreements_that_name_them(system):
    import base64

    registrar = make_archivist("bjuv", "registrator")
    Membership.objects.filter(user=registrar).update(role=Role.REGISTRAR)
    client, csrf = _staff_client(registrar, "bjuv")
    client.defaults["HTTP_X_CSRFTOKEN"] = csrf

    def with_agreement(agreement_id: int):
        value = base64.b64encode(str(agreement_id).encode()).decode()
        name = base64.b64encode(b"a.zip").decode()
        headers = {"Upload-Length": "10", "Upload-Metadata": f"filename {name},agreement {value}"}
        return client.post("/api/v1/uploads", headers=headers)

    assert with_agreement(system.agreement.pk).status_code == 403  # not a depositor
    system.agreement.depositors.add(registrar)
    assert with_agreement(system.agreement.pk).status_code == 201
    ystad = make_system("ystad", "ekonomi").agreement
    assert with_agreement(ystad.pk).status_code == 404  # another tenant's: no hint


def test_an_unexpected_error_is_a_bare_500(system, monkeypatch):
    from samarkiv.delivery import services

    def broken(scope):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "list_deliveries", broken)
    answer = system.client().get(DELIVERIES)
    assert answer.status_code == 500
    assert answer.json() == {"code": "internal", "message": "internal error"}


def test_the_worker_command_runs_queued_deliveries(system, valid_zip: Path, settings):
    """`samarkiv worker --once` (a separate process in scale-out) empties the queue."""
    from samarkiv.preservation.worker import run_worker

    settings.SAMARKIV_DELIVERY_INLINE = False
    client = system.client()
    delivery = _deliver(client, upload_bytes(client, valid_zip.read_bytes())).json()
    assert delivery["state"] == "queued"
    run_worker(once=True)
    assert Delivery.objects.get(pk=delivery["id"]).state == DeliveryState.DONE
