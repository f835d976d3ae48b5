"""Full text of stored files: PDF, DOCX, ODT, TXT and XML, with limits for hostile files."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from samarkiv.catalog.records.choices import TextStatus
from samarkiv.catalog.records.models import FileText
from samarkiv.catalog.records.text import extract_texts
from samarkiv.catalog.records.text_formats import (
    ExtractionError,
    Limits,
    check_zip,
    decode_text,
    extract,
    kind_of,
)
from samarkiv.ingest.demo_erms import build_erms_sip, build_sip
from samarkiv.ingest.demo_sips import docx_bytes, pdf_bytes
from tests.records.helpers import SWEDISH_WORDS

pytestmark = pytest.mark.django_db


def _texts(aip) -> dict[str, FileText]:
    return {
        ft.aip_file.path.rsplit("/", 1)[-1]: ft
        for ft in FileText.objects.filter(aip_file__aip=aip).select_related("aip_file")
    }


def test_text_is_extracted_from_pdf_docx_odt_and_txt(ingest_sip, tmp_path):
    aip = ingest_sip(build_erms_sip(tmp_path / "in"))

    count = extract_texts(aip)

    texts = _texts(aip)
    assert count == 10  # nine documents and the delivery description
    assert FileText.objects.filter(aip_file__aip=aip).count() == aip.files.count()
    pdf, docx = texts["ansökan om bygglov.pdf"], texts["beslut om bygglov.docx"]
    assert pdf.status == TextStatus.DONE and "Byggnadsarea 142 kvm" in pdf.text
    assert "beviljar bygglovet enligt 9 kap. 31 §" in docx.text
    assert "äldreboendet Ringgården" in texts["ansökan tillbyggnad.odt"].text
    assert "äldreomsorg" in texts["ansökan tillbyggnad.odt"].text
    windows_text = texts["yttrande från granne.txt"]  # written in cp1252
    assert "Det är bra att kommunen bygger ut äldreomsorgen i Hörby." in windows_text.text
    assert "förskolan" in texts["beslut förskola.txt"].text
    assert "förskolan" in texts["kontrollplan.odt"].text
    every_text = " ".join(ft.text for ft in texts.values())
    assert all(word in every_text for word in SWEDISH_WORDS)
    assert all(ft.extracted_at for ft in texts.values())
    metadata = texts["erms.xml"]
    assert metadata.status == TextStatus.NO_TEXT and metadata.text == ""
    assert texts["METS.xml"].status == TextStatus.NO_TEXT


def _zip_bomb() -> bytes:
    """A DOCX whose document.xml unpacks to 64 MiB of zeros (about 64 KiB packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as member:
            for _ in range(64):
                member.write(b"0" * 2**20)
    return buf.getvalue()


def _docx_with_doctype() -> bytes:
    data = docx_bytes("Rubrik", ["text"])
    source = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                content = content.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaa">]>', 1)
            out.writestr(item, content)
    return buf.getvalue()


@pytest.fixture
def odd_aip(ingest_sip, tmp_path):
    files = {
        "bomb.docx": _zip_bomb(),
        "entiteter.docx": _docx_with_doctype(),
        "trasig.pdf": b"%PDF-1.4\nthis is not a pdf at all\n%%EOF\n",
        "inskannad.pdf": pdf_bytes("Skannat beslut", [["bara en bild"]], "Hörby kommun"),
        "nul.txt": "före\x00efter förskolan\n".encode(),
        "register.xml": "<r><post>Ärende om äldreomsorg</post><!-- k -->svans</r>".encode(),
        "bild.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    }
    return ingest_sip(
        build_sip(tmp_path / "in", "sip-udda", label="Udda filer", files=files, descriptive=None)
    )


def test_hostile_and_odd_files_fail_or_have_no_text_without_harm(odd_aip):
    tracemalloc.start()
    try:
        extract_texts(odd_aip)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    texts = _texts(odd_aip)
    assert peak < 32 * 2**20  # the 64 MiB bomb was never unpacked
    bomb = texts["bomb.docx"]
    assert bomb.status == TextStatus.FAILED and "hårt packad" in bomb.error
    assert texts["entiteter.docx"].status == TextStatus.FAILED
    assert "DOCTYPE" in texts["entiteter.docx"].error
    broken = texts["trasig.pdf"]
    assert broken.status == TextStatus.FAILED and broken.error.startswith("PDF:")
    assert texts["inskannad.pdf"].status == TextStatus.NO_TEXT  # an image, no text layer
    assert texts["nul.txt"].status == TextStatus.DONE
    assert texts["nul.txt"].text == "före efter förskolan"  # NUL cannot go into PostgreSQL
    assert texts["register.xml"].text == "Ärende om äldreomsorg\nsvans"
    png = texts["bild.png"]
    assert png.status == TextStatus.NO_TEXT and "stöds inte" in png.error


def test_extraction_is_idempotent_and_retries_failures(odd_aip):
    first = extract_texts(odd_aip)
    before = {ft.pk: (ft.status, ft.extracted_at) for ft in FileText.objects.all()}
    FileText.objects.filter(aip_file__path__endswith="nul.txt").update(status=TextStatus.PENDING)

    again = extract_texts(odd_aip)

    after = {ft.pk: (ft.status, ft.extracted_at) for ft in FileText.objects.all()}
    assert first == 3 and again == 1  # only the pending file was read again
    changed = {pk for pk in after if after[pk] != before[pk]}
    failed = set(FileText.objects.filter(status=TextStatus.FAILED).values_list("pk", flat=True))
    nul = FileText.objects.get(aip_file__path__endswith="nul.txt").pk
    assert changed == failed | {nul}  # failures are retried, done ones left alone
    assert extract_texts(odd_aip, force=True) == 3


def test_zip_limits_are_checked_before_reading(tmp_path):
    path = tmp_path / "stor.docx"
    path.write_bytes(docx_bytes("Rubrik", ["förskolan " * 50_000]))
    with pytest.raises(ExtractionError, match="packar upp"):
        check_zip(path, Limits(max_unpacked_bytes=100_000))
    assert "förskolan" in extract(path, "docx")
    capped = extract(path, "docx", Limits(max_text_chars=1_000))
    assert len(capped) == 1_000


def test_plain_text_encodings():
    assert decode_text("Förskolan".encode()) == "Förskolan"
    assert decode_text("Förskolan".encode("cp1252")) == "Förskolan"
    assert decode_text("\ufeffÄldreomsorg".encode("utf-8")) == "Äldreomsorg"
    assert decode_text("Äldreomsorg".encode("utf-16")) == "Äldreomsorg"
    assert decode_text(b"\x81\x8d\xe5") == "\x81\x8då"  # neither UTF-8 nor cp1252: Latin-1


@pytest.mark.parametrize(
    ("puid", "mime", "path", "kind"),
    [
        ("fmt/18", "", "x.bin", "pdf"),
        ("", "application/vnd.oasis.opendocument.text", "x", "odt"),
        ("", "", "BESLUT.DOCX", "docx"),
        ("", "application/tei+xml", "x", "xml"),
        ("x-fmt/18", "", "x.csv", "txt"),
        ("fmt/11", "image/png", "x.png", None),
    ],
)
def test_extractor_choice(puid, mime, path, kind):
    assert kind_of(puid, mime, path) == kind
