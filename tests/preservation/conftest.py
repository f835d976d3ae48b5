"""An archive with two storage locations per test: ``primary`` on disk and ``offsite``
on disk or on the real S3 server (SeaweedFS, the session fixture in tests/conftest.py).

Every test gets a private home; the storage policy of every tenant is both locations.
AIPs are made by the real ingest service from the demo SIP, and the second copy by
ingest itself (it writes every policy copy); see support.py.
Django is imported lazily here: this file is loaded before Django is set up.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest


@pytest.fixture
def home(home: Path, settings) -> Path:
    """A private archive home; ingest writes to ``primary`` at SAMARKIV_STORAGE_DIR/primary."""
    from tests.preservation.support import local_storage

    base = home
    settings.SAMARKIV_STORAGE = local_storage(base)
    return base


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.slow)])
def archive(request, home: Path, settings, monkeypatch):
    """``primary`` on disk; ``offsite`` on disk, or in S3 (own prefix in the test bucket)."""
    from samarkiv.preservation.locations import location
    from tests.preservation.support import (
        BUCKET,
        Archive,
        disk_tamper,
        local_storage,
        s3_tamper,
    )

    if request.param == "local":
        tampers = {name: disk_tamper(location(name)) for name in ("primary", "offsite")}
        return Archive("local", tampers)
    server = request.getfixturevalue("seaweed")
    monkeypatch.setenv("SAMARKIV_S3_OFFSITE_ACCESS_KEY", server.access_key)
    monkeypatch.setenv("SAMARKIV_S3_OFFSITE_SECRET_KEY", server.secret_key)
    storage = local_storage(home)
    storage["locations"]["offsite"] = {
        "type": "s3",
        "endpoint_url": server.endpoint,
        "bucket": BUCKET,
        "prefix": f"preservation/{uuid.uuid4().hex[:12]}",
        "staging": str(home / "storage" / "offsite-staging"),
    }
    settings.SAMARKIV_STORAGE = storage
    tampers = {
        "primary": disk_tamper(location("primary")),
        "offsite": s3_tamper(location("offsite"), server.client()),
    }
    return Archive("s3", tampers)
