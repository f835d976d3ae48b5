"""Opening an information package (folder, zip or tar) without trusting it.

Packages arrive from outside the archive, so every container is hostile until proven
otherwise. The design choices, and why:

* A folder is used in place and never modified; it is only walked (without following
  links) so that links and odd names are reported before any validator reads through them.
* Archives are read in two passes. The first reads only headers and checks every entry
  (path traversal, links, name encoding and length, duplicates, declared sizes and ratio,
  entry count); nothing is written unless the whole archive passes. The second streams
  each entry in 1 MiB chunks into a fresh private workspace and counts the bytes actually
  written, because declared sizes can lie.
* Hostile input never raises: it becomes an error finding and the package is refused
  (``root`` is None). Only input that cannot be read at all raises UnreadableInputError.
* Backslashes in archive names are path separators (Windows tools write them), so
  ``..\\x`` is caught as traversal and ``pkg\\METS.xml`` unpacks to ``pkg/METS.xml``.
* Zip names without the UTF-8 flag: ASCII is fine; bytes that decode as strict UTF-8 are
  taken as UTF-8 (many tools omit the flag); anything else is in an unknown legacy code page
  (cp437, cp850, cp1252...) and is refused with PKG-NAME-ENCODING rather than guessed.
  The Info-ZIP Unicode Path extra field is not consulted.
* A folder package with a link or special file inside has ``root`` None, so no validator
  reads through it; bad names in a folder are reported but the folder stays readable.

This module holds the public entry point and the two flows (folder in place, archive
checked then extracted). The parts they share live beside it: ``limits`` (Limits, rule
ids, constants; re-exported here), ``entries`` (the entry model and name checks) and
``archive_readers`` (zip and tar header readers).
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from samarkiv.errors import UnreadableInputError
from samarkiv.packages.archive_readers import (
    _READ_ERRORS,
    _cannot_read,
    _open_reader,
    _Reader,
    _unreadable,
)
from samarkiv.packages.entries import _display, _Entry, _PathChecker, _Refused, _too_many
from samarkiv.packages.limits import (
    CHUNK_BYTES,
    MAX_COLLISION_WARNINGS,
    MAX_FINDINGS,
    MAX_TAR_META_BYTES,
    RULE_BOMB,
    RULE_DUPLICATE,
    RULE_ENCODING,
    RULE_LENGTH,
    RULE_LINK,
    RULE_PACKAGED,
    RULE_SINGLE_ROOT,
    RULE_TRAVERSAL,
    TINY_ARCHIVE_BYTES,
    Limits,
)
from samarkiv.packages.report import Finding, Level

__all__ = [
    "CHUNK_BYTES",
    "MAX_COLLISION_WARNINGS",
    "MAX_FINDINGS",
    "MAX_TAR_META_BYTES",
    "RULE_BOMB",
    "RULE_DUPLICATE",
    "RULE_ENCODING",
    "RULE_LENGTH",
    "RULE_LINK",
    "RULE_PACKAGED",
    "RULE_SINGLE_ROOT",
    "RULE_TRAVERSAL",
    "TINY_ARCHIVE_BYTES",
    "Limits",
    "OpenedPackage",
    "open_package",
]

log = logging.getLogger(__name__)

_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL
_WRITE_FLAGS |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


@dataclass(eq=False)
class OpenedPackage:
    """An opened package; a context manager that removes its temporary workspace on exit."""

    source: Path  # the path that was opened
    container: str  # "directory" | "zip" | "tar"
    root: Path | None  # the folder that should hold METS.xml; None if refused or unknown
    findings: list[Finding]
    workspace: Path | None = None  # temporary extraction folder (archives only)

    def __enter__(self) -> OpenedPackage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the workspace; safe to call more than once."""
        if self.workspace is not None:
            _remove_tree(self.workspace)


def open_package(
    path: Path, *, limits: Limits | None = None, workspace: Path | None = None
) -> OpenedPackage:
    """Open a folder, zip or tar (plain, gz, bz2, xz) as an information package.

    Hostile content is reported as findings (``root`` is then None); only a missing path
    or a file that is no readable zip or tar raises UnreadableInputError.
    """
    path = Path(os.path.abspath(path))
    limits = limits or Limits.from_env()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise UnreadableInputError(f"'{path}' does not exist", path=str(path)) from None
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        return _open_directory(path, limits)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableInputError(f"'{path}' is neither a folder nor a file", path=str(path))
    return _open_archive(path, st.st_size, limits, workspace)


# --- folders -------------------------------------------------------------------------------


def _open_directory(path: Path, limits: Limits) -> OpenedPackage:
    """Check a folder package in place; links or special files make it refused."""
    note = "package is not compressed/packaged as zip or tar (it was given as a folder)"
    findings = [Finding(RULE_PACKAGED, Level.MAY, note)]
    checker = _PathChecker("directory", limits, findings)
    try:
        hostile = _walk_directory(path, checker, limits)
    except _Refused as refusal:
        findings.append(refusal.finding)
        hostile = True
    return OpenedPackage(path, "directory", None if hostile else path, findings)


def _walk_directory(root: Path, checker: _PathChecker, limits: Limits) -> bool:
    """Walk without following links; True when the folder must not be read further."""
    stack: list[tuple[str, tuple[str, ...]]] = [(os.fspath(root), ())]
    count = 0
    hostile = False
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise _cannot_read(folder, exc) from None
        for item in items:
            count += 1
            if count > limits.max_entries:
                raise _too_many("the folder", limits)
            entry = _folder_entry(item, (*rel, item.name))
            if not checker.accept(entry) and entry.kind in ("symlink", "special"):
                hostile = True
            if entry.kind == "dir":
                stack.append((item.path, entry.parts))
            if len(checker.findings) >= MAX_FINDINGS:
                return True
    return hostile


def _folder_entry(item: os.DirEntry[str], parts: tuple[str, ...]) -> _Entry:
    raw = "/".join(parts).encode("utf-8", "surrogateescape")
    target = ""
    if item.is_symlink():
        kind = "symlink"
        try:
            target = _display(os.fsencode(os.readlink(item.path)))
        except OSError:
            target = "?"
    elif item.is_dir(follow_symlinks=False):
        kind = "dir"
    elif item.is_file(follow_symlinks=False):
        kind = "file"
    else:
        kind = "special"
    return _Entry(_display(raw), raw, parts, kind, target=target)


# --- archives --------------------------------------------------------------------------------


def _open_archive(path: Path, size: int, limits: Limits, base: Path | None) -> OpenedPackage:
    """Check all headers, then extract into a fresh workspace if nothing was hostile."""
    findings: list[Finding] = []
    kind = "zip"
    workspace: Path | None = None
    try:
        reader = _open_reader(path, limits)
        kind = reader.kind
        try:
            plan = _prescan(reader, limits, size, findings)
            top = None if plan is None else _single_root(plan, kind, findings)
            if plan is None or top is None:
                return OpenedPackage(path, kind, None, findings)
            workspace = _make_workspace(base)
            _extract(reader, plan, workspace, limits, size)
        finally:
            reader.close()
    except _Refused as refusal:
        findings.append(refusal.finding)
        if workspace is not None:
            _remove_tree(workspace)
        return OpenedPackage(path, refusal.container or kind, None, findings, workspace)
    except BaseException:
        if workspace is not None:
            _remove_tree(workspace)
        raise
    return OpenedPackage(path, kind, workspace / top, findings, workspace)


def _prescan(
    reader: _Reader, limits: Limits, archive_size: int, findings: list[Finding]
) -> list[_Entry] | None:
    """Check every header before anything is written; None when the archive is refused."""
    checker = _PathChecker(reader.kind, limits, findings)
    plan: list[_Entry] = []
    declared = 0
    for count, entry in enumerate(reader.entries(), start=1):
        if count > limits.max_entries:
            raise _too_many(f"the {reader.kind} archive", limits)
        if not checker.accept(entry):
            if len(findings) >= MAX_FINDINGS:
                break
            continue
        if entry.kind == "file":
            declared += entry.size
            _check_size(reader.kind, entry, declared, archive_size, limits, declared=True)
        if entry.parts:
            plan.append(entry)
    return None if checker.refused else plan


def _check_size(
    kind: str, entry: _Entry, total: int, archive_size: int, limits: Limits, *, declared: bool
) -> None:
    """Raise _Refused when the (declared or actual) total crosses the size or ratio limit."""
    what = "declared uncompressed size" if declared else "extracted size"
    outcome = "nothing was extracted" if declared else "extraction was stopped"
    start = f"{kind} entry '{entry.display}' brings the {what} to {total} bytes"
    if total > limits.max_total_bytes:
        message = f"{start}, over the limit of {limits.max_total_bytes} bytes"
        raise _Refused(RULE_BOMB, f"{message} (possible zip bomb); {outcome}", entry.display)
    ratio = total / max(archive_size, 1)
    if total >= TINY_ARCHIVE_BYTES and ratio > limits.max_ratio:
        message = (
            f"{start} from {archive_size} archive bytes, a ratio of {ratio:.0f}:1 over the "
            f"limit of {limits.max_ratio:g}:1"
        )
        raise _Refused(RULE_BOMB, f"{message} (possible zip bomb); {outcome}", entry.display)


def _single_root(plan: list[_Entry], kind: str, findings: list[Finding]) -> str | None:
    """E-ARK CSIPSTR1: the archive must unpack to exactly one root folder."""
    tops: dict[str, bool] = {}  # top-level name -> is a file
    for entry in plan:
        is_file = len(entry.parts) == 1 and entry.kind == "file"
        tops[entry.parts[0]] = tops.get(entry.parts[0], False) or is_file
    if len(tops) == 1 and not any(tops.values()):
        return next(iter(tops))
    names = sorted(tops)
    shown = ", ".join(f"'{n}'" for n in names[:5]) + (", ..." if len(names) > 5 else "")
    if not names:
        found = f"the {kind} archive is empty"
    elif len(names) == 1:
        found = f"the {kind} archive holds only the file {shown} at top level"
    else:
        found = f"the {kind} archive unpacks to {len(names)} top-level entries ({shown})"
    message = f"{found}; it must unpack to exactly one root folder (CSIPSTR1)"
    findings.append(Finding(RULE_SINGLE_ROOT, Level.MUST, message, path=names[0] if names else ""))
    return None


def _make_workspace(base: Path | None) -> Path:
    """A fresh private folder under `base`, $SAMARKIV_HOME/tmp or the system temp dir."""
    if base is None and os.environ.get("SAMARKIV_HOME"):
        base = Path(os.environ["SAMARKIV_HOME"]) / "tmp"
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="samarkiv-pkg-", dir=base))


def _extract(
    reader: _Reader, plan: list[_Entry], workspace: Path, limits: Limits, archive_size: int
) -> None:
    """Create folders and stream files into the workspace; raises _Refused on a limit."""
    base = os.fspath(workspace)
    total = 0
    # Crossing this many bytes always breaks the size or the ratio limit in _check_size.
    cap = min(limits.max_total_bytes, max(limits.max_ratio * archive_size, TINY_ARCHIVE_BYTES))
    for entry in plan:
        dest = os.path.join(base, *entry.parts)
        if os.path.commonpath([base, dest]) != base or dest == base:  # defence in depth
            message = f"{reader.kind} entry '{entry.display}' escapes the package root"
            raise _Refused(RULE_TRAVERSAL, message, entry.display)
        try:
            if entry.kind == "dir":
                os.makedirs(dest, mode=0o755, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(dest), mode=0o755, exist_ok=True)
            written = _write_file(reader, entry, dest, cap - total)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            message = (
                f"{reader.kind} entry '{entry.display}' collides with another entry on this "
                "file system (duplicate entry); extraction was stopped"
            )
            raise _Refused(RULE_DUPLICATE, message, entry.display) from None
        total += written
        _check_size(reader.kind, entry, total, archive_size, limits, declared=False)


def _write_file(reader: _Reader, entry: _Entry, dest: str, budget: float) -> int:
    """Stream one entry into a new file, never beyond its declared size or the budget.

    Never overwrites and never follows a link. Returns the bytes written; writing stops
    just past the budget, so that the caller's size check reports the crossing.
    """
    fd = os.open(dest, _WRITE_FLAGS, 0o644)
    written = 0
    with os.fdopen(fd, "wb") as out:
        for chunk in _chunks(reader, entry):
            written += len(chunk)
            if written > entry.size:
                message = (
                    f"{reader.kind} entry '{entry.display}' holds more than its declared "
                    f"{entry.size} bytes (the archive lies about sizes); extraction was stopped"
                )
                raise _Refused(RULE_BOMB, message, entry.display)
            out.write(chunk)
            if written > budget:
                break
    return written


def _chunks(reader: _Reader, entry: _Entry) -> Iterator[bytes]:
    """Read an entry in 1 MiB chunks (bounded memory); read errors mean a damaged archive."""
    try:
        with reader.open(entry) as src:
            while chunk := src.read(CHUNK_BYTES):
                yield chunk
    except _READ_ERRORS as exc:
        raise _unreadable(reader.path, reader.kind, exc) from None


def _remove_tree(path: Path) -> None:
    """Remove a workspace, making read-only entries writable first if needed."""

    def retry(func: object, failed: str, _exc: object) -> None:
        try:
            os.chmod(os.path.dirname(failed), stat.S_IRWXU)
            if os.path.isdir(failed) and not os.path.islink(failed):
                os.chmod(failed, stat.S_IRWXU)
                shutil.rmtree(failed, ignore_errors=True)
            else:
                os.unlink(failed)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove %s from workspace %s: %s", failed, path, exc)

    if os.path.lexists(path):
        shutil.rmtree(path, onerror=retry)
