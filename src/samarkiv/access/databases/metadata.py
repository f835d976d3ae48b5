"""The SIARD metadata as the browse pages need it: a JSON document kept with the database.

Why a copy of the metadata in the catalogue: listing tables, columns and row counts must
not open a multi-GB SIARD or count rows, and every identifier that reaches SQL must come
from here (the archive's own names, quoted), never from the request. Tables are numbered
in one flat list across schemas; that number is what URLs carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samarkiv.errors import NotFoundError, UsageError

BINARY_TYPES = ("BLOB", "BINARY LARGE OBJECT", "BINARY", "VARBINARY", "BINARY VARYING")
TEXT_TYPES = ("CHAR", "VARCHAR", "CHARACTER", "NCHAR", "NVARCHAR", "CLOB", "NCLOB", "TEXT")


def is_text_type(sql_type: str | None) -> bool:
    """Character columns are the ones full-text search covers."""
    base = (sql_type or "").split("(")[0].strip().upper()
    return any(word in base for word in TEXT_TYPES) or "CHARACTER" in base


def archive_to_json(archive) -> dict:
    """``samarkiv.packages.siard.model.SiardArchive`` → the stored JSON document."""
    tables = []
    for schema in archive.schemas:
        for table in schema.tables:
            pk = table.primary_key.columns if table.primary_key else []
            tables.append(
                {
                    "schema": schema.name,
                    "name": table.name,
                    "description": table.description or "",
                    "rows": int(table.rows or 0),
                    "sql": table.name,
                    "columns": [_column_json(c) for c in table.columns],
                    "primary_key": list(pk),
                    "foreign_keys": [
                        {
                            "name": fk.name,
                            "columns": list(fk.columns),
                            "schema": fk.referenced_schema or schema.name,
                            "table": fk.referenced_table,
                            "ref_columns": list(fk.referenced_columns),
                        }
                        for fk in table.foreign_keys
                    ],
                    "fts": [],
                }
            )
    return {
        "db_name": archive.db_name or "",
        "description": archive.description or "",
        "version": archive.version,
        "database_product": archive.database_product or "",
        "data_owner": archive.data_owner or "",
        "tables": tables,
    }


def _column_json(column) -> dict:
    return {
        "name": column.name,
        "sql": column.name,
        "type": column.type or column.type_name or "",
        "type_original": column.type_original or "",
        "nullable": bool(column.nullable),
        "description": column.description or "",
        "mime_type": column.mime_type or "",
        "text": is_text_type(column.type) and not (column.cardinality or column.fields),
        "structured": bool(column.cardinality or column.fields),  # kept as JSON text
    }


@dataclass
class ColumnInfo:
    name: str
    sql: str
    type: str
    type_original: str
    nullable: bool
    description: str
    mime_type: str
    text: bool
    structured: bool = False
    masked: bool = False

    @property
    def binary(self) -> bool:
        """BLOB-like columns: listed by their size, fetched only for a download."""
        base = self.type.split("(")[0].strip().upper()
        return base in BINARY_TYPES and not self.structured


@dataclass
class ForeignKeyInfo:
    index: int
    name: str
    columns: list[str]
    schema: str
    table: str
    ref_columns: list[str]
    target: int | None = None  # index of the referenced table, None if not archived


@dataclass
class TableInfo:
    index: int
    schema: str
    name: str
    description: str
    rows: int
    sql: str
    columns: list[ColumnInfo]
    primary_key: list[str]
    foreign_keys: list[ForeignKeyInfo]
    fts: list[str]
    masked: bool = False
    masked_columns: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> ColumnInfo:
        """A column by its archived name; a name not in the archive is a usage error."""
        for col in self.columns:
            if col.name == name:
                return col
        raise UsageError(
            _("tabellen %(t)s har ingen kolumn %(c)s") % {"t": self.label, "c": name[:100]}
        )

    def visible_columns(self) -> list[ColumnInfo]:
        return self.columns

    def unmasked(self) -> list[ColumnInfo]:
        return [c for c in self.columns if not c.masked]


def tables_of(metadata: dict) -> list[TableInfo]:
    """Every table of the stored metadata, numbered, with foreign keys resolved."""
    result: list[TableInfo] = []
    for index, raw in enumerate(metadata.get("tables", [])):
        columns = [
            ColumnInfo(**{k: c[k] for k in ColumnInfo.__dataclass_fields__ if k in c})
            for c in raw["columns"]
        ]
        fks = [
            ForeignKeyInfo(
                i, fk["name"], fk["columns"], fk["schema"], fk["table"], fk["ref_columns"]
            )
            for i, fk in enumerate(raw.get("foreign_keys", []))
        ]
        result.append(
            TableInfo(
                index,
                raw["schema"],
                raw["name"],
                raw.get("description", ""),
                int(raw.get("rows", 0)),
                raw.get("sql", raw["name"]),
                columns,
                raw.get("primary_key", []),
                fks,
                raw.get("fts", []),
            )
        )
    by_name = {(t.schema, t.name): t.index for t in result}
    for table in result:
        for fk in table.foreign_keys:
            fk.target = by_name.get((fk.schema, fk.table))
    return result


def table_at(tables: list[TableInfo], index: int) -> TableInfo:
    if 0 <= index < len(tables):
        return tables[index]
    raise NotFoundError(_("ingen sådan tabell"))
