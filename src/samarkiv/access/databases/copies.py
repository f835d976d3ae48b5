"""Access copies: each archived SIARD loaded into its own SQLite file, rebuildable.

Why SQLite per database: paging, filtering, sorting and following keys over millions of
rows is what a relational database does; one file per archived database keeps tenants
apart on disk and lets a copy be dropped and rebuilt from the AIP at any time (the AIP
is the record, the copy is a cache). The file is built under a temporary name and
renamed into place, so a reader sees the old copy or the new one, never half of one.
Full-text search is an FTS5 table per source table over its character columns; rows are
never put into the main search index.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import sqlite3
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from samarkiv.access.databases.metadata import archive_to_json
from samarkiv.access.databases.models import AccessCopyState, ArchivedDatabase
from samarkiv.access.databases.sql import fts_table, quote
from samarkiv.catalog.records.aipfiles import spooled_aip_file
from samarkiv.preservation.models import Aip, AipFile

log = logging.getLogger(__name__)
MAX_SIARD_BYTES = 2**50
MAX_FTS_COLUMNS = 16

BUILT_FIELDS = (
    "metadata",
    "name",
    "description",
    "table_count",
    "row_count",
    "state",
    "error",
    "built_at",
)

Progress = Callable[[str, str, int, int], None]


def copy_dir() -> Path:
    return Path(settings.SAMARKIV_HOME) / "access" / "databases"


def copy_path(database: ArchivedDatabase) -> Path:
    """``$SAMARKIV_HOME/access/databases/<hash of AIP id and SIARD path>.sqlite``."""
    key = f"{database.aip_id}\n{database.siard_path}".encode()
    return copy_dir() / f"{hashlib.sha256(key).hexdigest()[:40]}.sqlite"


def siard_files(aip: Aip) -> list[AipFile]:
    return list(aip.files.filter(path__iendswith=".siard").order_by("path"))


def register_aip(aip: Aip) -> list[ArchivedDatabase]:
    """An ArchivedDatabase for every SIARD file of the AIP (existing ones kept)."""
    found = []
    for item in siard_files(aip):
        database, _ = ArchivedDatabase.objects.get_or_create(
            aip=aip,
            siard_path=item.path,
            defaults={"tenant_id": aip.tenant_id, "name": posixpath.basename(item.path)},
        )
        found.append(database)
    return found


def build(database: ArchivedDatabase, progress: Progress | None = None) -> ArchivedDatabase:
    """(Re)build the access copy from the SIARD in the AIP; FAILED (with the error) when
    the SIARD cannot be read or loaded, the previous copy then stays in place."""
    database.state = AccessCopyState.BUILDING
    database.save(update_fields=["state"])
    try:
        with spooled_aip_file(database.aip, database.siard_path, MAX_SIARD_BYTES, ".siard") as f:
            return build_from_file(database, f, progress)
    except Exception as exc:
        return _failed(database, exc)


def build_from_file(
    database: ArchivedDatabase, siard: Path, progress: Progress | None = None
) -> ArchivedDatabase:
    """Build the access copy from a local SIARD file (the AIP's, spooled by ``build``)."""
    from samarkiv.packages.siard.load import load_siard
    from samarkiv.packages.siard.reader import open_siard

    target = copy_path(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f"{target.name}.{os.getpid()}.building")
    temp.unlink(missing_ok=True)
    try:
        with open_siard(siard) as reader:
            metadata = archive_to_json(reader.archive)
            summary = load_siard(reader, f"sqlite:///{temp}", progress=progress)
        for table in metadata["tables"]:
            loaded = summary.target(table["schema"], table["name"])
            table["sql"] = loaded.target_table
            table["rows"] = loaded.rows
        _index(temp, metadata)
        _commit(temp, target)
    except Exception as exc:
        temp.unlink(missing_ok=True)
        return _failed(database, exc)
    database.metadata = metadata
    if not database.name or database.name == posixpath.basename(database.siard_path):
        database.name = metadata["db_name"] or database.name  # a name given by people stays
    database.description = metadata["description"]
    database.table_count = len(metadata["tables"])
    database.row_count = sum(t["rows"] for t in metadata["tables"])
    database.state = AccessCopyState.READY
    database.error = ""
    database.built_at = timezone.now()
    database.save(update_fields=[*BUILT_FIELDS])  # never the publication decision
    database.refresh_from_db(fields=["published"])
    if database.published:  # the public copy is made from this one: follow it
        from samarkiv.access.databases import public_copy

        public_copy.refresh(database)
    return database


def _failed(database: ArchivedDatabase, exc: Exception) -> ArchivedDatabase:
    """Record why; a previous copy (and its metadata) stays in use, READY as before."""
    log.warning("access copy of %s failed: %s", database.siard_path, exc)
    previous = database.metadata and copy_path(database).is_file()
    database.state = AccessCopyState.READY if previous else AccessCopyState.FAILED
    database.error = str(exc)[:2000]
    database.save(update_fields=["state", "error"])
    return database


def _index(path: Path, metadata: dict) -> None:
    """Indexes on foreign-key columns (following keys back is an index lookup) and an
    FTS5 table over each table's character columns."""
    conn = sqlite3.connect(path)
    try:
        for number, table in enumerate(metadata["tables"]):
            names = {c["name"] for c in table["columns"]}
            for i, fk in enumerate(table["foreign_keys"]):
                if fk["columns"] and set(fk["columns"]) <= names:
                    cols = ", ".join(quote(c) for c in fk["columns"])
                    conn.execute(
                        f"CREATE INDEX IF NOT EXISTS {quote(f'samarkiv_fk_{number}_{i}')} "
                        f"ON {quote(table['sql'])} ({cols})"
                    )
            text = [c["name"] for c in table["columns"] if c.get("text")][:MAX_FTS_COLUMNS]
            table["fts"] = text
            if text:
                _fts(conn, number, table["sql"], text)
        conn.commit()
    finally:
        conn.close()


def _fts(conn: sqlite3.Connection, number: int, table: str, columns: list[str]) -> None:
    fts = quote(fts_table(number))
    slots = ", ".join(f"c{i}" for i in range(len(columns)))
    conn.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({slots}, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    source = ", ".join(quote(c) for c in columns)
    conn.execute(f"INSERT INTO {fts}(rowid, {slots}) SELECT rowid, {source} FROM {quote(table)}")  # noqa: S608


def _commit(temp: Path, target: Path) -> None:
    with open(temp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(temp, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rebuild(
    *, aip_id: str | None = None, tenant: str | None = None, progress: Progress | None = None
) -> list[ArchivedDatabase]:
    """Find every SIARD in the stored AIPs (or one AIP / one tenant) and rebuild its copy."""
    aips = Aip.objects.filter(files__path__iendswith=".siard").distinct()
    if aip_id:
        aips = aips.filter(pk=aip_id)
    if tenant:
        aips = aips.filter(tenant_id=tenant)
    built = []
    for aip in aips:
        for database in register_aip(aip):
            built.append(build(database, progress))
    return built


def drop(database: ArchivedDatabase) -> None:
    from samarkiv.access.databases import public_copy

    public_copy.withdraw(database)
    copy_path(database).unlink(missing_ok=True)
