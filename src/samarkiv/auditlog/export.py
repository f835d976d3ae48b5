"""Exporting the audit log: CSV for people, JSON Lines for checking.

One generator serves the CLI and the staff pages. Every export is itself an entry in
the log (who took a copy of what), written before the first row goes out; the export
then holds exactly the entries before that one, so two exports with the same filters
taken at different times agree on what they share.

JSON Lines carry every column the hash covers, in the form it was hashed, plus
``prev_hash`` and ``entry_hash``: anyone can recompute each entry's hash from the file
alone (``check_jsonl``), and match the last one against a later verification.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.db.models import QuerySet

from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.chain import canonical_time, entry_digest
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.auditlog.queries import entries
from samarkiv.auditlog.service import record
from samarkiv.errors import UsageError

FORMATS = ("csv", "jsonl")
COLUMNS = (
    "seq",
    "at",
    "actor",
    "tenant",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "detail",
    "prev_hash",
    "entry_hash",
)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
BATCH = 1000
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOM = "\ufeff"  # so that spreadsheet programs read the CSV as UTF-8 (å, ä, ö)


def export_rows(
    scope: Scope,
    fmt: str = "jsonl",
    *,
    action: AuditAction | str | None = None,
    actor: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    object_id: str | None = None,
) -> Iterator[str]:
    """Lines of the export (the CSV header first); streaming, memory stays flat.

    The permission check and the EXPORT entry happen here, at the call, not when the
    first line is asked for: a page can answer 403 before it starts streaming.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    rows = entries(scope, action=action, actor=actor, since=since, until=until, object_id=object_id)
    filters = {
        "action": str(action or ""),
        "actor": actor or "",
        "since": str(since or ""),
        "until": str(until or ""),
        "object_id": str(object_id or ""),
    }
    marker = record(
        scope,
        AuditAction.EXPORT,
        object_type="auditlog.auditentry",
        detail={"format": fmt, "filters": {k: v for k, v in filters.items() if v}},
    )
    rows = rows.filter(seq__lt=marker.seq)
    return _csv_lines(rows) if fmt == "csv" else _jsonl_lines(rows)


def _batches(rows: QuerySet[AuditEntry]) -> Iterator[AuditEntry]:
    """Keyset pages: no long-lived server-side cursor under a slow download."""
    after = -1
    while True:
        page = list(rows.filter(seq__gt=after).order_by("seq")[:BATCH])
        if not page:
            return
        yield from page
        after = page[-1].seq


def as_record(row: AuditEntry) -> dict:
    """One entry as exported: every hashed column in its hashed form, and the hashes."""
    return {
        "seq": row.seq,
        "at": canonical_time(row.at),
        "actor": row.actor,
        "tenant": row.tenant,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "outcome": row.outcome,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
        "entry_hash": row.entry_hash,
    }


def _jsonl_lines(rows: QuerySet[AuditEntry]) -> Iterator[str]:
    for row in _batches(rows):
        yield json.dumps(as_record(row), ensure_ascii=False, sort_keys=True) + "\n"


def safe_cell(value) -> str | int:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) gets a quote."""
    if isinstance(value, int):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _csv_line(values: Iterable) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def _csv_lines(rows: QuerySet[AuditEntry]) -> Iterator[str]:
    yield _BOM + _csv_line(COLUMNS)
    for row in _batches(rows):
        exported = as_record(row)
        exported["detail"] = json.dumps(row.detail, ensure_ascii=False, sort_keys=True)
        yield _csv_line(safe_cell(exported[column]) for column in COLUMNS)


def check_jsonl(lines: Iterable[str]) -> list[tuple[int, str]]:
    """Problems in an exported JSON Lines file: (entry number, what is wrong).

    Each entry's hash is recomputed from its own columns; consecutive entries must also
    link. A tenant's export skips other tenants' entries, so only neighbours link.
    """
    problems: list[tuple[int, str]] = []
    previous: dict | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            fields = {k: entry[k] for k in COLUMNS if k not in ("prev_hash", "entry_hash")}
            digest = entry_digest(**fields, prev_hash=entry["prev_hash"])
        except (ValueError, KeyError, TypeError) as exc:
            problems.append((number, f"line {number} is not an exported entry: {exc}"))
            continue
        if digest != entry["entry_hash"]:
            problems.append((entry["seq"], "content does not match its hash"))
        if (
            previous is not None
            and entry["seq"] == previous["seq"] + 1
            and entry["prev_hash"] != previous["entry_hash"]
        ):
            problems.append((entry["seq"], "does not follow the entry before it"))
        previous = entry
    return problems
