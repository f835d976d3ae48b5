"""Live database → SIARD 2.2 file, streamed end to end.

Memory does not grow with table or LOB size: rows come through a server-side cursor
(``stream_results``/``yield_per``: psycopg named cursors, PyMySQL SSCursor), each row is
formatted and written at once, and the table XML goes to a temporary file because a zip
can only be written one entry at a time while LOB files must become entries as their rows
arrive. Tables with LOB columns are fetched in batches holding at most LOB_FETCH_BYTES of
LOB data (sized from the longest values, found with one ``max(length())`` query), down to
one row at a time. Limit: the drivers deliver a LOB value whole (psycopg ``bytea``/``text``,
PyMySQL ``LONGBLOB``), so peak memory is about the largest single value, not its table.
A zip must also remember one central-directory record per entry (~100-200 bytes), so a
table with millions of LOBs above the threshold costs that much per external LOB file.

LOBs longer than ``lob_threshold`` (bytes for BLOB, characters for CLOB/NCLOB/XML) become
``content/schemaN/tableM/lobK/recordR.bin|.txt|.xml`` entries with ``length`` and a SHA-256
``digest`` on the cell; shorter ones stay inline (hex for BLOB). ``metadata.xml`` carries a
SHA-256 message digest over the uncompressed bytes of every ``content/`` entry in the order
they are stored in the zip (:func:`content_digest` recomputes it). The whole file is written
to a temporary name, fsynced and renamed (``atomic_open``): a crash never leaves half a SIARD.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from samarkiv.packages.atomic import atomic_open
from samarkiv.packages.siard.model import MessageDigest, Schema, SiardArchive, Table
from samarkiv.packages.siard.reflect import reflect_schema, schema_names, users_roles_privileges
from samarkiv.packages.siard.types import is_lob
from samarkiv.packages.siard.values import base_type, format_value
from samarkiv.packages.siard.xmlwrite import (
    generic_table_xsd,
    metadata_xml,
    table_xml_head,
    table_xsd,
    xml_text,
)

DEFAULT_LOB_THRESHOLD = 4000
CHUNK = 2**20
ROWS_PER_FETCH = 5000
LOB_FETCH_BYTES = 8 * 2**20  # LOB data per fetch; one row at a time above this
COMPRESS_LEVEL = 6
PRODUCER = "samarkiv extract-db (SIARD 2.2)"


class ExtractProgress(Protocol):
    """What the CLI's progress bars implement; all optional to the caller."""

    def start_table(self, schema: str, table: str, total: int | None) -> None: ...
    def advance(self, rows: int) -> None: ...
    def end_table(self) -> None: ...


@dataclass
class ExtractResult:
    path: Path
    archive: SiardArchive
    rows: int
    lob_files: int
    seconds: float
    bytes: int


def extract_database(
    url: str | sa.URL,
    out: Path | str,
    *,
    schemas: list[str] | None = None,
    lob_threshold: int = DEFAULT_LOB_THRESHOLD,
    description: str | None = None,
    data_owner: str | None = None,
    timespan: str | None = None,
    progress: ExtractProgress | None = None,
) -> ExtractResult:
    """Extract the database at ``url`` into the SIARD 2.2 file ``out``."""
    started = time.monotonic()
    out = Path(out)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            archive = _describe(conn, schemas, description, data_owner, timespan)
            writer = _ZipWriter(out.parent, lob_threshold, progress)
            with atomic_open(out) as fh:
                writer.write(conn, fh, archive)
    finally:
        engine.dispose()
    return ExtractResult(
        out,
        archive,
        archive.total_rows,
        writer.lob_files,
        time.monotonic() - started,
        out.stat().st_size,
    )


def _describe(
    conn: Connection,
    wanted: list[str] | None,
    description: str | None,
    data_owner: str | None,
    timespan: str | None,
) -> SiardArchive:
    names = schema_names(conn, wanted)
    schemas = [reflect_schema(conn, name, i) for i, name in enumerate(names)]
    users, roles, privileges = users_roles_privileges(conn, [s.name for s in schemas])
    url = conn.engine.url
    version = ".".join(str(v) for v in (conn.dialect.server_version_info or ()))
    return SiardArchive(
        version="2.2",
        db_name=url.database or url.host or "database",
        description=description,
        producer_application=PRODUCER,
        data_owner=data_owner or "(okänd)",
        data_origin_timespan=timespan or "(okänd)",
        archival_date=dt.date.today().isoformat(),
        client_machine=platform.node() or None,
        database_product=f"{conn.dialect.name} {version}".strip(),
        connection=url.render_as_string(hide_password=True),
        database_user=url.username,
        schemas=schemas,
        users=users,
        roles=roles,
        privileges=privileges,
    )


Formatter = Callable[[object], str]


def _formatter(sql_type: str) -> Formatter:
    """The fastest correct value → cell text function for a column type."""
    name = base_type(sql_type)
    if name in ("INTEGER", "INT", "SMALLINT", "BIGINT"):
        return str
    if name in ("CHAR", "VARCHAR", "NCHAR", "NCHAR VARYING", "CLOB", "NCLOB", "XML"):
        return _text_cell
    if name == "TIME":
        return _time_cell
    if name in ("BINARY", "VARBINARY", "BLOB"):
        return lambda v: bytes(v).hex().upper()  # type: ignore[arg-type]
    return _any_cell


def _text_cell(value: object) -> str:
    if not isinstance(value, str):
        value = (
            json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
        )
    return xml_text(value)


def _time_cell(value: object) -> str:
    if isinstance(value, dt.timedelta):  # MySQL TIME arrives as a timedelta
        seconds = value.total_seconds() % 86400
        value = (dt.datetime.min + dt.timedelta(seconds=seconds)).time()
    return format_value(value)


def _any_cell(value: object) -> str:
    if isinstance(value, dict | list):
        return xml_text(json.dumps(value, ensure_ascii=False))
    text = format_value(value)
    return text if isinstance(value, int | float | dt.date | dt.time) else xml_text(text)


def _rows_per_fetch(conn: Connection, source: sa.Table, table: Table, lobs: list[bool]) -> int:
    """Rows per server round trip: many for plain tables; for LOB tables as many as fit in
    LOB_FETCH_BYTES given the longest LOB values (one row when a value is larger)."""
    if not any(lobs):
        return ROWS_PER_FETCH
    length = sa.func.datalength if conn.dialect.name == "mssql" else sa.func.length
    widest = [
        sa.func.max(length(source.c[col.name]))
        for col, lob in zip(table.columns, lobs, strict=True)
        if lob
    ]
    try:
        sizes = conn.execute(sa.select(*widest)).one()
    except sa.exc.DBAPIError:
        conn.rollback()
        return 1
    per_row = sum(int(size or 0) for size in sizes) * 2 or 1  # hex or UTF-8 headroom
    return max(1, min(ROWS_PER_FETCH, LOB_FETCH_BYTES // per_row))


def _selected(column: sa.Column, sql_type: str) -> sa.ColumnElement:
    """The column as selected: money-like types (PG ``money`` arrives as "$12.34" text) are
    cast to numeric by the server, so the cell holds a plain xs:decimal."""
    if base_type(sql_type) == "DECIMAL" and not isinstance(column.type, sa.Numeric):
        return sa.cast(column, sa.Numeric).label(column.name)
    return column


def _lob_value(value: object) -> str | bytes:
    """A LOB column's value as text or bytes (JSON documents and XML arrive as objects)."""
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _ZipWriter:
    """Writes one SIARD zip; keeps the running content digest and LOB counter."""

    def __init__(self, tmp_dir: Path, lob_threshold: int, progress: ExtractProgress | None):
        self.tmp_dir = tmp_dir
        self.lob_threshold = lob_threshold
        self.progress = progress
        self.digest = hashlib.sha256()
        self.lob_files = 0
        self.zf: zipfile.ZipFile | None = None

    def write(self, conn: Connection, fh: IO[bytes], archive: SiardArchive) -> None:
        with zipfile.ZipFile(
            fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL
        ) as zf:
            self.zf = zf
            zf.writestr(zipfile.ZipInfo("header/siardversion/2.2/"), b"")
            zf.writestr("header/metadata.xsd", _metadata_xsd())
            zf.writestr("header/table.xsd", generic_table_xsd())
            for schema in archive.schemas:
                for table in schema.tables:
                    self._table(conn, schema, table)
            archive.message_digests = [MessageDigest("SHA-256", self.digest.hexdigest().upper())]
            zf.writestr("header/metadata.xml", metadata_xml(archive))

    def _member(self, name: str) -> IO[bytes]:
        assert self.zf is not None
        return self.zf.open(name, "w", force_zip64=True)  # deflated, at the writer's level

    def _table(self, conn: Connection, schema: Schema, table: Table) -> None:
        folder = f"content/{schema.folder}/{table.folder}"
        with warnings.catch_warnings():  # unknown types (PG xml) are read as text
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            source = sa.Table(
                table.name,
                sa.MetaData(),
                schema=None
                if schema.name in ("main", conn.dialect.default_schema_name)
                else schema.name,
                autoload_with=conn,
            )
        if self.progress:
            total = conn.execute(sa.select(sa.func.count()).select_from(source)).scalar()
            self.progress.start_table(schema.name, table.name, total)
        with tempfile.TemporaryFile(dir=self.tmp_dir, prefix=".siard-table-") as tmp:
            table.rows = self._stream(conn, source, table, folder, tmp)
            conn.rollback()  # ends the read transaction of the server-side cursor
            tmp.seek(0)
            with self._member(f"{folder}/{table.folder}.xml") as dst:
                while chunk := tmp.read(CHUNK):
                    self.digest.update(chunk)
                    dst.write(chunk)
        xsd = table_xsd(table.columns)
        self.digest.update(xsd)
        with self._member(f"{folder}/{table.folder}.xsd") as dst:
            dst.write(xsd)
        if self.progress:
            self.progress.end_table()

    def _stream(
        self, conn: Connection, source: sa.Table, table: Table, folder: str, tmp: IO[bytes]
    ) -> int:
        """Rows of one table into the temporary table XML; returns the row count."""
        formatters = [_formatter(c.type or "CLOB") for c in table.columns]
        lobs = [is_lob(c.type or "") for c in table.columns]
        per_fetch = _rows_per_fetch(conn, source, table, lobs)
        tmp.write(table_xml_head(f"{table.folder}.xsd"))
        stmt = sa.select(*[_selected(source.c[c.name], c.type or "") for c in table.columns])
        result = conn.execution_options(stream_results=True, yield_per=per_fetch).execute(stmt)
        count = self._rows(result, tmp, folder, formatters, lobs)
        tmp.write(b"</table>\n")
        return count

    def _rows(
        self,
        result: sa.CursorResult,
        out: IO[bytes],
        folder: str,
        formatters: list[Formatter],
        lobs: list[bool],
    ) -> int:
        count = 0
        parts: list[str] = []
        any_lob = any(lobs)
        for row in result:
            cells = ["<row>"]
            for index, value in enumerate(row):
                if value is None:
                    continue
                tag = f"c{index + 1}"
                if any_lob and lobs[index]:
                    value = _lob_value(value)
                    if len(value) > self.lob_threshold:
                        cells.append(self._lob(folder, index, count, tag, value))
                        continue
                cells.append(f"<{tag}>{formatters[index](value)}</{tag}>")
            cells.append("</row>\n")
            parts.append("".join(cells))
            count += 1
            if len(parts) >= 1000 or any_lob:
                out.write("".join(parts).encode("utf-8"))
                parts.clear()
                if self.progress and (count % 1000 == 0 or any_lob):
                    self.progress.advance(1000 if not any_lob else 1)
        if parts:
            out.write("".join(parts).encode("utf-8"))
            if self.progress:
                self.progress.advance(len(parts))
        return count

    def _lob(self, folder: str, index: int, record: int, tag: str, value: object) -> str:
        """Write one LOB as its own entry; return the cell that points to it."""
        if isinstance(value, str):
            data, length, ext = value.encode("utf-8"), len(value), "txt"
        else:
            data = bytes(value)  # type: ignore[arg-type]
            length, ext = len(data), "bin"
        name = f"{folder}/lob{index}/record{record}.{ext}"
        hasher = hashlib.sha256()
        with self._member(name) as dst:
            view = memoryview(data)
            for start in range(0, len(view), CHUNK):
                piece = view[start : start + CHUNK]
                hasher.update(piece)
                self.digest.update(piece)
                dst.write(piece)
        self.lob_files += 1
        return (
            f'<{tag} file="{name}" length="{length}" digestType="SHA-256" '
            f'digest="{hasher.hexdigest().upper()}"/>'
        )


def _metadata_xsd() -> bytes:
    ref = resources.files("samarkiv.packages.schemas") / "siard" / "siard-2.2-metadata.xsd"
    return ref.read_bytes()


def content_digest(zf: zipfile.ZipFile) -> str:
    """SHA-256 (upper-case hex) over every ``content/`` entry in zip order (our convention)."""
    hasher = hashlib.sha256()
    for info in zf.infolist():
        if info.filename.startswith("content/") and not info.is_dir():
            with zf.open(info) as src:
                shutil.copyfileobj(src, _HashSink(hasher), CHUNK)
    return hasher.hexdigest().upper()


class _HashSink:
    def __init__(self, hasher: hashlib._Hash) -> None:
        self.hasher = hasher

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        return len(data)


def default_out_name(url: str) -> str:
    """A file name for the CLI when the user gives a folder."""
    return f"{sa.make_url(url).database or 'database'}.siard".replace(os.sep, "_")


extract_db = extract_database  # the short name the decommissioning workflow calls
