"""Fixtures for the delivery API: a private home, business systems with tokens.

No Django imports at module level: pytest loads this file before tests/conftest.py has
chosen the private SAMARKIV_HOME and set Django up.
"""

from __future__ import annotations

from pathlib import Path

import pytest


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
