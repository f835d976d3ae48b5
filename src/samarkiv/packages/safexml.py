"""Parsing untrusted XML (METS, PREMIS, EAD...) without XXE or entity-expansion risks.

Packages come from outside, so their XML may try external entities (XXE: reading local
files or fetching URLs) or nested internal entities (billion laughs). Information-package
XML never needs a DTD, so any DOCTYPE is refused outright. The prolog is scanned *before*
lxml sees the bytes, so entity declarations are never expanded; the parsed tree is checked
again afterwards as a second line of defence (e.g. for encodings the scan cannot read).

One lxml parser per thread is reused: building a parser is costly on the hot path and lxml
parsers must not be shared between threads.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from lxml import etree

DEFAULT_MAX_BYTES = 512 * 2**20
_PROLOG_SCAN_CHARS = 64 * 1024
_XML_SPACE = " \t\r\n"

_local = threading.local()


class XmlProblem(Exception):
    """An XML file that cannot be accepted; carries a rule id for the validation report."""

    def __init__(self, rule_id: str, message: str, line: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.rule_id = rule_id
        self.message = message
        self.line = line
        self.path = path


def _parser() -> etree.XMLParser:
    """The calling thread's parser, configured to never resolve entities or load DTDs."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_blank_text=False,
        )
        _local.parser = parser
    return parser


def parse_untrusted(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._ElementTree:
    """Parse an untrusted XML file, keeping line numbers; raise XmlProblem when refused.

    OSError (missing or unreadable file) propagates unchanged: that is the caller's
    concern, not a property of the XML.
    """
    name = os.fspath(path)
    data = _read_bounded(name, max_bytes)
    if not data or data.isspace():
        raise XmlProblem("XML-EMPTY", f"'{name}' is empty; an XML document is required", path=name)
    line = _doctype_line(data)
    if line is not None:
        raise _doctype_problem(name, line)
    try:
        root = etree.fromstring(data, _parser(), base_url=name)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or None
        raise XmlProblem(
            "XML-WELLFORMED",
            f"'{name}' is not well-formed XML (line {line}): {exc.msg}",
            line=line,
            path=name,
        ) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _doctype_problem(name, None)
    return tree


def _read_bounded(name: str, max_bytes: int) -> bytes:
    """Read the whole file, refusing it before reading when it is over the limit."""
    size = os.stat(name).st_size
    if size > max_bytes:
        raise _too_large(name, size, max_bytes)
    with open(name, "rb") as fh:
        data = fh.read(max_bytes + 1)  # the file may have grown since stat()
    if len(data) > max_bytes:
        raise _too_large(name, len(data), max_bytes)
    return data


def _too_large(name: str, size: int, max_bytes: int) -> XmlProblem:
    return XmlProblem(
        "XML-TOO-LARGE",
        f"'{name}' is {size} bytes, over the XML size limit of {max_bytes} bytes",
        path=name,
    )


def _doctype_problem(name: str, line: int | None) -> XmlProblem:
    where = f" (line {line})" if line else ""
    return XmlProblem(
        "XML-DOCTYPE",
        f"'{name}' has a DOCTYPE declaration{where}; DOCTYPE/entity declarations are not "
        "allowed (XXE / entity expansion)",
        line=line,
        path=name,
    )


def _decode_head(data: bytes) -> str:
    """Decode the start of the file well enough to read the ASCII markup of the prolog."""
    head = data[: _PROLOG_SCAN_CHARS * 2]
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return head.decode("utf-16-le", "ignore").lstrip("\ufeff")
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return head.decode("utf-16-be", "ignore").lstrip("\ufeff")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head[:_PROLOG_SCAN_CHARS].decode("latin-1")  # never fails; ASCII is what matters


def _doctype_line(data: bytes) -> int | None:
    """Line of a DOCTYPE in the prolog (before the root element), or None if there is none.

    Skips the XML declaration, processing instructions, comments and white space. If the
    prolog does not end within the scanned head, fall back to a plain search of the bytes.
    """
    text = _decode_head(data)
    pos, end = 0, len(text)
    while pos < end:
        while pos < end and text[pos] in _XML_SPACE:
            pos += 1
        if text.startswith("<?", pos):
            close = text.find("?>", pos + 2)
            pos = -1 if close < 0 else close + 2
        elif text.startswith("<!--", pos):
            close = text.find("-->", pos + 4)
            pos = -1 if close < 0 else close + 3
        elif text.startswith("<!", pos) and text[pos + 2 : pos + 9].upper() == "DOCTYPE":
            return text.count("\n", 0, pos) + 1
        else:
            return None  # the root element, or junk the parser will report
        if pos < 0:
            break
    found = data.find(b"<!DOCTYPE")
    if found < 0:
        found = data.find(b"<!ENTITY")
    return None if found < 0 else data.count(b"\n", 0, found) + 1
