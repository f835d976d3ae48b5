"""The members page: people and roles of the tenant, new accounts, system accounts and
API tokens (plaintext shown once, only a digest stored)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from samarkiv.accounts.models import ApiToken, Membership
from samarkiv.accounts.roles import Role
from samarkiv.accounts.tokens import authenticate_token
from tests.manage.conftest import MARK, OTHER, OWN, client_for, make_token, make_user, manual

pytestmark = [pytest.mark.db, pytest.mark.django_db]
MEMBERS = reverse("manage:members")


def test_page_lists_own_people_and_systems_only(archivist, other_archivist, other_agreement):
    make_user("bjuv.registrator", OWN, Role.REGISTRAR)
    make_token(OWN, "diarium", manual(OWN), "Diariet, produktion")
    make_token(OTHER, f"{MARK}.system", other_agreement, f"{MARK} nyckel")
    response = client_for(archivist).get(MEMBERS)
    body = response.content.decode()
    assert response.status_code == 200
    assert "bjuv.registrator" in body and "Registrator" in body
    assert "Systemkonto diarium" in body and "Diariet, produktion" in body
    assert MARK not in body
    assert "no-store" in response["Cache-Control"]


def test_grant_and_revoke_a_role_by_user_name(archivist, other_archivist) -> None:
    client = client_for(archivist)
    response = client.post(
        reverse("manage:role_grant"), {"username": other_archivist.username, "role": "auditor"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=other_archivist, tenant_id=OWN)
    assert membership.role == Role.AUDITOR
    assert "har fått rollen Granskare" in client.get(MEMBERS).content.decode()

    revoke = reverse("manage:role_revoke", kwargs={"pk": membership.pk})
    assert client.post(revoke).status_code == 302
    assert not Membership.objects.filter(user=other_archivist, tenant_id=OWN).exists()
    assert Membership.objects.filter(user=other_archivist, tenant_id=OTHER).exists()


def test_unknown_user_and_host_roles_are_refused(archivist) -> None:
    client = client_for(archivist)
    response = client.post(
        reverse("manage:role_grant"), {"username": "finns.inte", "role": "auditor"}
    )
    assert response.status_code == 400
    assert (
        "Det finns inget aktivt konto med användarnamnet finns.inte." in response.content.decode()
    )
    response = client.post(
        reverse("manage:role_grant"), {"username": archivist.username, "role": "platform_admin"}
    )
    assert response.status_code == 400  # not a choice outside the host
    assert not Membership.objects.filter(role=Role.PLATFORM_ADMIN, tenant_id=OWN).exists()


def test_another_tenants_membership_cannot_be_revoked(archivist, other_archivist) -> None:
    theirs = Membership.objects.get(user=other_archivist)
    response = client_for(archivist).post(reverse("manage:role_revoke", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_new_user_gets_a_password_shown_once(archivist) -> None:
    client = client_for(archivist)
    data = {
        "username": "anna.andersson",
        "email": "anna@bjuv.se",
        "role": "registrar",
        "local_password": "on",
    }
    assert client.post(reverse("manage:member_create"), data).status_code == 302
    user = get_user_model().objects.get(username="anna.andersson")
    assert Membership.objects.filter(user=user, tenant_id=OWN, role=Role.REGISTRAR).exists()
    first = client.get(MEMBERS).content.decode()
    password = re.search(r'id="hemlighet" class="secret" value="([^"]+)"', first).group(1)
    assert user.check_password(password)
    assert password not in client.get(MEMBERS).content.decode()


def test_taken_user_name_is_a_field_error(archivist) -> None:
    data = {"username": archivist.username, "email": "x@bjuv.se", "role": "registrar"}
    response = client_for(archivist).post(reverse("manage:member_create"), data)
    assert response.status_code == 400
    assert "Användarnamnet är upptaget." in response.content.decode()


def test_token_plaintext_is_shown_once_and_only_a_digest_is_stored(archivist) -> None:
    client = client_for(archivist)
    assert client.post(reverse("manage:system_create"), {"username": "diarium"}).status_code == 302
    system = get_user_model().objects.get(username="diarium")
    assert Membership.objects.filter(user=system, tenant_id=OWN, role=Role.SYSTEM).exists()
    data = {"name": "Diariet, produktion", "account": system.pk, "agreement": manual(OWN).pk}
    assert client.post(reverse("manage:token_issue"), data).status_code == 302

    first = client.get(MEMBERS).content.decode()
    plaintext = re.search(r'value="(sa_[0-9a-f]{12}_[^"]+)"', first).group(1)
    assert "den visas bara den här gången" in first
    token = ApiToken.objects.get(user=system)
    secret = plaintext.split("_", 2)[2]
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.digest and plaintext.split("_")[1] == token.prefix
    assert authenticate_token(plaintext).tenant == OWN
    second = client.get(MEMBERS).content.decode()
    assert secret not in second and f"sa_{token.prefix}_…" in second


def test_revoke_own_token_but_not_another_tenants(archivist, other_agreement) -> None:
    own = make_token(OWN, "diarium", manual(OWN), "Diariet")
    theirs = make_token(OTHER, f"{MARK}.system", other_agreement, f"{MARK} nyckel")
    client = client_for(archivist)
    response = client.post(reverse("manage:token_revoke", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert client.post(reverse("manage:token_revoke", kwargs={"pk": own.pk})).status_code == 302
    assert ApiToken.objects.get(pk=own.pk).revoked_at is not None
    assert "API-nyckeln Diariet är återkallad." in client.get(MEMBERS).content.decode()


def test_token_for_another_tenants_agreement_is_refused(archivist, other_agreement) -> None:
    client = client_for(archivist)
    client.post(reverse("manage:system_create"), {"username": "diarium"})
    system = get_user_model().objects.get(username="diarium")
    data = {"name": "kapad", "account": system.pk, "agreement": other_agreement.pk}
    response = client.post(reverse("manage:token_issue"), data)
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=system).exists()
