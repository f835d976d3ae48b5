"""Checks on what a caller staged, before a byte of it reaches storage.

The caller declares every file it wrote (logical path -> sha256). The staged tree must
match that declaration exactly: an extra file means the caller lost track of something,
a missing one means a write went astray, and OCFL cannot represent symlinks, special
files or empty folders (E090, E024), so those are refused rather than silently dropped.
Nothing is ever lost by being quietly left out of an AIP.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from samarkiv.storage.digests import is_sha256_hex
from samarkiv.storage.fsutil import Scratch
from samarkiv.storage.inventory import is_valid_logical_path
from samarkiv.storage.location import StagingMismatchError, StorageError

_SHOW = 10  # names listed in an error message


@dataclass(frozen=True, slots=True)
class StagedFiles:
    """The regular files found under a staging content folder."""

    paths: dict[str, Path]  # logical path -> file in staging
    sizes: dict[str, int]


def validate_expected(expected: dict[str, str]) -> dict[str, str]:
    """The caller's declaration with digests lower-cased; refuse malformed entries."""
    state: dict[str, str] = {}
    bad: list[str] = []
    for logical, digest in expected.items():
        value = digest.lower() if isinstance(digest, str) else ""
        if not isinstance(logical, str) or not is_valid_logical_path(logical):
            bad.append(f"bad logical path {logical!r}")
        elif not is_sha256_hex(value):
            bad.append(f"bad sha256 for {logical}: {digest!r}")
        else:
            state[logical] = value
    if bad:
        raise StagingMismatchError("; ".join(bad[:_SHOW]))
    return state


def scan_staged(content_dir: Path, state: dict[str, str]) -> StagedFiles:
    """Walk the staged tree and compare it with the declaration; refuse any difference."""
    paths: dict[str, Path] = {}
    sizes: dict[str, int] = {}
    refused: list[str] = []
    for dirpath, dirs, files in os.walk(content_dir):
        folder = Path(dirpath)
        if folder != content_dir and not dirs and not files:
            refused.append(f"empty folder {_rel(folder, content_dir)}/ (OCFL cannot store it)")
        for name in [*dirs, *files]:
            full = folder / name
            info = full.lstat()
            logical = _rel(full, content_dir)
            if stat.S_ISDIR(info.st_mode):
                continue
            if not stat.S_ISREG(info.st_mode):
                refused.append(f"{logical} is not a regular file (symlink or special file)")
            elif not _is_utf8(logical):
                refused.append(f"{logical!r} is not a UTF-8 file name")
            else:
                paths[logical] = full
                sizes[logical] = info.st_size
    if refused:
        raise StagingMismatchError("; ".join(refused[:_SHOW]), path=str(content_dir))
    _compare(state, paths)
    return StagedFiles(paths=paths, sizes=sizes)


def _compare(state: dict[str, str], paths: dict[str, Path]) -> None:
    unexpected = sorted(set(paths) - set(state))
    missing = sorted(set(state) - set(paths))
    parts = []
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected file(s): {', '.join(unexpected[:_SHOW])}")
    if missing:
        parts.append(f"{len(missing)} missing file(s): {', '.join(missing[:_SHOW])}")
    if parts:
        raise StagingMismatchError("; ".join(parts), path=(unexpected or missing)[0])


def _rel(path: Path, top: Path) -> str:
    return path.relative_to(top).as_posix()


def _is_utf8(name: str) -> bool:
    """False for names that came off the disk as undecodable bytes (surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StagingArea:
    """What every location's staging shares: a private scratch folder on the staging
    filesystem, removed on exit (committed or not), and the checks every commit starts
    with. Subclasses write the version to their medium."""

    def __init__(self, location, object_id: str) -> None:
        self._location = location
        self.object_id = object_id
        self._scratch = Scratch.create(location.staging_root)
        self.content_dir = self._scratch.path / "content"
        self.content_dir.mkdir()
        self._committed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._scratch.discard()

    def _begin_commit(self, expected: dict[str, str]) -> tuple[dict[str, str], StagedFiles]:
        """Once only; ``expected`` well-formed and exactly the files staged."""
        if self._committed:
            raise StorageError("this staging area was already committed")
        state = validate_expected(expected)
        return state, scan_staged(self.content_dir, state)
