"""Text out of one local file: PDF (pypdf), DOCX (python-docx), ODT (odfpy), XML, TXT.

Why the limits: delivered files are untrusted. A DOCX or ODT is a ZIP and may be a zip
bomb, so its declared uncompressed sizes are checked before any library reads it; XML
inside it with a DOCTYPE is refused (entity tricks). Text is capped per file, PDFs by
page count too, and every extractor checks a deadline between pages/paragraphs
(cooperative: a single pathological page cannot be interrupted without a subprocess,
which the worker may add later). Nothing here touches the database.
"""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from samarkiv.packages.safexml import parse_untrusted

PDF, DOCX, ODT, XML, TXT = "pdf", "docx", "odt", "xml", "txt"
PUIDS = {
    PDF: {"fmt/14", "fmt/15", "fmt/16", "fmt/17", "fmt/18", "fmt/19", "fmt/20", "fmt/276",
          "fmt/95", "fmt/354", "fmt/476", "fmt/477", "fmt/478", "fmt/479", "fmt/480",
          "fmt/481", "fmt/1129", "fmt/1451"},
    DOCX: {"fmt/412", "fmt/523", "fmt/597", "fmt/599"},
    ODT: {"fmt/290", "fmt/291", "fmt/1756", "x-fmt/3"},
    XML: {"fmt/101", "x-fmt/280"},
    TXT: {"x-fmt/111", "x-fmt/18", "x-fmt/13", "fmt/1474"},
}  # fmt: skip
MIMES = {
    "application/pdf": PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
    "application/vnd.oasis.opendocument.text": ODT,
    "application/xml": XML,
    "text/xml": XML,
    "text/plain": TXT,
    "text/csv": TXT,
}
EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".odt": ODT, ".xml": XML, ".txt": TXT, ".csv": TXT}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Limits:
    max_input_bytes: int = 200 * 2**20
    max_text_chars: int = 1_000_000
    max_seconds: float = 60.0
    max_pdf_pages: int = 5_000
    max_unpacked_bytes: int = 300 * 2**20  # all entries of a DOCX/ODT together
    max_zip_entries: int = 10_000
    max_ratio: int = 200  # uncompressed:compressed, for entries above 1 MiB


class ExtractionError(Exception):
    """The file could not be read as its format; the message says why (for FileText)."""


class NoText(Exception):
    """The file is fine but has no text to offer (scanned PDF, empty file)."""


def kind_of(puid: str, mime: str, path: str) -> str | None:
    """Which extractor fits: by PRONOM id, then MIME type, then file extension."""
    for kind, puids in PUIDS.items():
        if puid and puid in puids:
            return kind
    base = (mime or "").split(";", 1)[0].strip().lower()
    if base in MIMES:
        return MIMES[base]
    if base.endswith("+xml"):
        return XML
    return EXTENSIONS.get(Path(path).suffix.lower())


def normalise(text: str, limit: int) -> str:
    """Control characters out (PostgreSQL refuses NUL), runs of blank lines folded,
    capped at ``limit`` characters."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return text[:limit]


def bounded(path: Path, limit: int) -> int:
    """A read limit no larger than the file: ``read(n)`` allocates n bytes up front."""
    return max(1, min(limit, path.stat().st_size + 1))


class _Budget:
    """Characters and time left for one file."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> bool:
        """Keep text; False once the cap or the deadline is reached (stop reading)."""
        if text:
            self.parts.append(text)
            self.size += len(text)
        return self.size < self.limits.max_text_chars and time.monotonic() < self.deadline

    def text(self) -> str:
        return normalise("\n".join(self.parts), self.limits.max_text_chars)


def extract(path: Path, kind: str, limits: Limits | None = None) -> str:
    """The text of a local file; raises ExtractionError or NoText."""
    limits = limits or Limits()
    size = path.stat().st_size
    if size > limits.max_input_bytes:
        raise NoText(f"filen är större än gränsen för textutdrag ({limits.max_input_bytes} byte)")
    reader = {PDF: _pdf, DOCX: _docx, ODT: _odt, XML: _xml, TXT: _txt}[kind]
    budget = _Budget(limits)
    try:
        reader(path, budget)
    except (ExtractionError, NoText):
        raise
    except Exception as exc:  # any library error is this file's problem, not the worker's
        raise ExtractionError(f"{kind.upper()}: {type(exc).__name__}: {exc}") from exc
    text = budget.text()
    if not text.strip():
        raise NoText("ingen text hittades i filen")
    return text


def _pdf(path: Path, budget: _Budget) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractionError("PDF: krypterad, lösenord krävs")
    for number, page in enumerate(reader.pages):
        if number >= budget.limits.max_pdf_pages or not budget.add(page.extract_text() or ""):
            break


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse a ZIP container whose declared contents are too big, too many or too
    compressed (zip bomb), or whose XML parts declare a DOCTYPE."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ExtractionError(f"inte en giltig ZIP-behållare: {exc}") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_zip_entries:
            raise ExtractionError(f"ZIP: {len(entries)} delar, fler än {limits.max_zip_entries}")
        total = sum(e.file_size for e in entries)
        if total > limits.max_unpacked_bytes:
            raise ExtractionError(f"ZIP: packar upp till {total} byte, över gränsen")
        for entry in entries:
            big = entry.file_size > 2**20
            if big and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
                raise ExtractionError(f"ZIP: {entry.filename} är misstänkt hårt packad")
            if entry.filename.endswith(".xml") or entry.filename.endswith(".rels"):
                with archive.open(entry) as member:
                    head = member.read(64 * 1024)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ExtractionError(f"ZIP: {entry.filename} har en DOCTYPE (ej tillåtet)")


def _docx(path: Path, budget: _Budget) -> None:
    import docx

    check_zip(path, budget.limits)
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        if not budget.add(paragraph.text):
            return
    for table in document.tables:
        for row in table.rows:
            if not budget.add("\t".join(cell.text for cell in row.cells)):
                return


def _odt(path: Path, budget: _Budget) -> None:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    check_zip(path, budget.limits)
    document = load(str(path))
    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    stack = [document.text]
    while stack:  # document order, without recursion
        node = stack.pop()
        if getattr(node, "qname", None) in blocks:
            if not budget.add(teletype.extractText(node)):
                return
            continue
        stack.extend(reversed(getattr(node, "childNodes", [])))


def _xml(path: Path, budget: _Budget) -> None:
    from samarkiv.packages.safexml import XmlProblem

    try:
        tree = parse_untrusted(path, max_bytes=bounded(path, budget.limits.max_input_bytes))
    except XmlProblem as exc:
        raise ExtractionError(f"XML: {exc.message}") from exc
    xml_text(tree, budget)


def xml_text(tree: etree._ElementTree, budget: _Budget) -> None:
    """Every text node and attribute-free content, one element's text per line."""
    for el in tree.iter():
        own = el.text if isinstance(el.tag, str) else ""  # comments and PIs: only the tail
        if own and own.strip() and not budget.add(own.strip()):
            return
        if el.tail and el.tail.strip() and not budget.add(el.tail.strip()):
            return


def decode_text(data: bytes) -> str:
    """Plain text of unknown encoding: a BOM, else UTF-8, else Windows-1252, else
    Latin-1 (which always succeeds), as Swedish files from older systems need."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _txt(path: Path, budget: _Budget) -> None:
    limit = bounded(path, budget.limits.max_text_chars * 4)
    with path.open("rb") as fh:
        data = fh.read(limit)
    if len(data) == limit and b"\n" in data:  # cut at a line end, not inside a character
        data = data[: data.rindex(b"\n")]
    text = decode_text(data)
    if text and sum(1 for c in text[:4096] if c == "\x00") > 16:
        raise NoText("binärt innehåll, ingen text")
    budget.add(text)
