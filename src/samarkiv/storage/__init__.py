"""Archival storage: AIPs as OCFL 1.1 objects, each AIP generation an OCFL version.

``open_location(name, base)`` returns a StorageLocation; today only the local
filesystem (``LocalOcflLocation``). Plain Python, no Django: the catalogue can always
be rebuilt from what is stored here.
"""

from __future__ import annotations

from pathlib import Path

from samarkiv.storage.digests import sha256_file, sha256_many
from samarkiv.storage.fixity import FileProblem, FixityReport, ProblemKind
from samarkiv.storage.local import LocalOcflLocation, LocalStaging
from samarkiv.storage.location import (
    ObjectNotFoundError,
    Staging,
    StagingMismatchError,
    StorageCorruptError,
    StorageError,
    StorageLayoutError,
    StorageLocation,
    StoredVersion,
)

__all__ = [
    "FileProblem",
    "FixityReport",
    "LocalOcflLocation",
    "LocalStaging",
    "ObjectNotFoundError",
    "ProblemKind",
    "Staging",
    "StagingMismatchError",
    "StorageCorruptError",
    "StorageError",
    "StorageLayoutError",
    "StorageLocation",
    "StoredVersion",
    "open_location",
    "sha256_file",
    "sha256_many",
]


def open_location(name: str, base: str | Path) -> StorageLocation:
    """Open (creating if needed) the storage location ``name`` at ``base``.

    ``base`` is a local folder today; an ``s3://`` URL will select the S3 location
    once it exists, so callers already pass storage addresses through here.
    """
    if isinstance(base, str) and "://" in base:
        raise StorageLayoutError(f"storage URL scheme not supported yet: {base}", path=base)
    return LocalOcflLocation(Path(base), name=name)
