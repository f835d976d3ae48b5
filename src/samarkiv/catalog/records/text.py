"""Full text of an AIP's files, for search: one ``FileText`` row per catalogued file.

Runs in the worker (the indexing queue), never during ingest: extraction is slow and
may fail on odd files, and ingest must not wait for it or fail because of it. Only the
delivered content gets text (representations' data, documentation, FGS 1.x Content/).
Package machinery and descriptive metadata (already read into records by ``extract``)
are marked ``no_text``: the AIP's own METS, PREMIS and schema copies, and the submitted
METS files, schemas and metadata folders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from samarkiv.catalog.records.aipfiles import FileTooLargeError, spooled_aip_file
from samarkiv.catalog.records.choices import TextStatus
from samarkiv.catalog.records.models import FileText
from samarkiv.catalog.records.text_formats import (
    ExtractionError,
    Limits,
    NoText,
    extract,
    kind_of,
)
from samarkiv.packages.aip import SUBMISSION_FOLDER
from samarkiv.preservation.models import Aip, AipFile

log = logging.getLogger(__name__)
LIMITS = Limits()
MACHINERY_NAMES = frozenset({"METS.xml", "mets.xml", "sip.xml"})
MAX_ERROR_CHARS = 2_000


@dataclass(frozen=True)
class TextResult:
    status: str
    text: str = ""
    error: str = ""


def is_content(path: str) -> bool:
    """True for delivered content: a representation's files (except its METS and
    metadata) and the documentation; False for package machinery and metadata."""
    parts = path.split("/")
    if parts[0] != SUBMISSION_FOLDER or parts[-1] in MACHINERY_NAMES:
        return False  # the AIP's own METS, PREMIS and schema copies
    folders = set(parts[2:-1])
    return not folders & {"schemas", "metadata"} and not path.lower().endswith(".xsd")


def file_text(aip: Aip, aip_file: AipFile, limits: Limits = LIMITS) -> TextResult:
    """The text of one file, or why there is none; never raises."""
    if not is_content(aip_file.path):
        return TextResult(TextStatus.NO_TEXT, error="paketmetadata, ingen fulltext")
    kind = kind_of(aip_file.puid, aip_file.mime, aip_file.path)
    if kind is None:
        label = aip_file.format_name or aip_file.mime or aip_file.puid or "okänt"
        return TextResult(TextStatus.NO_TEXT, error=f"formatet stöds inte för textutdrag: {label}")
    if aip_file.size > limits.max_input_bytes:
        return TextResult(TextStatus.NO_TEXT, error="filen är för stor för textutdrag")
    suffix = Path(aip_file.path).suffix
    try:
        with spooled_aip_file(aip, aip_file.path, limits.max_input_bytes, suffix) as local:
            return TextResult(TextStatus.DONE, text=extract(local, kind, limits))
    except NoText as exc:
        return TextResult(TextStatus.NO_TEXT, error=str(exc))
    except FileTooLargeError as exc:
        return TextResult(TextStatus.NO_TEXT, error=exc.message)
    except ExtractionError as exc:
        return TextResult(TextStatus.FAILED, error=str(exc)[:MAX_ERROR_CHARS])
    except Exception as exc:  # storage trouble or a parser bug: recorded, retried later
        log.warning("text extraction of %s in %s failed: %s", aip_file.path, aip.id, exc)
        return TextResult(TextStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])


def extract_texts(aip: Aip, *, force: bool = False) -> int:
    """Fill ``FileText`` for every file of the AIP; return how many got text now.

    Idempotent: files already DONE or NO_TEXT are skipped unless ``force``; PENDING and
    FAILED ones are tried (again). Never raises for a file's content.
    """
    existing = {ft.aip_file_id: ft for ft in FileText.objects.filter(aip_file__aip=aip)}
    extracted = 0
    for aip_file in aip.files.all().order_by("path"):
        row = existing.get(aip_file.pk)
        if row is not None and not force and row.status in (TextStatus.DONE, TextStatus.NO_TEXT):
            continue
        result = file_text(aip, aip_file)
        values = {
            "status": result.status,
            "text": result.text,
            "error": result.error,
            "extracted_at": timezone.now(),
        }
        FileText.objects.update_or_create(aip_file=aip_file, defaults=values)
        extracted += result.status == TextStatus.DONE
    return extracted
