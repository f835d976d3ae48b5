"""A replication SIGKILLed anywhere leaves no copy claimed that does not verify.

A subprocess runs ``replicate_aip`` (storage copy, then the StoredCopy rows) and is
killed at a crash point inside the storage commit (``storage:*`` on disk, ``s3:*`` on
the real S3 server) or around it (``replication:*``). Where a point is per file, the
file index is drawn at random (the seed is printed, and ``SAMARKIV_TEST_SEED`` replays
it). Afterwards:

- the catalogue has a StoredCopy row for the target only if that copy verifies;
- after storage recovery (which every ingest runs first; it only finishes or removes
  interrupted writes) the target holds no object, or a complete one that verifies;
- an audit then completes the copy the policy requires, and both copies verify and
  are recorded.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from samarkiv.ingest.demo_packages import build_valid_sip
from samarkiv.storage.local import LocalOcflLocation
from samarkiv.storage.s3 import S3OcflLocation

SEED = int(os.environ.get("SAMARKIV_TEST_SEED", time.time_ns() % 100_000))
TOML = """
[storage.locations.primary]
type = "local"

[storage.locations.offsite]
{offsite}

[storage.policies]
default = ["primary", "offsite"]
"""
LOCAL_OFFSITE = 'type = "local"'
CHILD = r"""
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
import django
django.setup()
from samarkiv.preservation.replication import replicate_aip
replicate_aip(sys.argv[1], "primary", "offsite")
"""
LOCAL_POINTS = [
    "storage:fsync_file_{n}",
    "storage:fsync_dirs",
    "storage:verified_file_{n}",
    "storage:verified",
    "storage:after_rename_file_{n}",
    "storage:after_write_inventory",
    "storage:before_object_rename",
    "storage:after_object_rename",
    "storage:committed",
    "replication:staged_file_{n}",
    "replication:before_catalogue",
]
S3_POINTS = [
    "s3:verified_file_{n}",
    "s3:after_upload_{n}",
    "s3:after_version_inventory",
    "s3:verified_uploads",
    "s3:after_root_inventory",
    "s3:after_root_sidecar",
    "s3:committed",
    "replication:before_catalogue",
]


def samarkiv(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "samarkiv.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def query(home: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(home / "catalogue.sqlite3")) as db:
        return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, str, int]:
    """A home with one ingested AIP (primary copy only); each test works on a copy of it."""
    base = tmp_path_factory.mktemp("replication")
    home = base / "home"
    home.mkdir()
    toml = TOML.format(offsite=LOCAL_OFFSITE)
    # Ingest under a primary-only policy: the replication under test happens afterwards.
    primary_only = toml.replace('default = ["primary", "offsite"]', 'default = ["primary"]')
    (home / "samarkiv.toml").write_text(primary_only, encoding="utf-8")
    env = _env(home)
    result = samarkiv(env, "ingest", str(build_valid_sip(base)), "--tenant", "lund", "--json")
    assert result.returncode == 0, result.stderr
    (home / "samarkiv.toml").write_text(toml, encoding="utf-8")
    aip_id = json.loads(result.stdout)["aip_id"]
    files = len(LocalOcflLocation(home / "storage" / "primary").logical_files(aip_id))
    return home, aip_id, files


def _env(home: Path) -> dict:
    env = dict(os.environ)
    for name in ("SAMARKIV_DATABASE_URL", "SAMARKIV_CONFIG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.pop("SAMARKIV_CRASH_AT", None)
    env["SAMARKIV_HOME"] = str(home)
    return env


def _point(template_point: str, files: int, label: str) -> str:
    rng = random.Random(f"{SEED}:{label}")
    point = template_point.format(n=rng.randrange(files))
    print(f"SAMARKIV_TEST_SEED={SEED}: crash at {point}")
    return point


def crash_replication(env: dict, aip_id: str, point: str) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, aip_id],
        env={**env, "SAMARKIV_CRASH_AT": point},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, f"{point} never reached: {child.stderr}"


def check_claims(home: Path, target, aip_id: str) -> None:
    """A StoredCopy row for the target only if its copy verifies; storage whole or absent."""
    rows = query(home, "SELECT version FROM preservation_storedcopy WHERE location='offsite'")
    if rows:
        assert {v for (v,) in rows} == {"v1"}
        assert target.verify_object(aip_id) == []  # the claim is true at once
    print(target.recover())  # rolls an S3 commit cut before its sidecar forward
    if target.exists(aip_id):
        assert target.verify_object(aip_id) == []  # complete and verified...
    else:
        assert rows == []  # ...or absent, and then nothing claims it


def finish_and_check(env: dict, home: Path, target, aip_id: str) -> None:
    """The audit makes the copy the policy requires; both copies verify and are recorded."""
    audit = samarkiv(env, "audit", "--json")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert target.verify_object(aip_id) == []
    assert query(home, "SELECT location, version FROM preservation_storedcopy ORDER BY 1") == [
        ("offsite", "v1"),
        ("primary", "v1"),
    ]
    assert list(target.staging_root.iterdir()) == []


@pytest.mark.parametrize("point", LOCAL_POINTS)
def test_a_killed_replication_to_disk_claims_nothing_unverified(template, tmp_path, point):
    source, aip_id, files = template
    home = tmp_path / "home"
    shutil.copytree(source, home)
    env = _env(home)
    point = _point(point, files, point)

    crash_replication(env, aip_id, point)

    target = LocalOcflLocation(home / "storage" / "offsite", name="offsite")
    check_claims(home, target, aip_id)
    finish_and_check(env, home, target, aip_id)


@pytest.mark.slow
@pytest.mark.parametrize("point", S3_POINTS)
def test_a_killed_replication_to_s3_claims_nothing_unverified(template, tmp_path, point, seaweed):
    source, aip_id, files = template
    home = tmp_path / "home"
    shutil.copytree(source, home)
    prefix = f"crash/{uuid.uuid4().hex[:12]}"
    offsite = "\n".join(
        [
            'type = "s3"',
            f'endpoint_url = "{seaweed.endpoint}"',
            'bucket = "samarkiv-test"',
            f'prefix = "{prefix}"',
            f'staging = "{home / "storage" / "offsite-staging"}"',
        ]
    )
    (home / "samarkiv.toml").write_text(TOML.format(offsite=offsite), encoding="utf-8")
    env = _env(home)
    env["SAMARKIV_S3_OFFSITE_ACCESS_KEY"] = seaweed.access_key
    env["SAMARKIV_S3_OFFSITE_SECRET_KEY"] = seaweed.secret_key
    point = _point(point, files, point)

    crash_replication(env, aip_id, point)

    target = S3OcflLocation(
        "offsite",
        endpoint_url=seaweed.endpoint,
        bucket="samarkiv-test",
        prefix=prefix,
        access_key=seaweed.access_key,
        secret_key=seaweed.secret_key,
        staging_base=home / "storage" / "offsite-staging",
    )
    check_claims(home, target, aip_id)
    finish_and_check(env, home, target, aip_id)
