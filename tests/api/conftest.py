"""Fixtures for the delivery API: a private home, business systems with tokens.

No Django imports at module level: pytest loads this file before tests/conftest.py has
chosen the private SAMARKIV_HOME and set Django up.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(settings, tmp_path: Path) -> Path:
    """A private archive home: an ingest stores AIPs, a stored AIP would leak."""
    base = tmp_path / "home"
    settings.SAMARKIV_HOME = base
    settings.SAMARKIV_STORAGE_DIR = base / "storage"
    settings.SAMARKIV_WORKSPACES_DIR = base / "workspaces"
    settings.SAMARKIV_LOCKS_DIR = base / "locks"
    settings.SAMARKIV_TMP_DIR = base / "tmp"
    settings.SAMARKIV_DEMO_DIR = base / "demo"
    for folder in ("storage", "workspaces", "tmp"):
        (base / folder).mkdir(parents=True)
    return base


@pytest.fixture(autouse=True)
def inline_deliveries(settings) -> None:
    """Deliveries run in the request here: the test database is one connection."""
    settings.SAMARKIV_DELIVERY_INLINE = True
    settings.SAMARKIV_DELIVERY_THREAD = False


@pytest.fixture
def system(db, home):
    from tests.api.support import make_system

    return make_system("bjuv")


@pytest.fixture
def other_system(db, home):
    """A business system of another municipality."""
    from tests.api.support import make_system

    return make_system("ystad", "ekonomi")


@pytest.fixture
def valid_zip(tmp_path: Path) -> Path:
    from samarkiv.ingest.demo_packages import archive, build_valid_sip

    return archive(build_valid_sip(tmp_path / "src"), tmp_path / "leverans.zip")
