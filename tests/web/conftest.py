"""Fixtures for the web tests: collected static files, demo packages as uploads, and
clients logged in with a role in a tenant (``staff_client``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from samarkiv.ingest.demo_packages import archive, build_broken_sip, build_valid_sip


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> None:
    """Pages use the production (manifest) static storage, so collect once per session."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def valid_zip(tmp_path: Path) -> Path:
    return archive(build_valid_sip(tmp_path / "src"), tmp_path / "leverans.zip")


@pytest.fixture
def broken_zip(tmp_path: Path) -> Path:
    return archive(build_broken_sip(tmp_path / "src"), tmp_path / "trasig.zip")


@pytest.fixture
def staff_client(db):
    """``staff_client(role, tenant)``: a test client logged in as a new user who holds
    ``role`` in ``tenant`` and acts there (host roles default to the host tenant)."""
    from tests import factories  # imports models: only once Django is set up

    return factories.staff_client
