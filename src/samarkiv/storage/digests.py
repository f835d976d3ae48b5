"""SHA-256 helpers for storage: stream files, hash many at once.

Archival storage re-reads every byte it writes and every byte it audits, so hashing is
the hot path. ``hashlib.file_digest`` streams through a fixed buffer (no file is ever
held in memory) and releases the GIL while it hashes, so a small thread pool keeps
several disks/cores busy without multiprocessing.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def default_workers() -> int:
    """Threads for hashing: at least 2 (I/O overlaps compute), at most 8 (disk bound)."""
    return max(2, min(8, os.cpu_count() or 2))


def sha256_bytes(data: bytes) -> str:
    """Lower-case hex SHA-256 of in-memory bytes (inventories, sidecars)."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path | str) -> str:
    """Lower-case hex SHA-256 of a file, streamed so any size fits in memory."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sha256_many(
    paths: Iterable[Path],
    *,
    workers: int | None = None,
    on_each: Callable[[int, Path], None] | None = None,
) -> dict[Path, str]:
    """Hash many files in parallel; return path -> hex digest.

    ``on_each(index, path)`` runs in the worker thread after each file is hashed, with
    the file's position in ``paths``: callers use it for progress and tests use it to
    kill the process mid-verification. Any OSError (a file vanished, I/O error) is
    raised to the caller after the pool has stopped, so nothing runs on in the
    background.
    """
    ordered = list(paths)

    def one(item: tuple[int, Path]) -> tuple[Path, str]:
        index, path = item
        digest = sha256_file(path)
        if on_each is not None:
            on_each(index, path)
        return path, digest

    if not ordered:
        return {}
    with ThreadPoolExecutor(max_workers=workers or default_workers()) as pool:
        return dict(pool.map(one, enumerate(ordered)))


def is_sha256_hex(value: str) -> bool:
    """True for a 64-character lower-case hex SHA-256 digest."""
    return bool(SHA256_HEX.match(value))
