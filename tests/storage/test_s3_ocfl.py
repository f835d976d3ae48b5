"""The S3 OCFL location against a real SeaweedFS: the local location's behaviours, on S3.

Same trees, same promises as test_local_ocfl.py: versions read back, v2 deduplicates
against v1, the audit finds tampering done behind samarkiv's back (raw boto3 puts and
deletes), staged files that changed are refused, a SIGKILLed commit leaves the old or
the new state and ``recover()`` cleans up, stored objects are never overwritten, and
the same input stored locally and in S3 gives the same inventories. The S3 copy is
also mirrored to disk and judged by ocfl-py, so "same layout as the local root" is
checked by an independent OCFL validator, not by our own code.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from samarkiv.storage import (
    LocalOcflLocation,
    ObjectNotFoundError,
    StagingMismatchError,
    StorageError,
    StorageLayoutError,
    StorageLocation,
)
from samarkiv.storage.inventory import object_path
from samarkiv.storage.s3 import S3OcflLocation
from samarkiv.storage.s3_bucket import OverwriteRefusedError
from tests.storage.test_local_ocfl import (
    OID,
    SV,
    _nfc,
    assert_ocfl_valid,
    digests,
    tree_v1,
    tree_v2,
    write_tree,
)

pytestmark = pytest.mark.slow

MIB = 1024 * 1024


def store(location, tree: dict[str, bytes], object_id: str = OID):
    with location.begin_version(object_id) as staging:
        write_tree(staging.content_dir, tree)
        return staging.commit(
            digests(tree), message="test", user_name="samarkiv", user_address="mailto:a@b.se"
        )


def assert_state(location, tree: dict, version: str | None = None) -> None:
    assert location.logical_files(OID, version) == digests(tree)
    for logical, data in tree.items():
        with location.open_file(OID, logical, version) as handle:
            assert handle.read() == data


def keys_under(location: S3OcflLocation, object_id: str = OID) -> list[str]:
    base = location.object_key(object_id)
    return sorted(key[len(base) :] for key in location.bucket.list(base))


def raw_get(raw_s3, key: str) -> bytes:
    return raw_s3.get_object(Bucket="samarkiv-test", Key=key)["Body"].read()


def mirror_to_disk(location: S3OcflLocation, raw_s3, target: Path) -> LocalOcflLocation:
    """Download the whole S3 storage root into ``target/ocfl`` (a plain OCFL root)."""
    for key in location.bucket.list(location.key("")):
        path = target / "ocfl" / location._relative(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw_get(raw_s3, key))
    return LocalOcflLocation(target)


# --- bucket, root, basic storing -----------------------------------------------------


def test_bucket_is_versioned_and_locked_and_root_matches_local(s3_location, raw_s3, tmp_path):
    assert isinstance(s3_location, StorageLocation)
    protection = s3_location.protection
    print(f"SeaweedFS bucket protection: {protection}")
    assert protection.versioning and protection.object_lock
    assert protection.retention == "GOVERNANCE 365 days"
    lock = raw_s3.get_object_lock_configuration(Bucket="samarkiv-test")
    assert lock["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Mode"] == "GOVERNANCE"
    local = LocalOcflLocation(tmp_path / "local")
    for name in ("0=ocfl_1.1", "ocfl_layout.json", "extensions/" + LAYOUT + "/config.json"):
        assert raw_get(raw_s3, s3_location.key(name)) == (local.root / name).read_bytes()


LAYOUT = "0003-hash-and-id-n-tuple-storage-layout"


def test_existing_plain_bucket_gets_versioning_but_reports_no_lock(open_s3, raw_s3):
    raw_s3.create_bucket(Bucket="samarkiv-plain")
    location = open_s3(bucket="samarkiv-plain")
    print(location.protection)
    assert location.protection.versioning
    assert not location.protection.object_lock
    assert "no object lock" in location.protection.retention
    assert store(location, {"a.txt": b"a"}).version == "v1"


def test_foreign_prefix_is_refused_and_reopening_works(open_s3, raw_s3, s3_settings):
    raw_s3.put_object(Bucket="samarkiv-test", Key="foreign/notes.txt", Body=b"not an archive")
    with pytest.raises(StorageLayoutError):
        open_s3(prefix="foreign")
    location = open_s3()
    store(location, tree_v1())
    again = open_s3()
    assert again.logical_files(OID) == digests(tree_v1())
    assert again.root_url == f"s3://samarkiv-test/{s3_settings['prefix']}"


def test_new_object_reads_back_with_ocfl_keys(s3_location, raw_s3):
    receipt = store(s3_location, tree_v1())
    assert (receipt.version, receipt.files, receipt.new_files) == ("v1", 21, 21)
    assert receipt.bytes == sum(len(d) for d in tree_v1().values())
    assert receipt.url == f"s3://samarkiv-test/{s3_location.key(object_path(OID))}"
    keys = keys_under(s3_location)
    assert keys[:3] == ["0=ocfl_object_1.1", "inventory.json", "inventory.json.sha256"]
    assert len([k for k in keys if k.startswith("v1/content/")]) == 21  # duplicates kept in v1
    assert _nfc(f"v1/content/{SV}/Ärenden/ärende 2024-ö.txt") in keys  # NFC names as is
    base = s3_location.object_key(OID)
    root = raw_get(raw_s3, base + "inventory.json")
    assert root == raw_get(raw_s3, base + "v1/inventory.json")
    assert json.loads(root)["id"] == OID
    assert s3_location.exists(OID) and s3_location.head_version(OID) == "v1"
    assert list(s3_location.list_objects()) == [OID]
    assert_state(s3_location, tree_v1())
    assert s3_location.verify_object(OID) == []
    assert list(s3_location.staging_root.iterdir()) == []
    head = raw_s3.head_object(Bucket="samarkiv-test", Key=base + "v1/content/METS.xml")
    assert head["ObjectLockMode"] == "GOVERNANCE"  # the bucket default applies to our objects


def test_absent_objects(s3_location):
    assert not s3_location.exists(OID)
    assert s3_location.head_version(OID) is None
    assert "not found" in s3_location.verify_object(OID)[0]
    with pytest.raises(ObjectNotFoundError):
        s3_location.logical_files(OID)
    with pytest.raises(ObjectNotFoundError):
        s3_location.remove_object(OID)


def test_v2_dedupes_unchanged_content_and_both_versions_read_back(s3_location):
    store(s3_location, tree_v1())
    receipt = store(s3_location, tree_v2())
    assert (receipt.version, receipt.files, receipt.new_files) == ("v2", 22, 4)
    stored_v2 = [k[len("v2/content/") :] for k in keys_under(s3_location) if "v2/content/" in k]
    assert sorted(stored_v2) == sorted(
        [
            "METS.xml",
            "metadata/preservation/premis.xml",
            f"{SV}/protokoll/bilaga.txt",
            _nfc(f"{SV}/normaliserat/Årsredovisning för Hörby kommun.pdf"),
        ]
    )
    assert_state(s3_location, tree_v2())
    assert_state(s3_location, tree_v1(), "v1")
    with pytest.raises(ObjectNotFoundError):
        s3_location.open_file(OID, f"{SV}/protokoll/sammanträde-03.xml")
    with pytest.raises(ObjectNotFoundError):
        s3_location.logical_files(OID, "v3")
    assert s3_location.verify_object(OID) == []


def test_same_input_gives_the_same_inventories_locally_and_in_s3(s3_location, raw_s3, tmp_path):
    """Audits compare copies by inventory, so both media must record identical states."""
    local = LocalOcflLocation(tmp_path / "primary")
    for tree in (tree_v1(), tree_v2()):
        store(local, tree)
        store(s3_location, tree)
    local_inv = local.inventory(OID)
    s3_inv = s3_location.inventory(OID)
    assert s3_inv["manifest"] == local_inv["manifest"]
    for version in ("v1", "v2"):
        assert s3_inv["versions"][version]["state"] == local_inv["versions"][version]["state"]
        assert s3_location.logical_files(OID, version) == local.logical_files(OID, version)
    strip = {"created"}
    for inv in (local_inv, s3_inv):
        for block in inv["versions"].values():
            for key in strip:
                block.pop(key)
    assert s3_inv == local_inv
    folder = local.object_dir(OID)
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert keys_under(s3_location) == on_disk
    mirror = mirror_to_disk(s3_location, raw_s3, tmp_path / "mirror")
    assert_ocfl_valid(mirror)  # ocfl-py judges the S3 copy a valid OCFL 1.1 root
    assert mirror.verify_object(OID) == []


def test_remove_object_deletes_every_version(s3_location, raw_s3):
    store(s3_location, tree_v1())
    store(s3_location, tree_v2())
    base = s3_location.object_key(OID)
    s3_location.remove_object(OID)
    assert not s3_location.exists(OID) and list(s3_location.list_objects()) == []
    left = raw_s3.list_object_versions(Bucket="samarkiv-test", Prefix=base)
    assert not left.get("Versions") and not left.get("DeleteMarkers")
    with pytest.raises(ObjectNotFoundError):
        s3_location.remove_object(OID)


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_commit_refuses_a_staged_file_changed_after_writing(s3_location, version):
    if version == "v2":
        store(s3_location, tree_v1())
    before = keys_under(s3_location)
    tree = tree_v1() if version == "v1" else tree_v2()
    with s3_location.begin_version(OID) as staging:
        write_tree(staging.content_dir, tree)
        victim = staging.content_dir / "METS.xml"
        victim.write_bytes(victim.read_bytes().replace(b"mets", b"meta"))
        with pytest.raises(StagingMismatchError, match="METS.xml"):
            staging.commit(digests(tree), message="m", user_name="u")
    assert keys_under(s3_location) == before  # nothing uploaded
    assert list(s3_location.staging_root.iterdir()) == []
    if version == "v2":
        assert_state(s3_location, tree_v1())


def test_samarkiv_never_overwrites_a_stored_object(s3_location, raw_s3, monkeypatch):
    store(s3_location, tree_v1())
    base = s3_location.object_key(OID)
    leftover = base + "v2/content/METS.xml"
    raw_s3.put_object(Bucket="samarkiv-test", Key=leftover, Body=b"someone else's bytes")
    with pytest.raises(StorageError, match="recover"):
        store(s3_location, tree_v2())  # the pre-check sees an uncommitted v2/
    # Without the pre-check the server itself refuses (If-None-Match: * on every write).
    monkeypatch.setattr(S3OcflLocation, "_check_clean", lambda *args: None)
    with pytest.raises(OverwriteRefusedError):
        store(s3_location, tree_v2())
    assert raw_get(raw_s3, leftover) == b"someone else's bytes"
    with pytest.raises(ClientError, match="PreconditionFailed"):
        s3_location.bucket.put(base + "v1/content/METS.xml", b"<mets OBJID='evil'/>")
    assert s3_location.head_version(OID) == "v1"
    monkeypatch.undo()
    assert any("uncommitted version v2" in line for line in s3_location.recover())
    assert store(s3_location, tree_v2()).version == "v2"
    assert s3_location.verify_object(OID) == []


# --- audit ------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["overwrite", "truncate", "delete", "extra", "sidecar"])
def test_verify_object_finds_damage_done_behind_our_back(s3_location, raw_s3, damage):
    store(s3_location, tree_v1())
    base = s3_location.object_key(OID)
    victim = base + _nfc(f"v1/content/{SV}/kopia av årsredovisning.pdf")
    original = raw_get(raw_s3, victim)
    if damage == "overwrite":
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x80
        raw_s3.put_object(Bucket="samarkiv-test", Key=victim, Body=bytes(flipped))
    elif damage == "truncate":
        raw_s3.put_object(Bucket="samarkiv-test", Key=victim, Body=original[:100])
    elif damage == "delete":
        raw_s3.delete_object(Bucket="samarkiv-test", Key=victim)
    elif damage == "extra":
        raw_s3.put_object(Bucket="samarkiv-test", Key=base + "v1/content/smuggled.txt", Body=b"?")
    else:
        raw_s3.put_object(
            Bucket="samarkiv-test", Key=base + "inventory.json.sha256", Body=b"0" * 64
        )
    problems = s3_location.verify_object(OID)
    print(problems)
    assert len(problems) == 1
    expected_word = {
        "overwrite": "corrupt",
        "truncate": "100 bytes",
        "delete": "missing",
        "extra": "not in the manifest",
        "sidecar": "sidecar",
    }[damage]
    assert expected_word in problems[0]
    if damage in ("overwrite", "truncate", "delete"):
        # Versioning kept the original bytes, and object lock refuses to destroy them.
        history = raw_s3.list_object_versions(Bucket="samarkiv-test", Prefix=victim)
        first = [v for v in history["Versions"] if v["Key"] == victim][-1]
        kept = raw_s3.get_object(Bucket="samarkiv-test", Key=victim, VersionId=first["VersionId"])
        assert kept["Body"].read() == original
        with pytest.raises(ClientError, match="AccessDenied"):
            raw_s3.delete_object(Bucket="samarkiv-test", Key=victim, VersionId=first["VersionId"])


# --- recovery ----------------------------------------------------------------------------


def test_recover_removes_leftovers_but_spares_live_writers(s3_location, raw_s3):
    store(s3_location, tree_v1())
    base = s3_location.object_key(OID)
    dead = s3_location.staging_root / "0123456789abcdef"
    (dead / "content").mkdir(parents=True)
    (s3_location.staging_root / "0123456789abcdef.lock").touch()  # nobody holds it
    raw_s3.put_object(Bucket="samarkiv-test", Key=base + "v2/content/METS.xml", Body=b"half")
    raw_s3.create_multipart_upload(Bucket="samarkiv-test", Key=base + "v2/content/big.bin")
    orphan = s3_location.object_key("urn:uuid:never-committed")
    for inner in ("0=ocfl_object_1.1", "v1/content/a.txt", "v1/inventory.json"):
        raw_s3.put_object(Bucket="samarkiv-test", Key=orphan + inner, Body=b"x")
    assert any("uncommitted" in p for p in s3_location.verify_object(OID))
    with s3_location.begin_version("urn:uuid:other") as live:  # a live writer is spared
        done = s3_location.recover()
        assert live.content_dir.is_dir()
    print("\n".join(done))
    assert len(done) == 4
    assert "urn%3auuid%3anever-committed" in " ".join(done)
    assert s3_location.bucket.list(orphan) == {}
    assert not dead.exists()
    assert s3_location.bucket.stale_uploads(s3_location.key("")) == []
    assert s3_location.recover() == []
    assert s3_location.verify_object(OID) == []
    assert store(s3_location, tree_v2()).version == "v2"


def test_recover_keeps_an_object_whose_committed_inventory_was_deleted(s3_location, raw_s3):
    """Versioning shows the root inventory existed: damage, not an interrupted write."""
    store(s3_location, tree_v1())
    base = s3_location.object_key(OID)
    raw_s3.delete_object(Bucket="samarkiv-test", Key=base + "inventory.json")
    assert s3_location.recover() == []
    assert "v1/content/METS.xml" in keys_under(s3_location)
    assert "root inventory unusable" in s3_location.verify_object(OID)[0]


# --- crashes -----------------------------------------------------------------------------

CHILD = r"""
import json, sys
from pathlib import Path
from samarkiv.storage.s3 import S3OcflLocation

settings, object_id, source, expected_file = sys.argv[1:5]
settings = json.loads(settings)
settings["staging_base"] = Path(settings["staging_base"])
expected = json.loads(Path(expected_file).read_text(encoding="utf-8"))
location = S3OcflLocation("offsite", **settings)
with location.begin_version(object_id) as staging:
    for logical in expected:
        target = staging.content_dir / logical
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((Path(source) / logical).read_bytes())
    staging.commit(expected, message="crash test", user_name="samarkiv")
"""

# (crash point, the state readers must see afterwards, leaves work for recover())
V1_POINTS = [
    ("s3:verified_file_3", "old", False),
    ("s3:verified", "old", False),
    ("s3:after_upload_0", "old", True),
    ("s3:after_upload_15", "old", True),
    ("s3:after_version_inventory", "old", True),
    ("s3:verified_uploads", "old", True),
    ("s3:after_root_inventory", "new", True),  # committed, root sidecar not yet written
    ("s3:after_root_sidecar", "new", False),
    ("s3:committed", "new", False),
]
V2_POINTS = [
    ("s3:verified_file_7", "old", False),
    ("s3:after_upload_0", "old", True),
    ("s3:after_upload_3", "old", True),
    ("s3:after_version_inventory", "old", True),
    ("s3:verified_uploads", "old", True),
    ("s3:after_root_inventory", "new", True),  # committed, stale root sidecar
    ("s3:after_root_sidecar", "new", False),
]


def run_killed_commit(tmp_path: Path, settings: dict, tree: dict, point: str) -> None:
    source = tmp_path / "source"
    write_tree(source, tree)
    expected_file = tmp_path / "expected.json"
    expected_file.write_text(json.dumps(digests(tree), ensure_ascii=False), encoding="utf-8")
    argv = [json.dumps({**settings, "staging_base": str(settings["staging_base"])}), OID]
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *argv, str(source), str(expected_file)],
        env={**os.environ, "SAMARKIV_CRASH_AT": point},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, f"{point} never reached: {child.stderr}"


def check_after_crash(location, old: dict | None, new: dict, outcome: str, leftovers: bool):
    """Readers see the old or the new state; recover() cleans; a re-run gets to new."""
    shown = new if outcome == "new" else old
    if shown is None:
        assert not location.exists(OID) and location.head_version(OID) is None
    else:
        assert_state(location, shown)
    done = location.recover()
    print(done)
    object_work = [line for line in done if "staging leftover" not in line]
    assert bool(object_work) == leftovers, done
    assert location.recover() == []
    assert list(location.staging_root.iterdir()) == []
    assert location.bucket.stale_uploads(location.key("")) == []
    if shown is None:
        assert keys_under(location) == []
    else:
        assert location.verify_object(OID) == []
        assert_state(location, shown)
    store(location, new)
    assert_state(location, new)
    assert location.verify_object(OID) == []


@pytest.mark.parametrize(("point", "outcome", "leftovers"), V1_POINTS)
def test_crash_while_creating_an_object(tmp_path, open_s3, s3_settings, point, outcome, leftovers):
    open_s3()  # bucket and root exist before the child starts
    run_killed_commit(tmp_path, s3_settings, tree_v1(), point)
    check_after_crash(open_s3(), None, tree_v1(), outcome, leftovers)


@pytest.mark.parametrize(("point", "outcome", "leftovers"), V2_POINTS)
def test_crash_while_adding_a_version(tmp_path, open_s3, s3_settings, point, outcome, leftovers):
    store(open_s3(), tree_v1())
    run_killed_commit(tmp_path, s3_settings, tree_v2(), point)
    check_after_crash(open_s3(), tree_v1(), tree_v2(), outcome, leftovers)


# --- throughput and memory --------------------------------------------------------------


def _timed(location: S3OcflLocation, name: str, timings: dict, monkeypatch) -> None:
    """Wrap a Bucket method to add its wall time to ``timings[name]``."""
    original = getattr(location.bucket, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    monkeypatch.setattr(location.bucket, name, wrapper)


def test_throughput_200_mb_and_streaming_memory(s3_location, monkeypatch):
    """~200 MB (2 multipart files + 40 single-PUT files): MB/s printed, nothing timed-asserted."""
    tree_sizes = {"big/a.bin": 80 * MIB, "big/b.bin": 80 * MIB}
    tree_sizes.update({f"small/{n:02d}.bin": MIB for n in range(40)})
    total = sum(tree_sizes.values())
    timings: dict[str, float] = {}
    _timed(s3_location, "upload_many", timings, monkeypatch)
    _timed(s3_location, "hash_many", timings, monkeypatch)
    with s3_location.begin_version(OID) as staging:
        expected = {}
        for logical, size in tree_sizes.items():
            path = staging.content_dir / logical
            path.parent.mkdir(parents=True, exist_ok=True)
            data = os.urandom(size)
            path.write_bytes(data)
            expected[logical] = hashlib.sha256(data).hexdigest()
        del data
        start = time.perf_counter()
        receipt = staging.commit(expected, message="throughput", user_name="bench")
        commit_s = time.perf_counter() - start
    assert receipt.bytes == total
    start = time.perf_counter()
    assert s3_location.verify_object(OID) == []
    verify_s = time.perf_counter() - start
    mb = total / 1e6
    print(
        f"\nS3 (SeaweedFS, loopback, {s3_location.workers} workers), {mb:.0f} MB in "
        f"{len(tree_sizes)} files:\n"
        f"  upload (server-checked)  {mb / timings['upload_many']:7.1f} MB/s\n"
        f"  read-back verify         {mb / timings['hash_many']:7.1f} MB/s (inside commit)\n"
        f"  whole commit             {mb / commit_s:7.1f} MB/s (re-hash staged + upload + verify)\n"
        f"  verify_object (audit)    {mb / verify_s:7.1f} MB/s"
    )
    tracemalloc.start()
    try:
        digest = hashlib.sha256()
        with s3_location.open_file(OID, "big/a.bin") as handle:
            while chunk := handle.read(256 * 1024):
                digest.update(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == expected["big/a.bin"]
    print(f"  open_file streamed 80 MiB with a peak of {peak / MIB:.1f} MiB traced")
    assert peak < 16 * MIB  # streaming: memory does not follow the file size
