"""Appending to and verifying the hash-chained audit log."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x5A4D_A0D1  # advisory lock id for appends on PostgreSQL


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(
    *,
    seq: int,
    at: datetime,
    actor: str,
    tenant: str,
    action: str,
    object_type: str,
    object_id: str,
    outcome: str,
    detail: dict,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON form of every column but the hash itself."""
    body = {
        "seq": seq,
        "at": _canonical_time(at),
        "actor": actor,
        "tenant": tenant,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": outcome,
        "detail": detail,
        "prev": prev_hash,
    }
    data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _digest_of(row: AuditEntry, prev_hash: str) -> str:
    return entry_digest(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        tenant=row.tenant,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        outcome=row.outcome,
        detail=row.detail,
        prev_hash=prev_hash,
    )


def head_path() -> Path:
    return Path(settings.SAMARKIV_HOME) / "audit-log.head"


@contextmanager
def _append_lock() -> Iterator[None]:
    """One appender at a time: an advisory lock on PostgreSQL, a file lock on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        yield
        return
    folder = Path(settings.SAMARKIV_LOCKS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "audit-log.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _json_safe(detail: dict | None) -> dict:
    """Round-trip through JSON so that what is hashed is exactly what is stored."""
    return json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))


def append(
    *,
    actor: str,
    action: AuditAction,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    tenant: str | None = "",
    object_type: str = "",
    object_id: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry; it commits with the caller's transaction (or on its own)."""
    detail = _json_safe(detail)
    with transaction.atomic(), _append_lock():
        last = AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
        seq = (last["seq"] + 1) if last else 1
        prev = last["entry_hash"] if last else GENESIS
        at = timezone.now()
        row = AuditEntry(
            seq=seq,
            at=at,
            actor=actor[:255],
            tenant=tenant or "",
            action=AuditAction(action),
            object_type=object_type[:64],
            object_id=str(object_id)[:255],
            outcome=AuditOutcome(outcome),
            detail=detail,
            prev_hash=prev,
        )
        row.entry_hash = _digest_of(row, prev)
        row.save(force_insert=True)
        transaction.on_commit(lambda: _write_head(seq, row.entry_hash))
    return row


def _write_head(seq: int, digest: str) -> None:
    """The newest entry, outside the database: catches removal of the newest rows."""
    path = head_path()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{seq} {digest}\n", encoding="ascii")
    os.replace(tmp, path)


@dataclass
class VerifyProblem:
    seq: int
    problem: str

    def to_dict(self) -> dict:
        return {"seq": self.seq, "problem": self.problem}


@dataclass
class VerifyResult:
    entries: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problems: list[VerifyProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "problems": [p.to_dict() for p in self.problems],
        }


def verify(*, batch: int = 2000) -> VerifyResult:
    """Walk the whole chain in order; every break is reported with its entry number."""
    result = VerifyResult()
    expected_seq, prev = 1, GENESIS
    rows = AuditEntry.objects.order_by("seq").iterator(chunk_size=batch)
    for row in rows:
        result.entries += 1
        if row.seq != expected_seq:
            result.problems.append(
                VerifyProblem(row.seq, f"entries {expected_seq}..{row.seq - 1} are missing")
            )
        if row.prev_hash != prev:
            result.problems.append(
                VerifyProblem(row.seq, "does not follow the entry before it (removed or moved)")
            )
        if _digest_of(row, row.prev_hash) != row.entry_hash:
            result.problems.append(VerifyProblem(row.seq, "content was changed after writing"))
        expected_seq, prev = row.seq + 1, row.entry_hash
        result.last_seq, result.last_hash = row.seq, row.entry_hash
    _check_head(result)
    return result


def _check_head(result: VerifyResult) -> None:
    path = head_path()
    if not path.exists():
        if result.entries:
            result.problems.append(VerifyProblem(result.last_seq, "the head file is missing"))
        return
    seq_text, _, digest = path.read_text(encoding="ascii").strip().partition(" ")
    head_seq = int(seq_text or 0)
    if head_seq > result.last_seq:
        result.problems.append(
            VerifyProblem(head_seq, f"entries after {result.last_seq} were removed")
        )
    elif head_seq == result.last_seq and digest != result.last_hash:
        result.problems.append(VerifyProblem(head_seq, "the newest entry was replaced"))
