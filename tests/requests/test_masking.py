"""Masking of released copies: the masked text must be gone, not just hidden."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest
from PIL import Image

from samarkiv.access.requests.masking import (
    MASKED_VALUE,
    mask_image,
    mask_pdf_pages,
    metadata_sheet,
    parse_pages,
    parse_region,
)
from samarkiv.errors import UsageError
from samarkiv.ingest.demo_pdf import text_pdf_bytes

SECRET = "Tolvan Tolvansson 19121212-1212"
GROUND = "26 kap. 1 § OSL"


def _three_pages() -> bytes:
    """Page 1 and 2 name the secret person; page 3 is public."""
    lines = [f"Rad {i}: {SECRET} har ansökt om bistånd." for i in range(96)]
    lines += [f"Offentlig rad {i} om bygglovet." for i in range(40)]
    return text_pdf_bytes("Utredning", lines, author="Handläggare Karin")


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _decompressed(data: bytes) -> bytes:
    """The PDF with every stream decoded, so a byte search sees all drawn text."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all)
    return out.getvalue()


def test_masked_pdf_pages_hold_none_of_the_original_text():
    original = _three_pages()
    before = _texts(original)
    assert len(before) == 3 and SECRET.split()[0] in before[0] + before[1]

    masked = mask_pdf_pages(original, [1, 2], GROUND)

    after = _texts(masked)
    assert len(after) == 3
    for text in after[:2]:
        assert text.strip() == f"Maskerad enligt {GROUND}"
    assert after[2] == before[2]  # the unmasked page is untouched
    raw = _decompressed(masked)
    assert b"Tolvan" not in raw and b"19121212" not in raw and b"bist" not in raw
    assert b"Handl\xe4ggare Karin" not in raw  # document info (author) removed
    assert b"Offentlig rad 1 " in raw


def test_a_link_to_the_masked_page_does_not_keep_it_in_the_file():
    original = _three_pages()
    with pikepdf.open(io.BytesIO(original)) as pdf:
        target = pdf.pages[0].obj
        link = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 10, 10],
                Dest=pikepdf.Array([target, pikepdf.Name.Fit]),
                P=target,  # wrongly naming the masked page as its own
            )
        )
        pdf.pages[2].obj["/Annots"] = pikepdf.Array([link])
        out = io.BytesIO()
        pdf.save(out)

    masked = mask_pdf_pages(out.getvalue(), [1], GROUND)

    assert b"Rad 0: Tolvan" not in _decompressed(masked)
    assert _texts(masked)[2] == _texts(original)[2]


def test_page_numbers_outside_the_pdf_are_refused():
    with pytest.raises(UsageError):
        mask_pdf_pages(_three_pages(), [4], GROUND)
    with pytest.raises(UsageError):
        mask_pdf_pages(_three_pages(), [], GROUND)


def test_parse_pages_and_regions():
    assert parse_pages("1, 3-4;7") == [1, 3, 4, 7]
    assert parse_pages("") == []
    for bad in ("x", "4-2", "0"):
        with pytest.raises(UsageError):
            parse_pages(bad)
    assert parse_region("1, 2, 30, 40") == (1, 2, 30, 40)
    assert parse_region(" ") is None
    with pytest.raises(UsageError):
        parse_region("1,2,3")


def _png(color=(200, 10, 10), size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def test_image_region_is_blacked_out_and_the_rest_kept():
    masked = Image.open(io.BytesIO(mask_image(_png(), GROUND, (0, 0, 10, 10))))
    assert masked.format == "PNG" and masked.size == (40, 30)
    assert masked.getpixel((5, 5)) == (0, 0, 0)
    assert masked.getpixel((20, 20)) == (200, 10, 10)


def test_whole_image_is_replaced():
    masked = Image.open(io.BytesIO(mask_image(_png(), GROUND)))
    colours = {c for _n, c in masked.getcolors(maxcolors=100000)}
    assert (200, 10, 10) not in colours  # nothing of the original picture is left
    assert masked.size == (40, 30)


def test_metadata_sheet_masks_named_fields():
    fields = [("title", "Rubrik", "Bygglov Stenby"), ("parties", "Parter", SECRET)]
    sheet = metadata_sheet("BEG-2026-00001", fields, {"parties"}, GROUND).decode()
    assert "Rubrik: Bygglov Stenby" in sheet
    assert f"Parter: {MASKED_VALUE}" in sheet
    assert "Tolvan" not in sheet and GROUND in sheet


def _shared_resources_pdf() -> bytes:
    """Two pages whose images sit in one resource dictionary on the page tree (as some
    scanners write them): page 1 draws Im1, page 2 draws Im2."""
    pdf = pikepdf.new()

    def image(rgb: list[int]):
        return pdf.make_stream(
            bytes(rgb) * 4,
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=2,
            Height=2,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
        )

    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    shared = pikepdf.Dictionary(
        XObject=pikepdf.Dictionary(Im1=image([250, 2, 3]), Im2=image([4, 5, 240])),
        Font=pikepdf.Dictionary(F1=font),
    )
    for number in (1, 2):
        drawing = (
            f"q 100 0 0 100 0 0 cm /Im{number} Do Q BT /F1 12 Tf 10 10 Td (Sida{number}) Tj ET"
        )
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 200, 200],
            Contents=pdf.make_stream(drawing.encode()),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.Root.Pages.Resources = pdf.make_indirect(shared)
    for page in pdf.pages:
        if "/Resources" in page.obj:
            del page.obj["/Resources"]
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def test_an_image_shared_through_the_page_tree_leaves_with_its_masked_page():
    original = _shared_resources_pdf()
    assert b"\xfa\x02\x03" in original

    raw = _decompressed(mask_pdf_pages(original, [1], GROUND))

    assert b"\xfa\x02\x03" not in raw and b"Sida1" not in raw  # page 1's image and text
    assert b"\x04\x05\xf0" in raw and b"Sida2" in raw  # page 2 still has its own
