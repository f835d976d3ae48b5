"""Reading a SIARD 2.1/2.2 file straight from its zip, streaming, without trusting it.

Why not unpack it first (``container.open_package``): a SIARD of a decommissioned system can
be hundreds of GB, and browsing or loading needs one table at a time. So the zip is checked
entry by entry with the same rules as every package (path traversal, links, names, declared
sizes against the bomb limits) before anything is read, and members are then streamed:
metadata.xml through ``safexml`` (no DOCTYPE, no entities), table XML through lxml
``iterparse`` with each ``row`` freed after use, so memory stays flat whatever the size.
Python's zip reader never returns more bytes than a member declares, so the declared sizes
checked up front bound what is decompressed.

Values per SQL:2008 type: None for NULL (a missing cell), int, Decimal, float, bool, str,
bytes, date, time, datetime (naive; zoned sources were written in UTC), timedelta for
day-time INTERVALs (other intervals and DATALINKs stay text), a list for arrays and a dict
for UDTs. LOB files larger than ``lob_inline_max`` come back as :class:`LobRef`.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from lxml import etree

from samarkiv.errors import SamarkivError, UnreadableInputError, UnsafePackageError
from samarkiv.packages.entries import _archive_entry, _PathChecker
from samarkiv.packages.limits import RULE_BOMB, TINY_ARCHIVE_BYTES, Limits
from samarkiv.packages.report import Finding, Level
from samarkiv.packages.safexml import XmlProblem, _doctype_line, parse_untrusted
from samarkiv.packages.siard.lobs import LobRef, lob_cell
from samarkiv.packages.siard.metadata_read import parse_metadata
from samarkiv.packages.siard.model import NS_METADATA, NS_TABLE, Column, SiardArchive, Table
from samarkiv.packages.siard.values import converter

METADATA = "header/metadata.xml"
MAX_METADATA_BYTES = 256 * 2**20
DEFAULT_LOB_INLINE_MAX = 16 * 2**20  # larger LOB files come back as LobRef
_T = f"{{{NS_TABLE}}}"

__all__ = ["LobRef", "SiardFormatError", "SiardReader", "open_siard"]


class SiardFormatError(SamarkivError):
    """The file is a zip but not a readable SIARD archive (rule id says why)."""

    code = "siard_format"
    http_status = 422


@dataclass(eq=False)
class SiardReader:
    """An open SIARD file. Use as a context manager; ``close()`` releases the zip."""

    path: Path
    archive: SiardArchive
    zf: zipfile.ZipFile
    findings: list[Finding] = field(default_factory=list)  # warnings from the safety scan
    lob_inline_max: int = DEFAULT_LOB_INLINE_MAX

    def __enter__(self) -> SiardReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.zf.close()

    @property
    def names(self) -> set[str]:
        return {info.filename for info in self.zf.infolist()}

    def table_path(self, schema_name: str, table_name: str) -> str:
        """``content/schemaN/tableM/tableM.xml`` of a table (folders from metadata)."""
        schema = self.archive.schema(schema_name)
        table = schema.table(table_name)
        return f"content/{schema.folder}/{table.folder}/{table.folder}.xml"

    def open_member(self, name: str) -> IO[bytes]:
        """A streamed member; KeyError if the archive has no such entry."""
        return self.zf.open(name)

    def iter_rows(self, schema_name: str, table_name: str) -> Iterator[list]:
        """Yield each row as a list of Python values in column order (None = NULL)."""
        table = self.archive.table(schema_name, table_name)
        for elem in self.iter_row_elements(schema_name, table_name):
            yield self._row_values(table, elem)

    def iter_row_elements(self, schema_name: str, table_name: str) -> Iterator[etree._Element]:
        """The raw ``row`` elements, each freed once the caller moves on (for validators)."""
        name = self.table_path(schema_name, table_name)
        try:
            raw = self.open_member(name)
        except KeyError:
            raise SiardFormatError(
                f"'{self.path}' has no {name} for table '{schema_name}.{table_name}'",
                rule_id="SIARD-STRUCTURE",
                path=name,
            ) from None
        with raw:
            yield from _iter_rows_xml(raw, name)

    def _row_values(self, table: Table, elem: etree._Element) -> list:
        values: list = [None] * len(table.columns)
        for cell in elem:
            tag = cell.tag
            if not isinstance(tag, str) or not tag.startswith(_T + "c"):
                continue
            try:
                index = int(tag[len(_T) + 1 :]) - 1
            except ValueError:
                continue
            if 0 <= index < len(values):
                values[index] = self._cell(table, table.columns[index], cell)
        return values

    def _cell(self, table: Table, column: Column, cell: etree._Element) -> object:
        if cell.get("file") is not None:
            ref = lob_cell(self, column, cell)
            if ref.size is not None and ref.size > self.lob_inline_max:
                return ref
            return ref.read()
        if len(cell):  # UDT (u1…) or array (a1…) sub-elements
            return self._structured(table, column, cell)
        text = cell.text or ""
        try:
            return converter(column.type)(text)
        except (ValueError, ArithmeticError) as exc:
            raise SiardFormatError(
                f"table '{table.name}' column '{column.name}': value {text[:40]!r} is not a "
                f"valid {column.type}: {exc}",
                rule_id="SIARD-TABLE-VALUE",
                path=str(self.path),
            ) from None

    def _structured(self, table: Table, column: Column, cell: etree._Element) -> object:
        """Array (a1…) → list typed by the column; UDT (u1…) → dict of text/LOB values."""
        items: dict[str, object] = {}
        for sub in cell:
            key = etree.QName(sub).localname
            if len(sub):
                items[key] = self._structured(table, column, sub)
            elif sub.get("file") is not None or column.cardinality:
                items[key] = self._cell(table, column, sub)
            else:
                items[key] = sub.text
        if items and all(k.startswith("a") for k in items):
            return list(items.values())
        return items


def _iter_rows_xml(raw: IO[bytes], name: str) -> Iterator[etree._Element]:
    """Stream ``row`` elements of a table XML, refusing DOCTYPEs, freeing each row."""
    head = raw.peek(65536)[:65536] if hasattr(raw, "peek") else b""
    if _doctype_line(head) is not None:
        raise SiardFormatError(
            f"'{name}' has a DOCTYPE declaration; not allowed (XXE / entity expansion)",
            rule_id="XML-DOCTYPE",
            path=name,
        )
    context = etree.iterparse(
        raw,
        events=("end",),
        tag=_T + "row",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )
    try:
        for _event, elem in context:
            yield elem
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise SiardFormatError(
            f"'{name}' is not well-formed XML: {exc.msg}", rule_id="XML-WELLFORMED", path=name
        ) from None
    finally:
        del context


def open_siard(
    path: Path | str,
    *,
    limits: Limits | None = None,
    lob_inline_max: int = DEFAULT_LOB_INLINE_MAX,
) -> SiardReader:
    """Open and check a ``.siard``; raise UnsafePackageError / SiardFormatError if refused."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise UnreadableInputError(f"'{path}' does not exist", path=str(path)) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableInputError(
            f"'{path}' is not a readable zip (a SIARD file is a zip): {exc}", path=str(path)
        ) from None
    try:
        findings = scan_zip(zf, path, siard_limits(limits))
        errors = [f for f in findings if f.level is Level.MUST]
        if errors:
            first = errors[0]
            raise UnsafePackageError(
                f"'{path}': {first.message}", rule_id=first.rule_id, path=first.path
            )
        archive = read_metadata(zf, path)
    except BaseException:
        zf.close()
        raise
    return SiardReader(path, archive, zf, findings, lob_inline_max)


def siard_limits(limits: Limits | None) -> Limits:
    """The package limits, with a compression ratio of 1000: table XML of repetitive data
    compresses far beyond the 200:1 of ordinary packages (SiardCmd's own sample: 207:1), and
    deflate cannot exceed about 1032:1. Nothing is extracted to disk and the zip reader never
    returns more than an entry declares, so the declared total is the binding limit."""
    base = limits or Limits.from_env()
    return replace(base, max_ratio=max(base.max_ratio, 1000.0))


def scan_zip(zf: zipfile.ZipFile, path: Path, limits: Limits) -> list[Finding]:
    """Check every entry name and the declared sizes; findings, nothing raised."""
    findings: list[Finding] = []
    checker = _PathChecker("zip", limits, findings)
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        message = f"zip has {len(infos)} entries, over the limit of {limits.max_entries}"
        return [Finding(RULE_BOMB, Level.MUST, message, path=str(path))]
    total = 0
    for info in infos:
        kind = "symlink" if (info.external_attr >> 16) & 0o170000 == 0o120000 else "file"
        entry = _archive_entry(info.orig_filename.encode("utf-8", "surrogateescape"), kind, 0, info)
        checker.accept(entry)
        total += info.file_size
        if info.flag_bits & 0x1:
            message = f"entry '{info.filename}' is encrypted; SIARD forbids encryption"
            findings.append(Finding("SIARD-STRUCTURE", Level.MUST, message, path=info.filename))
    compressed = max(os.path.getsize(path), 1)
    if total > limits.max_total_bytes or (
        total > TINY_ARCHIVE_BYTES and total / compressed > limits.max_ratio
    ):
        message = (
            f"zip declares {total} uncompressed bytes from {compressed} bytes "
            f"(limits: {limits.max_total_bytes} bytes, ratio {limits.max_ratio}); zip bomb?"
        )
        findings.append(Finding(RULE_BOMB, Level.MUST, message, path=str(path)))
    return findings


def read_metadata(zf: zipfile.ZipFile, path: Path) -> SiardArchive:
    """Parse header/metadata.xml via safexml (copied to a private temp file first)."""
    tree = parse_metadata_tree(zf, path)
    root = tree.getroot()
    if root.tag != f"{{{NS_METADATA}}}siardArchive":
        raise SiardFormatError(
            f"'{path}': {METADATA} has root {root.tag}, not siardArchive in {NS_METADATA}",
            rule_id="SIARD-META-XSD",
            path=METADATA,
        )
    return parse_metadata(root)


def parse_metadata_tree(zf: zipfile.ZipFile, path: Path) -> etree._ElementTree:
    """The metadata.xml tree; SiardFormatError with the safexml rule id if refused."""
    try:
        info = zf.getinfo(METADATA)
    except KeyError:
        raise SiardFormatError(
            f"'{path}' has no {METADATA}; not a SIARD file",
            rule_id="SIARD-STRUCTURE",
            path=METADATA,
        ) from None
    if info.file_size > MAX_METADATA_BYTES:
        raise SiardFormatError(
            f"'{path}': {METADATA} is {info.file_size} bytes, over {MAX_METADATA_BYTES}",
            rule_id="XML-TOO-LARGE",
            path=METADATA,
        )
    with tempfile.TemporaryDirectory(prefix="samarkiv-siard-") as tmp:
        target = Path(tmp) / "metadata.xml"
        with zf.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(2**20):
                dst.write(chunk)
        try:
            return parse_untrusted(target, max_bytes=MAX_METADATA_BYTES)
        except XmlProblem as exc:
            message = exc.message.replace(str(target), f"{path}!{METADATA}")
            raise SiardFormatError(message, rule_id=exc.rule_id, path=METADATA) from None
