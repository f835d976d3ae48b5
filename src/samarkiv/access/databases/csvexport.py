"""The CSV download shared by staff browsing and the public portal: streamed rows."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterator

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(
    conn: sqlite3.Connection, sql: str, params: list, table, cell_text: Callable
) -> tuple[str, Iterator[str]]:
    """(file name, lines) of ``sql``'s rows (rowid first), read from a cursor while the
    response streams so memory stays flat; ``conn`` is closed when the lines end."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        try:
            yield "\ufeff" + writer.writerow([c.name for c in table.columns])
            for raw in conn.execute(sql, params):
                yield writer.writerow(
                    [cell_text(v, c) for v, c in zip(raw[1:], table.columns, strict=False)]
                )
        finally:
            conn.close()

    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in table.name)
    return f"{safe or 'tabell'}.csv", lines()
