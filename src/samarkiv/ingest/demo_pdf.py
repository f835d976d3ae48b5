"""A tiny PDF 1.4 writer for demo documents whose text can be extracted.

Why hand-written: the other demo PDFs are images (scans), which have no text layer; the
full-text search needs born-digital PDFs, and a PDF library only for demo data would be
a dependency too many. Helvetica with WinAnsiEncoding covers Swedish (å, ä, ö, é, §, –).
Fixed dates and no random ids, so every build is byte-identical.
"""

from __future__ import annotations

import textwrap

_PAGE_LINES = 48
_FIXED_DATE = "D:20240502100000Z"


def _pdf_string(text: str, encoding: str = "cp1252") -> bytes:
    """A PDF literal string: backslash and parentheses escaped, 8-bit encoded."""
    raw = text.encode(encoding, errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(title: str, lines: list[str], first: bool) -> bytes:
    """One page's content stream: title (on the first page), then 11 pt lines."""
    ops = [b"BT", b"/F1 11 Tf", b"15 TL", b"72 770 Td"]
    if first:
        ops += [b"/F1 16 Tf", _pdf_string(title) + b" Tj", b"/F1 11 Tf", b"0 -30 Td"]
    ops += [_pdf_string(line) + b" Tj T*" for line in lines]
    ops.append(b"ET")
    return b"\n".join(ops)


def _pages(lines: list[str]) -> list[list[str]]:
    wrapped = [part for line in lines for part in (textwrap.wrap(line, 90) or [""])]
    return [wrapped[i : i + _PAGE_LINES] for i in range(0, len(wrapped), _PAGE_LINES)] or [[]]


def text_pdf_bytes(title: str, lines: list[str], *, author: str = "") -> bytes:
    """A PDF 1.4 document with a real text layer: the title, then the lines, A4 pages."""
    pages = _pages(lines)
    first_page = 5
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title "
        + _pdf_string(title, "latin-1")
        + b" /Author "
        + _pdf_string(author, "latin-1")
        + b" /Producer (samarkiv demo) /CreationDate ("
        + _FIXED_DATE.encode()
        + b") >>",
    ]
    kids = []
    for number, page_lines in enumerate(pages):
        page_id = first_page + 2 * number
        kids.append(f"{page_id} 0 R".encode())
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents "
            + f"{page_id + 1} 0 R".encode()
            + b" >>"
        )
        stream = _content(title, page_lines, number == 0)
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    """Header, numbered objects, cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
