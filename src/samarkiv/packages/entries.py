"""The entry model and the name checks shared by folders and archives.

Folder items and zip/tar members are reduced to one ``_Entry`` shape so that a single
checker decides traversal, links, name encoding and length, and duplicates, whatever the
container. It is kept apart from the readers and the extraction so that the rules for
what a name may be can be read (and audited) in one place. ``_Refused`` lives here too:
it is the internal signal, raised from any layer, that the container is hostile.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from samarkiv.packages.limits import (
    MAX_COLLISION_WARNINGS,
    RULE_BOMB,
    RULE_DUPLICATE,
    RULE_ENCODING,
    RULE_LENGTH,
    RULE_LINK,
    RULE_TRAVERSAL,
    Limits,
)
from samarkiv.packages.report import Finding, Level

_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")


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
