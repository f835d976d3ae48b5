"""Emergency grants: host staff only, a reason, at most 24 hours; the tenant's own list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samarkiv.accounts.models import EmergencyGrant
from samarkiv.accounts.roles import Role
from tests.manage.conftest import HOST, MARK, OTHER, OWN, client_for, make_user

pytestmark = [pytest.mark.db, pytest.mark.django_db]
PAGE = reverse("manage:emergency")


@pytest.fixture
def technician():
    return make_user("lund.tekniker", HOST, Role.IT_ARCHIVIST)


def _grant(client, **data):
    return client.post(reverse("manage:grant_create"), data)


def test_archivist_grants_and_revokes_emergency_access(archivist, technician) -> None:
    client = client_for(archivist)
    response = _grant(client, username=technician.username, reason="Ärende 2025/17", hours=4)
    assert response.status_code == 302
    grant = EmergencyGrant.objects.get(user=technician, tenant_id=OWN)
    assert grant.granted_by == archivist
    assert timedelta(hours=3.9) < grant.expires_at - grant.starts_at <= timedelta(hours=4)
    body = client.get(PAGE).content.decode()
    assert "Ärende 2025/17" in body and "lund.tekniker har nödåtkomst till" in body

    revoke = reverse("manage:grant_revoke", kwargs={"pk": grant.pk})
    assert client.post(revoke).status_code == 302
    assert EmergencyGrant.objects.get(pk=grant.pk).revoked_at is not None
    assert "Återkallad" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("reason", "hours", "message"),
    [
        ("", 4, "Ange ett skäl: det sparas i granskningsloggen."),
        ("Ärende 1", 25, "Kontrollera att detta värde är mindre än eller lika med 24."),
    ],
)
def test_reason_and_limit_are_required(archivist, technician, reason, hours, message) -> None:
    response = _grant(
        client_for(archivist), username=technician.username, reason=reason, hours=hours
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EmergencyGrant.objects.exists()


def test_only_host_staff_can_be_given_access(archivist) -> None:
    colleague = make_user("bjuv.registrator", OWN, Role.REGISTRAR)
    response = _grant(client_for(archivist), username=colleague.username, reason="x", hours=2)
    assert response.status_code == 400
    assert "Nödåtkomst ges bara till värdkommunens tekniska personal." in response.content.decode()
    assert not EmergencyGrant.objects.exists()


def test_another_tenants_grants_are_invisible_and_out_of_reach(archivist, technician) -> None:
    platform = make_user("lund.admin", HOST, Role.PLATFORM_ADMIN)
    theirs = EmergencyGrant.objects.create(
        user=technician,
        tenant_id=OTHER,
        granted_by=platform,
        reason=f"{MARK} ärende",
        expires_at=timezone.now() + timedelta(hours=2),
    )
    client = client_for(archivist)
    assert MARK not in client.get(PAGE).content.decode()
    assert client.post(reverse("manage:grant_revoke", kwargs={"pk": theirs.pk})).status_code == 404
    assert EmergencyGrant.objects.get(pk=theirs.pk).revoked_at is None


def test_platform_admin_chooses_the_tenant(technician) -> None:
    platform = make_user("lund.admin", HOST, Role.PLATFORM_ADMIN)
    client = client_for(platform, HOST)
    body = client.get(PAGE).content.decode()
    assert 'name="tenant"' in body and "Bjuv" in body
    response = _grant(client, tenant=OWN, username=technician.username, reason="Migrering", hours=1)
    assert response.status_code == 302
    assert EmergencyGrant.objects.filter(user=technician, tenant_id=OWN).exists()
