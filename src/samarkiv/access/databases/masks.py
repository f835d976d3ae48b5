"""Secrecy marks on archived tables and columns, and where they reach.

Why masks spread along foreign keys: a secret column that is also a key (a personal
identity number used as the key of a person table, say) would show up unmasked in every
table that refers to it. So a mark on one end of a foreign key masks the other end too,
until nothing changes. A masked table shows only its name and row count.
"""

from __future__ import annotations

from django.db import transaction

from samarkiv.access.databases.metadata import TableInfo, table_at, tables_of
from samarkiv.access.databases.models import ArchivedDatabase, ColumnMask, TableMask
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record

MASKED = "[maskerat]"


def masked_tables(tables: list[TableInfo], database: ArchivedDatabase) -> list[TableInfo]:
    """The tables with ``masked`` / ``masked_columns`` set from the marks, spread along FKs."""
    secret_tables = set(TableMask.objects.filter(database=database).values_list("schema", "table"))
    secret = set(
        ColumnMask.objects.filter(database=database).values_list("schema", "table", "column")
    )
    changed = True
    while changed:
        changed = False
        for table in tables:
            for fk in table.foreign_keys:
                for col, ref in zip(fk.columns, fk.ref_columns, strict=False):
                    pair = {(table.schema, table.name, col), (fk.schema, fk.table, ref)}
                    if pair & secret and not pair <= secret:
                        secret |= pair
                        changed = True
    for table in tables:
        table.masked = (table.schema, table.name) in secret_tables
        table.masked_columns = {c for s, t, c in secret if (s, t) == (table.schema, table.name)}
        for col in table.columns:
            col.masked = table.masked or col.name in table.masked_columns
    return tables


def marks_of(database: ArchivedDatabase) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """The explicit marks (not the spread ones): what the settings form shows as checked."""
    return (
        set(TableMask.objects.filter(database=database).values_list("schema", "table")),
        set(ColumnMask.objects.filter(database=database).values_list("schema", "table", "column")),
    )


def set_table_marks(
    scope: Scope,
    pk: int,
    table_index: int,
    *,
    table_secret: bool,
    secret_columns: set[str],
    reason: str = "",
) -> ArchivedDatabase:
    """Replace the marks of one table (DECIDE); the decision is written to the audit log."""
    scope.require(Permission.DECIDE)
    database = scope.get(ArchivedDatabase.objects, permission=Permission.DECIDE, pk=pk)
    table = table_at(tables_of(database.metadata), table_index)
    unknown = secret_columns - {c.name for c in table.columns}
    for name in unknown:
        table.column(name)  # raises UsageError naming the column
    owner = {"tenant_id": database.tenant_id, "database": database}
    from samarkiv.access.databases import public_copy  # imports this module

    with transaction.atomic():
        public_copy.withdraw(database)  # nothing public while the marks change
        TableMask.objects.filter(database=database, schema=table.schema, table=table.name).delete()
        ColumnMask.objects.filter(database=database, schema=table.schema, table=table.name).delete()
        if table_secret:
            TableMask.objects.create(
                **owner,
                schema=table.schema,
                table=table.name,
                reason=reason,
                created_by=scope.actor,
            )
        for name in sorted(secret_columns):
            ColumnMask.objects.create(
                **owner,
                schema=table.schema,
                table=table.name,
                column=name,
                reason=reason,
                created_by=scope.actor,
            )
    record(
        scope,
        AuditAction.DECISION,
        obj=database,
        detail={
            "decision": "database_secrecy",
            "table": table.label,
            "table_secret": table_secret,
            "secret_columns": sorted(secret_columns),
            "reason": reason[:200],
        },
    )
    public_copy.refresh(database)  # rebuilt without what is now secret, if published
    return database
