"""Ingest: from a submitted SIP to a preserved, verified E-ARK AIP.

The steps, in the order they run; each records a PREMIS event:

1. receive   - open the delivery safely into a per-ingest workspace
2. digest    - SHA-256 of every file, once, streaming, on all cores
3. validate  - the package validator; a broken MUST rejects the SIP with its report
4. duplicate - is this SIP (OBJID + digests) already preserved? then stop, unless a new
               version is asked for
5. identify  - PRONOM formats with siegfried, in batch (started early, runs beside 2-4)
6. build     - the E-ARK AIP (the SIP unchanged as its submission, AIP METS, PREMIS)
               written straight into the storage staging area
7. store     - every byte re-read and verified, then one atomic OCFL commit
8. catalogue - AIP, files, events and copies become visible together; the receipt

A crash anywhere leaves nothing or a complete, verified AIP (see ``recovery``).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from samarkiv.catalog.tenants import get_tenant
from samarkiv.crashpoints import crash_point
from samarkiv.ingest import steps
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.events import EventLog, samarkiv_agent, tenant_agent
from samarkiv.ingest.locking import exclusive_lock
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.progress import NoProgress, Progress
from samarkiv.ingest.receipt import Receipt
from samarkiv.ingest.recovery import recover
from samarkiv.packages.container import open_package
from samarkiv.packages.model import AipSummary, EventOutcome, EventType, TenantRef


@dataclass
class IngestRequest:
    source: Path
    tenant: str
    agreement: str = ""
    new_version: bool = False
    spec: str = "auto"


@dataclass
class IngestRun:
    """What the steps share while one ingest runs."""

    request: IngestRequest
    row: Ingest
    tenant: TenantRef
    progress: Progress
    log: EventLog = field(default_factory=EventLog)
    sip_root: Path | None = None
    moved_from_workspace: bool = False
    rel_paths: list[str] = field(default_factory=list)
    digests: dict[str, tuple[int, str]] = field(default_factory=dict)
    formats: Future | None = None
    location_name: str = ""
    summary: AipSummary | None = None

    def advance(self, state: IngestState) -> None:
        self.row.state = state
        self.row.save(update_fields=["state"])
        self.progress.step(state.label)
        crash_point(f"ingest:{state.value}")


def ingest(request: IngestRequest, *, progress: Progress | None = None) -> Receipt:
    """Ingest one SIP for one tenant; the one entry point for CLI, web and API."""
    tenant_row = get_tenant(request.tenant)
    with exclusive_lock(Path(settings.SAMARKIV_LOCKS_DIR)):
        recover()
        run = _start(request, tenant_row, progress or NoProgress())
        try:
            return _run_steps(run)
        except BaseException as exc:
            steps.fail(run, exc)
            raise
        finally:
            run.progress.close()


def _start(request: IngestRequest, tenant_row, progress: Progress) -> IngestRun:
    row = Ingest.objects.create(
        tenant=tenant_row, agreement=request.agreement, source_name=str(request.source)
    )
    tenant = TenantRef(tenant_row.code, tenant_row.name, tenant_row.org_number)
    run = IngestRun(request, row, tenant, progress)
    run.log.agent(samarkiv_agent())
    owner = run.log.agent(tenant_agent(tenant))
    run.log.add(
        EventType.INGESTION_START,
        EventOutcome.SUCCESS,
        f"delivery '{request.source.name}' received for {tenant.name}",
        agents=(owner, samarkiv_agent().identifier),
    )
    crash_point("ingest:started")
    return run


def _run_steps(run: IngestRun) -> Receipt:
    workspace = Path(settings.SAMARKIV_WORKSPACES_DIR) / str(run.row.id)
    with open_package(run.request.source, workspace=workspace) as opened:
        run.advance(IngestState.RECEIVING)
        if not steps.receive(run, opened):
            return steps.reject(run, "the delivery could not be opened safely")
        run.formats = steps.start_identification(run)
        run.advance(IngestState.HASHING)
        steps.digest(run)
        run.advance(IngestState.VALIDATING)
        report = steps.validate(run)
        if not report.valid:
            return steps.reject(run, "the SIP breaks MUST requirements", report)
        existing = steps.find_existing(run)
        if existing is not None and not run.request.new_version:
            return steps.existing_outcome(run, existing)
        run.advance(IngestState.IDENTIFYING)
        files = steps.identify(run)
        run.advance(IngestState.BUILDING)
        stored = steps.build_and_store(run, files, existing)
        run.advance(IngestState.CATALOGUING)
        aip = steps.catalogue(run, stored)
    return steps.finish(run, aip, stored, timezone.now())
