"""Appending to and verifying the hash-chained audit log.

Each entry's SHA-256 covers a canonical JSON form of all its columns and the previous
entry's hash. The digest must come out the same after the row has been through the
database, on SQLite and on PostgreSQL alike, so everything hashed is first put into the
form the database gives back: times in UTC with microseconds, JSON that jsonb stores
without change (no NUL, no lone surrogates, no float that comes back as an int), keys
sorted (jsonb reorders them).

The head file (``SAMARKIV_HOME/audit-log.head``, written after each commit) holds the
newest entry's number and hash outside the database. It is the anchor: whoever edits
a row and recomputes every hash after it still changes the newest hash, and whoever
deletes the newest rows leaves the head pointing past the end.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.auditlog.models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x5A4D_A0D1  # advisory lock id for appends on PostgreSQL
_TENANT_MAX = AuditEntry._meta.get_field("tenant").max_length
# A write that changes nothing: it takes SQLite's write lock (AuditEntry's table).
_SQLITE_WRITE_LOCK = "UPDATE auditlog_auditentry SET seq = seq WHERE 0"


def canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(
    *,
    seq: int,
    at: datetime | str,
    actor: str,
    tenant: str,
    action: str,
    object_type: str,
    object_id: str,
    outcome: str,
    detail: Any,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON form of every column but the hash itself.

    ``at`` may be given already canonical (a string), as exports carry it.
    """
    body = {
        "seq": seq,
        "at": at if isinstance(at, str) else canonical_time(at),
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
    return hashlib.sha256(data.encode("utf-8", "backslashreplace")).hexdigest()


def digest_of(row: AuditEntry, prev_hash: str) -> str:
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


def clean_text(value: str) -> str:
    """A string both databases store unchanged: lone surrogates (names that are not
    UTF-8) become ``\\udcXX`` and NUL (PostgreSQL text refuses it) becomes ``\\x00``."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def clean_json(value: Any) -> Any:
    """The detail as it comes back from jsonb and from SQLite's text JSON alike.

    Integral floats become ints (jsonb returns ``1e20`` as ``100000000000000000000``, an
    int to Python, and ``-0.0`` as ``0``), non-finite ones strings (JSON has none);
    anything else JSON cannot hold is stored as its ``str``.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [clean_json(v) for v in items]
    if isinstance(value, datetime):
        return canonical_time(value)
    return clean_text(str(value))


def head_path() -> Path:
    return Path(settings.SAMARKIV_HOME) / "audit-log.head"


@contextmanager
def _file_lock(name: str) -> Iterator[None]:
    folder = Path(settings.SAMARKIV_LOCKS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextmanager
def _serialized() -> Iterator[None]:
    """One appender at a time, from reading the newest entry until its commit.

    PostgreSQL: a transaction-scoped advisory lock, held until the outermost transaction
    ends. SQLite: the database's write lock, taken before the newest entry is read and
    held until the outermost transaction commits; on its own, also a file lock around
    the whole transaction, so that appenders queue instead of running into SQLite's
    busy timeout. Inside the caller's transaction the file lock is left out: it would
    be released before the commit, and a waiting appender holding it could stall this
    one for the length of the busy timeout.
    """
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
            yield
        return
    queue = nullcontext() if connection.in_atomic_block else _file_lock("audit-log.lock")
    with queue, transaction.atomic():
        with connection.cursor() as cursor:  # a no-op write: takes SQLite's write lock
            cursor.execute(_SQLITE_WRITE_LOCK)
        yield


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
    detail = clean_json(detail or {})
    with _serialized():
        last = AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
        seq = (last["seq"] + 1) if last else 1
        prev = last["entry_hash"] if last else GENESIS
        # Microseconds are what both databases keep; anything finer would not verify.
        at = timezone.now()
        row = AuditEntry(
            seq=seq,
            at=at,
            actor=clean_text(actor)[:255],
            tenant=clean_text(tenant or "")[:_TENANT_MAX],
            action=AuditAction(action),
            object_type=clean_text(object_type)[:64],
            object_id=clean_text(str(object_id))[:255],
            outcome=AuditOutcome(outcome),
            detail=detail,
            prev_hash=prev,
        )
        row.entry_hash = digest_of(row, prev)
        row.save(force_insert=True)
        digest = row.entry_hash
        transaction.on_commit(lambda: write_head(seq, digest), robust=True)
    return row


@dataclass(frozen=True)
class Head:
    seq: int
    digest: str


def read_head() -> Head | None:
    path = head_path()
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    seq_text, _, digest = text.partition(" ")
    try:
        return Head(int(seq_text), digest)
    except ValueError:
        return Head(-1, text[:80])


def write_head(seq: int, digest: str) -> None:
    """Record the newest committed entry; never move the head backwards.

    Why the check: on PostgreSQL two appenders' commit hooks can run in the other order
    than their commits, and the head must name the newest entry, not the last writer's.
    """
    path = head_path()
    with _file_lock("audit-log.head.lock"):
        current = read_head()
        if current is not None and current.seq >= seq:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(f"{seq} {digest}\n", encoding="ascii")
        os.replace(tmp, path)


@dataclass
class VerifyProblem:
    seq: int
    code: str  # gap | broken_link | altered | unreadable | head_missing | head_* ...
    problem: str

    def to_dict(self) -> dict:
        return {"seq": self.seq, "code": self.code, "problem": self.problem}


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
    """Walk the whole chain in order; every break is reported with its entry number.

    The head is read first: entries committed while the walk runs are then beyond it,
    never mistaken for a head pointing past the end.
    """
    head = read_head()
    result = VerifyResult()
    expected_seq, prev = 1, GENESIS
    head_seen = False
    for row in _rows(result, batch):
        result.entries += 1
        if row.seq > expected_seq:
            message = f"entries {expected_seq}..{row.seq - 1} are missing"
            result.problems.append(VerifyProblem(row.seq, "gap", message))
        elif row.seq < expected_seq:
            message = "an entry number the chain never gives out"
            result.problems.append(VerifyProblem(row.seq, "gap", message))
        if row.prev_hash != prev:
            message = "does not follow the entry before it (an entry was removed or moved)"
            result.problems.append(VerifyProblem(row.seq, "broken_link", message))
        if digest_of(row, row.prev_hash) != row.entry_hash:
            message = "content was changed after it was written"
            result.problems.append(VerifyProblem(row.seq, "altered", message))
        if head is not None and row.seq == head.seq:
            head_seen = True
            if row.entry_hash != head.digest:
                message = "differs from the head file: the chain was rewritten up to here"
                result.problems.append(VerifyProblem(row.seq, "head_mismatch", message))
        expected_seq, prev = row.seq + 1, row.entry_hash
        result.last_seq, result.last_hash = row.seq, row.entry_hash
    _check_head(result, head, head_seen)
    return result


def _rows(result: VerifyResult, batch: int) -> Iterator[AuditEntry]:
    """Every entry in order, a batch at a time (keyset, so memory stays flat).

    A row the database holds but Django cannot read (a raw edit left a time that is not
    a time) is reported, not a crash in the middle of the walk.
    """
    after = -1  # an inserted entry 0 is reported too
    while True:
        window = AuditEntry.objects.filter(seq__gt=after).order_by("seq")
        try:
            rows = list(window[:batch])
        except (ValueError, TypeError):
            seqs = list(window.values_list("seq", flat=True)[:batch])
            rows = list(_one_by_one(seqs, result))
            after = seqs[-1]
        else:
            if not rows:
                return
            after = rows[-1].seq
        yield from rows


def _one_by_one(seqs: list[int], result: VerifyResult) -> Iterator[AuditEntry]:
    for seq in seqs:
        try:
            yield AuditEntry.objects.get(seq=seq)
        except (ValueError, TypeError) as exc:
            message = f"cannot be read ({type(exc).__name__}: {exc})"
            result.problems.append(VerifyProblem(seq, "unreadable", message))


def _check_head(result: VerifyResult, head: Head | None, head_seen: bool) -> None:
    if head is None:
        if result.entries:
            message = "the head file is missing"
            result.problems.append(VerifyProblem(result.last_seq, "head_missing", message))
        return
    if head.seq < 0:
        message = f"the head file cannot be read: {head.digest!r}"
        result.problems.append(VerifyProblem(0, "head_unreadable", message))
    elif head.seq > result.last_seq:
        message = f"entries {result.last_seq + 1}..{head.seq} were removed from the end"
        result.problems.append(VerifyProblem(head.seq, "truncated", message))
    elif head.seq and not head_seen:
        message = "the entry the head file names is missing"
        result.problems.append(VerifyProblem(head.seq, "head_missing_entry", message))
