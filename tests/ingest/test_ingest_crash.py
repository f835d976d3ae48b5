"""SIGKILL a real `samarkiv ingest` at every step; the archive never keeps half an AIP.

Each case runs the CLI in a subprocess with its own SAMARKIV_HOME and
``SAMARKIV_CRASH_AT=<point>``, so the process kills itself there, as a power cut would:
no ``finally`` and no ``__exit__`` runs. Then, *before* anything recovers, the home is
inspected as it was left (the catalogue straight from its SQLite file, storage through
the storage location's read-only calls): every catalogued AIP is stored and verifies,
every stored object is complete. Then the same ingest runs again without a crash point
and must finish the job: one AIP, verified, nothing left in staging or workspaces, no
ingest row left running.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import ocfl
import pytest

from samarkiv.ingest.demo_packages import VALID_NAME, archive, build_valid_sip
from samarkiv.packages.aip import aip_id_for
from samarkiv.storage import LocalOcflLocation
from samarkiv.storage.audit import object_dirs

pytestmark = pytest.mark.slow

AIP_ID = aip_id_for("lund", VALID_NAME)
FINISHED = {"done", "duplicate", "rejected", "failed", "interrupted"}
# Every seam of the pipeline, in the order an ingest passes them. The demo SIP has 13
# files and its AIP 20, so storage's per-file points exist up to _19.
POINTS = [
    "ingest:started",
    "ingest:receiving",
    "ingest:hashing",
    "ingest:validating",
    "ingest:identifying",
    "ingest:building",
    "ingest:placed",
    "ingest:built",
    "ingest:storing",
    "storage:fsync_file_0",
    "storage:fsync_file_19",
    "storage:fsync_dirs",
    "storage:verified_file_0",
    "storage:verified_file_12",
    "storage:verified",
    "storage:after_rename_file_0",
    "storage:after_rename_file_10",
    "storage:after_write_inventory",
    "storage:before_object_rename",
    "storage:after_object_rename",
    "storage:committed",
    "ingest:stored",
    "ingest:cataloguing",
    "catalogue:files_written",
]
ZIP_POINTS = [
    "ingest:receiving",
    "ingest:hashing",
    "ingest:placed",
    "storage:after_rename_file_0",
    "ingest:stored",
]
# A second generation of an AIP: the version commit has its own seams.
NEW_VERSION_POINTS = [
    "ingest:placed",
    "storage:verified",
    "storage:before_version_rename",
    "storage:after_version_rename",
    "storage:after_inventory_replace",
    "storage:after_sidecar_replace",
    "ingest:stored",
    "catalogue:files_written",
]


def samarkiv(env: dict, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = dict(env)
    env.pop("SAMARKIV_CRASH_AT", None)
    if crash_at:
        env["SAMARKIV_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "samarkiv.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def query(home: Path, sql: str) -> list[tuple]:
    """Read the subprocess's catalogue directly: no Django, no recovery."""
    with closing(sqlite3.connect(home / "catalogue.sqlite3")) as db:
        return db.execute(sql).fetchall()


def location(home: Path) -> LocalOcflLocation:
    return LocalOcflLocation(home / "storage" / "primary", name="primary")


def readable(store: LocalOcflLocation, object_id: str) -> list[str]:
    """What a reader of the committed head sees: every file there with its digest."""
    problems = []
    for logical, digest in store.logical_files(object_id).items():
        with store.open_file(object_id, logical) as handle:
            if hashlib.file_digest(handle, "sha256").hexdigest() != digest:
                problems.append(logical)
    return problems


def assert_nothing_half_made(home: Path, *, interrupted_ok: bool = False) -> set[str]:
    """The state a crash left, before any recovery; returns the stored object ids.

    ``interrupted_ok``: a new version's commit may leave an uncommitted vN/ or a stale
    sidecar, which storage's own recovery rolls back or forward; readers still see a
    complete committed version.
    """
    store = location(home)
    stored = set(store.list_objects())
    assert len(list(object_dirs(store.root))) == len(stored), "an unreadable object folder"
    for object_id in stored:
        problems = store.verify_object(object_id)
        if interrupted_ok:
            problems = [p for p in problems if "uncommitted version" not in p]
            problems = [p for p in problems if "sidecar digest does not match" not in p]
        assert problems == [], problems
        assert readable(store, object_id) == []
    for aip_id, version in query(home, "SELECT id, version FROM preservation_aip"):
        assert aip_id in stored, f"catalogued {aip_id} is not in storage"
        assert store.logical_files(aip_id, version)
    copies = query(home, "SELECT aip_id, version FROM preservation_storedcopy")
    for aip_id, version in copies:
        assert store.logical_files(aip_id, version), (aip_id, version)
    return stored


def assert_finished_cleanly(home: Path, version: str = "v1") -> None:
    store = location(home)
    aips = query(home, f"SELECT id, version FROM preservation_aip WHERE sip_objid='{VALID_NAME}'")
    assert aips == [(AIP_ID, version)]
    assert store.head_version(AIP_ID) == version
    assert store.verify_object(AIP_ID) == []
    copies = query(home, "SELECT version FROM preservation_storedcopy")
    assert sorted(v for (v,) in copies) == [f"v{n}" for n in range(1, int(version[1:]) + 1)]
    files = query(home, "SELECT path, sha256 FROM preservation_aipfile")
    assert dict(files) == {
        path.split("/", 1)[1]: digest for path, digest in store.logical_files(AIP_ID).items()
    }
    running = query(home, "SELECT state FROM ingest_ingest")
    assert {state for (state,) in running} <= FINISHED
    assert list(store.staging_root.iterdir()) == []
    assert list((home / "workspaces").iterdir()) == []
    assert list(store.list_objects()) == [AIP_ID]
    storage = ocfl.StorageRoot(root=str(store.root))
    assert storage.validate(validate_objects=True, check_digests=True)


@pytest.fixture(scope="module")
def sips(tmp_path_factory) -> dict[str, Path]:
    """The small demo SIP, as a folder and as a zip."""
    base = tmp_path_factory.mktemp("sips")
    folder = build_valid_sip(base)
    return {"folder": folder, "zip": archive(folder, base / "sip.zip")}


def crash_then_rerun(env: dict, sip: Path, point: str, *extra: str) -> tuple[set, dict]:
    """Ingest with a crash at ``point``, inspect, ingest again; the rerun's receipt."""
    home = Path(env["SAMARKIV_HOME"])
    args = ("ingest", str(sip), "--tenant", "lund", "--json", *extra)
    crashed = samarkiv(env, *args, crash_at=point)
    assert crashed.returncode == -signal.SIGKILL, (point, crashed.returncode, crashed.stderr)
    stored = assert_nothing_half_made(home, interrupted_ok=bool(extra))
    again = samarkiv(env, *args)
    assert again.returncode == 0, (point, again.stdout, again.stderr)
    return stored, json.loads(again.stdout)


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_ingest_leaves_nothing_or_a_complete_aip(subprocess_env, sips, point):
    home = Path(subprocess_env["SAMARKIV_HOME"])
    stored, receipt = crash_then_rerun(subprocess_env, sips["folder"], point)
    # The rerun makes the AIP, or finds the one the crashed run stored.
    assert receipt["state"] == ("duplicate" if AIP_ID in stored else "done"), receipt
    assert receipt["aip_id"] == AIP_ID
    assert_finished_cleanly(home)
    crashed_state = query(home, "SELECT state FROM ingest_ingest ORDER BY created_at")[0][0]
    assert crashed_state == ("done" if AIP_ID in stored else "interrupted")


@pytest.mark.parametrize("point", ZIP_POINTS)
def test_a_killed_zip_ingest_cleans_its_workspace(subprocess_env, sips, point):
    home = Path(subprocess_env["SAMARKIV_HOME"])
    stored, receipt = crash_then_rerun(subprocess_env, sips["zip"], point)
    assert receipt["state"] == ("duplicate" if AIP_ID in stored else "done"), receipt
    assert_finished_cleanly(home)


@pytest.fixture(scope="module")
def changed_sip(tmp_path_factory) -> Path:
    """The demo SIP with the same OBJID and a changed payload (a valid, corrected SIP)."""
    from samarkiv.ingest import demo_packages

    original = demo_packages.PROTOKOLL
    demo_packages.PROTOKOLL = original + "\n§ 3 Mötet avslutas.\n"
    try:
        return build_valid_sip(tmp_path_factory.mktemp("changed"))
    finally:
        demo_packages.PROTOKOLL = original


@pytest.mark.parametrize("point", NEW_VERSION_POINTS)
def test_a_killed_new_version_leaves_the_old_one_or_the_new_one(
    subprocess_env, sips, changed_sip, point
):
    home = Path(subprocess_env["SAMARKIV_HOME"])
    first = samarkiv(subprocess_env, "ingest", str(sips["folder"]), "--tenant", "lund")
    assert first.returncode == 0, first.stderr
    _stored, receipt = crash_then_rerun(subprocess_env, changed_sip, point, "--new-version")
    assert receipt["state"] in {"done", "duplicate"}, receipt
    assert receipt["aip_id"] == AIP_ID
    assert_finished_cleanly(home, "v2")
    # The catalogue describes the changed SIP, the content of v2.
    rerun = receipt["ingest_id"].replace("-", "")
    expected = query(home, f"SELECT fingerprint FROM ingest_ingest WHERE id='{rerun}'")
    assert query(home, "SELECT fingerprint FROM preservation_aip") == expected
