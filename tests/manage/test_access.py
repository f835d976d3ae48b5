"""Who may open which tenancy page: the right roles get the page, others 403, strangers
the login page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samarkiv.accounts.roles import Role
from tests.manage.conftest import HOST, OWN, client_for, make_user

pytestmark = [pytest.mark.db, pytest.mark.django_db]

# URL name -> (roles that may open it, roles that get 403); host roles act in the host.
PAGES = {
    "manage:deliveries": (
        {Role.ARCHIVIST, Role.REGISTRAR, Role.AUDITOR},
        {Role.SYSTEM, Role.IT_ARCHIVIST, Role.PLATFORM_ADMIN},
    ),
    "manage:agreements": (
        {Role.ARCHIVIST, Role.REGISTRAR, Role.AUDITOR},
        {Role.SYSTEM, Role.IT_ARCHIVIST},
    ),
    "manage:agreement_new": ({Role.ARCHIVIST}, {Role.REGISTRAR, Role.AUDITOR, Role.SYSTEM}),
    "manage:members": ({Role.ARCHIVIST}, {Role.REGISTRAR, Role.AUDITOR, Role.PLATFORM_ADMIN}),
    "manage:emergency": (
        {Role.ARCHIVIST, Role.PLATFORM_ADMIN},
        {Role.REGISTRAR, Role.AUDITOR, Role.IT_ARCHIVIST},
    ),
    "manage:audit_log": (
        {Role.ARCHIVIST, Role.AUDITOR, Role.PLATFORM_ADMIN},
        {Role.REGISTRAR, Role.SYSTEM, Role.IT_ARCHIVIST},
    ),
}
CASES = [
    (name, role, allowed)
    for name, (ok, denied) in PAGES.items()
    for role, allowed in [*((r, True) for r in ok), *((r, False) for r in denied)]
]


def _client(role: Role) -> Client:
    tenant = HOST if role in (Role.IT_ARCHIVIST, Role.PLATFORM_ADMIN) else OWN
    return client_for(make_user(f"{tenant}.{role.value}", tenant, role), tenant)


@pytest.mark.parametrize(
    ("name", "role", "allowed"), CASES, ids=[f"{n[7:]}-{r.value}" for n, r, _ in CASES]
)
def test_page_opens_for_its_roles_only(name: str, role: Role, allowed: bool) -> None:
    response = _client(role).get(reverse(name))
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert b"<h1>" in response.content
        assert response.templates[0].name.startswith("manage/")


@pytest.mark.parametrize("name", [*PAGES, "manage:audit_log_export", "manage:audit_log_verify"])
def test_anonymous_is_sent_to_the_login_page(name: str) -> None:
    url = reverse(name)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/staff/login/?next={url}")


@pytest.mark.parametrize(
    "name",
    ["manage:role_grant", "manage:token_issue", "manage:system_create", "manage:grant_create"],
)
def test_anonymous_posts_change_nothing(name: str) -> None:
    response = Client().post(reverse(name), {"username": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_logged_in_without_any_role_gets_403() -> None:
    client = client_for(make_user("ingen.roll"), OWN)
    assert client.get(reverse("manage:deliveries")).status_code == 403
    assert client.get(reverse("manage:audit_log")).status_code == 403


def test_posts_need_the_csrf_token(archivist) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(archivist)
    response = client.post(reverse("manage:role_grant"), {"username": "x", "role": "auditor"})
    assert response.status_code == 403
