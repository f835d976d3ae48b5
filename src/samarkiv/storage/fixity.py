"""Fixity results as data: what is wrong with which stored file, whatever the medium.

An audit that only prints sentences can report damage but not repair it: repair needs
to know *which* content file is bad, which digest it must have and which logical
files (the AIP's paths) it carries. ``FileProblem`` says exactly that; its ``message``
is the sentence ``verify_object`` always returned, so both kinds of caller read the
same finding. Plain Python, shared by the local and the S3 location.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from samarkiv.storage.inventory import CONTENT_DIR

# What a medium measured for one content file: (sha256, size), None when the file is
# absent, or a string saying why it could not be read.
Measured = tuple[str, int] | str | None
Measure = Callable[[list[str]], dict[str, Measured]]


class ProblemKind(enum.StrEnum):
    """What is wrong. Only the first three concern bytes another copy can restore."""

    MISSING = "missing"  # a content file (or, with no content path, the whole object)
    CORRUPT = "corrupt"  # bytes whose SHA-256 differs from the inventory
    SIZE = "size"  # corrupt, and not even the size the catalogue recorded (truncation)
    INVENTORY = "inventory"  # OCFL structure: inventories, sidecars, stray or extra files


@dataclass(frozen=True, slots=True)
class FileProblem:
    """One finding of a fixity check (see the module docstring)."""

    kind: ProblemKind
    content_path: str  # object-relative ("v1/content/..."); "" for the object as a whole
    logical_paths: tuple[str, ...] = ()  # the logical files whose bytes live there
    expected_sha256: str = ""
    actual_sha256: str = ""
    message: str = ""
    expected_size: int | None = None
    actual_size: int | None = None

    @property
    def repairable(self) -> bool:
        """True when healthy bytes with the expected digest, from elsewhere, would fix it."""
        restorable = (ProblemKind.MISSING, ProblemKind.CORRUPT, ProblemKind.SIZE)
        return self.kind in restorable and bool(self.content_path and self.expected_sha256)

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True)
class FixityReport:
    """A fixity check of one object in one location: what was read, and what was wrong."""

    object_id: str
    files_checked: int = 0
    bytes_checked: int = 0
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def structural(messages: Iterable[str]) -> list[FileProblem]:
    """OCFL structure problems (no single content file to restore) as findings."""
    return [FileProblem(ProblemKind.INVENTORY, "", message=text) for text in messages]


def object_absent(object_id: str, where: str) -> FileProblem:
    """The whole object is gone from a location: another copy can replicate it back."""
    return FileProblem(ProblemKind.MISSING, "", message=f"object {object_id} not found at {where}")


def logical_index(inventory: dict) -> dict[str, tuple[str, ...]]:
    """digest -> logical paths carrying it, head version's paths first, then older ones.

    Why all versions: a content file stored in v1 may be named only by v1's state
    (the file was replaced in v2), and its finding should still say what it is.
    """
    names = sorted(inventory["versions"], key=lambda v: int(v[1:]), reverse=True)
    index: dict[str, list[str]] = {}
    for name in names:
        for digest, paths in inventory["versions"][name]["state"].items():
            known = index.setdefault(digest, [])
            known.extend(p for p in sorted(paths) if p not in known)
    return {digest: tuple(paths) for digest, paths in index.items()}


def manifest_paths(inventory: dict) -> dict[str, str]:
    """Object-relative content path -> sha256, for every manifest entry."""
    return {path: digest for digest, paths in inventory["manifest"].items() for path in paths}


def is_content_path(path: str, inventory: dict) -> bool:
    """True for ``<version>/<content dir>/...`` of a version the inventory names."""
    parts = path.split("/", 2)
    content_dir = inventory.get("contentDirectory", CONTENT_DIR)
    return len(parts) == 3 and parts[0] in inventory["versions"] and parts[1] == content_dir


def corrupt_message(path: str, actual: str, size: int, expected: str) -> str:
    """One wording for a digest mismatch, whatever the medium (audits grep for it)."""
    return (
        f"content file {path} is corrupt: sha256 {actual} ({size} bytes), inventory says {expected}"
    )


def content_report(
    object_id: str,
    inventory: dict,
    present: Iterable[str],
    measure: Measure,
    expected_sizes: Mapping[str, int] | None = None,
) -> FixityReport:
    """Compare every manifest file with what the medium holds, re-reading all of it.

    ``present`` are the content paths the medium lists; ``measure`` re-reads a list
    of them. ``expected_sizes`` (sha256 -> bytes, from the catalogue) turns a digest
    mismatch with the wrong size into a SIZE finding: a truncation, not a bit flip.
    """
    expected = manifest_paths(inventory)
    names = logical_index(inventory)
    stored = set(present)
    report = FixityReport(object_id)
    for path in sorted(set(expected) - stored):
        digest = expected[path]
        report.problems.append(
            FileProblem(
                ProblemKind.MISSING,
                path,
                names.get(digest, ()),
                digest,
                message=f"content file {path} is missing",
                expected_size=(expected_sizes or {}).get(digest),
            )
        )
    report.problems += [
        FileProblem(ProblemKind.INVENTORY, p, message=f"content file {p} is not in the manifest")
        for p in sorted(stored - set(expected))
    ]
    readable = sorted(set(expected) & stored)
    measured = measure(readable)
    for path in readable:
        problem = _judge(path, expected[path], measured.get(path), names, expected_sizes or {})
        got = measured.get(path)
        if isinstance(got, tuple):
            report.files_checked += 1
            report.bytes_checked += got[1]
        if problem is not None:
            report.problems.append(problem)
    return report


def _judge(
    path: str,
    digest: str,
    got: Measured,
    names: dict[str, tuple[str, ...]],
    sizes: Mapping[str, int],
) -> FileProblem | None:
    """The finding for one re-read content file, or None when it is intact."""
    logical = names.get(digest, ())
    want_size = sizes.get(digest)
    if got is None:
        message = f"content file {path} is missing"
        return FileProblem(
            ProblemKind.MISSING, path, logical, digest, message=message, expected_size=want_size
        )
    if isinstance(got, str):
        message = f"content file {path} could not be read: {got}"
        return FileProblem(ProblemKind.CORRUPT, path, logical, digest, message=message)
    actual, size = got
    if actual == digest:
        return None
    kind = ProblemKind.SIZE if want_size is not None and want_size != size else ProblemKind.CORRUPT
    return FileProblem(
        kind,
        path,
        logical,
        digest,
        actual,
        corrupt_message(path, actual, size, digest),
        want_size,
        size,
    )
