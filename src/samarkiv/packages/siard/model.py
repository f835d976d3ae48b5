"""The metadata of a SIARD archive as plain dataclasses.

One model for both directions: the extractor fills it from a live database and writes it as
``header/metadata.xml``; the reader parses ``metadata.xml`` (2.1 or 2.2) into it. Browsing,
access copies and the decommissioning workflow only ever see these classes, never XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NS_METADATA = "http://www.bar.admin.ch/xmlns/siard/2/metadata.xsd"
NS_TABLE = "http://www.bar.admin.ch/xmlns/siard/2/table.xsd"

# SQL:2008 types whose values may live in separate LOB files.
LOB_TYPES = ("BLOB", "CLOB", "NCLOB", "XML", "BINARY LARGE OBJECT", "CHARACTER LARGE OBJECT")


@dataclass
class Field:
    """A sub-field of a UDT or array column (its own lobFolder/mime type)."""

    name: str
    lob_folder: str | None = None
    mime_type: str | None = None
    description: str | None = None
    fields: list[Field] = field(default_factory=list)


@dataclass
class Column:
    """One column; ``type`` is the SQL:2008 type, ``type_original`` the source's own name."""

    name: str
    type: str | None
    type_original: str | None = None
    nullable: bool = True
    description: str | None = None
    lob_folder: str | None = None
    mime_type: str | None = None
    default_value: str | None = None
    type_schema: str | None = None  # UDT columns: typeSchema/typeName instead of type
    type_name: str | None = None
    cardinality: int | None = None  # arrays
    fields: list[Field] = field(default_factory=list)

    @property
    def base_type(self) -> str:
        """The type without length/precision, upper case (``VARCHAR(50)`` → ``VARCHAR``)."""
        return (self.type or "").split("(")[0].strip().upper()

    @property
    def is_lob(self) -> bool:
        return self.base_type in LOB_TYPES

    @property
    def is_binary(self) -> bool:
        return self.base_type in ("BLOB", "BINARY LARGE OBJECT", "BINARY", "VARBINARY")


@dataclass
class ForeignKey:
    name: str
    columns: list[str]
    referenced_schema: str
    referenced_table: str
    referenced_columns: list[str]
    delete_action: str | None = None
    update_action: str | None = None


@dataclass
class UniqueKey:
    """A primary or candidate key."""

    name: str | None
    columns: list[str]


@dataclass
class CheckConstraint:
    name: str
    condition: str


@dataclass
class Table:
    name: str
    folder: str
    description: str | None = None
    columns: list[Column] = field(default_factory=list)
    primary_key: UniqueKey | None = None
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    candidate_keys: list[UniqueKey] = field(default_factory=list)
    check_constraints: list[CheckConstraint] = field(default_factory=list)
    rows: int = 0

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass
class View:
    name: str
    query: str | None = None
    columns: list[Column] = field(default_factory=list)
    description: str | None = None
    query_original: str | None = None


@dataclass
class Routine:
    name: str
    specific_name: str | None = None
    description: str | None = None
    source: str | None = None
    body: str | None = None
    characteristic: str | None = None
    return_type: str | None = None


@dataclass
class Schema:
    name: str
    folder: str
    description: str | None = None
    tables: list[Table] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    routines: list[Routine] = field(default_factory=list)

    def table(self, name: str) -> Table:
        for tab in self.tables:
            if tab.name == name:
                return tab
        raise KeyError(name)


@dataclass
class User:
    name: str
    description: str | None = None


@dataclass
class Role:
    name: str
    admin: str
    description: str | None = None


@dataclass
class Privilege:
    type: str
    object: str | None
    grantor: str
    grantee: str
    option: str | None = None
    description: str | None = None


@dataclass
class MessageDigest:
    digest_type: str  # MD5 | SHA-1 | SHA-256
    digest: str


@dataclass
class SiardArchive:
    """``header/metadata.xml`` as a whole."""

    version: str = "2.2"
    db_name: str = ""
    description: str | None = None
    archiver: str | None = None
    archiver_contact: str | None = None
    producer_application: str | None = None
    data_owner: str = ""
    data_origin_timespan: str = ""
    archival_date: str | None = None
    lob_folder: str | None = None
    message_digests: list[MessageDigest] = field(default_factory=list)
    client_machine: str | None = None
    database_product: str | None = None
    connection: str | None = None
    database_user: str | None = None
    schemas: list[Schema] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    privileges: list[Privilege] = field(default_factory=list)

    def schema(self, name: str) -> Schema:
        for sch in self.schemas:
            if sch.name == name:
                return sch
        raise KeyError(name)

    def table(self, schema_name: str, table_name: str) -> Table:
        return self.schema(schema_name).table(table_name)

    @property
    def total_rows(self) -> int:
        return sum(t.rows for s in self.schemas for t in s.tables)
