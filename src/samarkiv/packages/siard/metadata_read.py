"""``header/metadata.xml`` (SIARD 2.1 and 2.2) → :class:`SiardArchive`.

2.1 and 2.2 share one namespace and almost all elements; 2.2 only adds optional ones
(``databaseProduct``, ``mimeType``, DATALINK details), so one tolerant parser serves both.
"""

from __future__ import annotations

from lxml import etree

from samarkiv.packages.siard.model import (
    NS_METADATA,
    CheckConstraint,
    Column,
    Field,
    ForeignKey,
    MessageDigest,
    Privilege,
    Role,
    Routine,
    Schema,
    SiardArchive,
    Table,
    UniqueKey,
    User,
    View,
)
from samarkiv.packages.siard.values import unescape_text

_N = f"{{{NS_METADATA}}}"


def _kids(elem: etree._Element | None, *path: str) -> list[etree._Element]:
    """Children along a path of local names (``_kids(e, "tables", "table")``)."""
    if elem is None:
        return []
    level = [elem]
    for name in path:
        level = [c for p in level for c in p.iterchildren(_N + name)]
    return level


def _text(elem: etree._Element | None, name: str) -> str | None:
    if elem is None:
        return None
    child = elem.find(_N + name)
    if child is None or child.text is None:
        return None
    text = child.text if name in ("query", "body") else child.text.strip()
    return unescape_text(text)


def _req(elem: etree._Element, name: str) -> str:
    return _text(elem, name) or ""


def parse_metadata(root: etree._Element) -> SiardArchive:
    """Build the model from a parsed ``siardArchive`` root element."""
    archive = SiardArchive(
        version=root.get("version", ""),
        db_name=_req(root, "dbname"),
        description=_text(root, "description"),
        archiver=_text(root, "archiver"),
        archiver_contact=_text(root, "archiverContact"),
        producer_application=_text(root, "producerApplication"),
        data_owner=_req(root, "dataOwner"),
        data_origin_timespan=_req(root, "dataOriginTimespan"),
        archival_date=_text(root, "archivalDate"),
        lob_folder=_text(root, "lobFolder"),
        client_machine=_text(root, "clientMachine"),
        database_product=_text(root, "databaseProduct"),
        connection=_text(root, "connection"),
        database_user=_text(root, "databaseUser"),
    )
    archive.message_digests = [
        MessageDigest(_req(m, "digestType"), _req(m, "digest"))
        for m in _kids(root, "messageDigest")
    ]
    archive.schemas = [_schema(s) for s in _kids(root, "schemas", "schema")]
    archive.users = [
        User(_req(u, "name"), _text(u, "description")) for u in _kids(root, "users", "user")
    ]
    archive.roles = [
        Role(_req(r, "name"), _req(r, "admin"), _text(r, "description"))
        for r in _kids(root, "roles", "role")
    ]
    archive.privileges = [_privilege(p) for p in _kids(root, "privileges", "privilege")]
    return archive


def _privilege(elem: etree._Element) -> Privilege:
    return Privilege(
        type=_req(elem, "type"),
        object=_text(elem, "object"),
        grantor=_req(elem, "grantor"),
        grantee=_req(elem, "grantee"),
        option=_text(elem, "option"),
        description=_text(elem, "description"),
    )


def _schema(elem: etree._Element) -> Schema:
    return Schema(
        name=_req(elem, "name"),
        folder=_req(elem, "folder"),
        description=_text(elem, "description"),
        tables=[_table(t) for t in _kids(elem, "tables", "table")],
        views=[_view(v) for v in _kids(elem, "views", "view")],
        routines=[_routine(r) for r in _kids(elem, "routines", "routine")],
    )


def _routine(elem: etree._Element) -> Routine:
    return Routine(
        name=_req(elem, "name"),
        specific_name=_text(elem, "specificName"),
        description=_text(elem, "description"),
        source=_text(elem, "source"),
        body=_text(elem, "body"),
        characteristic=_text(elem, "characteristic"),
        return_type=_text(elem, "returnType"),
    )


def _view(elem: etree._Element) -> View:
    return View(
        name=_req(elem, "name"),
        query=_text(elem, "query"),
        query_original=_text(elem, "queryOriginal"),
        description=_text(elem, "description"),
        columns=[_column(c) for c in _kids(elem, "columns", "column")],
    )


def _table(elem: etree._Element) -> Table:
    pk = elem.find(_N + "primaryKey")
    rows = _text(elem, "rows")
    return Table(
        name=_req(elem, "name"),
        folder=_req(elem, "folder"),
        description=_text(elem, "description"),
        columns=[_column(c) for c in _kids(elem, "columns", "column")],
        primary_key=_key(pk) if pk is not None else None,
        foreign_keys=[_foreign_key(f) for f in _kids(elem, "foreignKeys", "foreignKey")],
        candidate_keys=[_key(k) for k in _kids(elem, "candidateKeys", "candidateKey")],
        check_constraints=[
            CheckConstraint(_req(c, "name"), _req(c, "condition"))
            for c in _kids(elem, "checkConstraints", "checkConstraint")
        ],
        rows=int(rows) if rows and rows.isdigit() else 0,
    )


def _key(elem: etree._Element) -> UniqueKey:
    return UniqueKey(_text(elem, "name"), [(c.text or "").strip() for c in _kids(elem, "column")])


def _foreign_key(elem: etree._Element) -> ForeignKey:
    refs = _kids(elem, "reference")
    return ForeignKey(
        name=_req(elem, "name"),
        columns=[_req(r, "column") for r in refs],
        referenced_schema=_req(elem, "referencedSchema"),
        referenced_table=_req(elem, "referencedTable"),
        referenced_columns=[_req(r, "referenced") for r in refs],
        delete_action=_text(elem, "deleteAction"),
        update_action=_text(elem, "updateAction"),
    )


def _column(elem: etree._Element) -> Column:
    nullable = _text(elem, "nullable")
    cardinality = _text(elem, "cardinality")
    return Column(
        name=_req(elem, "name"),
        type=_text(elem, "type"),
        type_original=_text(elem, "typeOriginal"),
        nullable=nullable is None or nullable.lower() == "true",
        description=_text(elem, "description"),
        lob_folder=_text(elem, "lobFolder"),
        mime_type=_text(elem, "mimeType"),
        default_value=_text(elem, "defaultValue"),
        type_schema=_text(elem, "typeSchema"),
        type_name=_text(elem, "typeName"),
        cardinality=int(cardinality) if cardinality and cardinality.isdigit() else None,
        fields=[_field(f) for f in _kids(elem, "fields", "field")],
    )


def _field(elem: etree._Element) -> Field:
    return Field(
        name=_req(elem, "name"),
        lob_folder=_text(elem, "lobFolder"),
        mime_type=_text(elem, "mimeType"),
        description=_text(elem, "description"),
        fields=[_field(f) for f in _kids(elem, "fields", "field")],
    )
