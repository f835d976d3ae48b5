"""Archival storage in an S3-compatible object store, laid out as an OCFL 1.1 storage root.

The keys under ``s3://<bucket>/<prefix>/`` are exactly the paths the local location
writes under ``base/ocfl/`` (``0=ocfl_1.1``, ``ocfl_layout.json``, the extension 0003
n-tuple tree, ``inventory.json`` + sidecar per object and per version), built by the
same code (``inventory.py``, ``ocfl_layout.py``). So a copy on disk and a copy in S3
can be compared inventory by inventory, and a bucket synced to disk is a valid OCFL
root for any other tool.

Staging is a local folder (``staging_base/staging``), like the local location's; the
same lock stripes (``staging_base/locks``) serialise writers of one object on a host.

Commit, the order that makes a crash harmless (S3 has no rename; a single PUT of the
root inventory is atomic, and readers trust nothing but the root inventory):

1. Re-hash every staged file against the caller's digests; refuse on any difference.
2. Refuse if ``vN/`` already holds anything (a dead writer's leftover: ``recover()``).
3. Upload the new content, create-only and server-checked (``s3_bucket.py``), then the
   version inventory + sidecar (and, for a new object, its declaration).
4. Read every uploaded object back (streamed) and compare size and SHA-256: only
   verified bytes are ever committed.
5. PUT the root inventory: **the commit point**. A compare-and-swap on the ETag read in
   step 2, so a concurrent writer elsewhere cannot be overwritten unnoticed.
6. PUT the root sidecar, then read both back.

A crash before 5 leaves the old state plus uncommitted ``vN/`` keys; a crash between 5
and 6 leaves the new state with a stale sidecar. ``recover()`` removes the former and
rewrites the latter, exactly like the local location. Deleting on a versioned bucket
only adds delete markers, so even recovery never destroys bytes.

``recover()`` and the lock stripes know only this host's writers: run recovery while
no other host writes to the same prefix (the catalogue assigns one writer per AIP).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from botocore.exceptions import ClientError

from samarkiv.storage import s3_fixity
from samarkiv.storage.digests import default_workers, sha256_many
from samarkiv.storage.fixity import FileProblem, FixityReport
from samarkiv.storage.fsutil import crash_point, locked, reap_scratch
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
    parse_inventory,
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
from samarkiv.storage.ocfl_layout import (
    layout_json,
    root_files,
    root_layout_error,
    split_object_key,
    uncommitted_paths,
)
from samarkiv.storage.s3_bucket import (
    PRECONDITION_FAILED,
    Bucket,
    BucketProtection,
    Upload,
    error_code,
    s3_errors,
)
from samarkiv.storage.staged import StagingArea

log = logging.getLogger(__name__)

__all__ = ["BucketProtection", "S3OcflLocation", "S3Staging"]


@dataclass(frozen=True, slots=True)
class _Root:
    """An object's committed root inventory as read, with the ETags for compare-and-swap."""

    inventory: dict
    data: bytes
    etag: str
    sidecar: bytes
    sidecar_etag: str | None


class S3OcflLocation:
    """An OCFL 1.1 storage root in an S3 bucket (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        endpoint_url: str,
        bucket: str,
        prefix: str = "",
        access_key: str,
        secret_key: str,
        region: str = "us-east-1",
        staging_base: Path,
        retention_days: int = 365,
        workers: int | None = None,
    ) -> None:
        """Open (creating bucket and root if needed) the location.

        ``retention_days`` is the GOVERNANCE default retention set on a bucket this
        location creates with object lock; an existing bucket keeps its own settings.
        What the server enforces ends up in ``self.protection``.
        """
        self.name = name
        self.prefix = prefix.strip("/")
        self.staging_base = Path(staging_base).absolute()
        self.staging_root = self.staging_base / "staging"
        self.locks_root = self.staging_base / "locks"
        for folder in (self.staging_root, self.locks_root):
            folder.mkdir(parents=True, exist_ok=True)
        self.workers = workers or default_workers()
        self.bucket = Bucket(
            endpoint_url=endpoint_url,
            bucket=bucket,
            access_key=access_key,
            secret_key=secret_key,
            region=region,
            workers=self.workers,
        )
        self.protection: BucketProtection = self.bucket.ensure(retention_days)
        self._ensure_root()

    # --- keys and locks --------------------------------------------------------------

    def key(self, relative: str) -> str:
        """Bucket key of a storage-root-relative path."""
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def object_key(self, object_id: str) -> str:
        """Key prefix of an object, ending in "/" (extension 0003 mapping)."""
        return self.key(object_path(object_id)) + "/"

    def _relative(self, key: str) -> str:
        return key[len(self.key("")) :]

    @property
    def root_url(self) -> str:
        return f"s3://{self.bucket.name}/{self.prefix}".rstrip("/")

    def object_url(self, object_id: str) -> str:
        return f"s3://{self.bucket.name}/{self.key(object_path(object_id))}"

    def lock_path(self, object_id: str) -> Path:
        return self._stripe(object_path(object_id))

    def _stripe(self, obj_path: str) -> Path:
        """The local location's stripe: its sha256(id)[:2] is the first tuple's prefix."""
        return self.locks_root / f"{obj_path[:2]}.lock"

    # --- storage root ----------------------------------------------------------------

    def _ensure_root(self) -> None:
        """Create the root files (declaration last) when absent, then check the layout."""
        with s3_errors("opening the storage root", self.root_url):
            if self.bucket.read(self.key(ROOT_DECLARATION)) is None:
                self._create_root()
            declaration = self.bucket.read(self.key(ROOT_DECLARATION))
            layout = self.bucket.read(self.key(LAYOUT_FILE))
            config = self.bucket.read(self.key(LAYOUT_CONFIG_PATH))
        problem = root_layout_error(
            declaration[0] if declaration else None,
            layout_json(layout[0] if layout else None, LAYOUT_FILE),
            layout_json(config[0] if config else None, LAYOUT_CONFIG_PATH),
        )
        if problem:
            raise StorageLayoutError(
                f"{self.root_url} {problem[0]}", path=f"{self.root_url}/{problem[1]}"
            )

    def _create_root(self) -> None:
        """Only into an empty prefix, or one holding a half-made root of ours."""
        ours = {self.key(relative) for relative, _data in root_files()}
        if any(key not in ours for key in self.bucket.list(self.key(""), limit=10)):
            raise StorageLayoutError(
                f"{self.root_url} is not empty and is not an OCFL 1.1 storage root",
                path=self.root_url,
            )
        for relative, data in root_files():
            try:
                self.bucket.put(self.key(relative), data)
            except ClientError as exc:
                if error_code(exc) not in PRECONDITION_FAILED:
                    raise
                log.info("%s: %s was written by someone else first", self.root_url, relative)

    # --- reading ---------------------------------------------------------------------

    def exists(self, object_id: str) -> bool:
        base = self.object_key(object_id)
        with s3_errors("checking an object", base):
            return self.bucket.exists(base + OBJECT_DECLARATION) and self.bucket.exists(
                base + INVENTORY
            )

    def load_root(self, object_id: str) -> _Root | None:
        """The committed root inventory (checked to belong to ``object_id``), or None."""
        base = self.object_key(object_id)
        with s3_errors("reading an inventory", base):
            found = self.bucket.read(base + INVENTORY)
            if found is None:
                return None
            sidecar = self.bucket.read(base + SIDECAR)
        inventory = parse_inventory(found[0], base + INVENTORY)
        if inventory["id"] != object_id:
            raise StorageCorruptError(
                f"inventory id {inventory['id']!r} is not {object_id!r}", path=base
            )
        if sidecar is None:
            return _Root(inventory, found[0], found[1], b"", None)
        return _Root(inventory, found[0], found[1], sidecar[0], sidecar[1])

    def inventory(self, object_id: str) -> dict:
        root = self.load_root(object_id)
        if root is None:
            raise ObjectNotFoundError(f"no object {object_id} in location {self.name}")
        return root.inventory

    def head_version(self, object_id: str) -> str | None:
        root = self.load_root(object_id)
        return root.inventory["head"] if root else None

    def list_objects(self) -> Iterator[str]:
        with s3_errors("listing objects", self.root_url):
            keys = sorted(self.bucket.list(self.key("")))
        for key in keys:
            split = split_object_key(self._relative(key))
            if split is None or split[1] != INVENTORY:
                continue
            with s3_errors("reading an inventory", key):
                found = self.bucket.read(key)
            if found is None:
                continue  # removed since the listing
            try:
                object_id = parse_inventory(found[0], key)["id"]
            except StorageCorruptError as exc:
                log.warning("skipping unreadable object at %s: %s", key, exc.message)
                continue
            yield object_id

    def logical_files(self, object_id: str, version: str | None = None) -> dict[str, str]:
        try:
            return version_state(self.inventory(object_id), version)
        except KeyError:
            raise ObjectNotFoundError(f"{object_id} has no version {version}") from None

    def open_file(self, object_id: str, logical_path: str, version: str | None = None) -> BinaryIO:
        """A buffered, streaming reader over the GET body: memory does not grow with size."""
        inventory = self.inventory(object_id)
        try:
            digest = version_state(inventory, version)[logical_path]
        except KeyError:
            raise ObjectNotFoundError(
                f"{object_id} {version or inventory['head']} has no file {logical_path}",
                path=logical_path,
            ) from None
        key = self.object_key(object_id) + content_path(inventory, digest)
        with s3_errors("opening a file", key):
            stream = self.bucket.open_stream(key)
        if stream is None:
            raise StorageCorruptError(
                f"{object_id}: content object for {logical_path} is missing; audit the object",
                path=key,
            )
        return stream

    # --- writing ---------------------------------------------------------------------

    def begin_version(self, object_id: str) -> S3Staging:
        if not isinstance(object_id, str) or not object_id.strip():
            raise StorageError("an object id must be a non-empty string")
        return S3Staging(self, object_id)

    def publish(
        self, object_id: str, inventory: dict, root: _Root | None, uploads: list[Upload]
    ) -> None:
        """Steps 2-6 of the module docstring; the caller holds the object's lock."""
        base = self.object_key(object_id)
        head = inventory["head"]
        with s3_errors(f"storing {object_id} {head}", base):
            self._check_clean(base, head, root)
            self.bucket.upload_many(uploads, lambda i: crash_point(f"s3:after_upload_{i}"))
            data = serialize(inventory)
            meta = [(f"{head}/{INVENTORY}", data), (f"{head}/{SIDECAR}", sidecar_bytes(data))]
            if root is None:
                meta.append((OBJECT_DECLARATION, OBJECT_DECLARATION_TEXT))
            for inner, payload in meta:
                self.bucket.put(base + inner, payload)
            crash_point("s3:after_version_inventory")
            self._verify_uploaded(
                [*uploads, *(Upload.for_bytes(base + inner, payload) for inner, payload in meta)]
            )
            crash_point("s3:verified_uploads")
            self.bucket.put(base + INVENTORY, data, if_match=root.etag if root else None)
            crash_point("s3:after_root_inventory")
            sidecar_etag = root.sidecar_etag if root else None
            self.bucket.put(base + SIDECAR, sidecar_bytes(data), if_match=sidecar_etag)
            crash_point("s3:after_root_sidecar")
            self._check_published(base, data)

    def _check_clean(self, base: str, head: str, root: _Root | None) -> None:
        """Refuse to build on an interrupted write or a root whose sidecar disagrees."""
        if root is None:
            if self.bucket.list(base, limit=1):
                raise StorageError(
                    "objects exist under this id but no root inventory (an interrupted "
                    "first commit); run recover()",
                    path=base,
                )
            return
        if not sidecar_matches(root.data, root.sidecar):
            raise StorageCorruptError(
                "root inventory does not match its sidecar; run recover() or audit the object",
                path=base,
            )
        if self.bucket.list(f"{base}{head}/", limit=1):
            raise StorageError(
                f"{head}/ exists but is not committed (an interrupted write); run recover()",
                path=f"{base}{head}/",
            )

    def _verify_uploaded(self, uploads: list[Upload]) -> None:
        """Stream every uploaded object back; any difference aborts before the commit point."""
        got = self.bucket.hash_many([item.key for item in uploads])
        wrong = [
            f"{item.key} reads back as {got[item.key]}"
            for item in uploads
            if got[item.key] != (item.sha256, item.size)
        ]
        if wrong:
            raise StorageError(
                f"{len(wrong)} uploaded object(s) did not read back intact, nothing committed "
                f"(recover() removes them): {'; '.join(wrong[:5])}",
                path=uploads[0].key,
            )

    def _check_published(self, base: str, data: bytes) -> None:
        """The commit is only reported once the root inventory and sidecar read back."""
        inventory = self.bucket.read(base + INVENTORY)
        sidecar = self.bucket.read(base + SIDECAR)
        intact = bool(inventory and sidecar and inventory[0] == data)
        if not intact or not sidecar_matches(data, sidecar[0]):
            raise StorageError("the root inventory did not read back as written", path=base)

    # --- audit and repair ------------------------------------------------------------

    def fixity_report(
        self, object_id: str, expected_sizes: Mapping[str, int] | None = None
    ) -> FixityReport:
        return s3_fixity.fixity_report(self, object_id, expected_sizes)

    def check_object(
        self, object_id: str, expected_sizes: Mapping[str, int] | None = None
    ) -> list[FileProblem]:
        return self.fixity_report(object_id, expected_sizes).problems

    def verify_object(self, object_id: str) -> list[str]:
        return [problem.message for problem in self.check_object(object_id)]

    def repair_content(
        self, object_id: str, content_path: str, data_source: BinaryIO, expected_sha256: str
    ) -> None:
        s3_fixity.repair_content(self, object_id, content_path, data_source, expected_sha256)

    def recover(self, object_ids: Iterable[str] | None = None) -> list[str]:
        """Remove dead writers' staging, uncommitted versions and multipart uploads;
        finish commits cut off between root inventory and sidecar. All objects, or
        only ``object_ids`` (what interrupted ingests were writing)."""
        done = reap_scratch(self.staging_root)
        with s3_errors("recovering", self.root_url):
            if object_ids is not None:
                objects = {object_path(oid) for oid in object_ids}
            else:
                objects = {
                    split[0]
                    for key in self.bucket.list(self.key(""))
                    if (split := split_object_key(self._relative(key)))
                }
            for obj_path in sorted(objects):
                done += self._recover_object(obj_path)
            done += self._abort_stale_uploads()
        return done

    def _recover_object(self, obj_path: str) -> list[str]:
        with locked(self._stripe(obj_path), blocking=False) as mine:
            if not mine:
                return []  # a writer on this host is busy with it right now
            base = self.key(obj_path) + "/"
            inner = {key[len(base) :] for key in self.bucket.list(base)}
            found = self.bucket.read(base + INVENTORY)
            if found is None:
                return self._remove_never_committed(base, inner)
            try:
                inventory = parse_inventory(found[0], base + INVENTORY)
            except StorageCorruptError:
                return []  # not an interrupted write: verify_object reports it
            done = []
            stray = uncommitted_paths(inventory["head"], inner)
            if stray:
                self.bucket.delete([base + path for path in stray])
                versions = sorted({path.split("/", 1)[0] for path in stray})
                done.append(
                    f"uncommitted version {', '.join(versions)} of s3://{self.bucket.name}/"
                    f"{base} removed ({len(stray)} objects)"
                )
            return done + self._finish_sidecar(base, inventory, found[0])

    def _remove_never_committed(self, base: str, inner: set[str]) -> list[str]:
        """Keys but no root inventory: an interrupted first commit, or a lost inventory?

        Only bucket versioning can tell: a root inventory that was ever committed left
        a version (or delete marker) behind. Without that evidence nothing is removed;
        ``verify_object`` keeps reporting the object, an archivist decides.
        """
        root_key = base + INVENTORY
        if not self.protection.versioning:
            log.warning("%s has no root inventory; not removed (no versioning)", base)
            return []
        if any(item["Key"] == root_key for item in self.bucket.versions(root_key)):
            return []
        self.bucket.delete(sorted(base + path for path in inner))
        return [
            f"uncommitted first version at s3://{self.bucket.name}/{base} removed "
            f"({len(inner)} objects)"
        ]

    def _finish_sidecar(self, base: str, inventory: dict, data: bytes) -> list[str]:
        """Roll forward, as the local location does: only when the head version's own
        inventory is byte-identical to the root one and matches its own sidecar."""
        sidecar = self.bucket.read(base + SIDECAR)
        if sidecar and sidecar_matches(data, sidecar[0]):
            return []
        head = inventory["head"]
        copy = self.bucket.read(f"{base}{head}/{INVENTORY}")
        copy_sidecar = self.bucket.read(f"{base}{head}/{SIDECAR}")
        if not copy or copy[0] != data or not copy_sidecar:
            return []
        if not sidecar_matches(data, copy_sidecar[0]):
            return []
        self.bucket.put(
            base + SIDECAR, sidecar_bytes(data), if_match=sidecar[1] if sidecar else None
        )
        return [f"finished commit of {head}: root sidecar of s3://{self.bucket.name}/{base}"]

    def _abort_stale_uploads(self) -> list[str]:
        done = []
        for key, upload_id in self.bucket.stale_uploads(self.key("")):
            split = split_object_key(self._relative(key))
            if split is None:
                continue
            with locked(self._stripe(split[0]), blocking=False) as mine:
                if mine:
                    self.bucket.abort_upload(key, upload_id)
                    done.append(f"stale multipart upload of {key} aborted")
        return done

    def remove_object(self, object_id: str) -> None:
        """Delete every version (GOVERNANCE bypass); locked versions stay hidden and logged."""
        base = self.object_key(object_id)
        with locked(self.lock_path(object_id)), s3_errors("removing an object", base):
            if not self.bucket.list(base, limit=1):
                raise ObjectNotFoundError(f"no object {object_id} in location {self.name}")
            kept = self.bucket.purge(base)
        if kept:
            log.warning("%s: %d version(s) under retention kept behind delete markers", base, kept)


class S3Staging(StagingArea):
    """One version staged in ``staging_base/staging/<uuid>/content``; see S3OcflLocation."""

    def commit(
        self,
        expected: dict[str, str],
        *,
        message: str,
        user_name: str,
        user_address: str = "",
    ) -> StoredVersion:
        """Re-verify, upload, read back, then publish the root inventory; once only."""
        state, staged = self._begin_commit(expected)
        _verify_staged(state, staged.paths)
        meta = {"message": message, "user_name": user_name, "user_address": user_address}
        location = self._location
        with locked(location.lock_path(self.object_id)):
            root = location.load_root(self.object_id)
            previous = root.inventory if root else None
            inventory, to_store = build_inventory(self.object_id, previous, state, **meta)
            base = location.object_key(self.object_id)
            uploads = [
                Upload(base + to_store[lp], staged.paths[lp], state[lp], staged.sizes[lp])
                for lp in sorted(to_store)
            ]
            location.publish(self.object_id, inventory, root, uploads)
        crash_point("s3:committed")
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


def _verify_staged(state: dict[str, str], paths: dict[str, Path]) -> None:
    """Re-read every staged file; refuse before touching storage if any differs."""
    ordered = sorted(paths)
    digests = sha256_many(
        [paths[logical] for logical in ordered],
        on_each=lambda index, _path: crash_point(f"s3:verified_file_{index}"),
    )
    wrong = [lp for lp in ordered if digests[paths[lp]] != state[lp]]
    if wrong:
        raise StagingMismatchError(
            f"{len(wrong)} staged file(s) differ from their declared sha256: "
            + ", ".join(wrong[:10]),
            path=wrong[0],
        )
    crash_point("s3:verified")
