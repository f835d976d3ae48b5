"""Two municipalities and their people, for the tenancy pages.

``OWN`` (Bjuv) is where the people under test act; ``OTHER`` (Ystad) owns objects that
carry ``MARK`` in their names, which must never show up on a page of Bjuv's.

Models are imported inside the helpers: pytest loads this file before Django is set up.
"""

from __future__ import annotations

import hashlib
import secrets

import pytest
from django.core.management import call_command
from django.test import Client

OWN, OTHER, HOST = "bjuv", "ystad", "lund"
MARK = "ystadhemlig"
SESSION_TENANT = "samarkiv_tenant"  # samarkiv.web.scoping.SESSION_TENANT


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> None:
    """Pages use the production (manifest) static storage, so collect once per session."""
    call_command("collectstatic", interactive=False, verbosity=0)


def make_user(username: str, tenant: str | None = None, *roles, **extra):
    from django.contrib.auth import get_user_model

    from samarkiv.accounts.models import Membership

    user = get_user_model().objects.create_user(username, f"{username}@example.se", **extra)
    for role in roles:
        Membership.objects.create(user=user, tenant_id=tenant, role=role)
    return user


def client_for(user, tenant: str = OWN) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_TENANT] = tenant
    session.save()
    return client


def make_token(tenant: str, username: str, agreement, name: str):
    from samarkiv.accounts.models import ApiToken
    from samarkiv.accounts.roles import Role

    system = make_user(username, tenant, Role.SYSTEM)
    return ApiToken.objects.create(
        name=name,
        user=system,
        tenant_id=tenant,
        agreement=agreement,
        prefix=secrets.token_hex(6),
        digest=hashlib.sha256(b"x").hexdigest(),
    )


def manual(tenant: str):
    from samarkiv.delivery.models import MANUAL_AGREEMENT, SubmissionAgreement

    return SubmissionAgreement.objects.get(tenant_id=tenant, code=MANUAL_AGREEMENT)


@pytest.fixture
def archivist():
    from samarkiv.accounts.roles import Role

    return make_user("bjuv.arkivarie", OWN, Role.ARCHIVIST)


@pytest.fixture
def other_archivist():
    from samarkiv.accounts.roles import Role

    return make_user(f"{MARK}.arkivarie", OTHER, Role.ARCHIVIST)


@pytest.fixture
def other_agreement():
    from samarkiv.delivery.models import SubmissionAgreement

    return SubmissionAgreement.objects.create(
        tenant_id=OTHER, code=f"{MARK}-avtal", name=f"{MARK} avtal", specifications=["eark2"]
    )
