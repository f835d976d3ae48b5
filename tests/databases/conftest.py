"""An archived sample database of tenant bjuv with its access copy built."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from tests.databases.sample import make_siard
from tests.web.conftest import collected_static, staff_client  # noqa: F401


def archived(siard: Path, tenant: str = "bjuv"):
    """An ArchivedDatabase row (with a bare AIP row) whose copy is built from ``siard``."""
    from samarkiv.access.databases import copies
    from samarkiv.access.databases.models import ArchivedDatabase
    from samarkiv.preservation.models import Aip

    aip = Aip.objects.create(
        id=f"urn:uuid:{uuid.uuid4()}",
        tenant_id=tenant,
        sip_objid="sip",
        fingerprint="f",
        created_at=timezone.now(),
    )
    database = ArchivedDatabase.objects.create(
        tenant_id=tenant, aip=aip, siard_path="data/kalla.siard", name="kalla"
    )
    return copies.build_from_file(database, siard)


@pytest.fixture
def sample_db(home: Path, tmp_path: Path):
    database = archived(make_siard(tmp_path))
    assert database.state == "ready", database.error
    return database
