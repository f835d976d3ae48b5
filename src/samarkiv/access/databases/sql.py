"""SQL over an access copy: quoting, the read-only connection, and full-text queries.

Why this is the only place SQL text is made: identifiers come from the stored SIARD
metadata and are always quoted here; values from the request are always bound
parameters; a search string becomes a list of quoted FTS5 phrases, so no FTS5 syntax
typed by a user (column filters, NEAR, operators) is ever interpreted.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from samarkiv.errors import SamarkivError

MAX_SEARCH_TERMS = 12


class AccessCopyMissingError(SamarkivError):
    code = "access_copy_missing"
    http_status = 503


def quote(identifier: str) -> str:
    """A SQLite identifier in double quotes (embedded quotes doubled)."""
    return '"' + identifier.replace('"', '""') + '"'


def fts_table(table_index: int) -> str:
    return f"samarkiv_fts_{table_index}"


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection: browsing can never change the access copy."""
    if not path.is_file():
        raise AccessCopyMissingError(
            f"åtkomstkopian {path.name} saknas; bygg om den med 'samarkiv databases rebuild'",
            path=str(path),
        )
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = 1")
    return conn


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE ... ESCAPE '\\' with the wildcards of ``text`` escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_match(query: str, column_numbers: list[int]) -> str | None:
    """An FTS5 MATCH expression: every word must occur in one of the given columns.

    Words are taken as literal phrases (quotes doubled); a trailing ``*`` keeps a prefix
    search. None when there is nothing to search for or no column may be searched.
    """
    words = re.findall(r"[\w*]+", query)[:MAX_SEARCH_TERMS]
    terms = []
    for word in words:
        prefix = word.endswith("*")
        word = word.strip("*")
        if word:
            terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    if not terms or not column_numbers:
        return None
    columns = " ".join(f"c{n}" for n in column_numbers)
    return "{" + columns + "} : (" + " AND ".join(terms) + ")"
