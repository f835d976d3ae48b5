"""Publication tests: a private home per test (the public index lives under it), static
files for the pages, and logged-in staff clients."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def pub_home(home, settings):
    """A private home whose public index is fresh (the index object is per path)."""
    settings.SAMARKIV_SEARCH_DIR = home / "index"
    return home


@pytest.fixture(scope="session")
def collected_static() -> None:
    """Pages use the production (manifest) static storage, so collect once per session."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def staff_client(db, collected_static):
    """``staff_client(role, tenant)``: a test client logged in with ``role`` in ``tenant``."""
    from tests import factories

    return factories.staff_client
