"""Crash-safe file writes: a reader sees the old file or the complete new one, never half.

Archive metadata (METS, PREMIS) is the truth the catalogue is rebuilt from, so a power
cut in the middle of a write must not leave a truncated file behind. The recipe is the
classic one: write a temporary file in the *same* folder (so the rename stays on one
file system and is atomic), fsync it, ``os.replace`` it over the target, then fsync the
folder so the new directory entry itself survives a crash.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o644


@contextlib.contextmanager
def atomic_open(path: Path | str) -> Iterator[BinaryIO]:
    """Open ``path`` for binary writing; the file appears only when the block succeeds.

    For streamed writers (PREMIS of 100,000 files) that must not hold the whole document
    in memory. On an exception the temporary file is removed and the target is untouched.
    """
    target = Path(path)
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600; other services must read it
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(folder)


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically and durably (temp file, fsync, rename)."""
    with atomic_open(path) as fh:
        fh.write(data)


def fsync_dir(folder: Path | str) -> None:
    """Flush a folder's directory entries, so a completed rename survives a crash.

    Some platforms cannot open a directory for fsync; there the rename is as durable
    as the file system makes it and nothing more can be done.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
