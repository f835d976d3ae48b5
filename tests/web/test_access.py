"""Who sees which staff page: every page narrowed through the acting scope, audited.

Lists need VIEW_DELIVERIES, content (AIP and ingest details, reports, receipts) needs
VIEW_CONTENT, the storage dashboard OPERATE_STORAGE; other tenants' objects are 404.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from samarkiv.accounts.models import EmergencyGrant
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.ingest.choices import ValidationSource
from samarkiv.ingest.demo_sips import SPECS, build_delivery
from samarkiv.ingest.models import ValidationRun
from samarkiv.ingest.pipeline import IngestRequest, ingest
from tests.factories import staff_client, staff_user

pytestmark = pytest.mark.django_db
LUND = SPECS[0]


@pytest.fixture
def lund(home: Path, tmp_path: Path):
    delivery = build_delivery(tmp_path / "deliveries", LUND)
    receipt = ingest(IngestRequest(delivery.path, delivery.tenant_code))
    assert receipt.state == "done", receipt.message
    return receipt


def _pages(receipt) -> dict[str, str]:
    return {
        "ingests": "/staff/ingests/",
        "aips": "/staff/aips/",
        "aip": f"/staff/aips/{receipt.aip_id}/",
        "ingest": f"/staff/ingests/{receipt.ingest_id}/",
        "receipt": f"/staff/ingests/{receipt.ingest_id}/receipt.json",
        "storage": "/staff/storage/",
    }


def _statuses(client: Client, receipt) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in _pages(receipt).items()}


def test_anonymous_visitors_are_sent_to_the_login_from_every_page(lund) -> None:
    for url in [*_pages(lund).values(), "/staff/"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/staff/login/?next=/staff/"), url


# (ingests, aips, aip, ingest, receipt, storage)
ALL, LISTS, NONE, STORAGE = (
    (200, 200, 200, 200, 200, 403),
    (200, 200, 403, 403, 403, 403),
    (403, 403, 403, 403, 403, 403),
    (403, 403, 403, 403, 403, 200),
)
OTHER_TENANT = (200, 200, 404, 404, 404, 403)


@pytest.mark.parametrize(
    ("role", "tenant", "expected"),
    [
        ("archivist", "lund", ALL),
        ("registrar", "lund", ALL),
        ("auditor", "lund", LISTS),
        ("archivist", "bjuv", OTHER_TENANT),
        ("it_archivist", "lund", STORAGE),
        ("platform_admin", "lund", STORAGE),
        ("system", "lund", NONE),
    ],
)
def test_each_role_sees_what_its_permissions_allow(lund, role, tenant, expected) -> None:
    statuses = _statuses(staff_client(role, tenant), lund)
    assert tuple(statuses.values()) == expected, statuses


def test_another_tenants_lists_are_empty_and_its_objects_not_found(lund) -> None:
    client = staff_client("archivist", "bjuv")
    assert LUND.name not in client.get("/staff/aips/").content.decode()
    assert LUND.name not in client.get("/staff/ingests/").content.decode()
    response = client.get(f"/staff/aips/{lund.aip_id}/")
    assert "<h1>Sidan finns inte</h1>" in response.content.decode()


def test_auditors_get_lists_without_links_to_content(lund) -> None:
    html = staff_client("auditor", "lund").get("/staff/aips/").content.decode()
    assert LUND.name in html and f"/staff/aips/{lund.aip_id}/" not in html
    html = staff_client("auditor", "lund").get("/staff/ingests/").content.decode()
    assert f"/staff/ingests/{lund.ingest_id}/" not in html
    assert "Leverera ett paket" not in html  # no DELIVER


def test_forbidden_pages_are_swedish_and_audited(lund) -> None:
    client = staff_client("it_archivist")
    response = client.get(f"/staff/aips/{lund.aip_id}/")
    html = response.content.decode()
    assert response.status_code == 403 and "<h1>Åtkomst nekad</h1>" in html
    assert LUND.name not in html
    denied = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert denied.actor == f"user:{client.user.username}"
    assert denied.object_id == f"/staff/aips/{lund.aip_id}/"


def test_content_views_and_downloads_are_recorded(lund) -> None:
    client = staff_client("registrar", "lund")
    client.get(f"/staff/aips/{lund.aip_id}/")
    client.get(f"/staff/ingests/{lund.ingest_id}/")
    client.get(f"/staff/ingests/{lund.ingest_id}/receipt.json")
    client.get("/staff/aips/")  # a list: not recorded
    rows = AuditEntry.objects.filter(actor=f"user:{client.user.username}").order_by("seq")
    seen = [(e.action, e.object_type, e.object_id, e.tenant) for e in rows]
    assert seen == [
        (AuditAction.VIEW, "preservation.aip", lund.aip_id, "lund"),
        (AuditAction.VIEW, "ingest.ingest", lund.ingest_id, "lund"),
        (AuditAction.DOWNLOAD, "ingest.ingest", lund.ingest_id, "lund"),
    ]


def test_an_emergency_grant_opens_content_for_host_staff_and_marks_the_log(lund) -> None:
    client = staff_client("it_archivist")
    EmergencyGrant.objects.create(
        user=client.user,
        tenant_id="lund",
        granted_by=staff_user("archivist", "lund"),
        reason="migrering",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    response = client.get(f"/staff/aips/{lund.aip_id}/")
    assert response.status_code == 200
    assert "Nödåtkomst till Lunds kommun" in response.content.decode()
    view = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert view.detail == {"emergency_grant": True}


def _run(tenant: str, user=None, name: str = "paket.zip") -> ValidationRun:
    return ValidationRun.objects.create(
        package_name=name,
        specification="csip-2.2",
        valid=True,
        report={"package": name, "findings": []},
        source=ValidationSource.WEB,
        tenant_id=tenant,
        created_by=user,
    )


def test_validation_runs_belong_to_their_tenant_and_uploader(db) -> None:
    it = staff_client("it_archivist")
    archivist = staff_client("archivist", "lund")
    auditor = staff_client("auditor", "lund")
    own = _run("lund", it.user, "it-eget.zip")
    theirs = _run("lund", archivist.user, "arkivariens.zip")
    other = _run("bjuv", None, "bjuvs.zip")

    html = it.get("/staff/").content.decode()
    assert "it-eget.zip" in html and "arkivariens.zip" not in html and "bjuvs.zip" not in html
    assert it.get(f"/staff/validations/{own.pk}/").status_code == 200
    assert it.get(f"/staff/validations/{theirs.pk}/").status_code == 404
    assert it.get(f"/staff/validations/{other.pk}.json").status_code == 404

    html = archivist.get("/staff/").content.decode()
    assert "it-eget.zip" in html and "arkivariens.zip" in html and "bjuvs.zip" not in html
    assert archivist.get(f"/staff/validations/{own.pk}/").status_code == 200
    assert archivist.get(f"/staff/validations/{other.pk}/").status_code == 404

    html = auditor.get("/staff/").content.decode()
    assert "arkivariens.zip" in html and f"/staff/validations/{theirs.pk}/" not in html
    assert 'enctype="multipart/form-data"' not in html  # no VALIDATE: no form
    assert auditor.get(f"/staff/validations/{theirs.pk}/").status_code == 403
    assert auditor.post("/staff/", {}).status_code == 403

    archivist.get(f"/staff/validations/{theirs.pk}.json")
    actions = AuditEntry.objects.filter(object_type="ingest.validationrun").order_by("seq")
    assert [(e.action, e.object_id) for e in actions] == [
        (AuditAction.VIEW, str(own.pk)),
        (AuditAction.VIEW, str(own.pk)),
        (AuditAction.DOWNLOAD, str(theirs.pk)),
    ]


def test_host_staff_validate_an_upload_as_their_own_run(valid_zip: Path) -> None:
    client = staff_client("it_archivist")
    with valid_zip.open("rb") as fh:
        response = client.post("/staff/", {"package": fh, "specification": "auto"})
    assert response.status_code == 302
    run = ValidationRun.objects.get()
    assert (run.tenant_id, run.created_by) == ("lund", client.user)
    assert client.get(response["Location"]).status_code == 200
    assert staff_client("archivist", "bjuv").get(response["Location"]).status_code == 404
