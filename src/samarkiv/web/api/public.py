"""The public, read-only API: the portal's search and record pages as JSON, no login.

Why through ``publication.public`` only: like the portal pages, these endpoints can
only return what the published projection holds, so a missing check here cannot leak
a secret, protected or unpublished record. An unpublished id is a 404 like any other.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema

from samarkiv.web.api.schemas import ErrorOut

router = Router(tags=["public"])

MAX_TEXT = 500
CACHE_CONTROL = "public, max-age=60"  # like the portal pages: a proxy may share them


class PublicHitOut(Schema):
    record_id: str
    tenant_code: str
    tenant_name: str
    title: str
    registration_number: str
    date_start: date | None
    date_end: date | None
    document_type: str
    records_creator: str
    highlights: list[str]  # escaped HTML, only <mark> raw
    url: str


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class PublicSearchOut(Schema):
    total: int
    page: int
    per_page: int
    hits: list[PublicHitOut]
    facets: dict[str, list[FacetValueOut]]


class PublicFileOut(Schema):
    id: int
    name: str
    mime: str
    puid: str
    size: int
    sha256: str
    download_url: str


class PublicRecordOut(Schema):
    id: str
    tenant_code: str
    tenant_name: str
    kind: str
    title: str
    registration_number: str
    date_start: date | None
    date_end: date | None
    document_type: str
    classification_code: str
    records_creator: str
    series_title: str
    description: str
    names: list[str]
    addresses: list[str]
    property_designations: list[str]
    files: list[PublicFileOut]
    url: str
    dip_url: str


class SearchParams(Schema):
    q: str = ""
    registration_number: str = ""
    names: str = ""
    addresses: str = ""
    property_designations: str = ""
    tenant: list[str] = []
    records_creator: list[str] = []
    document_type: list[str] = []
    period: list[str] = []
    kind: list[str] = []
    year_from: int | None = None
    year_to: int | None = None


FIELD_KEYS = ("registration_number", "names", "addresses", "property_designations")
FILTER_KEYS = ("tenant", "records_creator", "document_type", "period", "kind")


def _public():
    from samarkiv.access.publication import public

    return public


def _filters(params: SearchParams) -> dict:
    chosen: dict = {
        key: [v[:200] for v in getattr(params, key)][:20]
        for key in FILTER_KEYS
        if getattr(params, key)
    }
    for key in ("year_from", "year_to"):
        if getattr(params, key) is not None:
            chosen[key] = [str(getattr(params, key))]
    return chosen


@router.get(
    "/public/search",
    auth=None,
    operation_id="publicSearch",
    response={200: PublicSearchOut, 422: ErrorOut},
)
def public_search(
    request: HttpRequest,
    response: HttpResponse,
    params: Query[SearchParams],
    page: Annotated[int, Query(ge=1, le=500)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
):
    """Published records of every member municipality (free text: Swedish stemming,
    ``prefix*``, ``fuzzy~``, ``"phrases"``), with facets. No login."""
    response["Cache-Control"] = CACHE_CONTROL
    fields = {k: getattr(params, k)[:MAX_TEXT] for k in FIELD_KEYS if getattr(params, k).strip()}
    result = _public().public_search(
        params.q[:MAX_TEXT],
        fields=fields or None,
        filters=_filters(params) or None,
        page=page,
        per_page=per_page,
        facets=True,
    )
    hits = [
        PublicHitOut(
            record_id=str(h.record_id),
            tenant_code=h.tenant_code,
            tenant_name=h.tenant_name,
            title=h.title,
            registration_number=h.registration_number,
            date_start=h.date_start,
            date_end=h.date_end,
            document_type=h.document_type,
            records_creator=h.records_creator,
            highlights=list(h.highlights or []),
            url=request.build_absolute_uri(reverse("portal:record", kwargs={"pk": h.record_id})),
        )
        for h in result.hits
    ]
    facets = {
        key: [FacetValueOut(value=str(v), label=str(lbl), count=int(n)) for v, lbl, n in values]
        for key, values in (result.facets or {}).items()
    }
    return PublicSearchOut(
        total=result.total, page=result.page, per_page=result.per_page, hits=hits, facets=facets
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@router.get(
    "/public/records/{record_id}",
    auth=None,
    operation_id="publicRecord",
    response={200: PublicRecordOut, 404: ErrorOut, 422: ErrorOut},
)
def public_record(request: HttpRequest, response: HttpResponse, record_id: UUID):
    """One published record with its files; 404 for anything not published. No login."""
    source = _public()
    item = source.published_record(record_id)  # NotFoundError -> 404
    response["Cache-Control"] = CACHE_CONTROL
    url = request.build_absolute_uri
    files = [
        PublicFileOut(
            id=f.pk,
            name=f.name,
            mime=f.mime,
            puid=f.puid,
            size=f.size,
            sha256=f.sha256,
            download_url=url(reverse("portal:file", kwargs={"pk": item.pk, "file_id": f.pk})),
        )
        for f in source.published_files(item)
    ]
    return PublicRecordOut(
        id=str(item.pk),
        tenant_code=item.tenant_code,
        tenant_name=item.tenant_name,
        kind=item.kind,
        title=item.title,
        registration_number=item.registration_number,
        date_start=item.date_start,
        date_end=item.date_end,
        document_type=item.document_type,
        classification_code=item.classification_code,
        records_creator=item.records_creator,
        series_title=item.series_title,
        description=item.description,
        names=_lines(item.names),
        addresses=_lines(item.addresses),
        property_designations=_lines(item.property_designations),
        files=files,
        url=url(reverse("portal:record", kwargs={"pk": item.pk})),
        dip_url=url(reverse("portal:dip", kwargs={"pk": item.pk})),
    )
