"""The shared half of ``repair_content``: take healthy bytes in, prove them, then write.

Repair is the only write that touches a committed version, so it is held to a stricter
rule than a commit: the incoming bytes are spooled to the location's own staging area
and hashed on the way, and nothing in storage is touched unless they have exactly the
digest the inventory expects for exactly that content path. A copy that is itself
damaged can therefore never "repair" another one into a second bad copy.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from samarkiv.storage.fixity import manifest_paths
from samarkiv.storage.inventory import is_valid_logical_path
from samarkiv.storage.location import StagingMismatchError, StorageError

CHUNK = 1024 * 1024  # memory per repair stays at one chunk, whatever the file size


def spool_verified(source: BinaryIO, target: Path, expected_sha256: str) -> int:
    """Copy ``source`` into the new file ``target`` while hashing; fsync; return its size.

    Raises StagingMismatchError (and removes ``target``) when the bytes do not have
    ``expected_sha256``: the caller's source is not the healthy copy it claimed.
    """
    digest = hashlib.sha256()
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if digest.hexdigest() != expected_sha256:
        target.unlink(missing_ok=True)
        raise StagingMismatchError(
            f"repair source has sha256 {digest.hexdigest()} ({size} bytes), "
            f"not the expected {expected_sha256}; nothing was written",
            path=str(target),
        )
    return size


def check_repair_target(inventory: dict, content_path: str, expected_sha256: str) -> None:
    """Refuse to write anywhere but a manifest entry that names exactly this digest.

    Why: a repair must restore what the inventory already promises, never add or
    change content; anything else would be an unrecorded new version.
    """
    if not is_valid_logical_path(content_path):
        raise StorageError(f"not a content path: {content_path!r}", path=content_path)
    listed = manifest_paths(inventory).get(content_path)
    if listed is None:
        raise StorageError(
            f"{content_path} is not in the manifest of {inventory['id']}", path=content_path
        )
    if listed != expected_sha256:
        raise StorageError(
            f"{content_path} has sha256 {listed} in the manifest, not {expected_sha256}",
            path=content_path,
        )
