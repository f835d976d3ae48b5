"""The S3 plumbing under ``S3OcflLocation``: one bucket, create-only writes, streamed reads.

Kept apart from the OCFL logic in ``s3.py`` so that file reads like ``local.py``; this
one knows boto3 and S3 semantics, nothing about inventories.

Promises made here, because an archive must not trust the network or itself:

- **Create-only by default.** Every ``PutObject`` and ``CompleteMultipartUpload`` this
  client sends carries ``If-None-Match: *`` unless the caller asked for ``If-Match``
  (only the root inventory and its sidecar are ever replaced, and then only as a
  compare-and-swap on the ETag read before). A bug or a second writer cannot silently
  overwrite a stored file: the server answers 412 and we raise.
- **Server-verified uploads.** Small objects go up with ``x-amz-checksum-sha256`` set
  to the digest the *caller declared*, so the server refuses bytes that differ from
  the inventory; multipart uploads carry a SHA-256 per part.
- **Bounded memory.** Uploads stream from files through s3transfer (fixed part size,
  bounded concurrency), downloads are hashed chunk by chunk: file size never matters.
- **Protection where the server has it.** A bucket we create gets versioning and, when
  the server supports it, object lock with a default GOVERNANCE retention: an
  overwrite then only adds a version and a delete only a marker, the old bytes stay.
  What the server turned out to support is recorded in ``BucketProtection``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from samarkiv.storage.location import StorageError

log = logging.getLogger(__name__)

MIB = 1024 * 1024
MULTIPART_THRESHOLD = 64 * MIB
PART_SIZE = 16 * MIB
READ_CHUNK = 1 * MIB
_MISSING = {"404", "NoSuchKey", "NotFound"}
_NO_BUCKET = {"404", "NoSuchBucket", "NotFound"}
_LOCK_UNSUPPORTED = {"NotImplemented", "501", "InvalidRequest", "InvalidArgument", "MalformedXML"}
_EXISTS = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}
_BINARY = "application/octet-stream"
PRECONDITION_FAILED = {"PreconditionFailed", "412", "ConditionalRequestConflict"}


class OverwriteRefusedError(StorageError):
    """The server refused a create-only write: the key exists (or changed under us)."""

    code = "storage_overwrite_refused"


@dataclass(frozen=True, slots=True)
class BucketProtection:
    """What the server enforces on top of samarkiv's create-only writes."""

    versioning: bool
    object_lock: bool
    retention: str  # e.g. "GOVERNANCE 365 days", or why there is none


@dataclass(frozen=True, slots=True)
class Upload:
    """One local file to store under ``key``, with the digest the caller declared."""

    key: str
    path: Path
    sha256: str
    size: int

    @classmethod
    def for_bytes(cls, key: str, payload: bytes) -> Upload:
        """Describe a small object already PUT from memory, for the common read-back."""
        return cls(key, Path(), hashlib.sha256(payload).hexdigest(), len(payload))


def error_code(exc: BaseException) -> str:
    """The S3 error code of a ClientError ("" for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


@contextlib.contextmanager
def s3_errors(what: str, where: str = "") -> Iterator[None]:
    """Turn boto errors into StorageError, so callers see one error family per medium."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        if error_code(exc) in PRECONDITION_FAILED:
            raise OverwriteRefusedError(
                f"{what}: the object store refused to overwrite an existing object",
                path=where,
            ) from exc
        raise StorageError(f"{what}: {exc}", path=where) from exc


def _create_only(params: dict, **_kwargs: object) -> None:
    """botocore hook: make every write conditional unless the caller chose a condition."""
    if "IfMatch" not in params and "IfNoneMatch" not in params:
        params["IfNoneMatch"] = "*"


def b64_digest(hex_digest: str) -> str:
    """S3's checksum encoding (base64 of the raw digest) of a hex SHA-256."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")


class Bucket:
    """One bucket through one thread-safe boto3 client (see the module docstring)."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        access_key: str,
        secret_key: str,
        region: str,
        workers: int,
    ) -> None:
        self.name = bucket
        self.region = region
        self.workers = workers
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"mode": "standard", "max_attempts": 4},
                max_pool_connections=workers * 2 + 4,
            ),
        )
        for operation in ("PutObject", "CompleteMultipartUpload"):
            self.client.meta.events.register(f"before-parameter-build.s3.{operation}", _create_only)
        self.transfer = TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD,
            multipart_chunksize=PART_SIZE,
            max_concurrency=workers,
            use_threads=True,
        )

    # --- bucket set-up --------------------------------------------------------------

    def ensure(self, retention_days: int) -> BucketProtection:
        """Create the bucket if missing (with object lock if possible), turn on versioning."""
        with s3_errors("preparing the bucket", self.name):
            created = self._create_if_missing()
            versioning = self._enable_versioning()
            lock, retention = self._lock_state(retention_days if created else 0)
        protection = BucketProtection(versioning, lock, retention)
        if not (versioning and lock):
            log.warning("bucket %s is only partly protected: %s", self.name, protection)
        return protection

    def _create_if_missing(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.name)
            return False
        except ClientError as exc:
            if error_code(exc) not in _NO_BUCKET:
                raise
        args: dict = {"Bucket": self.name}
        if self.region != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        for extra in ({"ObjectLockEnabledForBucket": True}, {}):
            try:
                self.client.create_bucket(**args, **extra)
                return True
            except ClientError as exc:
                if error_code(exc) in _EXISTS:
                    return False
                if not extra or error_code(exc) not in _LOCK_UNSUPPORTED:
                    raise
                log.warning("%s: no object lock at bucket creation (%s)", self.name, exc)
        return False

    def _enable_versioning(self) -> bool:
        state = self.client.get_bucket_versioning(Bucket=self.name).get("Status")
        if state == "Enabled":
            return True
        try:
            self.client.put_bucket_versioning(
                Bucket=self.name, VersioningConfiguration={"Status": "Enabled"}
            )
        except ClientError as exc:
            log.warning("%s: versioning not supported (%s)", self.name, error_code(exc))
            return False
        return self.client.get_bucket_versioning(Bucket=self.name).get("Status") == "Enabled"

    def _lock_state(self, retention_days: int) -> tuple[bool, str]:
        """(object lock on?, retention); adds a GOVERNANCE default only to our new bucket."""
        try:
            config = self.client.get_object_lock_configuration(Bucket=self.name)
        except ClientError as exc:
            return False, f"no object lock ({error_code(exc) or exc})"
        config = config.get("ObjectLockConfiguration", {})
        if config.get("ObjectLockEnabled") != "Enabled":
            return False, "object lock disabled"
        rule = config.get("Rule", {}).get("DefaultRetention")
        if not rule and retention_days > 0:
            rule = {"Mode": "GOVERNANCE", "Days": retention_days}
            try:
                self.client.put_object_lock_configuration(
                    Bucket=self.name,
                    ObjectLockConfiguration={
                        "ObjectLockEnabled": "Enabled",
                        "Rule": {"DefaultRetention": rule},
                    },
                )
            except ClientError as exc:
                return True, f"lock on, default retention refused ({error_code(exc)})"
        if not rule:
            return True, "lock on, no default retention"
        span = f"{rule['Days']} days" if "Days" in rule else f"{rule.get('Years')} years"
        return True, f"{rule['Mode']} {span}"

    # --- small objects --------------------------------------------------------------

    def read(self, key: str) -> tuple[bytes, str] | None:
        """A small object's bytes and ETag, or None when absent (inventories, sidecars)."""
        try:
            response = self.client.get_object(Bucket=self.name, Key=key)
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return None
            raise
        with contextlib.closing(response["Body"]) as body:
            return body.read(), response["ETag"]

    def put(self, key: str, data: bytes, *, if_match: str | None = None) -> str:
        """Store small bytes, server-checked by SHA-256; create-only unless ``if_match``."""
        condition = {"IfMatch": if_match} if if_match else {}
        response = self.client.put_object(
            Bucket=self.name,
            Key=key,
            Body=data,
            ChecksumSHA256=b64_digest(hashlib.sha256(data).hexdigest()),
            **condition,
        )
        return response["ETag"]

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.name, Key=key)
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return False
            raise
        return True

    def etag(self, key: str) -> str | None:
        """The current version's ETag, or None when absent (never stored, or deleted)."""
        try:
            return self.client.head_object(Bucket=self.name, Key=key)["ETag"]
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return None
            raise

    def put_file(self, key: str, path: Path, sha256: str, size: int, *, if_match: str = "") -> None:
        """Store one local file, server-checked by SHA-256, streamed from disk.

        Create-only unless ``if_match`` names the current version's ETag: then it is a
        deliberate replacement (the repair of a damaged object), and on a versioned
        bucket the replaced bytes stay behind as an older version, for forensics.
        """
        condition = {"IfMatch": if_match} if if_match else {}
        if size < MULTIPART_THRESHOLD:
            with open(path, "rb") as body:
                self.client.put_object(
                    Bucket=self.name,
                    Key=key,
                    Body=body,
                    ChecksumSHA256=b64_digest(sha256),
                    ContentType=_BINARY,
                    **condition,
                )
            return
        self._put_multipart(key, path, condition)

    def _put_multipart(self, key: str, path: Path, condition: dict) -> None:
        """One part in memory at a time, each SHA-256-checked by the server.

        Done by hand rather than through s3transfer because s3transfer cannot pass the
        ``If-Match`` condition that makes a replacement deliberate.
        """
        upload_id = self.client.create_multipart_upload(
            Bucket=self.name, Key=key, ChecksumAlgorithm="SHA256", ContentType=_BINARY
        )["UploadId"]
        parts = []
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(PART_SIZE):
                    checksum = b64_digest(hashlib.sha256(chunk).hexdigest())
                    number = len(parts) + 1
                    response = self.client.upload_part(
                        Bucket=self.name,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=chunk,
                        ChecksumSHA256=checksum,
                    )
                    parts.append(
                        {"ETag": response["ETag"], "PartNumber": number, "ChecksumSHA256": checksum}
                    )
            self.client.complete_multipart_upload(
                Bucket=self.name,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                **condition,
            )
        except BaseException:
            with contextlib.suppress(ClientError, BotoCoreError):
                self.abort_upload(key, upload_id)
            raise

    def open_stream(self, key: str) -> BinaryIO | None:
        """A buffered binary file streaming the object (memory independent of its size)."""
        body = self.open(key)
        return None if body is None else io.BufferedReader(_BodyReader(body), READ_CHUNK)

    def open(self, key: str):
        """The streaming body of an object (a botocore StreamingBody); None when absent."""
        try:
            return self.client.get_object(Bucket=self.name, Key=key)["Body"]
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return None
            raise

    # --- listing ------------------------------------------------------------------------

    def list(self, prefix: str, *, limit: int | None = None) -> dict[str, int]:
        """Current keys under ``prefix`` -> size (delete markers and old versions hidden)."""
        found: dict[str, int] = {}
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.name, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = item["Size"]
                if limit is not None and len(found) >= limit:
                    return found
        return found

    def versions(self, prefix: str) -> list[dict]:
        """Every version and delete marker under ``prefix`` ({Key, VersionId})."""
        found = []
        for page in self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.name, Prefix=prefix
        ):
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                found.append({"Key": item["Key"], "VersionId": item["VersionId"]})
        return found

    def stale_uploads(self, prefix: str) -> list[tuple[str, str]]:
        """(key, upload id) of multipart uploads never completed (a killed writer's)."""
        found = []
        for page in self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.name, Prefix=prefix
        ):
            found += [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]
        return found

    def abort_upload(self, key: str, upload_id: str) -> None:
        self.client.abort_multipart_upload(Bucket=self.name, Key=key, UploadId=upload_id)

    # --- deleting -------------------------------------------------------------------

    def delete(self, keys: list[str]) -> None:
        """Delete current versions; on a versioned bucket that only adds delete markers."""
        self._delete_batches([{"Key": key} for key in keys], bypass=False)

    def purge(self, prefix: str) -> int:
        """Delete every version under ``prefix`` (GOVERNANCE bypass); return versions kept.

        Versions that stay (COMPLIANCE retention, no bypass permission) are hidden
        behind delete markers instead and counted, never silently left visible.
        """
        entries = self.versions(prefix)
        failed = self._delete_batches(entries, bypass=True, strict=False)
        if failed:
            self.delete(sorted({entry["Key"] for entry in failed}))
        return len(failed)

    def _delete_batches(self, entries: list[dict], *, bypass: bool, strict: bool = True):
        failed: list[dict] = []
        extra = {"BypassGovernanceRetention": True} if bypass else {}
        for start in range(0, len(entries), 1000):
            response = self.client.delete_objects(
                Bucket=self.name,
                Delete={"Objects": entries[start : start + 1000], "Quiet": True},
                **extra,
            )
            failed += response.get("Errors", [])
        if failed and strict:
            first = failed[0]
            raise StorageError(
                f"{len(failed)} object(s) could not be deleted: {first.get('Code')} "
                f"{first.get('Message')}",
                path=first.get("Key", ""),
            )
        return failed

    # --- bulk transfer ------------------------------------------------------------------

    def upload_many(self, uploads: list[Upload], on_each: Callable[[int], None]) -> None:
        """Upload files in parallel (bounded), server-verified, create-only; all or raise.

        ``on_each(index)`` runs after upload ``index`` finished, in list order (the
        crash tests kill the process there). On the first failure the rest are
        cancelled and the error raised; what did land is an uncommitted leftover.
        """
        with create_transfer_manager(self.client, self.transfer) as manager:
            futures = [
                manager.upload(str(item.path), self.name, item.key, extra_args=_checksum(item))
                for item in uploads
            ]
            try:
                for index, future in enumerate(futures):
                    future.result()
                    on_each(index)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def hash_many(self, keys: list[str]) -> dict[str, tuple[str, int] | None]:
        """key -> (sha256, size) by streaming every object once; None when absent."""

        def one(key: str) -> tuple[str, tuple[str, int] | None]:
            return key, self.hash(key)

        if not keys:
            return {}
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return dict(pool.map(one, keys))

    def hash(self, key: str) -> tuple[str, int] | None:
        """(sha256, size) of an object, streamed in 1 MiB chunks; None when absent."""
        body = self.open(key)
        if body is None:
            return None
        digest = hashlib.sha256()
        size = 0
        with contextlib.closing(body):
            for chunk in body.iter_chunks(READ_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size


def _checksum(item: Upload) -> dict:
    """Full-object SHA-256 (the declared digest) when it fits one PUT, else per part.

    S3 has no full-object SHA-256 for multipart uploads (only CRCs), so big files get
    a SHA-256 per part from the server, and the whole-file digest from our read-back.
    """
    if item.size < MULTIPART_THRESHOLD:
        return {"ChecksumSHA256": b64_digest(item.sha256), "ContentType": _BINARY}
    return {"ChecksumAlgorithm": "SHA256", "ContentType": _BINARY}


class _BodyReader(io.RawIOBase):
    """A GET response body as a raw stream, so readers get a normal buffered binary file."""

    def __init__(self, body) -> None:
        super().__init__()
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()
