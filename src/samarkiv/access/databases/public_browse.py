"""Citizens browsing published archived databases: the portal's only door to them.

Why a separate module from ``browse``: this one reads only ``PublishedDatabase`` and
the public copy (``public_copy``), never ``ArchivedDatabase``, its masks or the staff
copy. A secret table or column is not in what it reads, so no page, search, sort,
filter or CSV built on it can reveal one, even one that forgot a check. Anything not
published, or a table or row not in the public copy, is a ``NotFoundError`` (404).

SQL text is made only here: identifiers are the public copy's own ``t<n>``/``c<n>``
names from the stored JSON, values are bound parameters, a search string becomes quoted
FTS5 phrases (``sql.fts_match``). Paging is by keyset (the last row's id, and its sort
value when sorted), so page 10 000 costs what page 1 does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samarkiv.access.databases.csvexport import FORMULA_START, csv_download
from samarkiv.access.databases.models import PublishedDatabase
from samarkiv.access.databases.public_copy import public_path
from samarkiv.access.databases.sql import (
    AccessCopyMissingError,
    connect,
    fts_match,
    like_pattern,
)
from samarkiv.errors import NotFoundError, UsageError

PAGE_SIZE = 50
LIST_TEXT_CHARS = 120
DETAIL_TEXT_CHARS = 20_000
COUNT_CAP = 1000
EXPORT_MAX_ROWS = 1_000_000


@dataclass
class PublicColumn:
    name: str
    sql: str
    type: str
    description: str
    text: bool
    binary: bool


@dataclass
class PublicKey:
    index: int
    columns: list[str]
    target: int
    ref_columns: list[str]


@dataclass
class PublicTable:
    index: int
    schema: str
    name: str
    description: str
    rows: int
    sql: str
    columns: list[PublicColumn]
    primary_key: list[str]
    fts: str
    fts_columns: list[int]
    foreign_keys: list[PublicKey]

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> PublicColumn:
        """A public column by name; any other name (a secret one too) is just unknown."""
        for column in self.columns:
            if column.name == name:
                return column
        raise UsageError(_("Det finns ingen sådan kolumn att filtrera eller sortera på."))


@dataclass
class PublicQuery:
    filter: tuple[str, str, str] | None = None  # (column, eq|contains, value)
    sort: str = ""
    desc: bool = False
    q: str = ""
    after: int | None = None  # keyset: the rows after this row id (in the chosen order)
    via: int | None = None  # rows whose public FK #via points at ...
    till: int | None = None  # ... this row id of the referenced table


@dataclass
class PublicCell:
    text: str
    null: bool = False
    binary: bool = False
    link: tuple[int, int] | None = None  # (table, row id) a public key points at


@dataclass
class PublicRow:
    rowid: int
    cells: list[PublicCell]


@dataclass
class PublicPage:
    table: PublicTable
    rows: list[PublicRow]
    has_next: bool
    query: PublicQuery
    ref_table: PublicTable | None = None


@dataclass
class Referencing:
    table: PublicTable
    fk_index: int
    count: int  # up to COUNT_CAP + 1


@dataclass
class PublicRowDetail:
    table: PublicTable
    row: PublicRow
    referencing: list[Referencing] = field(default_factory=list)


def published_databases():
    """Every published database, of every municipality (the portal's list page)."""
    return PublishedDatabase.objects.all()


def published_database(pk) -> PublishedDatabase:
    """The published database; NotFoundError for anything else (unpublished, no such)."""
    try:
        return PublishedDatabase.objects.get(pk=int(pk))
    except (PublishedDatabase.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(_("ingen sådan publicerad databas")) from exc


def tables(published: PublishedDatabase) -> list[PublicTable]:
    result = []
    for raw in published.tables:
        result.append(
            PublicTable(
                index=raw["index"],
                schema=raw["schema"],
                name=raw["name"],
                description=raw.get("description", ""),
                rows=int(raw.get("rows", 0)),
                sql=raw["sql"],
                columns=[PublicColumn(**c) for c in raw["columns"]],
                primary_key=raw.get("primary_key", []),
                fts=raw.get("fts", ""),
                fts_columns=raw.get("fts_columns", []),
                foreign_keys=[PublicKey(**fk) for fk in raw.get("foreign_keys", [])],
            )
        )
    return result


def table_at(published: PublishedDatabase, index: int) -> tuple[list[PublicTable], PublicTable]:
    found = tables(published)
    if 0 <= index < len(found):
        return found, found[index]
    raise NotFoundError(_("ingen sådan tabell"))


def _connect(published: PublishedDatabase) -> sqlite3.Connection:
    try:
        return connect(public_path(published.copy_name))
    except AccessCopyMissingError:
        raise NotFoundError(_("databasen är inte tillgänglig just nu")) from None


def _expr(column: PublicColumn, limit: int | None) -> str:
    if column.text and limit:
        return f"substr({column.sql}, 1, {limit + 1})"
    return column.sql


def _select(table: PublicTable, limit: int | None) -> str:
    return ", ".join(["rowid", *(_expr(c, limit) for c in table.columns)])


def _filter_clause(table: PublicTable, query: PublicQuery) -> tuple[list[str], list]:
    if not query.filter:
        return [], []
    name, op, value = query.filter
    column = table.column(name)
    if op == "eq":
        return [f"{column.sql} = ?"], [value]
    if op == "contains":
        return [f"{column.sql} LIKE ? ESCAPE '\\'"], [like_pattern(value)]
    raise UsageError(_("okänt villkor %(op)s") % {"op": op[:20]})


def _search_clause(table: PublicTable, query: PublicQuery) -> tuple[list[str], list]:
    if not query.q.strip():
        return [], []
    match = fts_match(query.q, list(range(len(table.fts_columns)))) if table.fts else None
    if match is None:
        return ["0"], []
    sql = f"rowid IN (SELECT rowid FROM {table.fts} WHERE {table.fts} MATCH ?)"  # noqa: S608
    return [sql], [match]


def _ref_clause(conn, all_tables, table: PublicTable, query: PublicQuery):
    """Rows of ``table`` whose public key ``via`` points at row ``till`` of its target."""
    if query.via is None:
        return [], [], None
    if not 0 <= query.via < len(table.foreign_keys) or query.till is None:
        raise NotFoundError(_("ingen sådan nyckel"))
    fk = table.foreign_keys[query.via]
    target = all_tables[fk.target]
    cols = ", ".join(target.column(c).sql for c in fk.ref_columns)
    found = conn.execute(
        f"SELECT {cols} FROM {target.sql} WHERE rowid = ?",  # noqa: S608
        (query.till,),
    ).fetchone()
    if found is None:
        raise NotFoundError(_("ingen sådan rad"))
    clauses = [f"{table.column(c).sql} = ?" for c in fk.columns]
    return clauses, list(found), target


def _keyset(conn, table: PublicTable, query: PublicQuery) -> tuple[list[str], list]:
    """Rows after row ``after`` in the page order (sort column with NULLs first, then
    row id; reversed when descending)."""
    if query.after is None:
        return [], []
    if not query.sort:
        return ["rowid > ?"], [query.after]
    col = table.column(query.sort).sql
    anchor = conn.execute(
        f"SELECT {col} FROM {table.sql} WHERE rowid = ?",  # noqa: S608
        (query.after,),
    ).fetchone()
    if anchor is None:
        raise NotFoundError(_("ingen sådan rad"))
    value, rid = anchor[0], query.after
    if value is None:
        if query.desc:  # NULLs come last when descending
            return [f"({col} IS NULL AND rowid < ?)"], [rid]
        return [f"(({col} IS NULL AND rowid > ?) OR {col} IS NOT NULL)"], [rid]
    if query.desc:
        sql = f"({col} < ? OR ({col} = ? AND rowid < ?) OR {col} IS NULL)"
    else:
        sql = f"({col} > ? OR ({col} = ? AND rowid > ?))"
    return [sql], [value, value, rid]


def _order(table: PublicTable, query: PublicQuery) -> str:
    direction = "DESC" if query.desc else "ASC"
    if not query.sort:
        return f" ORDER BY rowid {direction}"
    return f" ORDER BY {table.column(query.sort).sql} {direction}, rowid {direction}"


def _where(conn, all_tables, table, query: PublicQuery, *, keyset: bool = True):
    clauses, params = _filter_clause(table, query)
    more, values = _search_clause(table, query)
    clauses, params = clauses + more, params + values
    more, values, ref_table = _ref_clause(conn, all_tables, table, query)
    clauses, params = clauses + more, params + values
    if keyset:
        more, values = _keyset(conn, table, query)
        clauses, params = clauses + more, params + values
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, params, ref_table


def _text(value, column: PublicColumn, limit: int) -> PublicCell:
    if value is None:
        return PublicCell("", null=True)
    if column.binary:
        return PublicCell(_("[binärt värde, %(n)s byte]") % {"n": value}, binary=True)
    if isinstance(value, bytes | memoryview):
        return PublicCell(_("[binärt värde, %(n)s byte]") % {"n": len(value)}, binary=True)
    text = str(value)
    return PublicCell(text[:limit] + "…" if len(text) > limit else text)


def rows(published: PublishedDatabase, index: int, query: PublicQuery) -> PublicPage:
    """One page of rows (PAGE_SIZE), filtered, searched and sorted."""
    all_tables, table = table_at(published, index)
    conn = _connect(published)
    try:
        where, params, ref_table = _where(conn, all_tables, table, query)
        sql = (
            f"SELECT {_select(table, LIST_TEXT_CHARS)} FROM {table.sql}{where}"  # noqa: S608
            f"{_order(table, query)} LIMIT {PAGE_SIZE + 1}"
        )
        raw = conn.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        raise UsageError(_("frågan kunde inte köras")) from exc
    finally:
        conn.close()
    result = [
        PublicRow(
            r[0], [_text(v, c, LIST_TEXT_CHARS) for v, c in zip(r[1:], table.columns, strict=False)]
        )
        for r in raw[:PAGE_SIZE]
    ]
    return PublicPage(table, result, len(raw) > PAGE_SIZE, query, ref_table)


def row(published: PublishedDatabase, index: int, rowid: int) -> PublicRowDetail:
    """One whole row, links along its public keys, and the rows that refer to it."""
    all_tables, table = table_at(published, index)
    conn = _connect(published)
    try:
        raw = conn.execute(
            f"SELECT {_select(table, DETAIL_TEXT_CHARS)} FROM {table.sql} WHERE rowid = ?",  # noqa: S608
            (rowid,),
        ).fetchone()
        if raw is None:
            raise NotFoundError(_("ingen sådan rad"))
        cells = [
            _text(v, c, DETAIL_TEXT_CHARS) for v, c in zip(raw[1:], table.columns, strict=False)
        ]
        values = {c.name: v for c, v in zip(table.columns, raw[1:], strict=False)}
        _links(conn, all_tables, table, values, cells)
        referencing = _referencing(conn, all_tables, table, values)
    finally:
        conn.close()
    return PublicRowDetail(table, PublicRow(raw[0], cells), referencing)


def _links(conn, all_tables, table: PublicTable, values: dict, cells: list[PublicCell]):
    """A link on the first column of each public key to the row it points at."""
    position = {c.name: i for i, c in enumerate(table.columns)}
    for fk in table.foreign_keys:
        keys = [values.get(c) for c in fk.columns]
        cell = cells[position[fk.columns[0]]]
        if any(k is None for k in keys) or cell.link is not None:
            continue
        target = all_tables[fk.target]
        where = " AND ".join(f"{target.column(c).sql} = ?" for c in fk.ref_columns)
        hit = conn.execute(
            f"SELECT rowid FROM {target.sql} WHERE {where} LIMIT 1",  # noqa: S608
            keys,
        ).fetchone()
        if hit:
            cell.link = (target.index, hit[0])


def _referencing(conn, all_tables, table: PublicTable, values: dict) -> list[Referencing]:
    found = []
    for other in all_tables:
        for fk in other.foreign_keys:
            if fk.target != table.index:
                continue
            keys = [values.get(c) for c in fk.ref_columns]
            if any(k is None for k in keys):
                continue
            where = " AND ".join(f"{other.column(c).sql} = ?" for c in fk.columns)
            count = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {other.sql} WHERE {where} "  # noqa: S608
                f"LIMIT {COUNT_CAP + 1})",
                keys,
            ).fetchone()[0]
            if count:
                found.append(Referencing(other, fk.index, count))
    return found


def _csv_text(value, column: PublicColumn) -> str:
    """A CSV cell that a spreadsheet never runs as a formula."""
    if value is None:
        return ""
    if column.binary:
        return _("[binärt värde, %(n)s byte]") % {"n": value}
    if isinstance(value, bytes | memoryview):
        return _("[binärt värde, %(n)s byte]") % {"n": len(value)}
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def export_csv(
    published: PublishedDatabase, index: int, query: PublicQuery
) -> tuple[str, Iterator[str]]:
    """(file name, lines) of every row the query selects (no paging), streamed from a
    cursor so memory stays flat for a table of any size."""
    all_tables, table = table_at(published, index)
    conn = _connect(published)
    try:
        where, params, _ref = _where(conn, all_tables, table, query, keyset=False)
    except BaseException:
        conn.close()
        raise
    sql = (
        f"SELECT {_select(table, None)} FROM {table.sql}{where}"  # noqa: S608
        f"{_order(table, query)} LIMIT {EXPORT_MAX_ROWS}"
    )
    return csv_download(conn, sql, params, table, _csv_text)
