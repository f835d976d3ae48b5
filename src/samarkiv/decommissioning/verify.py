"""Automatic verification: does the SIARD hold every row of the live source, unchanged?

Per table: the row count and a checksum over the rows, computed the same way from the
SIARD and from the live database. Why an order-independent checksum (the sum of the
SHA-256 of each row, modulo 2^256): a database returns rows in any order without ORDER
BY, and sorting a GB table just to check it would cost more than the extraction. Values
are compared in a canonical text form (numbers normalised, timestamps in UTC, binary as
its bytes), so the same value read through the SIARD and through the database driver
gives the same digest. LOBs are hashed as they stream.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

MOD = 2**256
CHUNK = 1024 * 1024


def _value_digest(value: object) -> bytes:
    """SHA-256 of the canonical form of one value, tagged by kind."""
    if value is None:
        return hashlib.sha256(b"n").digest()
    if hasattr(value, "open") and hasattr(value, "binary"):  # a LobRef: stream it
        hasher = hashlib.sha256(b"b" if value.binary else b"s")
        with value.open() as fh:
            while chunk := fh.read(CHUNK):
                hasher.update(chunk)
        return hasher.digest()
    if isinstance(value, bytes | bytearray | memoryview):
        return hashlib.sha256(b"b" + bytes(value)).digest()
    if isinstance(value, str):
        return hashlib.sha256(b"s" + value.encode("utf-8", "surrogatepass")).digest()
    return hashlib.sha256(b"t" + _canonical(value).encode("utf-8")).digest()


def _canonical(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            return str(number)
        text = format(number.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date | dt.timedelta):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return str(value)


def row_digest(row: Iterable[object]) -> int:
    hasher = hashlib.sha256()
    for value in row:
        hasher.update(_value_digest(value))
    return int.from_bytes(hasher.digest(), "big")


def table_checksum(rows: Iterable[Iterable[object]]) -> tuple[int, str]:
    """(rows, checksum hex) of a stream of rows, independent of their order."""
    count, total = 0, 0
    for row in rows:
        total = (total + row_digest(row)) % MOD
        count += 1
    return count, f"{total:064x}"


def siard_tables(siard_path: Path) -> dict[str, dict]:
    """Per table ``schema.table``: rows per metadata, rows read, checksum of the rows."""
    from samarkiv.packages.siard.reader import open_siard

    result: dict[str, dict] = {}
    with open_siard(siard_path) as reader:
        for schema in reader.archive.schemas:
            for table in schema.tables:
                count, checksum = table_checksum(reader.iter_rows(schema.name, table.name))
                result[f"{schema.name}.{table.name}"] = {
                    "schema": schema.name,
                    "table": table.name,
                    "columns": [c.name for c in table.columns],
                    "metadata_rows": int(table.rows or 0),
                    "siard_rows": count,
                    "siard_checksum": checksum,
                }
    return result


def source_tables(url: str, tables: dict[str, dict]) -> dict[str, tuple[int, str] | str]:
    """The same count and checksum read from the live database (or an error text)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    found: dict[str, tuple[int, str] | str] = {}
    try:
        with engine.connect() as conn:
            for key, info in tables.items():
                try:
                    found[key] = _source_table(conn, engine, info)
                except sa.exc.SQLAlchemyError as exc:
                    found[key] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    finally:
        engine.dispose()
    return found


def _source_table(conn, engine, info: dict) -> tuple[int, str]:
    import sqlalchemy as sa

    schema = info["schema"]
    if engine.dialect.name == "sqlite" and schema in ("main", ""):
        schema = None
    table = sa.Table(info["table"], sa.MetaData(), schema=schema, autoload_with=conn)
    select = sa.select(*[table.c[name] for name in info["columns"]])
    result = conn.execution_options(stream_results=True, yield_per=1000).execute(select)
    return table_checksum(tuple(row) for row in result)


def verify(siard_path: Path, source_url: str | None = None) -> dict:
    """The verification report: per table the counts and checksums, and ``ok``.

    With a live source: SIARD rows and checksum must equal the source's. Without one
    (a SIARD made elsewhere): the rows read must equal the row count in its metadata.
    """
    tables = siard_tables(siard_path)
    sources = source_tables(source_url, tables) if source_url else {}
    for key, info in tables.items():
        ok = info["siard_rows"] == info["metadata_rows"]
        if source_url:
            live = sources.get(key)
            if isinstance(live, tuple):
                info["source_rows"], info["source_checksum"] = live
                ok = ok and live == (info["siard_rows"], info["siard_checksum"])
            else:
                info["source_error"] = live or "saknas i källan"
                ok = False
        info["ok"] = ok
        info.pop("columns", None)
    return {
        "against": "source" if source_url else "metadata",
        "ok": bool(tables) and all(t["ok"] for t in tables.values()),
        "tables": list(tables.values()),
        "total_rows": sum(t["siard_rows"] for t in tables.values()),
    }
