"""Load a SIARD archive into a fresh relational database (the access copy, round-trip tests).

Why a separate database instead of indexing rows: browsing needs SQL (paging, sort, filter,
joins along foreign keys) over millions of rows, and the copy can always be rebuilt from the
archived SIARD. Tables are created first without foreign keys, every row is inserted in
batches, then keys are added: this loads cyclic and self-referencing data in any order, and a
key the data does not satisfy (or the target cannot express) becomes a warning, not a failed
load. SQLite cannot add constraints later, so there the keys are declared up front (SQLite
does not enforce them unless asked to).

Naming: PostgreSQL keeps the source schemas (``schema_map`` renames them). SQLite and
MariaDB put every table in the URL's database; with more than one source schema a table is
named ``<schema>__<table>`` so names cannot clash. ``LoadSummary.tables`` records where each
table went, so callers never rebuild the rule themselves.

Type mapping (SQL:2008 → SQLAlchemy): INT/SMALLINT/BIGINT → Integer/SmallInteger/BigInteger;
DECIMAL/NUMERIC(p,s) → Numeric(p,s) (exact on PostgreSQL/MariaDB; SQLite has no decimal
type and keeps about 15 significant digits: the access copy is for browsing, the SIARD stays
the exact record); REAL → REAL; FLOAT/DOUBLE → Double;
BOOLEAN → Boolean; DATE/TIME/TIMESTAMP → Date/Time/DateTime; (N)CHAR/(N)VARCHAR(n) →
String(n) (Text when long or without length); CLOB/NCLOB/XML → Text (LONGTEXT on MariaDB);
BINARY/VARBINARY/BLOB → LargeBinary (LONGBLOB on MariaDB); INTERVAL, DATALINK, UDT and
arrays → Text (UDT/array values as JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Engine

from samarkiv.packages.siard.lobs import LobRef
from samarkiv.packages.siard.model import Column, Table
from samarkiv.packages.siard.reader import SiardReader
from samarkiv.packages.siard.values import base_type, format_value

log = logging.getLogger(__name__)

BATCH_ROWS = 1000
BATCH_BYTES = 32 * 2**20  # flush earlier when LOBs make a batch big

Progress = Callable[[str, str, int, int], None]  # schema, table, rows done, rows total


@dataclass
class LoadedTable:
    schema: str  # source schema in the SIARD
    table: str  # source table name
    target_schema: str | None  # None: the database's default schema
    target_table: str
    rows: int = 0


@dataclass
class LoadSummary:
    tables: list[LoadedTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def target(self, schema: str, table: str) -> LoadedTable:
        for item in self.tables:
            if item.schema == schema and item.table == table:
                return item
        raise KeyError((schema, table))


def _length(sql_type: str | None) -> tuple[int, ...]:
    match = re.search(r"\(([^)]*)\)", sql_type or "")
    if not match:
        return ()
    nums = [p.strip() for p in match.group(1).split(",")]
    return tuple(int(p) for p in nums if p.isdigit())


def sa_type(column: Column, dialect: str) -> sa.types.TypeEngine:
    """The SQLAlchemy type a SIARD column gets in the target ``dialect``."""
    if column.type is None or column.cardinality or column.fields:
        return sa.Text()
    name = base_type(column.type)
    args = _length(column.type)
    simple: dict[str, sa.types.TypeEngine] = {
        "INT": sa.Integer(),
        "INTEGER": sa.Integer(),
        "SMALLINT": sa.SmallInteger(),
        "BIGINT": sa.BigInteger(),
        "REAL": sa.REAL(),
        "FLOAT": sa.Double(),
        "DOUBLE PRECISION": sa.Double(),
        "BOOLEAN": sa.Boolean(),
        "DATE": sa.Date(),
        "TIME": sa.Time(),
        "TIME WITH TIME ZONE": sa.Time(),
        "TIMESTAMP": sa.DateTime(),
        "TIMESTAMP WITH TIME ZONE": sa.DateTime(),
    }
    if name in simple:
        return simple[name]
    if name in ("DECIMAL", "DEC", "NUMERIC"):
        precision = min(args[0], 65) if args else 38
        scale = min(args[1], 30) if len(args) > 1 else 0
        return sa.Numeric(precision, min(scale, precision), asdecimal=True)
    if name in ("BINARY", "VARBINARY", "BINARY VARYING", "BLOB", "BINARY LARGE OBJECT"):
        return sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")
    if name in _STRINGS and args and args[0] <= 4000:
        return sa.String(args[0])
    return sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


_STRINGS = {
    "CHAR",
    "CHARACTER",
    "VARCHAR",
    "CHARACTER VARYING",
    "CHAR VARYING",
    "NCHAR",
    "NATIONAL CHARACTER",
    "NCHAR VARYING",
    "NATIONAL CHARACTER VARYING",
    "NVARCHAR",
}


def _prepare(value: object) -> tuple[object, int]:
    """A value ready to bind, and its rough size in bytes (to bound batch memory)."""
    if isinstance(value, LobRef):
        value = value.read()
    if isinstance(value, dict | list):
        value = json.dumps(value, default=_json_default, ensure_ascii=False)
    elif isinstance(value, dt.timedelta):  # INTERVAL columns are text (xs:duration)
        value = format_value(value)
    if isinstance(value, bytes | str):
        return value, len(value)
    return value, 16


def _json_default(value: object) -> str:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, LobRef):
        return value.location
    return str(value)


def load_siard(
    reader: SiardReader,
    engine_url: str | sa.URL,
    *,
    schema_map: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> LoadSummary:
    """Create every table of the SIARD in the (fresh) target database and copy every row."""
    engine = sa.create_engine(engine_url)
    try:
        return _load(reader, engine, schema_map or {}, progress)
    finally:
        engine.dispose()


def _load(
    reader: SiardReader, engine: Engine, schema_map: dict[str, str], progress: Progress | None
) -> LoadSummary:
    dialect = engine.dialect.name
    summary = LoadSummary()
    metadata = sa.MetaData()
    tables: dict[tuple[str, str], sa.Table] = {}
    multi = len(reader.archive.schemas) > 1
    for schema in reader.archive.schemas:
        target_schema = (
            schema_map.get(schema.name, schema.name) if dialect == "postgresql" else None
        )
        for table in schema.tables:
            if target_schema is None:
                prefix = schema_map.get(schema.name, schema.name)
                name = (
                    f"{prefix}__{table.name}" if multi or schema.name in schema_map else table.name
                )
            else:
                name = table.name
            summary.tables.append(LoadedTable(schema.name, table.name, target_schema, name))
            tables[(schema.name, table.name)] = _define(
                metadata, table, name, target_schema, dialect
            )
    if dialect == "sqlite":
        _declare_keys(reader, tables)
    with engine.begin() as conn:
        for target_schema in {t.target_schema for t in summary.tables if t.target_schema}:
            conn.execute(sa.schema.CreateSchema(target_schema, if_not_exists=True))
    metadata.create_all(engine)
    for item in summary.tables:
        item.rows = _copy_rows(reader, engine, item, tables[(item.schema, item.table)], progress)
    if dialect != "sqlite":
        _add_keys_later(reader, engine, tables, summary)
    return summary


def _define(
    metadata: sa.MetaData, table: Table, name: str, schema: str | None, dialect: str
) -> sa.Table:
    columns = [
        sa.Column(col.name, sa_type(col, dialect), nullable=col.nullable, quote=True)
        for col in table.columns
    ]
    result = sa.Table(name, metadata, *columns, schema=schema, quote=True)
    pk = table.primary_key
    if pk and pk.columns and _key_allowed(result, pk.columns, dialect):
        result.append_constraint(sa.PrimaryKeyConstraint(*pk.columns))
    return result


def _key_allowed(table: sa.Table, columns: list[str], dialect: str) -> bool:
    """All key columns exist; MariaDB cannot index TEXT/BLOB without a prefix length."""
    if not all(c in table.c for c in columns):
        return False
    if dialect not in ("mysql", "mariadb"):
        return True
    return not any(isinstance(table.c[c].type, sa.Text | sa.LargeBinary) for c in columns)


def _foreign_keys(reader: SiardReader, tables: dict[tuple[str, str], sa.Table]):  # noqa: ANN202
    """(sa table, ForeignKeyConstraint) pairs whose target table exists in the archive."""
    for schema in reader.archive.schemas:
        for table in schema.tables:
            source = tables[(schema.name, table.name)]
            for fk in table.foreign_keys:
                target = tables.get((fk.referenced_schema or schema.name, fk.referenced_table))
                if target is None or not fk.columns:
                    continue
                refcols = [target.c[c] for c in fk.referenced_columns if c in target.c]
                if len(refcols) != len(fk.columns):
                    continue
                yield source, sa.ForeignKeyConstraint(fk.columns, refcols, name=fk.name or None)


def _declare_keys(reader: SiardReader, tables: dict[tuple[str, str], sa.Table]) -> None:
    """SQLite: foreign keys in CREATE TABLE (it cannot add them later, nor enforces them)."""
    for source, constraint in _foreign_keys(reader, tables):
        source.append_constraint(constraint)


def _add_keys_later(
    reader: SiardReader,
    engine: Engine,
    tables: dict[tuple[str, str], sa.Table],
    summary: LoadSummary,
) -> None:
    """ALTER TABLE … ADD CONSTRAINT after the data is in; failures become warnings."""
    for source, constraint in list(_foreign_keys(reader, tables)):
        source.append_constraint(constraint)
        try:
            with engine.begin() as conn:
                conn.execute(sa.schema.AddConstraint(constraint))
        except sa.exc.DBAPIError as exc:
            message = f"foreign key {constraint.name} on {source.name} not created: {exc.orig}"
            log.warning(message)
            summary.warnings.append(message)


def _copy_rows(
    reader: SiardReader,
    engine: Engine,
    item: LoadedTable,
    target: sa.Table,
    progress: Progress | None,
) -> int:
    """Insert every row of one table in batches; one transaction per table."""
    names = [c.name for c in target.columns]
    total = reader.archive.table(item.schema, item.table).rows
    count = 0
    batch: list[dict] = []
    size = 0
    insert = target.insert()
    with engine.begin() as conn:
        for row in reader.iter_rows(item.schema, item.table):
            record = {}
            for name, value in zip(names, row, strict=False):
                record[name], nbytes = _prepare(value)
                size += nbytes
            batch.append(record)
            if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
                conn.execute(insert, batch)
                count += len(batch)
                batch, size = [], 0
                if progress:
                    progress(item.schema, item.table, count, total)
        if batch:
            conn.execute(insert, batch)
            count += len(batch)
    if progress:
        progress(item.schema, item.table, count, total)
    return count
