"""Read-side querysets for the staff pages: validations, ingests, AIPs and what hangs off them.

Why one module: every page reads the catalogue through these functions, and each takes
the acting Scope, so the narrowing to what a person may see happens here, once, and the
API or a search page calling the same functions inherits it. Lists need
VIEW_DELIVERIES in the acting tenant; anything that shows content (file names,
validation reports, receipts, events) needs VIEW_CONTENT. Views stay declarative: parse
the request, call one of these, render.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from samarkiv.accounts.roles import Permission
from samarkiv.accounts.scope import Scope
from samarkiv.catalog.models import Tenant
from samarkiv.errors import NotFoundError
from samarkiv.ingest.models import Ingest, ValidationRun
from samarkiv.ingest.receipt import Receipt, StoredCopyReceipt
from samarkiv.preservation.models import Aip, AipFile, PreservationEvent, StoredCopy

P = Permission


def tenants(scope: Scope) -> QuerySet[Tenant]:
    """The tenants whose deliveries the scope may list: its acting tenant (or all, CLI)."""
    return scope.visible(Tenant.objects.all(), "pk", P.VIEW_DELIVERIES)


# --------------------------------------------------------------------------- validations


def _own_runs(scope: Scope, queryset: QuerySet[ValidationRun]) -> QuerySet[ValidationRun]:
    """Runs the scope's user made in the acting tenant (they uploaded the package)."""
    if scope.all_tenants:
        return queryset
    if scope.user_id is None or scope.tenant is None or not scope.can(P.VALIDATE):
        return queryset.none()
    return queryset.filter(tenant_id=scope.tenant, created_by_id=scope.user_id)


def _runs(scope: Scope, permission: Permission) -> QuerySet[ValidationRun]:
    """The tenant's runs with ``permission``, plus the user's own runs; nothing else.

    Why own runs: host IT archivists validate packages for the members but have no
    content access; the report of a package they uploaded shows them nothing new.
    """
    base = ValidationRun.objects.select_related("tenant")
    tenant_runs = scope.visible(base, "tenant", permission)
    own = _own_runs(scope, base)
    return base.filter(Q(pk__in=tenant_runs.values("pk")) | Q(pk__in=own.values("pk")))


def validation_runs(scope: Scope) -> QuerySet[ValidationRun]:
    """Runs for the list, newest first, without their (large) reports."""
    return _runs(scope, P.VIEW_DELIVERIES).defer("report").order_by("-created_at")


def validation_run(scope: Scope, pk) -> ValidationRun:
    """One run with its report (which lists file paths): content; NotFoundError otherwise."""
    run = _runs(scope, P.VIEW_CONTENT).filter(pk=pk).first()
    if run is None:
        raise NotFoundError("no such validation run")
    return run


# --------------------------------------------------------------------------- ingests


def _with_aip_flag(queryset: QuerySet[Ingest]) -> QuerySet[Ingest]:
    return queryset.annotate(aip_exists=Exists(Aip.objects.filter(pk=OuterRef("aip_id"))))


def ingests(scope: Scope, *, tenant: str = "", state: str = "") -> QuerySet[Ingest]:
    """Ingests, newest first, optionally of one tenant and in one state.

    The large JSON columns are left out; ``aip_exists`` says whether the AIP the ingest
    names is in the catalogue (a failed ingest may name one that was never stored).
    """
    visible = scope.visible(Ingest.objects.select_related("tenant"), "tenant", P.VIEW_DELIVERIES)
    queryset = _with_aip_flag(visible.defer("validation", "receipt")).order_by("-created_at")
    if tenant:
        queryset = queryset.filter(tenant_id=tenant)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def ingest_detail(scope: Scope, pk) -> Ingest:
    """One ingest with its validation report and receipt (content), or NotFoundError."""
    rows = _with_aip_flag(Ingest.objects.select_related("tenant"))
    return scope.get(rows, "tenant", P.VIEW_CONTENT, pk=pk)


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


# --------------------------------------------------------------------------- AIPs


def aips(scope: Scope, *, tenant: str = "", state: str = "") -> QuerySet[Aip]:
    """AIPs, newest first, optionally of one tenant and in one state."""
    visible = scope.visible(Aip.objects.select_related("tenant"), "tenant", P.VIEW_DELIVERIES)
    queryset = visible.order_by("-created_at", "pk")
    if tenant:
        queryset = queryset.filter(tenant_id=tenant)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def aip_detail(scope: Scope, pk: str) -> Aip:
    """One AIP for its detail page (file names, events: content), or NotFoundError."""
    return scope.get(Aip.objects.select_related("tenant"), "tenant", P.VIEW_CONTENT, pk=pk)


def aip_files(aip: Aip) -> QuerySet[AipFile]:
    return AipFile.objects.filter(aip=aip).order_by("path")


def aip_copies(aip: Aip) -> QuerySet[StoredCopy]:
    return StoredCopy.objects.filter(aip=aip).order_by("location", "version")


def aip_events(aip: Aip) -> QuerySet[PreservationEvent]:
    return PreservationEvent.objects.filter(aip=aip).order_by("date_time")


def aip_ingests(scope: Scope, aip: Aip) -> QuerySet[Ingest]:
    """The ingests that made or re-delivered this AIP, newest first."""
    return ingests(scope).filter(aip_id=aip.pk)


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
