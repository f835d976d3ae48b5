"""Crash-safe filesystem primitives for the local storage location.

Everything durable goes through here: write-then-fsync files, fsync folders after
renames (a rename is only durable once its parent folder is synced), scratch folders
that carry an advisory lock so ``recover()`` can tell a dead writer's leftovers from a
live writer's work, and the crash hook the tests use to SIGKILL a commit mid-step.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CRASH_ENV = "SAMARKIV_CRASH_AT"


from samarkiv.crashpoints import crash_point  # noqa: E402,F401 - re-exported for storage


def fsync_dir(path: Path) -> None:
    """Persist a folder's entries (new names, renames in or out)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Persist a file's data that someone else wrote (read-only open is enough on Linux)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def syncfs(path: Path) -> bool:
    """syncfs(2): flush every dirty page and inode of the filesystem holding ``path``.

    One call replaces thousands of per-file fsyncs with the same durability guarantee
    for everything written before it. Returns False where the call is unavailable.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(path, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        return libc.syncfs(fd) == 0
    except AttributeError:
        return False
    finally:
        os.close(fd)


def write_durable(path: Path, data: bytes) -> None:
    """Create a new file with ``data`` and fsync it; refuses to overwrite anything."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree_dirs(top: Path) -> None:
    """fsync every folder under ``top`` (deepest first) and ``top`` itself."""
    for dirpath, _dirs, _files in os.walk(top, topdown=False):
        fsync_dir(Path(dirpath))


def remove_tree(path: Path) -> None:
    """Delete a folder tree, tolerating it being gone already."""
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class Scratch:
    """A private folder under the staging area, alive while its lock is held.

    The lock file ``<uuid>.lock`` is created and locked *before* the folder exists
    and removed *after* it is gone, so a folder whose lock can be taken belongs to a
    dead process. The kernel drops flock locks when a process dies, even by SIGKILL.
    """

    path: Path
    lock_path: Path
    _fd: int | None = field(default=None, repr=False)

    @classmethod
    def create(cls, staging_root: Path) -> Scratch:
        name = uuid.uuid4().hex
        lock_path = staging_root / f"{name}.lock"
        fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = staging_root / name
        path.mkdir()
        return cls(path=path, lock_path=lock_path, _fd=fd)

    def discard(self) -> None:
        """Remove the folder, then the lock (the order recover() relies on)."""
        remove_tree(self.path)
        with contextlib.suppress(FileNotFoundError):
            self.lock_path.unlink()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def try_lock(path: Path) -> int | None:
    """Take an exclusive flock without waiting; the fd, or None if someone holds it."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def reap_scratch(staging_root: Path) -> list[str]:
    """Remove scratch folders and lock files of dead writers; return what went."""
    removed: list[str] = []
    if not staging_root.is_dir():
        return removed
    for entry in sorted(staging_root.iterdir()):
        if entry.suffix == ".lock":
            folder = entry.with_suffix("")
            fd = try_lock(entry)
            if fd is None:
                continue  # a live writer (or already gone)
            try:
                if folder.exists():
                    remove_tree(folder)
                    removed.append(f"staging leftover {folder}")
                entry.unlink(missing_ok=True)
            finally:
                os.close(fd)
        elif entry.is_dir() and not entry.with_name(entry.name + ".lock").exists():
            remove_tree(entry)  # lock already removed: discard() died between its steps
            removed.append(f"staging leftover {entry}")
    return removed


@contextlib.contextmanager
def locked(path: Path, *, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive flock on ``path`` (created if needed); yields False if busy."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
