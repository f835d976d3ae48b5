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
9. replicate - the further copies the storage policy names, each verified; the AIP
               counts as preserved only then; the receipt

Every delivery is made under a submission agreement (the tenant's manual one when none
is named), resolved before anything is written: its specifications are checked after
validation, its formats after identification (both before anything is stored), and
its storage policy, when it has one, decides where the AIP goes. The outcome is
recorded in the audit log.

A crash anywhere leaves nothing or a complete, verified AIP (see ``recovery``).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from samarkiv.auditlog.chain import append as audit_append
from samarkiv.auditlog.choices import AuditAction, AuditOutcome
from samarkiv.catalog.tenants import get_tenant
from samarkiv.crashpoints import crash_point
from samarkiv.delivery.agreements import resolve_agreement, storage_policy_names
from samarkiv.delivery.models import SubmissionAgreement
from samarkiv.errors import SamarkivError
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
from samarkiv.packages.model import AipSummary, EventOutcome, EventType, FileRecord, TenantRef
from samarkiv.packages.report import Finding

log = logging.getLogger(__name__)
UNKNOWN_ACTOR = "unknown"


@dataclass
class IngestRequest:
    source: Path
    tenant: str
    agreement: str | int = ""  # code (or primary key); "" = the tenant's manual agreement
    new_version: bool = False
    spec: str = "auto"
    actor: str = ""  # who delivered, for the audit log ("user:anna", "cli:root" ...)


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
    agreement: SubmissionAgreement | None = None
    policy: tuple[str, ...] = ()  # storage locations, the primary first
    content_type: str = ""  # mets/@csip:CONTENTINFORMATIONTYPE of the package METS
    files: list[FileRecord] | None = None  # identified early when the agreement lists formats

    def advance(self, state: IngestState) -> None:
        self.row.state = state
        self.row.save(update_fields=["state"])
        self.progress.step(state.label)
        crash_point(f"ingest:{state.value}")


def ingest(request: IngestRequest, *, progress: Progress | None = None) -> Receipt:
    """Ingest one SIP for one tenant; the one entry point for CLI, web and API.

    An unknown, inactive or expired agreement (or one whose storage policy is gone) is
    refused here, before the ingest row or anything in storage exists.
    """
    tenant_row = get_tenant(request.tenant)
    try:
        agreement = resolve_agreement(tenant_row.code, request.agreement)
        policy = storage_policy_names(agreement)
    except SamarkivError as exc:
        _audit_refusal(request, tenant_row.code, exc)
        raise
    with exclusive_lock(Path(settings.SAMARKIV_LOCKS_DIR)):
        recover()
        run = _start(request, tenant_row, agreement, progress or NoProgress())
        run.policy = policy
        try:
            receipt = _run_steps(run)
        except BaseException as exc:
            steps.fail(run, exc)
            _audit_outcome(run)
            raise
        finally:
            run.progress.close()
    _audit_outcome(run)
    return receipt


def _start(
    request: IngestRequest, tenant_row, agreement: SubmissionAgreement, progress: Progress
) -> IngestRun:
    source_name = json_safe(str(request.source))[: Ingest._meta.get_field("source_name").max_length]
    row = Ingest.objects.create(
        tenant=tenant_row, agreement=agreement.code, source_name=source_name
    )
    tenant = TenantRef(tenant_row.code, tenant_row.name, tenant_row.org_number)
    run = IngestRun(request, row, tenant, progress, agreement=agreement)
    run.log.agent(samarkiv_agent())
    owner = run.log.agent(tenant_agent(tenant))
    run.log.add(
        EventType.INGESTION_START,
        EventOutcome.SUCCESS,
        f"delivery '{printable(request.source.name)}' received for {tenant.name} under "
        f"submission agreement '{agreement.code}'",
        agents=(owner, samarkiv_agent().identifier),
    )
    crash_point("ingest:started")
    return run


def _audit_outcome(run: IngestRun) -> None:
    """INGEST in the audit log: who delivered what under which agreement, and the end.

    A failure to write the entry is logged, not raised: the AIP (or the rejection) is
    already final, and the deliverer must not be told otherwise.
    """
    row = run.row
    success = row.state in (IngestState.DONE, IngestState.DUPLICATE)
    try:
        audit_append(
            actor=run.request.actor or UNKNOWN_ACTOR,
            action=AuditAction.INGEST,
            outcome=AuditOutcome.SUCCESS if success else AuditOutcome.FAILURE,
            tenant=run.tenant.code,
            object_type="preservation.aip" if row.aip_id and success else "ingest.ingest",
            object_id=row.aip_id if row.aip_id and success else str(row.id),
            detail={
                "state": row.state,
                "sip_objid": row.sip_objid,
                "ingest": str(row.id),
                "agreement": row.agreement,
                "source": printable(run.request.source.name),
                "message": row.message[:500],
            },
        )
    except Exception:
        log.exception("the audit log entry for ingest %s could not be written", row.id)


def _audit_refusal(request: IngestRequest, tenant: str, exc: SamarkivError) -> None:
    """A delivery refused before it started (its agreement) is on the record too."""
    try:
        audit_append(
            actor=request.actor or UNKNOWN_ACTOR,
            action=AuditAction.INGEST,
            outcome=AuditOutcome.FAILURE,
            tenant=tenant,
            object_type="ingest.ingest",
            detail={
                "state": "refused",
                "error": exc.code,
                "message": exc.message[:500],
                "agreement": str(request.agreement)[:255],
                "source": printable(request.source.name),
            },
        )
    except Exception:
        log.exception("the audit log entry for a refused delivery could not be written")


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
        refusal = steps.check_agreement(run, report)
        if refusal:
            return steps.reject(run, refusal, report)
        existing = steps.find_existing(run)
        if existing is not None and not steps.wants_new_version(run, existing):
            return steps.existing_outcome(run, existing)
        stored = steps.build_and_store(run, existing)
        run.advance(IngestState.CATALOGUING)
        aip = steps.catalogue(run, stored)
    run.advance(IngestState.REPLICATING)
    failures = copies.write_other_copies(aip)  # under the policy the AIP row names
    return steps.finish(run, aip, failures)
