"""Writing ``header/metadata.xml`` and the per-table XML schemas of SIARD 2.2.

The table schemas are generated per table, as the spec requires (there is no official
``tableN.xsd``): one element ``cN`` per column, optional when the column is nullable, typed
by :func:`types.xsd_type`. The common simple and complex types (``clobType``, ``blobType``,
UTC ``dateType``/``timeType``/``dateTimeType``) follow the SIARD 2.2 ``table.xsd``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree

from samarkiv.packages.siard.model import NS_METADATA, NS_TABLE, Column, SiardArchive, Table
from samarkiv.packages.siard.types import xsd_type
from samarkiv.packages.siard.values import escape_text

_XSD_HEAD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="{NS_TABLE}"
  targetNamespace="{NS_TABLE}" elementFormDefault="qualified"
  attributeFormDefault="unqualified" version="2.2">
  <xs:element name="table">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="row" type="recordType" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="version" type="versionType" use="required"/>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="recordType">
    <xs:sequence>
"""

_XSD_TAIL = """    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="clobType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="file" type="xs:anyURI"/>
        <xs:attribute name="length" type="xs:integer"/>
        <xs:attribute name="digestType" type="digestTypeType"/>
        <xs:attribute name="digest" type="xs:string"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:complexType name="blobType">
    <xs:simpleContent>
      <xs:extension base="xs:hexBinary">
        <xs:attribute name="file" type="xs:anyURI"/>
        <xs:attribute name="length" type="xs:integer"/>
        <xs:attribute name="digestType" type="digestTypeType"/>
        <xs:attribute name="digest" type="xs:string"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:simpleType name="digestTypeType">
    <xs:restriction base="xs:string">
      <xs:whiteSpace value="collapse"/>
      <xs:enumeration value="MD5"/>
      <xs:enumeration value="SHA-1"/>
      <xs:enumeration value="SHA-256"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="dateType">
    <xs:restriction base="xs:date">
      <xs:minInclusive value="0001-01-01Z"/>
      <xs:maxExclusive value="10000-01-01Z"/>
      <xs:pattern value="\\d{4}-\\d{2}-\\d{2}Z?"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="timeType">
    <xs:restriction base="xs:time">
      <xs:pattern value="\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z?"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="dateTimeType">
    <xs:restriction base="xs:dateTime">
      <xs:minInclusive value="0001-01-01T00:00:00.000000000Z"/>
      <xs:maxExclusive value="10000-01-01T00:00:00.000000000Z"/>
      <xs:pattern value="\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z?"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="versionType">
    <xs:restriction base="xs:string">
      <xs:whiteSpace value="collapse"/>
      <xs:enumeration value="2.2"/>
    </xs:restriction>
  </xs:simpleType>
</xs:schema>
"""


def table_xsd(columns: list[Column]) -> bytes:
    """The ``tableN.xsd`` of one table."""
    lines = []
    for index, col in enumerate(columns, start=1):
        optional = ' minOccurs="0"' if col.nullable else ""
        lines.append(
            f'      <xs:element name="c{index}" type="{xsd_type(col.type or "")}"{optional}/>'
        )
    return (_XSD_HEAD + "\n".join(lines) + "\n" + _XSD_TAIL).encode("utf-8")


def generic_table_xsd() -> bytes:
    """``header/table.xsd``: the common part, rows with any cells."""
    any_cell = '      <xs:any minOccurs="0" maxOccurs="unbounded" processContents="lax"/>\n'
    return (_XSD_HEAD + any_cell + _XSD_TAIL).encode("utf-8")


def table_xml_head(xsd_name: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<table xmlns="{NS_TABLE}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{NS_TABLE} {xsd_name}" version="2.2">\n'
    ).encode()


def xml_text(text: str) -> str:
    """Element content: SIARD escaping first, then XML's & < >."""
    return escape(escape_text(text))


# --- metadata.xml ---------------------------------------------------------------------------

_M = f"{{{NS_METADATA}}}"


def _add(parent: etree._Element, name: str, text: object | None) -> etree._Element | None:
    if text is None:
        return None
    elem = etree.SubElement(parent, _M + name)
    elem.text = escape_text(str(text))
    return elem


def metadata_xml(archive: SiardArchive) -> bytes:
    """Serialise the model as a SIARD 2.2 ``metadata.xml`` (element order per the XSD)."""
    root = etree.Element(_M + "siardArchive", nsmap={None: NS_METADATA}, version="2.2")
    for name, value in (
        ("dbname", archive.db_name or "(okänd)"),
        ("description", archive.description),
        ("archiver", archive.archiver),
        ("archiverContact", archive.archiver_contact),
        ("dataOwner", archive.data_owner or "(okänd)"),
        ("dataOriginTimespan", archive.data_origin_timespan or "(okänd)"),
        ("lobFolder", archive.lob_folder),
        ("producerApplication", archive.producer_application),
        ("archivalDate", archive.archival_date),
    ):
        _add(root, name, value)
    for digest in archive.message_digests:
        elem = etree.SubElement(root, _M + "messageDigest")
        _add(elem, "digestType", digest.digest_type)
        _add(elem, "digest", digest.digest)
    for name, value in (
        ("clientMachine", archive.client_machine),
        ("databaseProduct", archive.database_product),
        ("connection", archive.connection),
        ("databaseUser", archive.database_user),
    ):
        _add(root, name, value)
    schemas = etree.SubElement(root, _M + "schemas")
    for schema in archive.schemas:
        elem = etree.SubElement(schemas, _M + "schema")
        _add(elem, "name", schema.name)
        _add(elem, "folder", schema.folder)
        _add(elem, "description", schema.description)
        if schema.tables:
            tables = etree.SubElement(elem, _M + "tables")
            for table in schema.tables:
                _table(tables, table)
        if schema.views:
            views = etree.SubElement(elem, _M + "views")
            for view in schema.views:
                velem = etree.SubElement(views, _M + "view")
                _add(velem, "name", view.name)
                _add(velem, "query", view.query)
                _add(velem, "queryOriginal", view.query_original)
                _add(velem, "description", view.description)
                _columns(velem, view.columns)
    _users_roles(root, archive)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _users_roles(root: etree._Element, archive: SiardArchive) -> None:
    users = etree.SubElement(root, _M + "users")
    for user in archive.users:
        elem = etree.SubElement(users, _M + "user")
        _add(elem, "name", user.name)
        _add(elem, "description", user.description)
    if archive.roles:
        roles = etree.SubElement(root, _M + "roles")
        for role in archive.roles:
            elem = etree.SubElement(roles, _M + "role")
            _add(elem, "name", role.name)
            _add(elem, "admin", role.admin)
            _add(elem, "description", role.description)
    if archive.privileges:
        privs = etree.SubElement(root, _M + "privileges")
        for priv in archive.privileges:
            elem = etree.SubElement(privs, _M + "privilege")
            for name, value in (
                ("type", priv.type),
                ("object", priv.object),
                ("grantor", priv.grantor),
                ("grantee", priv.grantee),
                ("option", priv.option),
                ("description", priv.description),
            ):
                _add(elem, name, value)


def _columns(parent: etree._Element, columns: list[Column]) -> None:
    cols = etree.SubElement(parent, _M + "columns")
    for col in columns:
        elem = etree.SubElement(cols, _M + "column")
        _add(elem, "name", col.name)
        _add(elem, "lobFolder", col.lob_folder)
        _add(elem, "type", col.type or "CLOB")
        _add(elem, "mimeType", col.mime_type)
        _add(elem, "typeOriginal", col.type_original)
        _add(elem, "nullable", "true" if col.nullable else "false")
        _add(elem, "defaultValue", col.default_value)
        _add(elem, "description", col.description)


def _table(parent: etree._Element, table: Table) -> None:
    elem = etree.SubElement(parent, _M + "table")
    _add(elem, "name", table.name)
    _add(elem, "folder", table.folder)
    _add(elem, "description", table.description)
    _columns(elem, table.columns)
    if table.primary_key and table.primary_key.columns:
        pk = etree.SubElement(elem, _M + "primaryKey")
        _add(pk, "name", table.primary_key.name or f"pk_{table.name}")
        for col in table.primary_key.columns:
            _add(pk, "column", col)
    if table.foreign_keys:
        fks = etree.SubElement(elem, _M + "foreignKeys")
        for fk in table.foreign_keys:
            fel = etree.SubElement(fks, _M + "foreignKey")
            _add(fel, "name", fk.name)
            _add(fel, "referencedSchema", fk.referenced_schema)
            _add(fel, "referencedTable", fk.referenced_table)
            for col, ref in zip(fk.columns, fk.referenced_columns, strict=False):
                rel = etree.SubElement(fel, _M + "reference")
                _add(rel, "column", col)
                _add(rel, "referenced", ref)
            _add(fel, "deleteAction", fk.delete_action)
            _add(fel, "updateAction", fk.update_action)
    if table.candidate_keys:
        keys = etree.SubElement(elem, _M + "candidateKeys")
        for key in table.candidate_keys:
            kel = etree.SubElement(keys, _M + "candidateKey")
            _add(kel, "name", key.name or f"uk_{table.name}")
            for col in key.columns:
                _add(kel, "column", col)
    if table.check_constraints:
        checks = etree.SubElement(elem, _M + "checkConstraints")
        for check in table.check_constraints:
            cel = etree.SubElement(checks, _M + "checkConstraint")
            _add(cel, "name", check.name)
            _add(cel, "condition", check.condition)
    _add(elem, "rows", table.rows)
