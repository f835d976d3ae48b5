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
"""

from __future__ import annotations

import logging
import lzma
import os
import re
import shutil
import stat
import struct
import tarfile
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from samarkiv.errors import UnreadableInputError, UsageError
from samarkiv.packages.report import Finding, Level

log = logging.getLogger(__name__)

CHUNK_BYTES = 2**20  # streaming copy size: bounds memory per entry
TINY_ARCHIVE_BYTES = 2**20  # below this uncompressed size the ratio check is skipped
MAX_TAR_META_BYTES = 2**20  # GNU long names and pax headers are read into memory whole
MAX_FINDINGS = 100  # stop listing bad entries after this many; the package is refused anyway
MAX_COLLISION_WARNINGS = 20

RULE_TRAVERSAL = "PKG-PATH-TRAVERSAL"
RULE_LINK = "PKG-SYMLINK"
RULE_BOMB = "PKG-BOMB"
RULE_ENCODING = "PKG-NAME-ENCODING"
RULE_LENGTH = "PKG-NAME-LENGTH"
RULE_DUPLICATE = "PKG-DUPLICATE-ENTRY"
RULE_SINGLE_ROOT = "CSIPSTR1"
RULE_PACKAGED = "CSIPSTR3"

_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
_ZIP_UTF8_FLAG = 0x800
_ZIP_ENCRYPTED_FLAG = 0x1
_SPECIAL_MODES = (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK)
_TAR_META_TYPES = frozenset(
    (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE)
)
_READ_ERRORS = (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError)
_READ_ERRORS += (OSError, NotImplementedError, RuntimeError, ValueError)
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL
_WRITE_FLAGS |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Limits:
    """Resource limits for opening one package; defaults suit municipal deliveries."""

    max_total_bytes: int = 64 * 2**30  # total uncompressed size
    max_ratio: float = 200.0  # uncompressed/compressed per archive; skipped below 1 MiB
    max_entries: int = 1_000_000
    max_name_bytes: int = 255  # one path component, UTF-8 bytes
    max_path_bytes: int = 4096

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, overridden by SAMARKIV_MAX_TOTAL_BYTES, _MAX_RATIO and _MAX_ENTRIES."""
        base = cls()
        return cls(
            max_total_bytes=int(_env_number("SAMARKIV_MAX_TOTAL_BYTES", base.max_total_bytes)),
            max_ratio=_env_number("SAMARKIV_MAX_RATIO", base.max_ratio, integer=False),
            max_entries=int(_env_number("SAMARKIV_MAX_ENTRIES", base.max_entries)),
        )


def _env_number(name: str, default: float, *, integer: bool = True) -> float:
    """A positive number from the environment; a bad value is a configuration error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a valid number") from None
    if not value > 0:
        raise UsageError(f"{name}={raw!r} must be greater than zero")
    return value


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


def _cannot_read(path: Path | str, exc: OSError) -> UnreadableInputError:
    return UnreadableInputError(f"cannot read '{path}': {exc.strerror}", path=str(path))


# --- entries and name checks -------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """One archive member or folder item, reduced to what the checks need."""

    display: str  # the name as text, invalid bytes escaped; for messages and Finding.path
    raw: bytes  # the name as stored
    parts: tuple[str, ...]  # path components below the archive root
    kind: str  # "file" | "dir" | "symlink" | "hardlink" | "special"
    size: int = 0  # declared size
    escape: str = ""  # why the name escapes the root, if it does
    target: str = ""  # link target, for messages
    handle: object = None  # ZipInfo or TarInfo


class _Refused(Exception):
    """Internal: the container is hostile; carries the finding that explains why."""

    def __init__(self, rule: str, message: str, path: str = "", container: str = "") -> None:
        super().__init__(message)
        self.finding = Finding(rule, Level.MUST, message, path=path)
        self.container = container


def _display(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")


def _archive_entry(raw: bytes, kind: str, size: int, handle: object, target: str = "") -> _Entry:
    """Build an entry from an archive name, splitting on both '/' and '\\'."""
    name = raw.decode("utf-8", "surrogateescape")
    escape = ""
    if name.startswith(("/", "\\")):
        escape = "is an absolute path"
    elif _DRIVE.match(name):
        escape = "is an absolute Windows path with a drive letter"
    parts = tuple(p for p in _SEPARATORS.split(name) if p not in ("", "."))
    if not escape and ".." in parts:
        escape = "escapes the package root"
    if name.endswith(("/", "\\")) and kind == "file":
        kind = "dir"
    if not escape and not parts and kind != "dir":
        escape = "has an empty path"
    return _Entry(_display(raw), raw, parts, kind, size, escape, target, handle)


def _name_problem(entry: _Entry, limits: Limits) -> tuple[str, str] | None:
    """The first rule the entry's type or name breaks, as (rule id, explanation)."""
    if entry.escape:
        return RULE_TRAVERSAL, f"{entry.escape} (path traversal)"
    to = f" to '{entry.target}'" if entry.target else ""
    links = {
        "symlink": f"is a symbolic link{to}",
        "hardlink": f"is a hard link{to}",
        "special": "is a device, FIFO, socket or other special file",
    }
    if entry.kind in links:
        return RULE_LINK, f"{links[entry.kind]}; links and special files are not allowed"
    if b"\x00" in entry.raw:
        return RULE_ENCODING, "has a name containing a NUL byte"
    try:
        entry.raw.decode("utf-8")
    except UnicodeDecodeError:
        return RULE_ENCODING, "has a name that is not valid UTF-8 (file names must be UTF-8)"
    longest = max((len(p.encode("utf-8")) for p in entry.parts), default=0)
    if longest > limits.max_name_bytes:
        return RULE_LENGTH, (
            f"has a name component of {longest} bytes, over the limit of "
            f"{limits.max_name_bytes} bytes (UTF-8)"
        )
    total = len("/".join(entry.parts).encode("utf-8"))
    if total > limits.max_path_bytes:
        return RULE_LENGTH, (
            f"has a path of {total} bytes, over the limit of {limits.max_path_bytes} bytes (UTF-8)"
        )
    return None


class _PathChecker:
    """Checks entries one by one and remembers the paths seen, to spot duplicates."""

    def __init__(self, container: str, limits: Limits, findings: list[Finding]) -> None:
        self.label = "folder entry" if container == "directory" else f"{container} entry"
        self.suffix = "" if container == "directory" else "; nothing was extracted"
        self.limits = limits
        self.findings = findings
        self.refused = False
        self.files: set[str] = set()
        self.dirs: set[str] = set()
        self.folded: dict[str, str] = {}
        self.collisions = 0

    def accept(self, entry: _Entry) -> bool:
        """True when the entry may be extracted; otherwise an error finding is recorded."""
        problem = _name_problem(entry, self.limits) or self._duplicate(entry)
        if problem is None:
            return True
        rule, text = problem
        message = f"{self.label} '{entry.display}' {text}{self.suffix}"
        self.findings.append(Finding(rule, Level.MUST, message, path=entry.display))
        self.refused = True
        return False

    def _duplicate(self, entry: _Entry) -> tuple[str, str] | None:
        if not entry.parts:
            return None
        key = "/".join(entry.parts)
        clash = (RULE_DUPLICATE, "is both a file and a folder in the package (duplicate entry)")
        parents = ("/".join(entry.parts[:depth]) for depth in range(1, len(entry.parts)))
        if any(parent in self.files for parent in parents):
            return clash
        if entry.kind == "dir":
            if key in self.files:
                return clash
        elif key in self.files:
            return RULE_DUPLICATE, "occurs more than once (duplicate entry)"
        elif key in self.dirs:
            return clash
        self._register(key, entry.kind == "dir", entry.parts)
        return None

    def _register(self, key: str, is_dir: bool, parts: tuple[str, ...]) -> None:
        """Remember a path and its parent folders, warning about case/NFC collisions."""
        (self.dirs if is_dir else self.files).add(key)
        self._fold(key)
        for depth in range(len(parts) - 1, 0, -1):
            parent = "/".join(parts[:depth])
            if parent in self.dirs:
                break
            self.dirs.add(parent)
            self._fold(parent)

    def _fold(self, key: str) -> None:
        """Warn when two paths are equal after case folding and Unicode normalisation."""
        folded = unicodedata.normalize("NFD", unicodedata.normalize("NFD", key).casefold())
        first = self.folded.setdefault(folded, key)
        if first == key:
            return
        self.collisions += 1
        if self.collisions <= MAX_COLLISION_WARNINGS:
            message = (
                f"entries '{first}' and '{key}' differ only in letter case or Unicode "
                "normalisation; they collide on Windows and macOS file systems"
            )
            self.findings.append(Finding(RULE_DUPLICATE, Level.SHOULD, message, path=key))


def _too_many(label: str, limits: Limits) -> _Refused:
    message = f"{label} has more than {limits.max_entries} entries, over the entry limit"
    return _Refused(RULE_BOMB, message + "; it was not opened")


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


# --- archive readers -------------------------------------------------------------------------


class _Reader(Protocol):
    kind: str
    path: Path

    def entries(self) -> Iterator[_Entry]: ...
    def open(self, entry: _Entry) -> IO[bytes]: ...
    def close(self) -> None: ...


def _unreadable(path: Path, kind: str, exc: BaseException) -> UnreadableInputError:
    detail = str(exc) or type(exc).__name__
    message = f"'{path.name}' is a damaged or unsupported {kind} archive: {detail}"
    return UnreadableInputError(message, path=str(path))


class _ZipReader:
    kind = "zip"

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        declared = _zip_declared_count(path)
        if declared is not None and declared > limits.max_entries:
            raise _too_many(f"zip archive '{path.name}'", limits)
        try:
            self.zf = zipfile.ZipFile(path)
        except UnicodeDecodeError as exc:  # a name flagged UTF-8 that is not
            name = _display(exc.object if isinstance(exc.object, bytes) else b"")
            message = f"zip entry '{name}' is flagged as UTF-8 but is not valid UTF-8"
            raise _Refused(RULE_ENCODING, message + "; nothing was extracted", name) from None
        except _READ_ERRORS as exc:
            raise _unreadable(path, "zip", exc) from None

    def entries(self) -> Iterator[_Entry]:
        for info in self.zf.infolist():
            if info.flag_bits & _ZIP_ENCRYPTED_FLAG:
                raise UnreadableInputError(
                    f"zip entry '{info.filename}' in '{self.path.name}' is encrypted; "
                    "encrypted packages cannot be validated",
                    path=info.filename,
                )
            yield _zip_entry(info)

    def open(self, entry: _Entry) -> IO[bytes]:
        assert isinstance(entry.handle, zipfile.ZipInfo)
        return self.zf.open(entry.handle)

    def close(self) -> None:
        self.zf.close()


def _zip_entry(info: zipfile.ZipInfo) -> _Entry:
    """Recover the stored name bytes and the entry type from the central directory."""
    if info.flag_bits & _ZIP_UTF8_FLAG:
        raw = info.orig_filename.encode("utf-8")
    else:
        raw = info.orig_filename.encode("cp437")  # zipfile decoded cp437: lossless inverse
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        kind = "symlink"
    elif stat.S_IFMT(mode) in _SPECIAL_MODES:
        kind = "special"
    else:
        kind = "dir" if info.is_dir() else "file"
    return _archive_entry(raw, kind, info.file_size, info)


def _zip_declared_count(path: Path) -> int | None:
    """Entry count from the end record, read before zipfile loads the central directory."""
    with path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        tail_len = min(size, 2**16 + 22 + 20)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        pos = tail.rfind(b"PK\x05\x06")
        if pos < 0 or len(tail) - pos < 22:
            return None
        (total,) = struct.unpack_from("<H", tail, pos + 10)
        loc = pos - 20
        if total != 0xFFFF or loc < 0 or tail[loc : loc + 4] != b"PK\x06\x07":
            return total if total != 0xFFFF else None
        (offset,) = struct.unpack_from("<Q", tail, loc + 8)
        fh.seek(min(offset, size))
        record = fh.read(56)
    if len(record) < 40 or record[:4] != b"PK\x06\x06":
        return None
    return struct.unpack_from("<Q", record, 32)[0]


class _BoundedTarInfo(tarfile.TarInfo):
    """Refuses oversized GNU long-name and pax headers, which tarfile reads into memory."""

    def _proc_member(self, tarfile: tarfile.TarFile) -> tarfile.TarInfo:  # type: ignore[override]
        if self.type in _TAR_META_TYPES and self.size > MAX_TAR_META_BYTES:
            message = (
                f"tar metadata header '{self.name}' declares {self.size} bytes, over the "
                f"limit of {MAX_TAR_META_BYTES} bytes (long name or pax data); "
                "nothing was extracted"
            )
            raise _Refused(RULE_BOMB, message, self.name, container="tar")
        return super()._proc_member(tarfile)


class _TarReader:
    kind = "tar"

    def __init__(self, path: Path, tf: tarfile.TarFile) -> None:
        self.path = path
        self.tf = tf

    def entries(self) -> Iterator[_Entry]:
        members = iter(self.tf)
        while True:
            try:
                info = next(members)
            except StopIteration:
                return
            except _READ_ERRORS as exc:
                raise _unreadable(self.path, "tar", exc) from None
            yield _tar_entry(info)

    def open(self, entry: _Entry) -> IO[bytes]:
        assert isinstance(entry.handle, tarfile.TarInfo)
        stream = self.tf.extractfile(entry.handle)
        if stream is None:  # not a regular file; the checks exclude those already
            raise ValueError(f"'{entry.display}' has no data")
        return stream

    def close(self) -> None:
        self.tf.close()


def _tar_entry(info: tarfile.TarInfo) -> _Entry:
    raw = info.name.encode("utf-8", "surrogateescape")
    target = _display(info.linkname.encode("utf-8", "surrogateescape"))
    kinds = [(info.isreg, "file"), (info.isdir, "dir"), (info.issym, "symlink")]
    kind = next((kind for test, kind in kinds if test()), "special")
    kind = "hardlink" if info.islnk() else kind
    return _archive_entry(raw, kind, info.size, info, target)


def _open_reader(path: Path, limits: Limits) -> _Reader:
    """Detect the container by content, not by file name: zip magic, then tar, then zip."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    if head in (b"PK\x03\x04", b"PK\x05\x06"):
        return _ZipReader(path, limits)
    try:  # tarfile.is_tarfile would read oversized headers unbounded; open bounded instead
        options = {"encoding": "utf-8", "errors": "surrogateescape"}
        tf = tarfile.open(path, "r:*", tarinfo=_BoundedTarInfo, **options)  # noqa: SIM115
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError):
        tf = None
    if tf is not None:
        return _TarReader(path, tf)
    if zipfile.is_zipfile(path):  # zip with a prefix, e.g. self-extracting
        return _ZipReader(path, limits)
    message = f"'{path.name}' is neither a folder nor a readable zip or tar archive"
    raise UnreadableInputError(message, path=str(path))


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
