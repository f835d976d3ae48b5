"""Validating a SIARD 2.1/2.2 file: container, structure, schemas, row counts, LOB digests.

Every problem becomes a finding with a rule id and the entry it concerns, never an
exception: a validator must report all it can about a hostile or broken file.

Rules: SIARD-STRUCTURE (entries the spec requires), SIARD-VERSION, SIARD-META-XSD
(metadata.xml against the vendored official metadata.xsd of its version), SIARD-TABLE-XSD
(each table XML against the archive's own tableN.xsd, validated while streaming),
SIARD-ROWS (rows found ≠ ``rows`` in metadata), SIARD-LOB-PATH / -MISSING / -LENGTH /
-DIGEST (LOB files: length in characters for CLOB/NCLOB/XML, bytes for BLOB; digest over the
file bytes), SIARD-DIGEST (the archive message digest, checked for files samarkiv wrote, whose
convention is known; other producers' digests are reported as not verifiable).
"""

from __future__ import annotations

import functools
import zipfile
from importlib import resources
from pathlib import Path

from lxml import etree

from samarkiv.errors import SamarkivError
from samarkiv.packages.limits import Limits
from samarkiv.packages.report import Finding, Level, PackageReport, Severity
from samarkiv.packages.safexml import XmlProblem, _doctype_line, _parser
from samarkiv.packages.siard.extract import PRODUCER, content_digest
from samarkiv.packages.siard.lobs import lob_cell
from samarkiv.packages.siard.metadata_read import parse_metadata
from samarkiv.packages.siard.model import NS_TABLE, Schema, Table
from samarkiv.packages.siard.reader import (
    METADATA,
    SiardFormatError,
    SiardReader,
    parse_metadata_tree,
    scan_zip,
    siard_limits,
)

MAX_XSD_BYTES = 16 * 2**20
_XS = "{http://www.w3.org/2001/XMLSchema}"
_T = f"{{{NS_TABLE}}}"


def _f(rule: str, message: str, path: str = "", level: Level = Level.MUST) -> Finding:
    return Finding(rule, level, message, path=path)


@functools.cache
def metadata_schema(version: str) -> etree.XMLSchema:
    """The vendored official metadata.xsd for "2.1" or "2.2" (parsed once)."""
    ref = resources.files("samarkiv.packages.schemas") / "siard" / f"siard-{version}-metadata.xsd"
    return etree.XMLSchema(etree.fromstring(ref.read_bytes(), _parser()))


def validate_siard(path: Path | str, *, limits: Limits | None = None) -> PackageReport:
    """Validate one ``.siard`` file; the report is valid when no finding is an error."""
    path = Path(path)
    report = PackageReport(package=str(path), specification="siard")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.findings.append(_f("SIARD-STRUCTURE", f"'{path}' is not a readable zip: {exc}"))
        return report
    with zf:
        report.findings.extend(scan_zip(zf, path, siard_limits(limits)))
        if not report.valid:
            return report  # hostile container: read nothing from it
        reader = _open(zf, path, report)
        if reader is not None:
            report.specification = f"siard-{reader.archive.version}"
            _check_structure(reader, report)
            for schema in reader.archive.schemas:
                for table in schema.tables:
                    _check_table(reader, schema, table, report)
            _check_digest(reader, report)
    return report


def _open(zf: zipfile.ZipFile, path: Path, report: PackageReport) -> SiardReader | None:
    """Parse and schema-check metadata.xml; None when the archive cannot be read further."""
    try:
        tree = parse_metadata_tree(zf, path)
    except SiardFormatError as exc:
        report.findings.append(_f(exc.rule_id or "SIARD-STRUCTURE", exc.message, METADATA))
        return None
    root = tree.getroot()
    version = root.get("version", "")
    if version not in ("2.1", "2.2"):
        message = f"{METADATA}: siardArchive/@version is {version!r}; only 2.1 and 2.2 are known"
        report.findings.append(_f("SIARD-VERSION", message, METADATA))
        return None
    schema = metadata_schema(version)
    if not schema.validate(tree):
        for error in list(schema.error_log)[:50]:
            message = f"{METADATA} line {error.line}: {error.message}"
            report.findings.append(
                Finding("SIARD-META-XSD", Level.MUST, message, METADATA, error.line)
            )
    try:
        archive = parse_metadata(root)
    except (ValueError, TypeError) as exc:
        report.findings.append(_f("SIARD-META-XSD", f"{METADATA}: {exc}", METADATA))
        return None
    return SiardReader(path, archive, zf)


def _check_structure(reader: SiardReader, report: PackageReport) -> None:
    names = reader.names
    version = reader.archive.version
    prefixes = {n.rstrip("/") for n in names} | {
        "/".join(n.split("/")[:i]) for n in names for i in range(1, n.count("/") + 1)
    }
    if f"header/siardversion/{version}" not in prefixes:
        level = Level.SHOULD if f"header/version/{version}" in prefixes else Level.MUST
        message = f"the empty folder header/siardversion/{version}/ is missing"
        report.findings.append(_f("SIARD-STRUCTURE", message, "header/", level))
    for name in sorted(names):
        if not name.startswith(("header/", "content/")):
            message = f"entry '{name}' is outside header/ and content/"
            report.findings.append(_f("SIARD-STRUCTURE", message, name, Level.SHOULD))
    for schema in reader.archive.schemas:
        for table in schema.tables:
            base = f"content/{schema.folder}/{table.folder}/{table.folder}"
            for suffix in (".xml", ".xsd"):
                if base + suffix not in names:
                    message = f"table '{schema.name}.{table.name}': {base}{suffix} is missing"
                    report.findings.append(_f("SIARD-STRUCTURE", message, base + suffix))


def _table_schema(reader: SiardReader, name: str, report: PackageReport) -> etree.XMLSchema | None:
    """The archive's own tableN.xsd, refusing DOCTYPEs and imports (no file or URL fetches)."""
    try:
        info = reader.zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XSD_BYTES:
        report.findings.append(_f("SIARD-TABLE-XSD", f"'{name}' is too large for a schema", name))
        return None
    data = reader.zf.read(info)
    try:
        if _doctype_line(data) is not None:
            raise XmlProblem("XML-DOCTYPE", f"'{name}' has a DOCTYPE declaration; refused")
        root = etree.fromstring(data, _parser())
        if next(root.iter(_XS + "import", _XS + "include", _XS + "redefine"), None) is not None:
            raise XmlProblem("SIARD-TABLE-XSD", f"'{name}' imports other schemas; refused")
        return etree.XMLSchema(root)
    except XmlProblem as exc:
        report.findings.append(_f(exc.rule_id, exc.message, name))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        report.findings.append(
            _f("SIARD-TABLE-XSD", f"'{name}' is not a usable XML schema: {exc}", name)
        )
    return None


def _check_table(reader: SiardReader, schema: Schema, table: Table, report: PackageReport) -> None:
    """Stream one table XML: schema-valid, row count, every LOB file."""
    base = f"content/{schema.folder}/{table.folder}/{table.folder}"
    xml_name = base + ".xml"
    if xml_name not in reader.names:
        return
    xsd = _table_schema(reader, base + ".xsd", report)
    rows = 0
    with reader.zf.open(xml_name) as raw:
        if _doctype_line(raw.peek(65536)[:65536]) is not None:
            report.findings.append(
                _f("XML-DOCTYPE", f"'{xml_name}' has a DOCTYPE; refused", xml_name)
            )
            return
        context = etree.iterparse(
            raw,
            events=("end",),
            tag=_T + "row",
            schema=xsd,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
        )
        try:
            for _event, elem in context:
                rows += 1
                _check_lobs(reader, table, elem, xml_name, report)
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
        except etree.XMLSyntaxError as exc:
            rule = (
                "SIARD-TABLE-XSD"
                if xsd is not None and "valid" in str(exc).lower()
                else "XML-WELLFORMED"
            )
            report.findings.append(
                Finding(rule, Level.MUST, f"'{xml_name}': {exc.msg}", xml_name, exc.lineno)
            )
            return
    if rows != table.rows:
        message = (
            f"table '{schema.name}.{table.name}': metadata.xml says {table.rows} rows, "
            f"{xml_name} has {rows}"
        )
        report.findings.append(_f("SIARD-ROWS", message, xml_name))


def _check_lobs(
    reader: SiardReader, table: Table, row: etree._Element, xml_name: str, report: PackageReport
) -> None:
    for cell in row.iter():
        if cell.get("file") is None:
            continue
        top = cell
        while top.getparent() is not row:
            top = top.getparent()
        try:
            column = table.columns[int(etree.QName(top).localname[1:]) - 1]
            ref = lob_cell(reader, column, cell)
        except (ValueError, IndexError):
            continue
        except SamarkivError as exc:
            report.findings.append(
                _f(exc.rule_id or "SIARD-LOB-PATH", f"{xml_name}: {exc.message}", xml_name)
            )
            continue
        try:
            length, digest = ref.measure()
        except (KeyError, FileNotFoundError):
            message = f"{xml_name}: LOB file '{ref.location}' (column {column.name}) is missing"
            report.findings.append(_f("SIARD-LOB-MISSING", message, ref.location))
            continue
        if ref.length is not None and length != ref.length:
            unit = "bytes" if ref.binary else "characters"
            message = f"LOB '{ref.location}': length is {length} {unit}, the cell says {ref.length}"
            report.findings.append(_f("SIARD-LOB-LENGTH", message, ref.location))
        if ref.digest and digest is not None and digest != ref.digest.upper():
            message = (
                f"LOB '{ref.location}': {ref.digest_type} is {digest}, the cell says {ref.digest}"
            )
            report.findings.append(_f("SIARD-LOB-DIGEST", message, ref.location))


def _check_digest(reader: SiardReader, report: PackageReport) -> None:
    archive = reader.archive
    ours = (archive.producer_application or "").startswith(PRODUCER.split(" (")[0])
    for md in archive.message_digests:
        if ours and md.digest_type == "SHA-256":
            actual = content_digest(reader.zf)
            if actual != md.digest.upper():
                message = f"message digest of content/ is {actual}, metadata.xml says {md.digest}"
                report.findings.append(_f("SIARD-DIGEST", message, METADATA))
        else:
            message = f"message digest ({md.digest_type}) of another producer not verified"
            report.findings.append(
                Finding("SIARD-DIGEST", Level.MAY, message, METADATA, severity=Severity.INFO)
            )
