"""Read-side querysets for the staff pages: ingests, AIPs and what hangs off them.

Why one module: every page reads the catalogue through these functions, so when tenancy
and roles arrive the narrowing to what a person may see is added once, in ``_visible``,
instead of in every view. Views stay declarative: parse the request, call one of these,
render.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from samarkiv.catalog.models import Tenant
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.receipt import Receipt, StoredCopyReceipt
from samarkiv.preservation.models import Aip, AipFile, PreservationEvent, StoredCopy


def _visible(queryset: QuerySet, tenant_field: str = "tenant") -> QuerySet:
    """Rows of the tenants the viewer may see: all of them until roles exist.

    ``tenant_field`` is the lookup from the queryset's model to its Tenant, so the one
    rule can later narrow ingests, AIPs, files and events alike.
    """
    return queryset


def tenants() -> QuerySet[Tenant]:
    """Tenants for filters and the upload form, host first, then by name."""
    return _visible(Tenant.objects.all(), "pk")


def ingests(*, tenant: str = "", state: str = "") -> QuerySet[Ingest]:
    """Ingests, newest first, optionally of one tenant and in one state.

    The large JSON columns are left out; ``aip_exists`` says whether the AIP the ingest
    names is in the catalogue (a failed ingest may name one that was never stored).
    """
    queryset = (
        _visible(Ingest.objects.select_related("tenant"))
        .defer("validation", "receipt")
        .annotate(aip_exists=Exists(Aip.objects.filter(pk=OuterRef("aip_id"))))
        .order_by("-created_at")
    )
    if tenant:
        queryset = queryset.filter(tenant_id=tenant)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def ingest_details() -> QuerySet[Ingest]:
    """Ingests with their validation report and receipt, for the detail page."""
    return _visible(Ingest.objects.select_related("tenant")).annotate(
        aip_exists=Exists(Aip.objects.filter(pk=OuterRef("aip_id")))
    )


def ingest_events(ingest: Ingest) -> QuerySet[PreservationEvent]:
    """The PREMIS events one ingest recorded, in the order they happened."""
    return PreservationEvent.objects.filter(ingest=ingest).order_by("date_time")


def receipt_of(ingest: Ingest) -> Receipt | None:
    """The stored receipt as a Receipt again (None while the ingest is running or failed).

    Unknown keys are ignored so that receipts written by older or newer versions still
    render.
    """
    data = ingest.receipt
    if not data:
        return None
    names = {f.name for f in dataclasses.fields(Receipt)}
    fields = {key: value for key, value in data.items() if key in names}
    copy_names = {f.name for f in dataclasses.fields(StoredCopyReceipt)}
    fields["copies"] = [
        StoredCopyReceipt(**{k: v for k, v in copy.items() if k in copy_names})
        for copy in fields.get("copies") or []
    ]
    return Receipt(**fields)


def aips(*, tenant: str = "") -> QuerySet[Aip]:
    """AIPs, newest first, optionally of one tenant."""
    queryset = _visible(Aip.objects.select_related("tenant")).order_by("-created_at", "pk")
    if tenant:
        queryset = queryset.filter(tenant_id=tenant)
    return queryset


def aip_files(aip: Aip) -> QuerySet[AipFile]:
    return AipFile.objects.filter(aip=aip).order_by("path")


def aip_copies(aip: Aip) -> QuerySet[StoredCopy]:
    return StoredCopy.objects.filter(aip=aip).order_by("location", "version")


def aip_events(aip: Aip) -> QuerySet[PreservationEvent]:
    return PreservationEvent.objects.filter(aip=aip).order_by("date_time")


def aip_ingests(aip: Aip) -> QuerySet[Ingest]:
    """The ingests that made or re-delivered this AIP, newest first."""
    return ingests().filter(aip_id=aip.pk)


def format_summary(aip: Aip) -> list[dict]:
    """Files and bytes per identified format, most common first.

    One row per (PUID, format name); files siegfried could not identify (and the files
    samarkiv itself wrote into the AIP) share the row with an empty PUID.
    """
    rows = (
        aip_files(aip)
        .order_by()
        .values("puid", "format_name")
        .annotate(files=Count("pk"), bytes=Sum("size"))
        .order_by("-files", "puid", "format_name")
    )
    return list(rows)
