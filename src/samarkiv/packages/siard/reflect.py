"""Reflect a live database into the SIARD model (schemas, tables, keys, views, users).

SQLAlchemy's inspector does the dialect work (PostgreSQL, MariaDB/MySQL, SQL Server, Oracle,
SQLite); what a dialect cannot tell (table comments on SQLite, users without the rights to
read them) is left out rather than failing the extraction: the data is what must be saved.
"""

from __future__ import annotations

import logging
import warnings

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from samarkiv.packages.siard.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Privilege,
    Role,
    Schema,
    Table,
    UniqueKey,
    User,
    View,
)
from samarkiv.packages.siard.types import sql2008, type_original

log = logging.getLogger(__name__)

SYSTEM_SCHEMAS = {
    "information_schema",
    "pg_catalog",
    "pg_toast",
    "mysql",
    "performance_schema",
    "sys",
    "guest",
    "INFORMATION_SCHEMA",
}
_ACTIONS = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"}


def schema_names(conn: Connection, wanted: list[str] | None) -> list[str | None]:
    """Schemas to extract: the wanted ones, else all user schemas (PostgreSQL, SQL Server)
    or the connection's own database (MySQL/MariaDB, SQLite, Oracle)."""
    if wanted:
        return list(wanted)
    inspector = sa.inspect(conn)
    if conn.dialect.name in ("postgresql", "mssql"):
        names = [
            n
            for n in inspector.get_schema_names()
            if n not in SYSTEM_SCHEMAS and not n.startswith("pg_")
        ]
        return [n for n in names if inspector.get_table_names(schema=n)] or [None]
    return [None]


def reflect_schema(conn: Connection, schema: str | None, index: int) -> Schema:
    """One schema with its tables (rows counted later, while streaming) and views."""
    inspector = sa.inspect(conn)
    name = schema or inspector.default_schema_name or "main"
    result = Schema(name=name, folder=f"schema{index}")
    for number, table_name in enumerate(inspector.get_table_names(schema=schema)):
        result.tables.append(_table(conn, inspector, schema, name, table_name, number))
    for view_name in inspector.get_view_names(schema=schema):
        try:
            query = inspector.get_view_definition(view_name, schema=schema)
        except (NotImplementedError, sa.exc.SQLAlchemyError):
            query = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            found = inspector.get_columns(view_name, schema=schema)
        columns = [_column(conn, c, (name, view_name)) for c in found]
        result.views.append(View(view_name, query=_text(query), columns=columns))
    return result


def _text(value: object) -> str | None:
    return None if value is None else str(value).strip()


def _raw_type(conn: Connection, schema: str, table: str, column: str) -> str:
    """The source's own type name when SQLAlchemy does not know it (e.g. PostgreSQL xml)."""
    try:
        found = conn.execute(
            sa.text(
                "SELECT udt_name FROM information_schema.columns WHERE table_name = :t "
                "AND column_name = :c AND table_schema = :s"
            ),
            {"t": table, "c": column, "s": schema},
        ).scalar()
    except sa.exc.DBAPIError:
        conn.rollback()
        return ""
    return str(found or "")


def _column(conn: Connection, info: dict, where: tuple[str, str] | None = None) -> Column:
    satype = info["type"]
    default = info.get("default")
    original = type_original(satype, conn.dialect)
    if isinstance(satype, sa.types.NullType) and where is not None:
        original = _raw_type(conn, where[0], where[1], info["name"]) or original
    return Column(
        name=info["name"],
        type="XML" if original.lower() == "xml" else sql2008(satype),
        type_original=original,
        nullable=bool(info.get("nullable", True)),
        description=info.get("comment") or None,
        default_value=None if default is None else str(default),
    )


def _table(
    conn: Connection,
    inspector: sa.Inspector,
    schema: str | None,
    schema_name: str,
    table_name: str,
    number: int,
) -> Table:
    table = Table(name=table_name, folder=f"table{number}")
    with warnings.catch_warnings():  # "Did not recognize type": handled by _raw_type
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        found = inspector.get_columns(table_name, schema=schema)
    table.columns = [_column(conn, c, (schema_name, table_name)) for c in found]
    try:
        comment = inspector.get_table_comment(table_name, schema=schema).get("text")
        table.description = comment or None
    except NotImplementedError:
        pass
    pk = inspector.get_pk_constraint(table_name, schema=schema)
    if pk and pk.get("constrained_columns"):
        table.primary_key = UniqueKey(
            pk.get("name") or f"pk_{table_name}", pk["constrained_columns"]
        )
    for number_fk, fk in enumerate(inspector.get_foreign_keys(table_name, schema=schema)):
        options = fk.get("options") or {}
        table.foreign_keys.append(
            ForeignKey(
                name=fk.get("name") or f"fk_{table_name}_{number_fk}",
                columns=list(fk["constrained_columns"]),
                referenced_schema=fk.get("referred_schema") or schema_name,
                referenced_table=fk["referred_table"],
                referenced_columns=list(fk["referred_columns"]),
                delete_action=_action(options.get("ondelete")),
                update_action=_action(options.get("onupdate")),
            )
        )
    table.candidate_keys = [
        UniqueKey(u.get("name") or f"uk_{table_name}_{i}", list(u["column_names"]))
        for i, u in enumerate(inspector.get_unique_constraints(table_name, schema=schema))
    ]
    try:
        checks = inspector.get_check_constraints(table_name, schema=schema)
    except NotImplementedError:
        checks = []
    table.check_constraints = [
        CheckConstraint(c.get("name") or f"ck_{table_name}_{i}", str(c["sqltext"]))
        for i, c in enumerate(checks)
    ]
    return table


def _action(value: str | None) -> str | None:
    if not value:
        return None
    value = value.upper()
    return value if value in _ACTIONS else None


def users_roles_privileges(
    conn: Connection, schemas: list[str]
) -> tuple[list[User], list[Role], list[Privilege]]:
    """Best effort: what the connecting user may read; nothing when it may read nothing."""
    try:
        if conn.dialect.name == "postgresql":
            return _postgres_users(conn, schemas)
        if conn.dialect.name in ("mysql", "mariadb"):
            return _mysql_users(conn), [], []
    except sa.exc.DBAPIError as exc:
        log.info("users/roles not readable: %s", exc.orig)
        conn.rollback()
    return [], [], []


def _postgres_users(
    conn: Connection, schemas: list[str]
) -> tuple[list[User], list[Role], list[Privilege]]:
    rows = conn.execute(
        sa.text("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")
    ).all()
    users = [User(name) for name, login in rows if login]
    owner = users[0].name if users else "postgres"
    roles = [Role(name, owner) for name, login in rows if not login]
    privs = conn.execute(
        sa.text(
            "SELECT privilege_type, table_schema, table_name, grantor, grantee, is_grantable "
            "FROM information_schema.table_privileges WHERE table_schema = ANY(:s) "
            "ORDER BY table_schema, table_name, grantee, privilege_type"
        ),
        {"s": schemas},
    ).all()
    privileges = [
        Privilege(kind, f'"{sch}"."{tab}"', grantor, grantee, "GRANT" if grant == "YES" else None)
        for kind, sch, tab, grantor, grantee, grant in privs
    ]
    return users, roles, privileges


def _mysql_users(conn: Connection) -> list[User]:
    try:
        rows = conn.execute(sa.text("SELECT DISTINCT User FROM mysql.user ORDER BY 1")).all()
        return [User(r[0]) for r in rows if r[0]]
    except sa.exc.DBAPIError:
        conn.rollback()
        current = conn.execute(sa.text("SELECT CURRENT_USER()")).scalar() or ""
        return [User(str(current).split("@")[0])]
