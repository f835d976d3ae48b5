"""Masking (maskning) of released copies: PDF pages, images and metadata fields.

Every function takes the original's bytes and returns new bytes: the masked copy is a
new derived file and the AIP's original is never opened for writing.

Why a masked PDF page is *replaced* and not painted over: a black box drawn on top
leaves the text in the content stream, where any PDF reader can copy it out. The page
object is swapped for a new one that only says "Maskerad enligt <grund>", and before the
copy is written we prove that nothing the old page drew (its content streams, its
images and forms) is still reachable in the file; document-wide places that may quote
page text (the document information, XMP, bookmarks, tagged structure, form fields,
embedded files) are removed from a masked copy.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samarkiv.errors import SamarkivError, UsageError

MASKED_VALUE = "[maskerat]"
PAGE_TEXT = "Maskerad enligt {ground}"
NO_GROUND = "offentlighets- och sekretesslagen"
REGION_HELP = _lazy("Skriv området som x, y, bredd, höjd (bildpunkter).")
_DOCUMENT_KEYS = ("/Metadata", "/Outlines", "/StructTreeRoot", "/MarkInfo", "/AcroForm", "/Names")
_DOCUMENT_KEYS += ("/Threads", "/OpenAction", "/PieceInfo")
_RENDER_KEYS = ("/Contents", "/Resources")
_INHERITED_BOXES = ("/MediaBox", "/CropBox", "/Rotate")


class MaskingError(SamarkivError):
    """The copy could not be masked safely; nothing is released for it."""

    code = "masking_failed"


def parse_pages(text: str) -> list[int]:
    """'1, 3-4' -> [1, 3, 4] (page numbers from 1); UsageError on anything else."""
    pages: set[int] = set()
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        first, _sep, last = part.partition("-")
        try:
            start, end = int(first), int(last or first)
        except ValueError as exc:
            raise UsageError(
                _("Inte ett sidnummer eller intervall: %(part)s") % {"part": part}
            ) from exc
        if start < 1 or end < start or end - start > 10_000:
            raise UsageError(_("Inte ett sidintervall: %(part)s") % {"part": part})
        pages.update(range(start, end + 1))
    return sorted(pages)


def masked_label(ground: str) -> str:
    return PAGE_TEXT.format(ground=(ground or NO_GROUND).strip())


# --------------------------------------------------------------------------------- PDF


def pdf_page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _graph(roots: Iterable, skip: tuple[str, ...] = ("/Parent", "/P")) -> set[tuple[int, int]]:
    """Object numbers reachable from ``roots`` (not following back-links in ``skip``)."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = list(roots)
    visited_direct = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Page):
            obj = obj.obj
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        else:
            visited_direct += 1
            if visited_direct > 5_000_000:
                raise MaskingError(_("PDF-filen är för stor för att kontrolleras."))
        if isinstance(obj, pikepdf.Array):
            stack.extend(obj)
        else:
            mapping = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            stack.extend(mapping[key] for key in mapping if key not in skip)
    return seen


def _rendering(page) -> list:
    """What draws the page: its content streams and resources (fonts, images, forms)."""
    found = []
    for key in _RENDER_KEYS:
        if key in page.obj:
            found.append(page.obj[key])
    return found


def _replacement(pdf, box, ground: str):
    """A new page of the same size saying only why it is masked."""
    import pikepdf

    width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
    text = masked_label(ground).encode("cp1252", errors="replace")
    escaped = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    x0, y0 = float(box[0]), float(box[1])
    content = (
        (
            f"q 0.85 g {x0 + 36:.1f} {y0 + 36:.1f} {width - 72:.1f} {height - 72:.1f} re f Q\n"
            f"BT /F1 16 Tf 0 g {x0 + 60:.1f} {y0 + height - 100:.1f} Td ("
        ).encode()
        + escaped
        + b") Tj ET\n"
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type1,
        BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding,
    )
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([float(v) for v in box]),
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pikepdf.Stream(pdf, content),
    )
    return pikepdf.Page(pdf.make_indirect(page))


def mask_pdf_pages(data: bytes, pages: Iterable[int], ground: str) -> bytes:
    """A copy of the PDF with the named pages (from 1) replaced by a masking notice."""
    import pikepdf

    wanted = sorted(set(pages))
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise MaskingError(_("Filen kan inte läsas som PDF: %(error)s") % {"error": exc}) from exc
    with pdf:
        total = len(pdf.pages)
        if not wanted or wanted[0] < 1 or wanted[-1] > total:
            raise UsageError(
                _("Sidorna att maskera ska vara mellan 1 och %(total)d.") % {"total": total}
            )
        _own_resources(pdf)
        removed_roots, kept_roots = [], []
        for number, page in enumerate(pdf.pages, start=1):
            (removed_roots if number in wanted else kept_roots).extend(_rendering(page))
        removed_roots += [pdf.pages[n - 1].obj for n in wanted]
        forbidden = _graph(removed_roots) - _graph(kept_roots)
        for number in wanted:
            box = list(pdf.pages[number - 1].mediabox)
            pdf.pages.insert(number - 1, _replacement(pdf, box, ground))
            del pdf.pages[number]
        _strip_document(pdf)
        if _graph([pdf.trailer], skip=()) & forbidden:
            for page in pdf.pages:  # links and notes that point into a masked page
                if "/Annots" in page.obj:
                    del page.obj["/Annots"]
        if _graph([pdf.trailer], skip=()) & forbidden:
            raise MaskingError(_("En maskerad sida används fortfarande i PDF-filen."))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _own_resources(pdf) -> None:
    """Give every page its own resources holding only what its content uses.

    Resources inherited from the page tree, or one dictionary shared by all pages, would
    keep a masked page's images in the file (referenced, though never drawn): each page
    gets a private copy, pruned to the names its content streams use, and the page tree
    nodes lose theirs.
    """
    import pikepdf

    for page in pdf.pages:
        inherited = page.obj.get("/Resources") or page._get_inherited("/Resources")
        own = pikepdf.Dictionary()
        for key, value in (inherited or pikepdf.Dictionary()).items():
            own[key] = pikepdf.Dictionary(value) if isinstance(value, pikepdf.Dictionary) else value
        page.obj["/Resources"] = own
        for key in _INHERITED_BOXES:
            if key not in page.obj and (value := page._get_inherited(key)) is not None:
                page.obj[key] = value
        page.remove_unreferenced_resources()
    nodes = [pdf.Root.Pages]
    while nodes:
        node = nodes.pop()
        for key in ("/Resources", *_INHERITED_BOXES):
            if key in node:
                del node[key]
        nodes += [kid for kid in node.get("/Kids", []) if kid.get("/Type") == "/Pages"]


def _strip_document(pdf) -> None:
    """Remove document-wide places that may repeat page text."""
    for key in _DOCUMENT_KEYS:
        if key in pdf.Root:
            del pdf.Root[key]
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]


# ------------------------------------------------------------------------------ images


def mask_image(data: bytes, ground: str, region: tuple[int, int, int, int] | None = None) -> bytes:
    """A copy of the image, either wholly replaced by a notice or with ``region``
    (x, y, width, height in pixels) blacked out. Metadata (EXIF, XMP, text chunks) is
    not copied, since it may describe what is masked."""
    from PIL import Image, ImageDraw, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as original:
            fmt = original.format or "PNG"
            image = (
                original.convert("RGB") if original.mode not in ("RGB", "L") else original.copy()
            )
    except (UnidentifiedImageError, OSError) as exc:
        raise MaskingError(_("Filen kan inte läsas som bild: %(error)s") % {"error": exc}) from exc
    if region is None:
        image = Image.new("RGB", image.size, (217, 217, 217))
        draw = ImageDraw.Draw(image)
        draw.text((20, 20), masked_label(ground), fill=(0, 0, 0))
    else:
        x, y, w, h = region
        if w <= 0 or h <= 0 or x < 0 or y < 0:
            raise UsageError(_("Området att svärta behöver bredd och höjd."))
        ImageDraw.Draw(image).rectangle([x, y, x + w - 1, y + h - 1], fill=0)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def parse_region(text: str) -> tuple[int, int, int, int] | None:
    """'x, y, width, height' in pixels -> a tuple; empty -> None."""
    if not (text or "").strip():
        return None
    try:
        values = [int(v) for v in text.replace(";", ",").split(",")]
    except ValueError as exc:
        raise UsageError(REGION_HELP) from exc
    if len(values) != 4:
        raise UsageError(REGION_HELP)
    return values[0], values[1], values[2], values[3]


# ---------------------------------------------------------------------------- metadata


def metadata_sheet(
    heading: str, fields: list[tuple[str, str, str]], masked: set[str], ground: str
) -> bytes:
    """The record's metadata as released: masked fields read "[maskerat]".

    ``fields`` are (key, label, value); a plain UTF-8 text any reader can open.
    """
    lines = [heading, "=" * len(heading), ""]
    for key, label, value in fields:
        shown = MASKED_VALUE if key in masked else (value or "–")
        lines.append(f"{label}: {shown}")
    if masked:
        lines += [
            "",
            f"Uppgifter markerade {MASKED_VALUE} är maskerade enligt {ground or NO_GROUND}.",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")
