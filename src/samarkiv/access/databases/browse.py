"""Browsing an archived database: tables, rows, search, foreign keys, CSV export.

Every function takes the acting scope first and answers only inside the owning tenant
(VIEW_CONTENT; another tenant's database is "not found"). Every view is written to the
audit log. Masked columns are never read out of the access copy at all (NULL is
selected in their place), so no page, export or link can carry their values; they
cannot be filtered, sorted or searched on either, which would reveal them one guess at
a time. Row counts come from the SIARD metadata: nothing counts a whole table. SQL text is
made only here and in ``sql``: identifiers from the metadata, quoted (hence ``noqa: S608``).
"""

from __future__ import annotations

import mimetypes
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samarkiv.access.databases import copies
from samarkiv.access.databases.csvexport import FORMULA_START, csv_download
from samarkiv.access.databases.masks import MASKED, masked_tables
from samarkiv.access.databases.metadata import TableInfo, table_at, tables_of
from samarkiv.access.databases.models import AccessCopyState, ArchivedDatabase
from samarkiv.access.databases.sql import connect, fts_match, fts_table, like_pattern, quote
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record
from samarkiv.errors import AccessDeniedError, NotFoundError, UsageError

PAGE_SIZE = 50
MAX_OFFSET = 100_000  # deeper than this: filter or search instead (OFFSET walks rows)
EXPORT_MAX_ROWS = 1_000_000
LIST_TEXT_CHARS = 120
DETAIL_TEXT_CHARS = 20_000
COUNT_CAP = 1000


@dataclass
class RowQuery:
    """What the rows page asks for; column names are checked against the metadata."""

    filters: list[tuple[str, str, str]] = field(default_factory=list)  # (column, eq|contains, v)
    sort: str = ""
    desc: bool = False
    q: str = ""
    offset: int = 0
    ref_fk: int | None = None  # rows whose FK #ref_fk (of this table) points at ...
    ref_rowid: int | None = None  # ... this row of the referenced table
    after: int | None = None  # keyset paging in the archive's order: rows after this rowid


@dataclass
class Cell:
    text: str
    null: bool = False
    masked: bool = False
    binary: bool = False
    fk: int | None = None  # the FK (index) to follow from this cell
    col: int = -1  # the column's position (for the download link)
    download: bool = False  # a LOB, or text cut short: offered as a download


@dataclass
class Row:
    rowid: int
    cells: list[Cell]


@dataclass
class RowPage:
    database: ArchivedDatabase
    table: TableInfo
    rows: list[Row]
    offset: int
    has_next: bool
    query: RowQuery
    ref_label: str = ""


@dataclass
class Referencing:
    table: TableInfo
    fk_index: int
    fk_name: str
    count: int  # up to COUNT_CAP + 1


@dataclass
class RowDetail:
    database: ArchivedDatabase
    table: TableInfo
    row: Row
    referencing: list[Referencing]


def list_databases(scope: Scope):
    return scope.visible(ArchivedDatabase.objects.all(), permission=Permission.VIEW_CONTENT)


def get_database(scope: Scope, pk: int) -> ArchivedDatabase:
    return scope.get(ArchivedDatabase.objects.all(), permission=Permission.VIEW_CONTENT, pk=pk)


def database_tables(scope: Scope, pk: int, *, audit: bool = True):
    """(database, its tables with masks applied); audited as a view of the database."""
    database = get_database(scope, pk)
    tables = masked_tables(tables_of(database.metadata), database)
    if audit:
        record(scope, AuditAction.VIEW, obj=database, detail={"view": "tables"})
    return database, tables


def _open_table(scope: Scope, pk: int, table_index: int):
    database, tables = database_tables(scope, pk, audit=False)
    table = table_at(tables, table_index)
    if table.masked:
        raise AccessDeniedError(_("tabellen %(t)s är sekretessmarkerad") % {"t": table.label})
    if database.state != AccessCopyState.READY:
        raise NotFoundError(_("åtkomstkopian av %(db)s är inte klar") % {"db": database.name})
    return database, tables, table


def _expr(column, mode: str) -> str:
    """What is read of a column: never a masked one, never a whole LOB for a page."""
    if column.masked:
        return "NULL"
    name = quote(column.sql)
    if column.binary:
        return f"length({name})"
    if column.text and mode != "csv":
        limit = (LIST_TEXT_CHARS if mode == "list" else DETAIL_TEXT_CHARS) + 1
        return f"substr({name}, 1, {limit})"
    return name


def _select_list(table: TableInfo, mode: str = "list") -> str:
    return ", ".join(["rowid", *(_expr(c, mode) for c in table.columns)])


def _where(conn, tables: list[TableInfo], table: TableInfo, query: RowQuery):
    """(SQL after WHERE, parameters) for the query; refuses masked or unknown columns."""
    clauses, params = [], []
    for name, op, value in query.filters:
        column = table.column(name)
        if column.masked:
            raise UsageError(_("kolumnen %(c)s är maskerad och kan inte filtreras") % {"c": name})
        if op == "eq":
            clauses.append(f"{quote(column.sql)} = ?")
            params.append(value)
        elif op == "contains":
            clauses.append(f"{quote(column.sql)} LIKE ? ESCAPE '\\'")
            params.append(like_pattern(value))
        else:
            raise UsageError(_("okänt filter %(op)s") % {"op": op[:20]})
    if query.q.strip():
        numbers = [i for i, name in enumerate(table.fts) if not table.column(name).masked]
        match = fts_match(query.q, numbers)
        if match is None:
            clauses.append("0")
        else:
            clauses.append(
                f"rowid IN (SELECT rowid FROM {quote(fts_table(table.index))} "  # noqa: S608
                f"WHERE {quote(fts_table(table.index))} MATCH ?)"
            )
            params.append(match)
    if query.after is not None:
        if query.sort:
            raise UsageError(_("bläddra vidare med sidnummer när tabellen är sorterad"))
        clauses.append("rowid > ?")
        params.append(query.after)
    if query.ref_fk is not None:
        sql, values = _reference_clause(conn, tables, table, query.ref_fk, query.ref_rowid)
        clauses.append(sql)
        params += values
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _reference_clause(conn, tables, table, fk_index, target_rowid):
    if not 0 <= fk_index < len(table.foreign_keys) or target_rowid is None:
        raise UsageError(_("ingen sådan främmande nyckel"))
    fk = table.foreign_keys[fk_index]
    if fk.target is None:
        raise UsageError(_("den refererade tabellen finns inte i arkivet"))
    target = tables[fk.target]
    cols = ", ".join(quote(target.column(c).sql) for c in fk.ref_columns)
    found = conn.execute(
        f"SELECT {cols} FROM {quote(target.sql)} WHERE rowid = ?",  # noqa: S608
        (target_rowid,),
    ).fetchone()
    if found is None:
        raise NotFoundError(_("ingen sådan rad"))
    sql = " AND ".join(f"{quote(table.column(c).sql)} = ?" for c in fk.columns)
    return sql, list(found)


def _order(table: TableInfo, query: RowQuery) -> str:
    if not query.sort:
        return " ORDER BY rowid"
    column = table.column(query.sort)
    if column.masked:
        raise UsageError(_("kolumnen %(c)s är maskerad och kan inte sorteras") % {"c": column.name})
    direction = "DESC" if query.desc else "ASC"
    return f" ORDER BY {quote(column.sql)} {direction}, rowid {direction}"


def _fk_of_columns(table: TableInfo, tables: list[TableInfo]) -> dict[str, int]:
    """Column name → the FK to follow from it (first column of a followable FK)."""
    links: dict[str, int] = {}
    for fk in table.foreign_keys:
        if fk.target is None or tables[fk.target].masked or not fk.columns:
            continue
        if any(table.column(c).masked for c in fk.columns):
            continue
        links.setdefault(fk.columns[0], fk.index)
    return links


def _binary_text(size) -> str:
    return _("[binärt värde, %(n)s byte]") % {"n": size}


def _cell(value, column, fk: int | None, index: int, *, full: bool) -> Cell:
    if column.masked:
        return Cell(MASKED, masked=True, col=index)
    if value is None:
        return Cell("", null=True, col=index)
    if column.binary:
        return Cell(_binary_text(value), binary=True, col=index, download=True)
    if isinstance(value, bytes | memoryview):  # bytes in a column not typed binary
        return Cell(_binary_text(len(value)), binary=True, col=index)
    text = str(value)
    limit = DETAIL_TEXT_CHARS if full else LIST_TEXT_CHARS
    if len(text) > limit:
        return Cell(text[:limit] + "…", fk=fk, col=index, download=full)
    return Cell(text, fk=fk, col=index)


def _row(raw, table: TableInfo, links: dict[str, int], *, full: bool = False) -> Row:
    cells = [
        _cell(value, col, links.get(col.name), i, full=full)
        for i, (value, col) in enumerate(zip(raw[1:], table.columns, strict=False))
    ]
    return Row(raw[0], cells)


def browse_rows(scope: Scope, pk: int, table_index: int, query: RowQuery) -> RowPage:
    """One page of rows (PAGE_SIZE), filtered, searched, sorted; audited."""
    database, tables, table = _open_table(scope, pk, table_index)
    if query.offset < 0 or query.offset > MAX_OFFSET:
        raise UsageError(
            _("bläddra högst %(n)s rader in; filtrera eller sök i stället") % {"n": MAX_OFFSET}
        )
    conn = connect(copies.copy_path(database))
    try:
        where, params = _where(conn, tables, table, query)
        sql = (
            f"SELECT {_select_list(table)} FROM {quote(table.sql)}{where}"  # noqa: S608
            f"{_order(table, query)} LIMIT ? OFFSET ?"
        )
        raw = conn.execute(sql, [*params, PAGE_SIZE + 1, query.offset]).fetchall()
    finally:
        conn.close()
    links = _fk_of_columns(table, tables)
    rows = [_row(r, table, links) for r in raw[:PAGE_SIZE]]
    _audit_query(scope, database, table, query, "rows")
    ref_label = ""
    if query.ref_fk is not None:
        fk = table.foreign_keys[query.ref_fk]
        ref_label = f"{fk.schema}.{fk.table}"
    return RowPage(database, table, rows, query.offset, len(raw) > PAGE_SIZE, query, ref_label)


def _audit_query(scope, database, table, query: RowQuery, view: str, action=AuditAction.VIEW):
    record(
        scope,
        action,
        obj=database,
        detail={
            "view": view,
            "table": table.label,
            "filters": [list(f) for f in query.filters][:10],
            "search": query.q[:200],
            "sort": query.sort,
            "offset": query.offset,
            "ref": [query.ref_fk, query.ref_rowid] if query.ref_fk is not None else None,
        },
    )


def row_detail(scope: Scope, pk: int, table_index: int, rowid: int) -> RowDetail:
    """One whole row, its FK links and the tables whose rows refer to it; audited."""
    database, tables, table = _open_table(scope, pk, table_index)
    conn = connect(copies.copy_path(database))
    try:
        raw = conn.execute(
            f"SELECT {_select_list(table, 'detail')} FROM {quote(table.sql)} WHERE rowid = ?",  # noqa: S608
            (rowid,),
        ).fetchone()
        if raw is None:
            raise NotFoundError(_("ingen sådan rad"))
        row = _row(raw, table, _fk_of_columns(table, tables), full=True)
        referencing = _referencing(conn, tables, table, raw)
    finally:
        conn.close()
    record(
        scope,
        AuditAction.VIEW,
        obj=database,
        detail={"view": "row", "table": table.label, "rowid": rowid},
    )
    return RowDetail(database, table, row, referencing)


def _referencing(conn, tables: list[TableInfo], table: TableInfo, raw) -> list[Referencing]:
    """Tables with a foreign key to ``table``, and how many of their rows point at this
    row (counted up to COUNT_CAP over the indexed key columns)."""
    values = {col.name: raw[i + 1] for i, col in enumerate(table.columns)}
    found = []
    for other in tables:
        if other.masked:
            continue
        for fk in other.foreign_keys:
            if fk.target != table.index:
                continue
            if any(other.column(c).masked for c in fk.columns):
                continue
            keys = [values.get(c) for c in fk.ref_columns]
            if any(k is None for k in keys):
                continue
            where = " AND ".join(f"{quote(other.column(c).sql)} = ?" for c in fk.columns)
            count = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {quote(other.sql)} WHERE {where} "  # noqa: S608
                f"LIMIT {COUNT_CAP + 1})",
                keys,
            ).fetchone()[0]
            found.append(Referencing(other, fk.index, fk.name, count))
    return found


def follow_fk(scope: Scope, pk: int, table_index: int, rowid: int, fk_index: int):
    """(target table index, target rowid or None) of the row an FK cell points at."""
    database, tables, table = _open_table(scope, pk, table_index)
    links = set(_fk_of_columns(table, tables).values())
    if fk_index not in links:
        raise NotFoundError(_("ingen sådan främmande nyckel"))
    fk = table.foreign_keys[fk_index]
    target = tables[fk.target]
    conn = connect(copies.copy_path(database))
    try:
        cols = ", ".join(quote(table.column(c).sql) for c in fk.columns)
        keys = conn.execute(
            f"SELECT {cols} FROM {quote(table.sql)} WHERE rowid = ?",  # noqa: S608
            (rowid,),
        ).fetchone()
        if keys is None:
            raise NotFoundError(_("ingen sådan rad"))
        where = " AND ".join(f"{quote(target.column(c).sql)} = ?" for c in fk.ref_columns)
        hit = conn.execute(
            f"SELECT rowid FROM {quote(target.sql)} WHERE {where} LIMIT 1",  # noqa: S608
            list(keys),
        ).fetchone()
    finally:
        conn.close()
    return target.index, (hit[0] if hit else None)


def _csv_text(value, column) -> str:
    if column.masked:
        return MASKED
    if value is None:
        return ""
    if column.binary:
        return _binary_text(value)
    if isinstance(value, bytes | memoryview):
        return _binary_text(len(value))
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text  # a spreadsheet must not run it as a formula
    return text


def export_csv(scope: Scope, pk: int, table_index: int, query: RowQuery) -> tuple[str, Iterator]:
    """(file name, lines) of every row the query selects, streamed; audited as an export.

    The rows are read while the response streams (a cursor, not a list), so memory
    stays flat for a table of any size.
    """
    database, tables, table = _open_table(scope, pk, table_index)
    conn = connect(copies.copy_path(database))
    try:
        where, params = _where(conn, tables, table, query)
    except BaseException:
        conn.close()
        raise
    sql = (
        f"SELECT {_select_list(table, 'csv')} FROM {quote(table.sql)}{where}"  # noqa: S608
        f"{_order(table, query)} LIMIT {EXPORT_MAX_ROWS}"
    )
    _audit_query(scope, database, table, query, "csv", AuditAction.EXPORT)
    return csv_download(conn, sql, params, table, _csv_text)


@dataclass
class CellFile:
    """One whole value (a LOB, or a long text) for download, read in chunks."""

    name: str
    mime: str
    size: int
    chunks: Iterator[bytes]


def cell_file(scope: Scope, pk: int, table_index: int, rowid: int, column_index: int):
    """The whole value of one cell as a download (never of a masked column); audited."""
    database, _tables, table = _open_table(scope, pk, table_index)
    if not 0 <= column_index < len(table.columns):
        raise NotFoundError(_("ingen sådan kolumn"))
    column = table.columns[column_index]
    if column.masked:
        raise AccessDeniedError(_("kolumnen %(c)s är maskerad") % {"c": column.name})
    conn = connect(copies.copy_path(database))
    try:
        blob = conn.blobopen(table.sql, column.sql, rowid, readonly=True)
    except (sqlite3.OperationalError, sqlite3.ProgrammingError):
        conn.close()
        raise NotFoundError(_("cellen har inget värde att ladda ner")) from None
    record(
        scope,
        AuditAction.DOWNLOAD,
        obj=database,
        detail={"table": table.label, "rowid": rowid, "column": column.name},
    )

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := blob.read(1024 * 1024):
                yield chunk
        finally:
            blob.close()
            conn.close()

    mime = column.mime_type or ("application/octet-stream" if column.binary else "text/plain")
    extension = mimetypes.guess_extension(mime) or (".bin" if column.binary else ".txt")
    safe = "".join(ch if ch.isalnum() else "_" for ch in f"{table.name}-{rowid}-{column.name}")
    return CellFile(f"{safe}{extension}", mime, len(blob), chunks())
