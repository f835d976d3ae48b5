"""Structured fixity findings and ``repair_content``, on disk and on the real S3 server.

Damage is done behind the location's back (plain file writes, a plain boto3 client),
the way a failing disk or a careless operator would. Each finding must name the
content file, its logical paths and both digests; a repair must refuse bytes that are
not the expected ones before writing anything, and must leave the object verifying.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from samarkiv.storage import (
    LocalOcflLocation,
    ProblemKind,
    StagingMismatchError,
    StorageError,
    s3_bucket,
)
from tests.storage.test_local_ocfl import OID, SV, _nfc, assert_ocfl_valid, digests, tree_v1
from tests.storage.test_s3_ocfl import raw_get, store

BUCKET = "samarkiv-test"
VICTIM = _nfc(f"{SV}/Årsredovisning för Hörby kommun.pdf")  # shares its digest with a copy


@dataclass
class Medium:
    """A location plus raw access to its stored bytes (the tamperer's view)."""

    location: object
    read: Callable[[str], bytes | None]
    write: Callable[[str, bytes], None]
    delete: Callable[[str], None]


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.slow)])
def medium(request, tmp_path: Path) -> Medium:
    if request.param == "local":
        location = LocalOcflLocation(tmp_path / "loc")
        folder = lambda: location.object_dir(OID)  # noqa: E731
        return Medium(
            location,
            lambda p: (folder() / p).read_bytes() if (folder() / p).is_file() else None,
            lambda p, data: (folder() / p).write_bytes(data),
            lambda p: (folder() / p).unlink(),
        )
    location = request.getfixturevalue("s3_location")
    raw = request.getfixturevalue("raw_s3")
    base = location.object_key(OID)

    def read(path: str) -> bytes | None:
        return raw_get(raw, base + path) if location.bucket.exists(base + path) else None

    return Medium(
        location,
        read,
        lambda p, data: raw.put_object(Bucket=BUCKET, Key=base + p, Body=data),
        lambda p: raw.delete_object(Bucket=BUCKET, Key=base + p),
    )


def content_path_of(location, logical: str) -> str:
    inventory = location.inventory(OID)
    digest = location.logical_files(OID)[logical]
    return inventory["manifest"][digest][0]


def sizes(tree: dict[str, bytes]) -> dict[str, int]:
    return {hashlib.sha256(data).hexdigest(): len(data) for data in tree.values()}


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete"])
def test_check_object_names_the_file_and_repair_restores_it(medium: Medium, damage: str):
    tree = tree_v1()
    store(medium.location, tree)
    path = content_path_of(medium.location, VICTIM)
    original = medium.read(path)
    if damage == "flip":
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x01
        medium.write(path, bytes(flipped))
    elif damage == "truncate":
        medium.write(path, original[:100])
    else:
        medium.delete(path)

    problems = medium.location.check_object(OID, expected_sizes=sizes(tree))

    assert len(problems) == 1, problems
    problem = problems[0]
    kind = {"flip": ProblemKind.CORRUPT, "truncate": ProblemKind.SIZE, "delete": "missing"}
    assert problem.kind == kind[damage]
    assert problem.content_path == path and problem.repairable
    digest = hashlib.sha256(original).hexdigest()
    assert problem.expected_sha256 == digest
    # Two logical files share these bytes (OCFL stores them once); both are named.
    assert set(problem.logical_paths) == {VICTIM, _nfc(f"{SV}/kopia av årsredovisning.pdf")}
    if damage != "delete":
        assert problem.actual_sha256 == hashlib.sha256(medium.read(path)).hexdigest()
        assert problem.actual_size == (100 if damage == "truncate" else len(original))
    assert medium.location.verify_object(OID) == [problem.message]  # the sentence, unchanged

    medium.location.repair_content(OID, path, io.BytesIO(original), digest)

    assert medium.read(path) == original
    assert medium.location.check_object(OID) == []
    assert list(medium.location.staging_root.iterdir()) == []
    if isinstance(medium.location, LocalOcflLocation):
        assert_ocfl_valid(medium.location)


def test_repair_refuses_bytes_that_are_not_the_expected_ones(medium: Medium):
    store(medium.location, tree_v1())
    path = content_path_of(medium.location, VICTIM)
    original = medium.read(path)
    medium.write(path, b"rotten")
    digest = hashlib.sha256(original).hexdigest()

    with pytest.raises(StagingMismatchError, match="nothing was written"):
        medium.location.repair_content(OID, path, io.BytesIO(original[:-1] + b"?"), digest)
    assert medium.read(path) == b"rotten"  # untouched: a bad source spreads nothing

    other = content_path_of(medium.location, "METS.xml")
    with pytest.raises(StorageError, match="not .*"):  # right bytes, wrong place
        medium.location.repair_content(OID, other, io.BytesIO(original), digest)
    with pytest.raises(StorageError, match="not in the manifest"):
        medium.location.repair_content(OID, "v1/content/new.txt", io.BytesIO(original), digest)
    with pytest.raises(StorageError, match="not a content path"):
        medium.location.repair_content(OID, "../escape", io.BytesIO(original), digest)
    assert medium.read(other) == tree_v1()["METS.xml"]
    assert list(medium.location.staging_root.iterdir()) == []


def test_structure_problems_are_inventory_findings(medium: Medium):
    store(medium.location, tree_v1())
    medium.write("v1/content/smuggled.txt", b"?")
    medium.write("inventory.json.sha256", b"0" * 64 + b" inventory.json\n")

    problems = medium.location.check_object(OID)

    assert sorted(p.kind for p in problems) == ["inventory", "inventory"]
    assert {p.content_path for p in problems} == {"", "v1/content/smuggled.txt"}
    assert not any(p.repairable for p in problems)


def test_an_absent_object_is_one_missing_finding(medium: Medium):
    report = medium.location.fixity_report(OID)
    assert [(p.kind, p.content_path) for p in report.problems] == [("missing", "")]
    assert "not found" in report.problems[0].message


def test_the_report_counts_what_it_read(medium: Medium):
    tree = tree_v1()
    store(medium.location, tree)
    report = medium.location.fixity_report(OID)
    assert report.healthy
    # Within a version every logical file has its own content file (so v1 alone is a
    # complete E-ARK package on disk); the audit reads each one.
    assert (report.files_checked, report.bytes_checked) == (
        len(tree),
        sum(len(data) for data in tree.values()),
    )


@pytest.mark.slow
def test_s3_repair_keeps_the_damaged_version_and_is_server_checked(s3_location, raw_s3):
    store(s3_location, tree_v1())
    path = content_path_of(s3_location, VICTIM)
    key = s3_location.object_key(OID) + path
    original = raw_get(raw_s3, key)
    raw_s3.put_object(Bucket=BUCKET, Key=key, Body=b"rotten")
    digest = hashlib.sha256(original).hexdigest()

    s3_location.repair_content(OID, path, io.BytesIO(original), digest)

    history = raw_s3.list_object_versions(Bucket=BUCKET, Prefix=key)["Versions"]
    kept = [raw_s3.get_object(Bucket=BUCKET, Key=key, VersionId=v["VersionId"]) for v in history]
    bodies = [item["Body"].read() for item in kept]
    assert sorted(bodies) == sorted([original, b"rotten", original])  # forensics keep it
    head = raw_s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")
    assert head.get("ChecksumSHA256") == s3_bucket.b64_digest(digest)


@pytest.mark.slow
def test_s3_repair_of_a_large_file_goes_up_in_checked_parts(s3_location, raw_s3, monkeypatch):
    """Multipart with If-Match: s3transfer cannot send the condition, so it is done by hand."""
    big = bytes(range(256)) * (11 * 4096 + 17)  # 11 MiB: 3 parts of the 5 MiB S3 minimum
    tree = {"METS.xml": b"<mets/>", "big.bin": big}
    store(s3_location, tree)
    key = s3_location.object_key(OID) + "v1/content/big.bin"
    raw_s3.put_object(Bucket=BUCKET, Key=key, Body=big[:1000])
    monkeypatch.setattr(s3_bucket, "MULTIPART_THRESHOLD", 5 * 1024 * 1024)
    monkeypatch.setattr(s3_bucket, "PART_SIZE", 5 * 1024 * 1024)

    s3_location.repair_content(OID, "v1/content/big.bin", io.BytesIO(big), digests(tree)["big.bin"])

    assert raw_get(raw_s3, key) == big
    assert s3_location.check_object(OID) == []
    assert s3_location.bucket.stale_uploads(s3_location.key("")) == []


def test_repair_streams_in_bounded_memory(tmp_path: Path):
    """A 48 MiB file is repaired through a stream; Python never holds more than a few MiB."""
    import tracemalloc

    location = LocalOcflLocation(tmp_path / "loc")
    chunk = hashlib.sha256(b"seed").digest() * (1024 * 32)  # 1 MiB
    big = tmp_path / "big.bin"
    with big.open("wb") as out:
        for _ in range(48):
            out.write(chunk)
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    with location.begin_version(OID) as staging:
        (staging.content_dir / "big.bin").write_bytes(big.read_bytes())
        staging.commit({"big.bin": digest}, message="m", user_name="u")
    (location.object_dir(OID) / "v1/content/big.bin").write_bytes(b"lost")

    tracemalloc.start()
    try:
        with big.open("rb") as source:
            location.repair_content(OID, "v1/content/big.bin", source, digest)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 8 * 1024 * 1024, peak
    assert location.check_object(OID) == []
