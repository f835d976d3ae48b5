"""People for tests: a user with roles, logged into a test client acting in one tenant.

Reusable from every test directory (``from tests.factories import staff_user, log_in``);
``tests/web/conftest.py`` wraps them in the ``staff_client`` fixture.
"""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.test import Client

from samarkiv.accounts.models import Membership
from samarkiv.accounts.roles import HOST_ROLES, Role
from samarkiv.web.scoping import SESSION_TENANT

_numbers = itertools.count(1)
HOST = "lund"


def staff_user(
    role: Role | str = Role.ARCHIVIST,
    tenant: str = "lund",
    *,
    username: str | None = None,
    password: str | None = None,
    email: str = "",
    also: tuple[tuple[str, Role | str], ...] = (),
):
    """A new active user with ``role`` in ``tenant`` (and any ``also`` (tenant, role))."""
    role = Role(role)
    username = username or f"{role.value}.{tenant}.{next(_numbers)}"
    user = get_user_model().objects.create_user(
        username, email or f"{username}@example.se", password
    )
    for code, held in ((tenant, role), *also):
        Membership.objects.create(user=user, tenant_id=code, role=Role(held))
    return user


def log_in(client: Client, user, tenant: str) -> Client:
    """Log ``user`` in (no password hashing) and make ``tenant`` the acting one."""
    client.force_login(user)
    session = client.session
    session[SESSION_TENANT] = tenant
    session.save()
    client.user = user
    return client


def staff_client(
    role: Role | str = Role.ARCHIVIST, tenant: str | None = None, client: Client | None = None
) -> Client:
    """A client logged in as a new user with ``role`` (host roles default to the host)."""
    role = Role(role)
    tenant = tenant or (HOST if role in HOST_ROLES else "lund")
    return log_in(client or Client(), staff_user(role, tenant), tenant)
