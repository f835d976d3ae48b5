"""Archival storage on a local (or mounted) filesystem, laid out as an OCFL 1.1 storage root.

Folder layout under ``base`` (one filesystem, so every move is an atomic rename)::

    base/ocfl/      the OCFL storage root: 0=ocfl_1.1, ocfl_layout.json,
                    extensions/0003-hash-and-id-n-tuple-storage-layout/config.json,
                    and the objects at <3 hex>/<3 hex>/<3 hex>/<percent-encoded id>/
    base/staging/   scratch folders (<uuid>/ + <uuid>.lock) for versions being built
    base/locks/     256 lock-stripe files serialising writers of the same object

Staging lives *outside* the storage root on purpose: OCFL 1.1 forbids any folder in a
storage root other than the object hierarchy and ``extensions/`` (E088), forbids files
or empty folders in the hierarchy (E072, E073), and wants ``extensions/`` sub-folders to
be registered extension names (W016). A sibling folder keeps the root valid for any
OCFL tool at every instant, while a rename from staging stays on the same filesystem
(checked at start-up).

Commit, the order that makes a crash harmless:

1. fsync every staged file and folder, then re-hash every file (thread pool) against
   the caller's digests; refuse on any difference (nothing written to storage yet).
2. New object: build the complete object folder in staging (content moved in by
   rename, both inventories and sidecars written and synced), then ONE rename puts it
   (with any missing tuple folders above it) into the root. Before that rename the
   object does not exist; after it, it exists complete.
3. New version: build ``vN/`` in staging, rename it into the object, then
   ``os.replace`` the root inventory: that replace is the commit point; the old
   inventory stays valid until it. The root sidecar is replaced right after. A crash
   between the steps leaves an uncommitted ``vN/`` (rolled back by ``recover()``) or a
   stale root sidecar next to a committed inventory that is byte-identical to
   ``vN/inventory.json`` (rolled forward by ``recover()``).
"""

from __future__ import annotations

import errno
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from samarkiv.storage import audit
from samarkiv.storage.digests import default_workers, sha256_bytes, sha256_file, sha256_many
from samarkiv.storage.fixity import FileProblem, FixityReport, object_absent
from samarkiv.storage.fsutil import (
    Scratch,
    crash_point,
    fsync_dir,
    fsync_file,
    fsync_tree_dirs,
    locked,
    reap_scratch,
    remove_tree,
    syncfs,
    write_durable,
)
from samarkiv.storage.inventory import (
    INVENTORY,
    LAYOUT_CONFIG_PATH,
    LAYOUT_FILE,
    OBJECT_DECLARATION,
    OBJECT_DECLARATION_TEXT,
    ROOT_DECLARATION,
    SIDECAR,
    build_inventory,
    content_path,
    object_path,
    read_inventory,
    serialize,
    sidecar_bytes,
    sidecar_matches,
    version_state,
)
from samarkiv.storage.location import (
    ObjectNotFoundError,
    StagingMismatchError,
    StorageCorruptError,
    StorageError,
    StorageLayoutError,
    StoredVersion,
)
from samarkiv.storage.ocfl_layout import root_files, root_layout_error
from samarkiv.storage.repair import check_repair_target, spool_verified
from samarkiv.storage.staged import StagingArea

log = logging.getLogger(__name__)

_RETRY_ERRNOS = {errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT}

SYNCFS_FROM_FILES = 256  # staged files; from here one syncfs beats many fsyncs


class LocalOcflLocation:
    """An OCFL 1.1 storage root on a local filesystem (see the module docstring)."""

    def __init__(self, base: Path | str, name: str = "primary") -> None:
        self.name = name
        self.base = Path(base).absolute()
        self.root = self.base / "ocfl"
        self.staging_root = self.base / "staging"
        self.locks_root = self.base / "locks"
        for folder in (self.base, self.staging_root, self.locks_root):
            folder.mkdir(parents=True, exist_ok=True)
        self._ensure_root()
        if os.stat(self.root).st_dev != os.stat(self.staging_root).st_dev:
            raise StorageLayoutError(
                f"{self.root} and {self.staging_root} are on different filesystems; "
                "point the location at the mount point itself so renames stay atomic",
                path=str(self.base),
            )

    # --- storage root ---------------------------------------------------------------

    def _ensure_root(self) -> None:
        """Create the storage root atomically (built in staging, renamed), or check it."""
        if self.root.is_dir() and any(self.root.iterdir()):
            self._check_root()
            return
        scratch = Scratch.create(self.staging_root)
        try:
            staged = scratch.path / "ocfl"
            staged.mkdir()
            _write_root_files(staged)
            try:
                os.rename(staged, self.root)  # also replaces an empty folder
            except OSError as exc:
                if exc.errno not in _RETRY_ERRNOS:
                    raise
                log.info("another process created %s first", self.root)
            fsync_dir(self.base)
        finally:
            scratch.discard()
        self._check_root()

    def _check_root(self) -> None:
        """Refuse a folder that is not our kind of OCFL root: writing there could lose data."""
        declaration = self.root / ROOT_DECLARATION
        layout_file = self.root / LAYOUT_FILE
        config_file = self.root / LAYOUT_CONFIG_PATH
        problem = root_layout_error(
            declaration.read_bytes() if declaration.is_file() else None,
            _load_json(layout_file) if layout_file.is_file() else None,
            _load_json(config_file) if config_file.is_file() else None,
        )
        if problem:
            raise StorageLayoutError(f"{self.root} {problem[0]}", path=str(self.root / problem[1]))

    # --- paths and locks -------------------------------------------------------------

    def object_dir(self, object_id: str) -> Path:
        """The object's folder under the storage root (extension 0003 mapping)."""
        return self.root / object_path(object_id)

    def object_url(self, object_id: str) -> str:
        return str(self.object_dir(object_id))

    def lock_path(self, object_id: str) -> Path:
        """One of 256 stripe locks: bounded file count, still per-object in practice."""
        return self.locks_root / f"{sha256_bytes(object_id.encode('utf-8'))[:2]}.lock"

    # --- reading ---------------------------------------------------------------------

    def exists(self, object_id: str) -> bool:
        folder = self.object_dir(object_id)
        return (folder / OBJECT_DECLARATION).is_file() and (folder / INVENTORY).is_file()

    def inventory(self, object_id: str) -> dict:
        """The object's current (root) inventory, checked to belong to ``object_id``."""
        if not self.exists(object_id):
            raise ObjectNotFoundError(f"no object {object_id} in location {self.name}")
        inventory, _data = read_inventory(self.object_dir(object_id) / INVENTORY)
        if inventory["id"] != object_id:
            raise StorageCorruptError(
                f"inventory id {inventory['id']!r} is not {object_id!r}",
                path=str(self.object_dir(object_id)),
            )
        return inventory

    def head_version(self, object_id: str) -> str | None:
        return self.inventory(object_id)["head"] if self.exists(object_id) else None

    def list_objects(self) -> Iterator[str]:
        for folder in audit.object_dirs(self.root):
            try:
                inventory, _data = read_inventory(folder / INVENTORY)
            except StorageCorruptError as exc:
                log.warning("skipping unreadable object at %s: %s", folder, exc.message)
                continue
            yield inventory["id"]

    def logical_files(self, object_id: str, version: str | None = None) -> dict[str, str]:
        inventory = self.inventory(object_id)
        try:
            return version_state(inventory, version)
        except KeyError:
            raise ObjectNotFoundError(f"{object_id} has no version {version}") from None

    def open_file(self, object_id: str, logical_path: str, version: str | None = None) -> BinaryIO:
        inventory = self.inventory(object_id)
        try:
            digest = version_state(inventory, version)[logical_path]
        except KeyError:
            raise ObjectNotFoundError(
                f"{object_id} {version or inventory['head']} has no file {logical_path}",
                path=logical_path,
            ) from None
        path = self.object_dir(object_id) / content_path(inventory, digest)
        try:
            return open(path, "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            raise StorageCorruptError(
                f"{object_id}: content file for {logical_path} is missing; audit the object",
                path=str(path),
            ) from None

    # --- writing ---------------------------------------------------------------------

    def begin_version(self, object_id: str) -> LocalStaging:
        if not isinstance(object_id, str) or not object_id.strip():
            raise StorageError("an object id must be a non-empty string")
        return LocalStaging(self, object_id)

    def place_new_object(self, staged_object: Path, object_id: str) -> None:
        """Move a complete object folder into the root with ONE rename, then sync.

        Missing tuple folders above the object are built in staging around it and
        moved together, so the root never shows an empty folder (E073). A concurrent
        writer of another object may create a shared tuple folder meanwhile; the
        rename then fails and we retry one level deeper.
        """
        parts = object_path(object_id).split("/")
        for _attempt in range(len(parts) + 2):
            depth = next(
                (i for i in range(len(parts)) if not self.root.joinpath(*parts[: i + 1]).is_dir()),
                None,
            )
            if depth is None:
                raise StorageError(
                    f"a folder already occupies {object_id}'s path but holds no OCFL object",
                    path=str(self.object_dir(object_id)),
                )
            source = _wrap_in_parents(staged_object, parts[depth:])
            target = self.root.joinpath(*parts[: depth + 1])
            crash_point("storage:before_object_rename")
            try:
                os.rename(source, target)
            except OSError as exc:
                if exc.errno not in _RETRY_ERRNOS:
                    raise
                _unwrap_parents(staged_object, source, parts[depth:])
                continue
            fsync_dir(target.parent)
            crash_point("storage:after_object_rename")
            return
        raise StorageError(f"could not place {object_id}: its path kept changing")

    # --- audit and repair ------------------------------------------------------------

    def fixity_report(
        self, object_id: str, expected_sizes: Mapping[str, int] | None = None
    ) -> FixityReport:
        folder = self.object_dir(object_id)
        if not folder.is_dir():
            return FixityReport(object_id, problems=[object_absent(object_id, str(folder))])
        return audit.object_report(folder, object_id, expected_sizes)

    def check_object(
        self, object_id: str, expected_sizes: Mapping[str, int] | None = None
    ) -> list[FileProblem]:
        return self.fixity_report(object_id, expected_sizes).problems

    def verify_object(self, object_id: str) -> list[str]:
        return [problem.message for problem in self.check_object(object_id)]

    def repair_content(
        self, object_id: str, content_path: str, data_source: BinaryIO, expected_sha256: str
    ) -> None:
        """Spool + verify in staging, then one rename over the damaged file, then re-read.

        The temporary file lives in this location's staging folder rather than beside
        the damaged one: same filesystem (checked at start-up), so the rename is just as
        atomic, the OCFL root never shows a stray file, and ``recover()`` reaps it after
        a crash.
        """
        expected = expected_sha256.lower()
        scratch = Scratch.create(self.staging_root)
        try:
            staged = scratch.path / "repair"
            spool_verified(data_source, staged, expected)
            with locked(self.lock_path(object_id)):
                check_repair_target(self.inventory(object_id), content_path, expected)
                target = self.object_dir(object_id) / content_path
                audit.replace_content(staged, target, self.object_dir(object_id))
            actual = sha256_file(target)
        finally:
            scratch.discard()
        if actual != expected:
            raise StorageCorruptError(
                f"{object_id}: {content_path} reads back as {actual} after repair, not {expected}",
                path=str(target),
            )

    def recover(self, object_ids: Iterable[str] | None = None) -> list[str]:
        """Clean up after dead writers: all objects, or only ``object_ids``.

        Ingest passes the objects its interrupted runs were writing, so recovery before
        each ingest costs the same for ten AIPs or ten million; audits sweep everything.
        """
        done = reap_scratch(self.staging_root)
        if object_ids is not None:
            folders = [self.object_dir(oid) for oid in object_ids]
            for folder in (f for f in folders if f.is_dir()):
                done += self._recover_object(folder)
            return done
        for folder in audit.object_dirs(self.root):
            done += self._recover_object(folder)
        done += audit.prune_empty_dirs(self.root)
        return done

    def _recover_object(self, folder: Path) -> list[str]:
        """Roll an interrupted version commit back (stray vN/) or forward (stale sidecar)."""
        try:
            inventory, _data = read_inventory(folder / INVENTORY)
        except StorageCorruptError:
            return []  # not an interrupted write: verify_object reports it
        with locked(self.lock_path(inventory["id"]), blocking=False) as mine:
            if not mine:
                return []  # a writer is busy with it right now
            inventory, data = read_inventory(folder / INVENTORY)
            if not audit.interrupted_write(folder, inventory, data):
                return []
            scratch = Scratch.create(self.staging_root)
            try:
                done = audit.remove_uncommitted_versions(folder, inventory, scratch.path)
                done += audit.finish_sidecar(folder, inventory, data, scratch.path)
            finally:
                scratch.discard()
            return done

    def remove_object(self, object_id: str) -> None:
        with locked(self.lock_path(object_id)):
            folder = self.object_dir(object_id)
            if not folder.is_dir():
                raise ObjectNotFoundError(f"no object {object_id} in location {self.name}")
            scratch = Scratch.create(self.staging_root)
            try:
                os.rename(folder, scratch.path / "removed")  # vanishes in one step
                fsync_dir(folder.parent)
                audit.prune_parents(folder.parent, self.root)
            finally:
                scratch.discard()


class LocalStaging(StagingArea):
    """One version being staged in ``base/staging/<uuid>/content``; see LocalOcflLocation."""

    def commit(
        self,
        expected: dict[str, str],
        *,
        message: str,
        user_name: str,
        user_address: str = "",
    ) -> StoredVersion:
        """Sync, re-verify, then store as v1 (new object) or the next version; once only."""
        state, staged = self._begin_commit(expected)
        self._sync(staged.paths)
        self._verify(state, staged.paths)
        meta = {"message": message, "user_name": user_name, "user_address": user_address}
        location = self._location
        with locked(location.lock_path(self.object_id)):
            is_new = not location.exists(self.object_id)
            previous = None if is_new else location.inventory(self.object_id)
            inventory, to_store = build_inventory(self.object_id, previous, state, **meta)
            if is_new:
                self._store_new_object(inventory, to_store, staged.paths)
            else:
                self._store_new_version(inventory, to_store, staged.paths)
        crash_point("storage:committed")
        self._committed = True
        return StoredVersion(
            object_id=self.object_id,
            version=inventory["head"],
            url=location.object_url(self.object_id),
            files=len(state),
            bytes=sum(staged.sizes.values()),
            new_files=len(to_store),
            new_bytes=sum(staged.sizes[logical] for logical in to_store),
        )

    def _sync(self, paths: dict[str, Path]) -> None:
        """Make every staged file and folder durable before anything is verified or moved.

        Big versions (thousands of files) use one syncfs(2) of the staging filesystem;
        small ones fsync file by file (in parallel: fsync releases the GIL).
        """
        if len(paths) >= SYNCFS_FROM_FILES and syncfs(self.content_dir):
            crash_point("storage:syncfs")
            return
        ordered = [paths[logical] for logical in sorted(paths)]

        def one(item: tuple[int, Path]) -> None:
            fsync_file(item[1])
            crash_point(f"storage:fsync_file_{item[0]}")

        with ThreadPoolExecutor(max_workers=default_workers()) as pool:
            list(pool.map(one, enumerate(ordered)))
        fsync_tree_dirs(self.content_dir)
        crash_point("storage:fsync_dirs")

    def _verify(self, state: dict[str, str], paths: dict[str, Path]) -> None:
        """Re-read every staged file; refuse before touching storage if any differs."""
        ordered = sorted(paths)
        digests = sha256_many(
            [paths[logical] for logical in ordered],
            on_each=lambda index, _path: crash_point(f"storage:verified_file_{index}"),
        )
        wrong = [lp for lp in ordered if digests[paths[lp]] != state[lp]]
        if wrong:
            raise StagingMismatchError(
                f"{len(wrong)} staged file(s) differ from their declared sha256: "
                + ", ".join(wrong[:10]),
                path=wrong[0],
            )
        crash_point("storage:verified")

    def _store_new_object(self, inventory: dict, to_store: dict[str, str], paths: dict) -> None:
        """Build the whole object in staging, then one rename makes it exist."""
        staged_object = self._scratch.path / "object"
        (staged_object / inventory["head"]).mkdir(parents=True)
        _move_content(to_store, paths, staged_object)
        write_durable(staged_object / OBJECT_DECLARATION, OBJECT_DECLARATION_TEXT)
        data = serialize(inventory)
        for folder in (staged_object / inventory["head"], staged_object):
            write_durable(folder / INVENTORY, data)
            write_durable(folder / SIDECAR, sidecar_bytes(data))
        fsync_tree_dirs(staged_object)
        crash_point("storage:after_write_inventory")
        self._location.place_new_object(staged_object, self.object_id)

    def _store_new_version(self, inventory: dict, to_store: dict[str, str], paths: dict) -> None:
        """Add vN/ beside the old versions, then replace the root inventory (commit point)."""
        folder = self._location.object_dir(self.object_id)
        head = inventory["head"]
        old_data = (folder / INVENTORY).read_bytes()
        if not sidecar_matches(old_data, _read_or_empty(folder / SIDECAR)):
            raise StorageCorruptError(
                "root inventory does not match its sidecar; run recover() or audit the object",
                path=str(folder),
            )
        if (folder / head).exists():
            raise StorageError(
                f"{head}/ exists but is not committed (an interrupted write); run recover()",
                path=str(folder / head),
            )
        version_dir = self._scratch.path / head
        version_dir.mkdir()
        _move_content(to_store, paths, self._scratch.path)
        data = serialize(inventory)
        new_root = self._scratch.path / "root-inventory"
        for target in (version_dir, new_root):
            target.mkdir(exist_ok=True)
            write_durable(target / INVENTORY, data)
            write_durable(target / SIDECAR, sidecar_bytes(data))
        fsync_tree_dirs(version_dir)
        fsync_dir(new_root)
        crash_point("storage:before_version_rename")
        os.rename(version_dir, folder / head)
        fsync_dir(folder)
        crash_point("storage:after_version_rename")
        os.replace(new_root / INVENTORY, folder / INVENTORY)  # the commit point
        fsync_dir(folder)
        crash_point("storage:after_inventory_replace")
        os.replace(new_root / SIDECAR, folder / SIDECAR)
        fsync_dir(folder)
        crash_point("storage:after_sidecar_replace")


def _move_content(to_store: dict[str, str], paths: dict[str, Path], base: Path) -> None:
    """Rename each new file from staging to ``base/<content path>``: moved, never copied."""
    for index, logical in enumerate(sorted(to_store)):
        target = base / to_store[logical]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(paths[logical], target)
        crash_point(f"storage:after_rename_file_{index}")


def _wrap_in_parents(staged_object: Path, parts: list[str]) -> Path:
    """Nest the staged object in the missing tuple folders; return the topmost one."""
    if len(parts) == 1:
        return staged_object
    wrapper = staged_object.parent / "tree"
    chain = wrapper.joinpath(*parts[:-1])
    chain.mkdir(parents=True)
    os.rename(staged_object, chain / parts[-1])
    for depth in range(len(parts) - 1, 0, -1):
        fsync_dir(wrapper.joinpath(*parts[:depth]))
    return wrapper / parts[0]


def _unwrap_parents(staged_object: Path, source: Path, parts: list[str]) -> None:
    """Undo _wrap_in_parents after a lost race, so the next attempt starts clean."""
    if source == staged_object:
        return
    wrapper = staged_object.parent / "tree"
    os.rename(wrapper.joinpath(*parts), staged_object)
    remove_tree(wrapper)


def _write_root_files(folder: Path) -> None:
    """Storage root files (shared with S3, the declaration last), then sync the folders."""
    for relative, data in root_files():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_durable(target, data)
    fsync_tree_dirs(folder)


def _load_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StorageLayoutError(f"cannot read {path.name}: {exc}", path=str(path)) from exc
    return value if isinstance(value, dict) else {}


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
