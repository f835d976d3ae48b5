"""The public copy of a published archived database: only what citizens may see.

Why a second SQLite file instead of the staff copy with checks: the portal must not be
able to show a secret table or column even if a page forgets a check. So a published
database gets its own file under ``$SAMARKIV_HOME/access/public-databases/`` holding
only the tables and columns that no mask reaches (masked ones are physically absent,
not nulled), with full-text search over the remaining text columns, plus a
``PublishedDatabase`` row describing just those. The portal reads only these two.

Inside the file tables are named ``t<n>`` and columns ``c<n>`` after their position in
the archive, so a name means the same column in every rebuild and no archived name (a
masked one included) is ever written into it. Whenever the masks or the publication
decision change the old copy is withdrawn first (the portal answers 404 meanwhile),
then a new one is built under a temporary name and renamed into place: a failed build
leaves nothing public rather than something stale.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarkiv.access.databases import copies
from samarkiv.access.databases.masks import masked_tables
from samarkiv.access.databases.metadata import TableInfo, tables_of
from samarkiv.access.databases.models import AccessCopyState, ArchivedDatabase, PublishedDatabase
from samarkiv.access.databases.sql import quote
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.errors import SamarkivError

log = logging.getLogger(__name__)
MAX_FTS_COLUMNS = 16
_TYPE_CHARS = re.compile(r"[^A-Za-z0-9 (),]")


class PublicCopyError(SamarkivError):
    code = "public_copy_failed"


def public_dir() -> Path:
    return Path(settings.SAMARKIV_HOME) / "access" / "public-databases"


def public_name(database: ArchivedDatabase) -> str:
    """``<hash>.sqlite``: a different hash from the staff copy's, same inputs."""
    key = f"public\n{database.aip_id}\n{database.siard_path}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:40]}.sqlite"


def public_path(name: str) -> Path:
    """The public copy named by a ``PublishedDatabase.copy_name`` (no path parts)."""
    if not re.fullmatch(r"[0-9a-f]{40}\.sqlite", name):
        raise PublicCopyError("invalid public copy name")
    return public_dir() / name


def withdraw(database: ArchivedDatabase) -> None:
    """Nothing of the database stays public: the row first, then the file."""
    PublishedDatabase.objects.filter(database=database).delete()
    (public_dir() / public_name(database)).unlink(missing_ok=True)


def refresh(database: ArchivedDatabase) -> PublishedDatabase | None:
    """Make the public side follow the decision and the masks now in force.

    Called after masks are saved, after the staff copy is rebuilt and on (un)publishing.
    A failed build is logged and leaves the database unpublished on the portal.
    """
    database.refresh_from_db()
    if not database.published:
        withdraw(database)
        return None
    try:
        return build_public_copy(database)
    except Exception:
        log.exception("public copy of database %s failed; withdrawn", database.pk)
        withdraw(database)
        return None


def _public_columns(table: TableInfo) -> list[tuple[int, object]]:
    return [(j, c) for j, c in enumerate(table.columns) if not c.masked]


def _public_fks(table: TableInfo, tables: list[TableInfo]) -> list:
    """Foreign keys whose both ends (table and every column) are public."""
    found = []
    for fk in table.foreign_keys:
        if fk.target is None or not fk.columns or tables[fk.target].masked:
            continue
        target = tables[fk.target]
        mine = {c.name for c in table.columns if not c.masked}
        theirs = {c.name for c in target.columns if not c.masked}
        if set(fk.columns) <= mine and set(fk.ref_columns) <= theirs:
            found.append(fk)
    return found


def _declared_types(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    rows = conn.execute(f"PRAGMA src.table_info({quote(table)})").fetchall()
    return {row[1]: _TYPE_CHARS.sub("", row[2] or "") for row in rows}


def _copy_table(conn: sqlite3.Connection, table: TableInfo) -> tuple[str, list[str]]:
    """Create ``t<n>`` with only the public columns and copy the rows (same rowids).

    A binary column keeps only each value's length: the portal lists sizes, it never
    serves a LOB. Returns (SQL name, the text columns for full-text search).
    """
    name = f"t{table.index}"
    declared = _declared_types(conn, table.sql)
    defs, targets, sources, text = [], [], [], []
    for j, column in _public_columns(table):
        slot = f"c{j}"
        if column.binary:
            defs.append(f"{slot} INTEGER")
            sources.append(f"length({quote(column.sql)})")
        else:
            defs.append(f"{slot} {declared.get(column.sql, '')}".strip())
            sources.append(quote(column.sql))
            if column.text:
                text.append(slot)
        targets.append(slot)
    conn.execute(f"CREATE TABLE {name} ({', '.join(defs) or 'c_none'})")
    if targets:
        conn.execute(
            f"INSERT INTO {name} (rowid, {', '.join(targets)}) "  # noqa: S608
            f"SELECT rowid, {', '.join(sources)} FROM src.{quote(table.sql)}"
        )
    else:  # every column masked but the table is not: keep the row count, no values
        conn.execute(
            f"INSERT INTO {name} (rowid) SELECT rowid FROM src.{quote(table.sql)}"  # noqa: S608
        )
    return name, text[:MAX_FTS_COLUMNS]


def _fts(conn: sqlite3.Connection, table_index: int, name: str, text: list[str]) -> str:
    if not text:
        return ""
    fts = f"f{table_index}"
    slots = ", ".join(f"c{i}" for i in range(len(text)))  # as ``sql.fts_match`` names them
    conn.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({slots}, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    conn.execute(
        f"INSERT INTO {fts}(rowid, {slots}) SELECT rowid, {', '.join(text)} FROM {name}"  # noqa: S608
    )
    return fts


def _column_json(j: int, column) -> dict:
    return {
        "name": column.name,
        "sql": f"c{j}",
        "type": column.type,
        "description": column.description,
        "text": bool(column.text) and not column.binary,
        "binary": column.binary,
    }


def _table_json(table: TableInfo, public_index: int, sql: str, fts: str, text: list[str]):
    columns = [_column_json(j, c) for j, c in _public_columns(table)]
    names = {c["name"] for c in columns}
    slots = [c["sql"] for c in columns]
    return {
        "index": public_index,
        "schema": table.schema,
        "name": table.name,
        "description": table.description,
        "rows": table.rows,
        "sql": sql,
        "columns": columns,
        "primary_key": [c for c in table.primary_key if c in names],
        "fts": fts,
        "fts_columns": [slots.index(s) for s in text],
        "foreign_keys": [],
    }


def _write_copy(temp: Path, staff: Path, tables: list[TableInfo]) -> list[dict]:
    """Fill the temporary file; returns the public tables' JSON (keys added later)."""
    public = [t for t in tables if not t.masked]
    result = []
    conn = sqlite3.connect(temp)
    try:
        conn.execute("ATTACH DATABASE ? AS src", (f"file:{staff}?mode=ro",))
        for number, table in enumerate(public):
            name, text = _copy_table(conn, table)
            fts = _fts(conn, table.index, name, text)
            result.append(_table_json(table, number, name, fts, text))
        conn.commit()
        conn.execute("DETACH DATABASE src")
        _keys(conn, tables, public, result)
        conn.commit()
    finally:
        conn.close()
    return result


def _keys(conn, tables: list[TableInfo], public: list[TableInfo], result: list[dict]) -> None:
    """Public foreign keys in the JSON (by public table index and column name) and an
    index on each, so following a key back is an index lookup."""
    number_of = {t.index: n for n, t in enumerate(public)}
    for table, entry in zip(public, result, strict=True):
        slot = {c["name"]: c["sql"] for c in entry["columns"]}
        for i, fk in enumerate(_public_fks(table, tables)):
            entry["foreign_keys"].append(
                {
                    "index": i,
                    "columns": list(fk.columns),
                    "target": number_of[fk.target],
                    "ref_columns": list(fk.ref_columns),
                }
            )
            cols = ", ".join(slot[c] for c in fk.columns)
            conn.execute(f"CREATE INDEX k{table.index}_{i} ON {entry['sql']} ({cols})")


def build_public_copy(database: ArchivedDatabase) -> PublishedDatabase:
    """Withdraw, then build the public copy and its ``PublishedDatabase`` from the
    staff access copy and the masks in force (spread along foreign keys)."""
    withdraw(database)
    staff = copies.copy_path(database)
    if database.state != AccessCopyState.READY or not staff.is_file():
        raise PublicCopyError(
            _("åtkomstkopian av %(db)s är inte klar; bygg den först") % {"db": database.name}
        )
    tables = masked_tables(tables_of(database.metadata), database)
    name = public_name(database)
    target = public_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f"{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.building")
    temp.unlink(missing_ok=True)
    try:
        public_tables = _write_copy(temp, staff, tables)
        copies._commit(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    now = timezone.now()
    return PublishedDatabase.objects.create(
        database=database,
        tenant_id=database.tenant_id,
        tenant_name=database.tenant.name,
        name=database.name,
        description=database.description,
        copy_name=name,
        tables=public_tables,
        row_count=sum(t["rows"] for t in public_tables),
        published_at=database.published_at or now,
        built_at=now,
    )


def set_published(scope: Scope, pk: int, published: bool) -> ArchivedDatabase:
    """Publish a database on the portal (or withdraw it); DECIDE, own tenant, audited.

    Publishing builds the public copy at once; if that fails the database stays
    unpublished and the error is raised for the page to show.
    """
    scope.require(Permission.DECIDE)
    database = scope.get(ArchivedDatabase.objects, permission=Permission.DECIDE, pk=pk)
    with transaction.atomic():
        database.published = published
        database.published_at = timezone.now() if published else None
        database.published_by = scope.actor if published else ""
        database.save(update_fields=["published", "published_at", "published_by"])
    error = ""
    if published:
        try:
            build_public_copy(database)
        except Exception as exc:
            withdraw(database)
            database.published, database.published_at, database.published_by = False, None, ""
            database.save(update_fields=["published", "published_at", "published_by"])
            error = str(exc)[:500]
    else:
        withdraw(database)
    record(
        scope,
        AuditAction.DECISION,
        obj=database,
        detail={"decision": "database_publication", "published": published, "error": error},
    )
    if error:
        raise PublicCopyError(_("Databasen kunde inte publiceras: %(e)s") % {"e": error})
    return database
