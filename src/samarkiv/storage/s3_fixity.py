"""Fixity check and repair for ``S3OcflLocation``; kept apart so s3.py stays the write path.

The check trusts nothing but the bucket: the key listing shows the structure, the
inventories and sidecars are re-read, and every content object is streamed back and
re-hashed (bounded memory, a thread pool). The repair replaces exactly one damaged
content object, deliberately (``If-Match`` on the damaged version's ETag), so a bucket
with versioning keeps the damaged bytes as an older version for whoever investigates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, BinaryIO

from samarkiv.storage.fixity import (
    FixityReport,
    Measure,
    Measured,
    content_report,
    is_content_path,
    object_absent,
    structural,
)
from samarkiv.storage.fsutil import Scratch, crash_point, locked
from samarkiv.storage.inventory import INVENTORY, parse_inventory
from samarkiv.storage.location import ObjectNotFoundError, StorageCorruptError
from samarkiv.storage.ocfl_layout import listing_problems, metadata_problems
from samarkiv.storage.repair import check_repair_target, spool_verified
from samarkiv.storage.s3_bucket import Bucket, s3_errors

if TYPE_CHECKING:
    from samarkiv.storage.s3 import S3OcflLocation


def fixity_report(
    location: S3OcflLocation, object_id: str, expected_sizes: Mapping[str, int] | None
) -> FixityReport:
    """Structure from the listing and inventories, then every content object re-hashed."""
    base = location.object_key(object_id)
    bucket = location.bucket
    with s3_errors("auditing", base):
        present = {key[len(base) :]: size for key, size in bucket.list(base).items()}
        if not present:
            return FixityReport(
                object_id, problems=[object_absent(object_id, location.object_url(object_id))]
            )
        found = bucket.read(base + INVENTORY)
        if found is None:
            unusable = [f"root inventory unusable: {INVENTORY} is missing"]
            return FixityReport(object_id, problems=structural(unusable))
        try:
            inventory = parse_inventory(found[0], base + INVENTORY)
        except StorageCorruptError as exc:
            unusable = [f"root inventory unusable: {exc.message}"]
            return FixityReport(object_id, problems=structural(unusable))

        def read(inner: str) -> bytes | None:
            item = bucket.read(base + inner)
            return item[0] if item else None

        problems = metadata_problems(object_id, inventory, found[0], read)
        problems += listing_problems(inventory, present)
        stored = [path for path in present if is_content_path(path, inventory)]
        report = content_report(
            object_id, inventory, stored, _measurer(bucket, base), expected_sizes
        )
    report.problems[:0] = structural(problems)
    return report


def _measurer(bucket: Bucket, base: str) -> Measure:
    def measure(paths: list[str]) -> dict[str, Measured]:
        hashes = bucket.hash_many([base + path for path in paths])
        return {path: hashes[base + path] for path in paths}

    return measure


def repair_content(
    location: S3OcflLocation,
    object_id: str,
    content_path: str,
    data_source: BinaryIO,
    expected_sha256: str,
) -> None:
    """Spool + verify locally, replace the one damaged object, stream it back and check."""
    expected = expected_sha256.lower()
    key = location.object_key(object_id) + content_path
    scratch = Scratch.create(location.staging_root)
    try:
        staged = scratch.path / "repair"
        size = spool_verified(data_source, staged, expected)
        with locked(location.lock_path(object_id)), s3_errors("repairing", key):
            root = location.load_root(object_id)
            if root is None:
                raise ObjectNotFoundError(f"no object {object_id} in location {location.name}")
            check_repair_target(root.inventory, content_path, expected)
            damaged_etag = location.bucket.etag(key)  # None: deleted, a create-only put
            crash_point("s3:before_repair_put")
            location.bucket.put_file(key, staged, expected, size, if_match=damaged_etag or "")
            crash_point("s3:after_repair_put")
            actual = location.bucket.hash(key)
    finally:
        scratch.discard()
    if actual != (expected, size):
        raise StorageCorruptError(
            f"{object_id}: {content_path} reads back as {actual} after repair, "
            f"not ({expected}, {size})",
            path=key,
        )
