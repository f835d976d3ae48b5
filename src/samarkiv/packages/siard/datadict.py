"""The data dictionary of a SIARD archive as one self-contained HTML page (Swedish).

It goes into the SIP's documentation folder so that a reader decades later can understand
the tables without any software that reads SIARD: every schema, table (with row count and
description), column (SQL:2008 type, original type, NULL allowed, description), primary,
foreign and candidate keys, and views with their queries.
"""

from __future__ import annotations

from html import escape

from samarkiv.packages.siard.model import Schema, SiardArchive, Table

_STYLE = (
    "body{font-family:sans-serif;max-width:70em;margin:2em auto;color:#111}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}th,td{border:1px solid #888;"
    "padding:0.2em 0.5em;text-align:left;vertical-align:top}th{background:#eee}"
    "pre{white-space:pre-wrap;background:#f4f4f4;padding:0.5em}"
)


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def data_dictionary_html(archive: SiardArchive) -> str:
    """The whole page."""
    parts = [
        '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">',
        f"<title>Datakatalog: {_e(archive.db_name)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Datakatalog: {_e(archive.db_name)}</h1>",
        "<dl>",
    ]
    for label, value in (
        ("Beskrivning", archive.description),
        ("Dataägare", archive.data_owner),
        ("Tidsomfång", archive.data_origin_timespan),
        ("Databasprodukt", archive.database_product),
        ("Arkiveringsdatum", archive.archival_date),
        ("Framställd av", archive.producer_application),
        ("SIARD-version", archive.version),
        ("Antal rader totalt", archive.total_rows),
    ):
        if value not in (None, ""):
            parts.append(f"<dt>{label}</dt><dd>{_e(value)}</dd>")
    parts.append("</dl>")
    for schema in archive.schemas:
        parts.extend(_schema(schema))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _schema(schema: Schema) -> list[str]:
    parts = [f"<h2>Schema {_e(schema.name)}</h2>"]
    if schema.description:
        parts.append(f"<p>{_e(schema.description)}</p>")
    parts.append("<p>Tabeller: " + ", ".join(_e(t.name) for t in schema.tables) + "</p>")
    for table in schema.tables:
        parts.extend(_table(schema, table))
    for view in schema.views:
        parts.append(f"<h3>Vy {_e(schema.name)}.{_e(view.name)}</h3>")
        if view.description:
            parts.append(f"<p>{_e(view.description)}</p>")
        if view.query:
            parts.append(f"<pre>{_e(view.query)}</pre>")
        cols = ", ".join(f"{_e(c.name)} ({_e(c.type)})" for c in view.columns)
        parts.append(f"<p>Kolumner: {cols}</p>")
    return parts


def _table(schema: Schema, table: Table) -> list[str]:
    parts = [
        f"<h3>Tabell {_e(schema.name)}.{_e(table.name)}</h3>",
        f"<p>{_e(table.description or '')} Antal rader: {table.rows}.</p>",
        '<table><thead><tr><th scope="col">Kolumn</th><th scope="col">Typ (SQL:2008)</th>'
        '<th scope="col">Ursprunglig typ</th><th scope="col">Tomt värde tillåtet</th>'
        '<th scope="col">Beskrivning</th></tr></thead><tbody>',
    ]
    for col in table.columns:
        parts.append(
            f"<tr><td>{_e(col.name)}</td><td>{_e(col.type or col.type_name)}</td>"
            f"<td>{_e(col.type_original)}</td><td>{'ja' if col.nullable else 'nej'}</td>"
            f"<td>{_e(col.description)}</td></tr>"
        )
    parts.append("</tbody></table><ul>")
    if table.primary_key:
        parts.append(f"<li>Primärnyckel: {_e(', '.join(table.primary_key.columns))}</li>")
    for fk in table.foreign_keys:
        parts.append(
            f"<li>Främmande nyckel {_e(fk.name)}: ({_e(', '.join(fk.columns))}) → "
            f"{_e(fk.referenced_schema)}.{_e(fk.referenced_table)}"
            f"({_e(', '.join(fk.referenced_columns))})</li>"
        )
    for key in table.candidate_keys:
        parts.append(f"<li>Unik nyckel {_e(key.name)}: {_e(', '.join(key.columns))}</li>")
    for check in table.check_constraints:
        parts.append(f"<li>Villkor {_e(check.name)}: {_e(check.condition)}</li>")
    parts.append("</ul>")
    return parts
