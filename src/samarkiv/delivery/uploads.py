"""The bytes of resumable (tus) uploads: ``SAMARKIV_HOME/uploads/<uuid>.part``.

Why the catalogue row holds the offset and the file only the data: an append writes and
fsyncs the bytes first and moves the offset in the row afterwards. A crash in between
leaves bytes past the recorded offset, which the next append cuts off before writing,
so a half-written chunk can never become part of a delivery.

Appends to one upload are serialised with an ``flock`` on its part file, which works
the same on SQLite and PostgreSQL and across server processes.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from samarkiv.errors import ConflictError, SamarkivError

BLOCK = 1024 * 1024
CHECKSUM_ALGORITHMS = ("sha256", "sha1")


class InvalidUploadError(SamarkivError):
    """The upload request itself is malformed (length, metadata, file name)."""

    code = "invalid_upload"
    http_status = 400


class UploadTooLargeError(SamarkivError):
    code = "upload_too_large"
    http_status = 413


class ChunkTooLargeError(SamarkivError):
    code = "chunk_too_large"
    http_status = 413


class OffsetMismatchError(ConflictError):
    code = "offset_mismatch"


class UploadStateError(ConflictError):
    code = "upload_state"


class ChecksumMismatchError(SamarkivError):
    """tus checksum extension: the chunk (or the whole file) is not what was declared."""

    code = "checksum_mismatch"
    http_status = 460


class UnsupportedChecksumError(SamarkivError):
    code = "checksum_algorithm"
    http_status = 400


class IncompleteChunkError(SamarkivError):
    code = "incomplete_chunk"
    http_status = 400


def upload_dir() -> Path:
    folder = Path(settings.SAMARKIV_HOME) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def part_path(upload_id) -> Path:
    return upload_dir() / f"{upload_id}.part"


def create_part(upload_id) -> Path:
    """An empty, private part file; it must not exist yet."""
    path = part_path(upload_id)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    return path


def remove_part(upload_id) -> None:
    part_path(upload_id).unlink(missing_ok=True)


@contextmanager
def locked_part(upload_id) -> Iterator[BinaryIO]:
    """The part file, open for update and exclusively locked; ConflictError if gone."""
    try:
        fh = open(part_path(upload_id), "r+b")  # noqa: SIM115 - closed below
    except FileNotFoundError as exc:
        raise UploadStateError("the upload's data is gone") from exc
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield fh
    finally:
        fh.close()  # closing the descriptor drops the lock


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """``Upload-Checksum: <algorithm> <base64 digest>`` → (algorithm, digest bytes)."""
    if not header:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    algorithm = algorithm.lower()
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise UnsupportedChecksumError(f"unsupported checksum algorithm {algorithm!r}")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidUploadError("Upload-Checksum: the digest is not base64") from exc
    if len(digest) != hashlib.new(algorithm).digest_size:
        raise InvalidUploadError("Upload-Checksum: the digest has the wrong length")
    return algorithm, digest


def write_chunk(
    fh: BinaryIO, offset: int, stream: BinaryIO, length: int, checksum: tuple[str, bytes] | None
) -> int:
    """Append exactly ``length`` bytes at ``offset`` and fsync; return the new offset.

    Anything past ``offset`` (a crashed earlier append) is cut off first. On a short body
    or a checksum mismatch the file is cut back to ``offset`` and the error raised.
    """
    fh.truncate(offset)
    fh.seek(offset)
    hasher = hashlib.new(checksum[0]) if checksum else None
    remaining = length
    while remaining > 0:
        block = stream.read(min(BLOCK, remaining))
        if not block:
            break
        fh.write(block)
        if hasher is not None:
            hasher.update(block)
        remaining -= len(block)
    if remaining:
        _cut_back(fh, offset)
        raise IncompleteChunkError(f"the body ended {remaining} bytes early")
    if hasher is not None and hasher.digest() != checksum[1]:
        _cut_back(fh, offset)
        raise ChecksumMismatchError(f"the chunk's {checksum[0]} does not match Upload-Checksum")
    fh.flush()
    os.fsync(fh.fileno())
    return offset + length


def _cut_back(fh: BinaryIO, offset: int) -> None:
    fh.flush()
    fh.truncate(offset)
    os.fsync(fh.fileno())


def sha256_of(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            hasher.update(block)
    return hasher.hexdigest()


def delivery_source(delivery_id, filename: str) -> Path:
    """Where a delivery's SIP lies while it is ingested: its own folder, the original
    name (the suffix tells ``open_package`` the container type; the folder makes the
    path, which the ingest records as its source, unique)."""
    return upload_dir() / "deliveries" / str(delivery_id) / filename


def move_to_delivery(upload_id, delivery_id, filename: str) -> Path | None:
    """Move the finished part file to the delivery's source path (idempotent)."""
    target = delivery_source(delivery_id, filename)
    if target.exists():
        return target
    source = part_path(upload_id)
    if not source.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return target


def remove_delivery_source(delivery_id) -> None:
    shutil.rmtree(upload_dir() / "deliveries" / str(delivery_id), ignore_errors=True)
