"""Catalogue records -> index documents (the dicts of ``backends.base.DOC_FIELDS``).

What is searchable, and what is deliberately not: the body holds the description, the
parties' names, the case officer and the extracted text of the record's files, but
never a party's personal identity number (personnummer): finding a person by number
is a register lookup the archive must not offer through free text.
"""

from __future__ import annotations

import re
from collections import defaultdict

from samarkiv.catalog.records.choices import TextStatus

MAX_BODY_CHARS = 500_000  # a 250-page report; PostgreSQL's tsvector caps at 1 MB
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Control characters out (they also mark highlights), whitespace kept."""
    return _CONTROL.sub(" ", text or "")


def aip_documents(aip) -> list[dict]:
    """One document per record of the AIP, with the texts of its linked files."""
    from samarkiv.catalog.records.models import Record, RecordFile

    links = defaultdict(list)
    for link in RecordFile.objects.filter(record__aip=aip).select_related(
        "aip_file", "aip_file__text"
    ):
        links[link.record_id].append(link.aip_file)
    return [
        record_document(record, links.get(record.pk, []))
        for record in Record.objects.filter(aip=aip).order_by("order", "pk")
    ]


def record_document(record, files: list) -> dict:
    """One record as a document; ``files`` are its AipFile rows (text prefetched)."""
    year = _year(record)
    return {
        "record_id": str(record.pk),
        "aip_id": record.aip_id,
        "tenant": record.tenant_id,
        "kind": record.kind,
        "title": clean_text(record.title),
        "registration_number": clean_text(record.registration_number).strip(),
        "body": _body(record, files),
        "records_creator": record.records_creator_name.strip(),
        "classification": record.classification_code.strip(),
        "document_type": record.document_type.strip(),
        "formats": sorted({f.puid for f in files if f.puid}),
        "date_start": record.date_start,
        "date_end": record.date_end,
        "year": year,
    }


def _body(record, files: list) -> str:
    parts = [record.description]
    parts += [p.get("name", "") for p in record.parties or [] if isinstance(p, dict)]
    parts.append(record.case_officer)
    for aip_file in files:
        text = _file_text(aip_file)
        if text:
            parts.append(text)
    body = "\n".join(clean_text(p).strip() for p in parts if p and str(p).strip())
    return body[:MAX_BODY_CHARS]


def _file_text(aip_file) -> str:
    try:
        extracted = aip_file.text
    except aip_file.__class__.text.RelatedObjectDoesNotExist:
        return ""
    return extracted.text if extracted.status == TextStatus.DONE else ""


def _year(record) -> int | None:
    when = record.date_start or record.date_end
    return when.year if when else None
