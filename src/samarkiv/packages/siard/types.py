"""Source column types (as SQLAlchemy reflects them) → SQL:2008 types of SIARD 2.2.

SQLAlchemy reflection already turns each dialect's names into generic type classes, so one
mapping serves every source; the dialect-specific name is kept as ``typeOriginal``.

SQLAlchemy type (examples per dialect) → SQL:2008 type in SIARD:

- Boolean (PG boolean, MSSQL BIT, SQLite BOOLEAN) → BOOLEAN
- SmallInteger (PG int2, MySQL SMALLINT/TINYINT, MSSQL SMALLINT/TINYINT) → SMALLINT
- Integer (PG int4, MySQL INT/MEDIUMINT, SQLite INTEGER) → INTEGER
- BigInteger (PG int8, MySQL BIGINT) → BIGINT; MySQL unsigned BIGINT → DECIMAL(20)
- Numeric(p,s) (PG numeric, MySQL DECIMAL, Oracle NUMBER(p,s)) → DECIMAL(p, s) or DECIMAL;
  MSSQL MONEY/SMALLMONEY → DECIMAL(19, 4)
- REAL, Float(p ≤ 24) (PG real, MySQL FLOAT, Oracle BINARY_FLOAT) → REAL
- Double, Float (PG double precision, MySQL DOUBLE, Oracle FLOAT) → DOUBLE PRECISION
- CHAR(n)/NCHAR(n) → CHAR(n)/NCHAR(n); VARCHAR(n) (Oracle VARCHAR2) → VARCHAR(n);
  NVARCHAR(n) (MSSQL, Oracle NVARCHAR2) → NCHAR VARYING(n)
- Text, VARCHAR without length, CLOB, JSON/JSONB, unknown types → CLOB; NCLOB/NTEXT → NCLOB
- PG xml, MSSQL XML → XML
- BINARY(n)/VARBINARY(n) with a length → BINARY(n)/VARBINARY(n)
- LargeBinary (PG bytea, MySQL *BLOB, MSSQL VARBINARY(max), Oracle BLOB/RAW) → BLOB
- Date → DATE; Time → TIME (MySQL TIME arrives as a timedelta and is converted);
  DateTime (MySQL DATETIME, Oracle DATE) → TIMESTAMP, with a zone → TIMESTAMP WITH TIME ZONE
  (values are written in UTC with a Z)
- Interval (PG interval, Oracle INTERVAL DAY TO SECOND) → INTERVAL DAY TO SECOND
- Uuid (PG uuid, MSSQL UNIQUEIDENTIFIER) → CHAR(36); Enum → VARCHAR(longest label)
- ARRAY and other structured types → CLOB (their text form)

SQL Server and Oracle have no server here, so their rows are unit-tested only by type.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.types import TypeEngine

from samarkiv.packages.siard.values import base_type

LOB_SQL = ("CLOB", "NCLOB", "XML", "BLOB")


def type_original(satype: TypeEngine, dialect: sa.Dialect) -> str:
    """The type as the source database names it."""
    try:
        return satype.compile(dialect=dialect)
    except Exception:  # noqa: BLE001 - unknown/unsupported types still get a name
        return type(satype).__name__.upper()


def sql2008(satype: TypeEngine) -> str:
    """The SQL:2008 type for a reflected column type (see the module table)."""
    name = type(satype).__name__.upper()
    if name == "XML":
        return "XML"
    if name in ("MONEY", "SMALLMONEY"):
        return "DECIMAL(19, 4)"
    if isinstance(satype, sa.Boolean):
        return "BOOLEAN"
    if isinstance(satype, sa.Enum):
        longest = max((len(e) for e in satype.enums), default=1)
        return f"VARCHAR({max(longest, 1)})"
    if isinstance(satype, sa.Uuid) or name in ("UUID", "UNIQUEIDENTIFIER"):
        return "CHAR(36)"
    if isinstance(satype, sa.Interval) or name == "INTERVAL":
        return "INTERVAL DAY TO SECOND"
    numeric = _numeric(satype, name)
    if numeric:
        return numeric
    temporal = _temporal(satype)
    if temporal:
        return temporal
    return _text_or_binary(satype, name)


def _numeric(satype: TypeEngine, name: str) -> str | None:
    if isinstance(satype, sa.Integer):
        unsigned = getattr(satype, "unsigned", False)
        if isinstance(satype, sa.BigInteger):
            return "DECIMAL(20)" if unsigned else "BIGINT"
        if isinstance(satype, sa.SmallInteger) or name in ("TINYINT", "SMALLINT"):
            return "INTEGER" if unsigned else "SMALLINT"
        return "BIGINT" if unsigned else "INTEGER"
    if isinstance(satype, sa.Float):
        if isinstance(satype, sa.REAL) or name in ("REAL", "BINARY_FLOAT", "FLOAT4"):
            return "REAL"
        precision = getattr(satype, "precision", None)
        if precision and precision <= 24 and name != "DOUBLE":
            return "REAL"
        return "DOUBLE PRECISION"
    if isinstance(satype, sa.Numeric):
        precision = getattr(satype, "precision", None)
        scale = getattr(satype, "scale", None)
        if name in ("MONEY", "SMALLMONEY"):
            return "DECIMAL(19, 4)"
        if precision:
            return f"DECIMAL({precision}, {scale or 0})"
        return "DECIMAL"
    return None


def _temporal(satype: TypeEngine) -> str | None:
    if isinstance(satype, sa.DateTime):
        return "TIMESTAMP WITH TIME ZONE" if getattr(satype, "timezone", False) else "TIMESTAMP"
    if isinstance(satype, sa.Date):
        return "DATE"
    if isinstance(satype, sa.Time):
        return "TIME WITH TIME ZONE" if getattr(satype, "timezone", False) else "TIME"
    return None


def _text_or_binary(satype: TypeEngine, name: str) -> str:
    length = getattr(satype, "length", None)
    if isinstance(satype, sa.LargeBinary | sa.types._Binary):
        if length and name in ("BINARY", "VARBINARY"):
            return f"{name}({length})"
        return "BLOB"
    if isinstance(satype, sa.String) and not isinstance(satype, sa.Text):
        national = name.startswith("N") or isinstance(satype, sa.Unicode) and name != "VARCHAR"
        if not length:
            return "NCLOB" if national and name != "VARCHAR" else "CLOB"
        if name in ("CHAR", "NCHAR", "CHARACTER"):
            return f"NCHAR({length})" if name == "NCHAR" else f"CHAR({length})"
        return f"NCHAR VARYING({length})" if name.startswith("NVARCHAR") else f"VARCHAR({length})"
    if name in ("NCLOB", "NTEXT"):
        return "NCLOB"
    return "CLOB"


def is_lob(sql_type: str) -> bool:
    return base_type(sql_type) in LOB_SQL


def xsd_type(sql_type: str) -> str:
    """The element type of a column in the generated ``tableN.xsd``."""
    name = base_type(sql_type)
    if name in ("INTEGER", "INT", "SMALLINT", "BIGINT"):
        return "xs:integer"
    if name in ("DECIMAL", "DEC", "NUMERIC"):
        return "xs:decimal"
    if name == "REAL":
        return "xs:float"
    if name in ("DOUBLE PRECISION", "FLOAT"):
        return "xs:double"
    xsd = {
        "BOOLEAN": "xs:boolean",
        "DATE": "dateType",
        "TIME": "timeType",
        "TIME WITH TIME ZONE": "timeType",
        "TIMESTAMP": "dateTimeType",
        "TIMESTAMP WITH TIME ZONE": "dateTimeType",
        "BINARY": "xs:hexBinary",
        "VARBINARY": "xs:hexBinary",
        "BLOB": "blobType",
        "CLOB": "clobType",
        "NCLOB": "clobType",
        "XML": "clobType",
    }
    if name in xsd:
        return xsd[name]
    if name.startswith("INTERVAL"):
        return "xs:duration"
    return "xs:string"
