"""Helpers for the preservation tests (see conftest.py): tamperers, AIPs, second copies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from samarkiv.ingest.demo_packages import VALID_NAME, build_valid_sip
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.ingest.recovery import versions_up_to
from samarkiv.preservation.locations import location
from samarkiv.preservation.models import Aip, StoredCopy
from samarkiv.preservation.replication import replicate_object
from samarkiv.storage.local import LocalOcflLocation

BUCKET = "samarkiv-test"


def local_storage(base: Path) -> dict:
    return {
        "locations": {
            "primary": {"type": "local", "path": str(base / "storage" / "primary")},
            "offsite": {"type": "local", "path": str(base / "offsite-disk")},
        },
        "policies": {"default": ["primary", "offsite"]},
    }


@dataclass
class Tamper:
    """Raw access to one location's stored bytes, behind its back (disk or plain boto3)."""

    read: Callable[[str, str], bytes | None]  # (object id, content path)
    write: Callable[[str, str, bytes], None]
    delete: Callable[[str, str], None]

    def flip(self, object_id: str, path: str) -> None:
        data = bytearray(self.read(object_id, path))
        data[len(data) // 2] ^= 0x01
        self.write(object_id, path, bytes(data))

    def truncate(self, object_id: str, path: str) -> None:
        self.write(object_id, path, self.read(object_id, path)[:7])


def disk_tamper(store: LocalOcflLocation) -> Tamper:
    def path(oid: str, content: str) -> Path:
        return store.object_dir(oid) / content

    return Tamper(
        lambda oid, c: path(oid, c).read_bytes() if path(oid, c).is_file() else None,
        lambda oid, c, data: path(oid, c).write_bytes(data),
        lambda oid, c: path(oid, c).unlink(),
    )


def s3_tamper(store, raw) -> Tamper:
    def key(oid: str, content: str) -> str:
        return store.object_key(oid) + content

    def read(oid: str, content: str) -> bytes | None:
        if not store.bucket.exists(key(oid, content)):
            return None
        return raw.get_object(Bucket=BUCKET, Key=key(oid, content))["Body"].read()

    return Tamper(
        read,
        lambda oid, c, data: raw.put_object(Bucket=BUCKET, Key=key(oid, c), Body=data),
        lambda oid, c: raw.delete_object(Bucket=BUCKET, Key=key(oid, c)),
    )


@dataclass
class Archive:
    """The two locations of the test's archive and a tamperer for each."""

    kind: str
    tamper: dict[str, Tamper]

    @property
    def primary(self):
        return location("primary")

    @property
    def offsite(self):
        return location("offsite")


def ingest_demo(parent: Path, name: str = VALID_NAME, tenant: str = "lund") -> Aip:
    """One AIP through the real ingest service (every copy of the storage policy)."""
    sip = build_valid_sip(parent, name)
    receipt = ingest(IngestRequest(sip, tenant))
    assert receipt.ok, receipt.summary()
    return Aip.objects.get(id=receipt.aip_id)


def second_copy(aip: Aip) -> None:
    """The offsite copy: ingest now writes every policy copy itself; check it is there."""
    target = location("offsite")
    replicate_object(location("primary"), target, aip.id)  # a no-op when complete
    for version in versions_up_to(target.head_version(aip.id)):
        StoredCopy.objects.get_or_create(
            aip=aip,
            location="offsite",
            version=version,
            defaults={"url": target.object_url(aip.id), "verified_at": timezone.now()},
        )
