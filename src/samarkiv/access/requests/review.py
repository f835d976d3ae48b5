"""What the registrar reviews before deciding: the record, its files, its secrecy data.

Staff-side only, through the acting scope (VIEW_CONTENT in the owning municipality): the
request's record is looked up in the catalogue of the acting tenant, so another
municipality's staff cannot reach it even with the record id.

Why the secrecy data is shown and not applied: OSL makes the secrecy test a decision of
the authority at the time of each request; the markings made in advance are support.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from samarkiv.access.requests.models import AccessRequest
from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.catalog.records.models import Record, RecordFile
from samarkiv.errors import NotFoundError
from samarkiv.preservation.models import AipFile

MAX_DEPTH = 4  # case -> documents -> attachments...
MAX_SECRECY_RECORDS = 200
PDF_MIMES = {"application/pdf"}
IMAGE_MIMES = {"image/jpeg", "image/png", "image/tiff", "image/gif"}


@dataclass
class ReviewFile:
    """A file the decision may release, mask or withhold."""

    aip_file: AipFile
    document: str  # the title of the record (document) it belongs to

    @property
    def name(self) -> str:
        return posixpath.basename(self.aip_file.path)

    @property
    def is_pdf(self) -> bool:
        return self.aip_file.mime in PDF_MIMES or self.name.lower().endswith(".pdf")

    @property
    def is_image(self) -> bool:
        return self.aip_file.mime in IMAGE_MIMES


@dataclass
class SecrecyRow:
    """One secrecy assessment that applies to the record (or one of its files)."""

    applies_to: str
    ground: str
    harm_test: str
    max_years: int | None
    period_start: date | None
    earliest_release: date | None
    protected_identity: bool
    personal_data: bool
    note: str = ""


@dataclass
class Review:
    record: Record | None
    records: list[Record] = field(default_factory=list)  # the record and its descendants
    files: list[ReviewFile] = field(default_factory=list)
    secrecy: list[SecrecyRow] = field(default_factory=list)
    visibility: object | None = None  # publication.RecordVisibility, when computed


def request_record(scope: Scope, request: AccessRequest) -> Record | None:
    """The requested record in the acting tenant's catalogue (None for free text, or
    when the catalogue no longer has it)."""
    if request.record_id is None:
        return None
    rows = Record.objects.select_related("aip", "tenant").filter(tenant_id=request.tenant_id)
    try:
        return scope.get(rows, "tenant", Permission.VIEW_CONTENT, pk=request.record_id)
    except NotFoundError:
        return None


def descendants(record: Record) -> list[Record]:
    """The record and everything below it (a case's documents), in catalogue order."""
    found, level = [record], [record]
    for _depth in range(MAX_DEPTH):
        ids = [r.pk for r in level]
        level = list(Record.objects.filter(parent_id__in=ids).order_by("order", "pk"))
        if not level:
            break
        found += level
    return found


def review_files(records: list[Record]) -> list[ReviewFile]:
    titles = {r.pk: (r.title or r.registration_number or str(r.pk)) for r in records}
    links = (
        RecordFile.objects.filter(record_id__in=list(titles))
        .select_related("aip_file", "aip_file__aip")
        .order_by("record__order", "aip_file__path", "pk")
    )
    seen: set[int] = set()
    files = []
    for link in links:
        if link.aip_file_id in seen:
            continue
        seen.add(link.aip_file_id)
        files.append(ReviewFile(link.aip_file, titles[link.record_id]))
    return files


def build_review(scope: Scope, request: AccessRequest) -> Review:
    scope.require(Permission.VIEW_CONTENT)
    record = request_record(scope, request)
    if record is None:
        return Review(record=None)
    records = descendants(record)
    review = Review(record=record, records=records, files=review_files(records))
    review.visibility, review.secrecy = secrecy_of(scope, records)
    return review


def _earliest(max_years: int | None, start: date | None) -> date | None:
    if not max_years or not start:
        return None
    from samarkiv.access.publication.secrecy import add_years

    return add_years(start, max_years)


def secrecy_of(scope: Scope, records: list[Record]) -> tuple[object | None, list[SecrecyRow]]:
    """The requested record's computed visibility, and every secrecy marking or
    package restriction that reaches it or its documents (the publication service's
    inheritance: own, case, series, class, agreement; file markings)."""
    from samarkiv.access.publication.secrecy import package_restrictions
    from samarkiv.access.publication.service import record_secrecy

    visibility, rows, seen = None, [], set()
    for index, record in enumerate(records[:MAX_SECRECY_RECORDS]):
        found = record_secrecy(scope, record)
        if index == 0:
            visibility = found.visibility
        name = record.title or record.registration_number or str(record.pk)
        for row in found.rows:
            if row.marking.pk in seen:
                continue
            seen.add(row.marking.pk)
            rows.append(_row(f"{name} ({row.source})", row.marking, row.release))
        for restriction in package_restrictions(record):
            rows.append(
                SecrecyRow(
                    applies_to=f"{name} ({_('leveransen')})",
                    ground=restriction.ground,
                    harm_test="",
                    max_years=None,
                    period_start=None,
                    earliest_release=restriction.release,
                    protected_identity=restriction.protected,
                    personal_data=restriction.personal_data,
                )
            )
    return visibility, rows


def _row(applies: str, marking, release: date | None) -> SecrecyRow:
    return SecrecyRow(
        applies_to=applies,
        ground=marking.ground,
        harm_test=str(marking.get_harm_test_display()) if marking.harm_test else "",
        max_years=marking.max_years,
        period_start=marking.period_start,
        earliest_release=release or _earliest(marking.max_years, marking.period_start),
        protected_identity=marking.protected_identity,
        personal_data=marking.personal_data,
        note=marking.note,
    )


def metadata_fields(record: Record) -> list[tuple[str, str, str]]:
    """(key, label, value) of the record as the released metadata sheet lists them."""
    from samarkiv.access.requests.choices import MASKABLE_FIELDS

    parties = "; ".join(
        ", ".join(str(p.get(k, "")) for k in ("name", "role", "personal_id") if p.get(k))
        for p in (record.parties or [])
    )
    dates = " – ".join(str(d) for d in (record.date_start, record.date_end) if d)
    return [
        ("title", str(MASKABLE_FIELDS["title"]), record.title),
        (
            "registration_number",
            str(MASKABLE_FIELDS["registration_number"]),
            record.registration_number,
        ),
        ("dates", "Datum", dates),
        ("document_type", "Handlingstyp", record.document_type),
        ("records_creator", "Arkivbildare", record.records_creator_name),
        ("case_officer", str(MASKABLE_FIELDS["case_officer"]), record.case_officer),
        ("description", str(MASKABLE_FIELDS["description"]), record.description),
        ("parties", str(MASKABLE_FIELDS["parties"]), parties),
    ]
