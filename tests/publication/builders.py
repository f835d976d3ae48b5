"""Rows for publication tests, written straight to the catalogue (no ingest, no storage).

Why not ingest: the leak property test needs hundreds of generated archives per run;
the projection reads only catalogue rows, so building the rows is what it tests.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date

from django.utils import timezone

from samarkiv.catalog.records.choices import RecordKind, SourceFormat, TextStatus
from samarkiv.catalog.records.models import FileText, Record, RecordFile
from samarkiv.preservation.models import Aip, AipFile

_numbers = itertools.count(1)


def make_aip(tenant: str, agreement: str = "") -> Aip:
    n = next(_numbers)
    return Aip.objects.create(
        id=f"urn:uuid:{uuid.uuid4()}",
        tenant_id=tenant,
        sip_objid=f"sip-{n}",
        label=f"Leverans {n}",
        fingerprint=f"{n:064x}",
        created_at=timezone.now(),
        agreement=agreement,
    )


def make_record(
    aip: Aip,
    *,
    title: str = "",
    kind: str = RecordKind.CASE,
    parent: Record | None = None,
    date_start: date | None = None,
    date_end: date | None = None,
    description: str = "",
    parties: list | None = None,
    extra: dict | None = None,
    **fields,
) -> Record:
    return Record.objects.create(
        tenant_id=aip.tenant_id,
        aip=aip,
        parent=parent,
        kind=kind,
        source_format=SourceFormat.ERMS3,
        title=title,
        date_start=date_start,
        date_end=date_end,
        description=description,
        parties=parties or [],
        extra=extra or {},
        order=next(_numbers),
        **fields,
    )


def make_file(record: Record, path: str, text: str = "") -> AipFile:
    """A catalogued file of the record's AIP, linked to the record, with extracted text."""
    aip_file = AipFile.objects.create(
        aip=record.aip, path=path, size=len(text) + 10, sha256="0" * 64, mime="application/pdf"
    )
    RecordFile.objects.create(record=record, aip_file=aip_file)
    if text:
        FileText.objects.create(
            aip_file=aip_file, status=TextStatus.DONE, text=text, extracted_at=timezone.now()
        )
    return aip_file


def make_description(aip: Aip, *, series=None, node=None, creator_name: str = "Byggnämnden"):
    """The AIP's place in the archival description (series and/or class)."""
    from samarkiv.catalog.models import AipDescription, RecordsCreator

    creator, _ = RecordsCreator.objects.get_or_create(
        tenant_id=aip.tenant_id, code=f"rc-{aip.tenant_id}", defaults={"name": creator_name}
    )
    return AipDescription.objects.create(
        aip=aip, tenant_id=aip.tenant_id, records_creator=creator, series=series,
        classification_node=node,
    )  # fmt: skip


def make_series(tenant: str, code: str = "F1", title: str = "Ärendeakter"):
    from samarkiv.catalog.models import Archive, RecordsCreator, Series

    creator, _ = RecordsCreator.objects.get_or_create(
        tenant_id=tenant, code=f"rc-{tenant}", defaults={"name": "Byggnämnden"}
    )
    archive, _ = Archive.objects.get_or_create(
        tenant_id=tenant, records_creator=creator, defaults={"title": "Byggnämndens arkiv"}
    )
    return Series.objects.create(tenant_id=tenant, archive=archive, code=code, title=title)


def make_nodes(tenant: str, *codes: str) -> dict:
    """Classification nodes of one scheme version, parents first ("3", "3.4", "3.4.2")."""
    from samarkiv.catalog.choices import ClassificationLevel
    from samarkiv.catalog.models import ClassificationNode, ClassificationScheme

    scheme = ClassificationScheme.objects.create(tenant_id=tenant, name="KLASSA")
    nodes: dict = {}
    for code in codes:
        parent = nodes.get(code.rsplit(".", 1)[0]) if "." in code else None
        nodes[code] = ClassificationNode.objects.create(
            tenant_id=tenant, scheme=scheme, parent=parent, code=code, title=f"Klass {code}",
            level=ClassificationLevel.PROCESS,
        )  # fmt: skip
    return nodes


def make_agreement(tenant: str, code: str = "bygg"):
    from samarkiv.delivery.models import SubmissionAgreement

    return SubmissionAgreement.objects.create(
        tenant_id=tenant, code=code, name=f"Avtal {code}", specifications=["eark2"]
    )
