"""Two municipalities' archival description, for the catalog tests.

``OWN`` (Bjuv) is where the people under test act; ``OTHER`` (Ystad) owns objects whose
names carry ``MARK``, which must never show up in Bjuv's pages or exports.

Models are imported inside the fixtures: pytest loads this file before Django is set up.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.core.management import call_command

OWN, OTHER = "bjuv", "ystad"
MARK = "ystadhemlig"
_aip_numbers = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> None:
    """Pages use the production (manifest) static storage, so collect once per session."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _private_home(home: Path) -> Path:
    """Every test here gets the private archive home (tests/conftest.py)."""
    return home


def scope_of(role, tenant: str = OWN):
    """The scope of a new user holding ``role`` in ``tenant``."""
    from samarkiv.accounts.scope import user_scope
    from tests.factories import staff_user

    return user_scope(staff_user(role, tenant), tenant)


def make_aip(tenant: str = OWN, label: str = "Bygglov 2022"):
    """A catalogue row of an AIP (no stored package: the description needs none)."""
    from django.utils import timezone

    from samarkiv.preservation.models import Aip

    number = next(_aip_numbers)
    return Aip.objects.create(
        id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        tenant_id=tenant,
        sip_objid=f"sip-{number}",
        label=label,
        fingerprint=f"{number:064d}",
        created_at=timezone.now(),
    )


@pytest.fixture
def archivist(db):
    from samarkiv.accounts.roles import Role

    return scope_of(Role.ARCHIVIST)


@pytest.fixture
def registrar(db):
    from samarkiv.accounts.roles import Role

    return scope_of(Role.REGISTRAR)


@pytest.fixture
def other_archivist(db):
    from samarkiv.accounts.roles import Role

    return scope_of(Role.ARCHIVIST, OTHER)


@pytest.fixture
def other_creator(db):
    from samarkiv.catalog.models import RecordsCreator

    return RecordsCreator.objects.create(tenant_id=OTHER, code=MARK, name=f"{MARK} nämnd")
