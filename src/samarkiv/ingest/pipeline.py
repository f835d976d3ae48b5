"""Ingest: from a submitted SIP to a preserved, verified E-ARK AIP.

The steps, in the order they run; each records a PREMIS event:

1. receive   - open the delivery safely into a per-ingest workspace
2. digest    - SHA-256 of every file, once, streaming, on all cores
3. validate  - the package validator; a broken MUST rejects the SIP with its report
4. duplicate - is this SIP (OBJID + digests) already preserved? then stop; the same OBJID
               with other content needs --new-version, and becomes the next version
5. identify  - PRONOM formats with siegfried, in batch (started early, runs beside 2-4)
6. build     - the E-ARK AIP (the SIP unchanged as its submission, AIP METS, PREMIS)
               written straight into the storage staging area
7. store     - every byte re-read and verified, then one atomic OCFL commit
8. catalogue - AIP, files, events and copies become visible together
9. replicate - the further copies the tenant's storage policy names, each verified; the
               AIP counts as preserved only then; the receipt

A crash anywhere leaves nothing or a complete, verified AIP (see ``recovery``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from samarkiv.catalog.tenants import get_tenant
from samarkiv.crashpoints import crash_point
from samarkiv.errors import UsageError
from samarkiv.ingest import copies, steps
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.events import EventLog, samarkiv_agent, tenant_agent
from samarkiv.ingest.locking import exclusive_lock
from samarkiv.ingest.models import Ingest
from samarkiv.ingest.placement import printable
from samarkiv.ingest.progress import NoProgress, Progress
from samarkiv.ingest.receipt import Receipt, json_safe
from samarkiv.ingest.recovery import recover
from samarkiv.packages.container import open_package
from samarkiv.packages.model import AipSummary, EventOutcome, EventType, TenantRef
from samarkiv.packages.report import Finding


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
    container_findings: list[Finding] = field(default_factory=list)
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
    _check_agreement(request.agreement)
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


def _check_agreement(agreement: str) -> None:
    """Refused up front: the catalogue column would refuse it mid-ingest on PostgreSQL."""
    limit = Ingest._meta.get_field("agreement").max_length
    if len(agreement) > limit:
        raise UsageError(f"the agreement identifier is longer than {limit} characters")


def _start(request: IngestRequest, tenant_row, progress: Progress) -> IngestRun:
    source_name = json_safe(str(request.source))[: Ingest._meta.get_field("source_name").max_length]
    row = Ingest.objects.create(
        tenant=tenant_row, agreement=request.agreement, source_name=source_name
    )
    tenant = TenantRef(tenant_row.code, tenant_row.name, tenant_row.org_number)
    run = IngestRun(request, row, tenant, progress)
    run.log.agent(samarkiv_agent())
    owner = run.log.agent(tenant_agent(tenant))
    run.log.add(
        EventType.INGESTION_START,
        EventOutcome.SUCCESS,
        f"delivery '{printable(request.source.name)}' received for {tenant.name}",
        agents=(owner, samarkiv_agent().identifier),
    )
    crash_point("ingest:started")
    return run


@contextmanager
def _workspace(ingest_id) -> Iterator[Path]:
    """The ingest's own folder under SAMARKIV_WORKSPACES_DIR, gone when the ingest ends.

    Why here and not only in ``open_package``: that removes the temporary folder it
    unpacks into, but not this per-ingest parent, and every finished ingest would
    otherwise leave an empty folder behind (recovery only sweeps before the next one).
    """
    folder = Path(settings.SAMARKIV_WORKSPACES_DIR) / str(ingest_id)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_steps(run: IngestRun) -> Receipt:
    with (
        _workspace(run.row.id) as workspace,
        open_package(run.request.source, workspace=workspace) as opened,
    ):
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
        if existing is not None and not steps.wants_new_version(run, existing):
            return steps.existing_outcome(run, existing)
        stored = steps.build_and_store(run, existing)
        run.advance(IngestState.CATALOGUING)
        aip = steps.catalogue(run, stored)
    run.advance(IngestState.REPLICATING)
    failures = copies.write_other_copies(aip)
    return steps.finish(run, aip, failures)
