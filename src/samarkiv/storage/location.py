"""What every archival storage location offers, whatever the medium.

An AIP is stored as one OCFL object (object id = the AIP id) and each AIP generation
as one OCFL version (v1, v2, ...). The local filesystem location (``local.py``) is the
first implementation; an S3 location will implement the same two protocols, so the
ingest and preservation code never knows where the bytes live.

The write contract is the archive's core promise: a caller stages the *complete*
logical state of a version, declares the SHA-256 of every file it wrote, and
``commit`` either makes that whole version durable and visible at once or leaves
storage exactly as it was. A crash at any moment leaves the previous state or the new
one, plus scratch leftovers that ``recover()`` removes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO, Protocol, Self, runtime_checkable

from samarkiv.errors import SamarkivError

if TYPE_CHECKING:
    from samarkiv.storage.fixity import FileProblem, FixityReport


class StorageError(SamarkivError):
    """A storage operation failed. A failed write always leaves storage as it was."""

    code = "storage_error"
    http_status = 500


class StagingMismatchError(StorageError):
    """The staged files are not exactly what the caller declared (digest, extra, missing).

    Raised before anything is written to storage: the caller's own copy disagrees
    with what reached the disk, so storing it would archive something unverified.
    """

    code = "storage_staging_mismatch"


class ObjectNotFoundError(StorageError):
    """No such object, version or logical file in this location."""

    code = "storage_not_found"
    http_status = 404


class StorageCorruptError(StorageError):
    """Stored data does not read back as valid OCFL (bad inventory, sidecar mismatch)."""

    code = "storage_corrupt"


class StorageLayoutError(StorageError):
    """The location's folder is not a storage root we can safely write to."""

    code = "storage_layout"


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """Receipt for one committed version: enough for the catalogue and PREMIS."""

    object_id: str
    version: str  # "v1", "v2", ...
    url: str  # where the object lives (filesystem path or storage URL)
    files: int  # logical files in this version
    bytes: int  # total size of those logical files
    new_files: int = 0  # content files actually added (the rest deduplicated)
    new_bytes: int = 0


@runtime_checkable
class Staging(Protocol):
    """A version being prepared; a context manager that discards itself unless committed.

    Write the version's complete logical state (the whole AIP folder tree) under
    ``content_dir``; files not rewritten are *not* carried over from the previous
    version, because OCFL versions are full states, not deltas.
    """

    content_dir: Path

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(
        self,
        expected: dict[str, str],
        *,
        message: str,
        user_name: str,
        user_address: str = "",
    ) -> StoredVersion:
        """Verify the staged files against ``expected`` (logical path -> sha256), then store.

        Raises StagingMismatchError (storage untouched) when a digest differs or a
        file is unexpected or missing.
        """
        ...


@runtime_checkable
class StorageLocation(Protocol):
    """One archival storage location holding AIPs as OCFL objects."""

    name: str

    def begin_version(self, object_id: str) -> Staging:
        """Start the next version of ``object_id`` (v1 when the object is new)."""
        ...

    def exists(self, object_id: str) -> bool: ...

    def head_version(self, object_id: str) -> str | None:
        """The newest committed version ("v3"), or None when the object is absent."""
        ...

    def list_objects(self) -> Iterator[str]:
        """Every object id stored here, read from the inventories on disk."""
        ...

    def object_url(self, object_id: str) -> str:
        """Where the object lives, for receipts (a path or a storage URL)."""
        ...

    def open_file(self, object_id: str, logical_path: str, version: str | None = None) -> BinaryIO:
        """Open one logical file of a version (default: head) for binary reading."""
        ...

    def logical_files(self, object_id: str, version: str | None = None) -> dict[str, str]:
        """Logical path -> sha256 for every file of a version (default: head)."""
        ...

    def inventory(self, object_id: str) -> dict:
        """The object's committed (root) OCFL inventory: versions, their states, manifest."""
        ...

    def fixity_report(
        self, object_id: str, expected_sizes: Mapping[str, int] | None = None
    ) -> FixityReport:
        """Re-read every stored file and check the OCFL structure; what was read, what is wrong.

        ``expected_sizes`` (sha256 -> bytes, as the catalogue knows them) lets a digest
        mismatch of the wrong length be reported as a SIZE problem (a truncation).
        """
        ...

    def check_object(
        self, object_id: str, expected_sizes: Mapping[str, int] | None = None
    ) -> list[FileProblem]:
        """``fixity_report(...).problems``: structured findings, empty when healthy."""
        ...

    def verify_object(self, object_id: str) -> list[str]:
        """``check_object`` as sentences (empty = healthy), for logs and simple callers."""
        ...

    def repair_content(
        self, object_id: str, content_path: str, data_source: BinaryIO, expected_sha256: str
    ) -> None:
        """Restore one damaged content file from healthy bytes (streamed, bounded memory).

        ``data_source`` is read to its end and must hash to ``expected_sha256``, which
        must be the manifest's digest for ``content_path``; otherwise nothing is written
        (StagingMismatchError / StorageError). After writing, the stored file is read
        back and verified; a mismatch raises StorageCorruptError.
        """
        ...

    def recover(self, object_ids: Iterable[str] | None = None) -> list[str]:
        """Remove leftovers of interrupted writes; return what was removed or finished."""
        ...

    def remove_object(self, object_id: str) -> None:
        """Delete an object outright: only for tests and rolling back a never-catalogued AIP."""
        ...
