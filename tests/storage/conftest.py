"""Storage fixtures: one real SeaweedFS S3 server per test session (tests/storage/seaweed.py).

The ``seaweed`` session fixture itself lives in tests/conftest.py, so the storage and
the preservation tests share one server rather than starting one each.

The server is started lazily by the first test that asks for it, so the local-only
storage tests never wait for it. Each test gets its own key prefix in one shared
bucket (one bucket = one SeaweedFS collection with its own volumes, so a bucket per
test would cost disk and start-up time for nothing).

CI must exercise the real server: without the ``weed`` binary the S3 tests are skipped
only on a developer machine; with ``CI`` set they fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from samarkiv.storage.s3 import S3OcflLocation
from tests.storage.seaweed import SeaweedServer

TEST_BUCKET = "samarkiv-test"


@pytest.fixture
def s3_settings(seaweed: SeaweedServer, tmp_path: Path) -> dict:
    """Constructor arguments for a fresh location (own prefix, own staging folder)."""
    return {
        "endpoint_url": seaweed.endpoint,
        "bucket": TEST_BUCKET,
        "prefix": f"archive/{uuid.uuid4().hex[:12]}",
        "access_key": seaweed.access_key,
        "secret_key": seaweed.secret_key,
        "staging_base": tmp_path / "s3-staging",
    }


@pytest.fixture
def open_s3(s3_settings: dict) -> Callable[..., S3OcflLocation]:
    """Open (or reopen) the test's location; keyword arguments override the settings."""

    def factory(**overrides: object) -> S3OcflLocation:
        return S3OcflLocation("offsite", **{**s3_settings, **overrides})

    return factory


@pytest.fixture
def s3_location(open_s3: Callable[..., S3OcflLocation]) -> S3OcflLocation:
    return open_s3()


@pytest.fixture
def raw_s3(seaweed: SeaweedServer):
    """A plain boto3 client (no create-only hook): plays the tamperer and the inspector."""
    return seaweed.client()
