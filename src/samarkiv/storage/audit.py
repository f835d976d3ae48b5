"""Auditing and repairing a local OCFL storage root.

``object_report`` is the fixity audit: it trusts nothing but the bytes, re-hashes all
content against the inventory and checks the OCFL structure around it. The recovery
helpers only ever finish or undo *our own* interrupted writes, recognised by their
exact shape; anything else is reported, never "fixed", because an archive must not
guess its way over damaged evidence. The one exception is ``replace_content``: a
content file whose healthy bytes (verified against the inventory's digest) came from
another copy of the same object.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from samarkiv.storage.digests import default_workers, sha256_file
from samarkiv.storage.fixity import (
    FixityReport,
    Measure,
    Measured,
    content_report,
    structural,
)
from samarkiv.storage.fsutil import crash_point, fsync_dir, write_durable
from samarkiv.storage.inventory import (
    CONTENT_DIR,
    INVENTORY,
    OBJECT_DECLARATION,
    OBJECT_DECLARATION_TEXT,
    SIDECAR,
    parse_inventory,
    read_inventory,
    sidecar_bytes,
    sidecar_matches,
    version_number,
)
from samarkiv.storage.location import StorageCorruptError

_ROOT_ENTRIES = {OBJECT_DECLARATION, INVENTORY, SIDECAR, "logs", "extensions"}


def object_dirs(root: Path) -> Iterator[Path]:
    """Every folder under the storage root holding an object declaration, sorted."""
    for dirpath, dirs, files in os.walk(root):
        folder = Path(dirpath)
        if folder == root:
            dirs[:] = [d for d in dirs if d != "extensions"]
        elif OBJECT_DECLARATION in files:
            dirs[:] = []  # never descend into an object
            yield folder
            continue
        dirs.sort()


def object_report(
    folder: Path, object_id: str, expected_sizes: Mapping[str, int] | None = None
) -> FixityReport:
    """Everything wrong with one object, every content file re-hashed (see fixity.py)."""
    problems = []
    declaration = folder / OBJECT_DECLARATION
    if not declaration.is_file() or declaration.read_bytes() != OBJECT_DECLARATION_TEXT:
        problems.append(f"{OBJECT_DECLARATION} is missing or has the wrong content")
    try:
        inventory, data = read_inventory(folder / INVENTORY)
    except StorageCorruptError as exc:
        problems.append(f"root inventory unusable: {exc.message}")
        return FixityReport(object_id, problems=structural(problems))
    if inventory["id"] != object_id:
        problems.append(f"root inventory id is {inventory['id']!r}, not {object_id!r}")
    problems += _sidecar_problems(folder, data, INVENTORY)
    problems += _root_entry_problems(folder, inventory)
    problems += _version_inventory_problems(folder, inventory, data)
    report = content_report(
        object_id, inventory, _stored_content(folder, inventory), _measurer(folder), expected_sizes
    )
    report.problems[:0] = structural(problems)
    return report


def _sidecar_problems(folder: Path, data: bytes, label: str) -> list[str]:
    sidecar = folder / SIDECAR
    if not sidecar.is_file():
        return [f"{label}: sidecar {SIDECAR} is missing"]
    if not sidecar_matches(data, sidecar.read_bytes()):
        return [f"{label}: sidecar digest does not match the inventory"]
    return []


def _root_entry_problems(folder: Path, inventory: dict) -> list[str]:
    problems = []
    head = version_number(inventory["head"]) or 0
    for entry in sorted(os.listdir(folder)):
        number = version_number(entry)
        if entry in _ROOT_ENTRIES or entry in inventory["versions"]:
            continue
        if number is not None and number > head:
            problems.append(
                f"{entry}/ is an uncommitted version (an interrupted write; recover() removes it)"
            )
        else:
            problems.append(f"unexpected entry {entry} in the object root")
    return problems


def _version_inventory_problems(folder: Path, inventory: dict, root_data: bytes) -> list[str]:
    problems = []
    for name in sorted(inventory["versions"], key=lambda v: version_number(v) or 0):
        version_dir = folder / name
        label = f"{name}/{INVENTORY}"
        if not version_dir.is_dir():
            problems.append(f"version folder {name}/ is missing")
            continue
        try:
            data = (version_dir / INVENTORY).read_bytes()
            copy = parse_inventory(data, label)
        except (OSError, StorageCorruptError) as exc:
            problems.append(f"{label} unusable: {exc}")
            continue
        problems += _sidecar_problems(version_dir, data, label)
        if name == inventory["head"] and data != root_data:
            problems.append(f"{label} differs from the root inventory (head must be identical)")
        elif copy.get("head") != name:
            problems.append(f"{label} has head {copy.get('head')!r}")
    return problems


def _stored_content(folder: Path, inventory: dict) -> set[str]:
    """Object-relative paths of every file in the versions' content folders."""
    on_disk: set[str] = set()
    for name in inventory["versions"]:
        content = folder / name / inventory.get("contentDirectory", CONTENT_DIR)
        for dirpath, _dirs, files in os.walk(content):
            on_disk.update((Path(dirpath) / f).relative_to(folder).as_posix() for f in files)
    return on_disk


def _measurer(folder: Path) -> Measure:
    """Re-hash content files in parallel (fixity.Measure); errors per file, not per object."""

    def one(path: str) -> tuple[str, Measured]:
        target = folder / path
        try:
            return path, (sha256_file(target), target.stat().st_size)
        except FileNotFoundError:
            return path, None
        except OSError as exc:
            return path, str(exc)

    def measure(paths: list[str]) -> dict[str, Measured]:
        if not paths:
            return {}
        with ThreadPoolExecutor(max_workers=default_workers()) as pool:
            return dict(pool.map(one, paths))

    return measure


def replace_content(staged: Path, target: Path, object_dir: Path) -> None:
    """Put verified bytes at ``target`` in one rename, durably (the repair's write step).

    Folders the damage took away are recreated (and synced) first; the rename from
    staging is atomic on this filesystem, so a crash leaves the old file or the new.
    """
    missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
    for folder in reversed(missing):
        if object_dir not in folder.parents:
            raise StorageCorruptError(f"refusing to create {folder} outside the object")
        folder.mkdir()
        fsync_dir(folder.parent)
    crash_point("storage:before_repair_replace")
    os.replace(staged, target)
    fsync_dir(target.parent)
    crash_point("storage:after_repair_replace")


def interrupted_write(folder: Path, inventory: dict, data: bytes) -> bool:
    """Cheap test: does this object show one of the two shapes an interrupted commit leaves?"""
    head = version_number(inventory["head"]) or 0
    stray = any((version_number(entry) or 0) > head for entry in os.listdir(folder))
    return stray or not sidecar_matches(data, _read(folder / SIDECAR))


def remove_uncommitted_versions(folder: Path, inventory: dict, scratch: Path) -> list[str]:
    """Roll back: drop version folders newer than the committed head.

    A version folder is renamed in *before* the root inventory names it, so one that
    the inventory does not name was never committed. It is moved out in one rename
    (the object is valid at once) and deleted later with the scratch folder.
    """
    head = version_number(inventory["head"]) or 0
    removed = []
    for entry in sorted(os.listdir(folder)):
        number = version_number(entry)
        if number is not None and number > head and entry not in inventory["versions"]:
            os.rename(folder / entry, scratch / f"uncommitted-{entry}")
            fsync_dir(folder)
            removed.append(f"uncommitted version {folder / entry}")
    return removed


def finish_sidecar(folder: Path, inventory: dict, data: bytes, scratch: Path) -> list[str]:
    """Roll forward: rewrite a stale root sidecar after a committed inventory replace.

    Only when the root inventory is byte-identical to the head version's inventory and
    that one matches its own sidecar, which proves the commit happened and only the
    sidecar replace was cut off. Any other mismatch is left for the audit to report.
    """
    if sidecar_matches(data, _read(folder / SIDECAR)):
        return []
    head_dir = folder / inventory["head"]
    if _read(head_dir / INVENTORY) != data or not sidecar_matches(data, _read(head_dir / SIDECAR)):
        return []
    staged = scratch / SIDECAR
    write_durable(staged, sidecar_bytes(data))
    os.replace(staged, folder / SIDECAR)
    fsync_dir(folder)
    return [f"finished commit of {inventory['head']}: root sidecar of {folder} rewritten"]


def prune_empty_dirs(root: Path) -> list[str]:
    """Remove empty folders of the storage hierarchy (OCFL forbids them, E073).

    Never looks inside objects or ``extensions/``; ``rmdir`` only succeeds on an
    empty folder, so a folder that a writer fills meanwhile is left alone.
    """
    candidates = []
    for dirpath, dirs, files in os.walk(root):
        folder = Path(dirpath)
        if folder == root:
            dirs[:] = [d for d in dirs if d != "extensions"]
        elif OBJECT_DECLARATION in files:
            dirs[:] = []
        else:
            candidates.append(folder)
    removed = []
    for folder in reversed(candidates):  # children before their parents
        try:
            folder.rmdir()
        except OSError:
            continue
        fsync_dir(folder.parent)
        removed.append(f"empty folder {folder}")
    return removed


def prune_parents(folder: Path, root: Path) -> None:
    """Remove now-empty tuple folders from ``folder`` up to (not including) the root."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        fsync_dir(folder.parent)
        folder = folder.parent


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
