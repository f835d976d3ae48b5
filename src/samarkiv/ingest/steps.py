"""The steps of ``pipeline``: each takes the running ingest and does one thing."""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context

from django.db import transaction
from django.utils import timezone

from samarkiv.crashpoints import crash_point
from samarkiv.delivery import agreements
from samarkiv.ingest import copies, placement
from samarkiv.ingest.choices import IngestState
from samarkiv.ingest.receipt import Receipt, json_safe
from samarkiv.packages import aip as aipmod
from samarkiv.packages.model import (
    AgentType,
    AipSummary,
    EventOutcome,
    EventType,
    FileRecord,
    PremisAgent,
    PremisEvent,
)
from samarkiv.packages.namespaces import CSIP, q
from samarkiv.packages.report import Finding, Level, PackageReport, Severity
from samarkiv.packages.safexml import XmlProblem, parse_untrusted
from samarkiv.packages.validation.api import package_root, validate_unpacked
from samarkiv.preservation import formats, hashing, locations
from samarkiv.preservation.models import Aip
from samarkiv.preservation.registry import (
    CopyInfo,
    fingerprint,
    record_ingest_events,
    register_aip,
)
from samarkiv.storage.location import StoredVersion

METS_NAMES = ("METS.xml", "mets.xml", "sip.xml")  # as the validator finds the package METS
OBJID_MAX = Aip._meta.get_field("sip_objid").max_length
RULE_OBJID = "INGEST-OBJID"
PROCESS_IDENTIFY_FROM = 500  # files; below this a separate process costs more than it saves
PROCESS_IDENTIFY_FROM_BYTES = 64 * 2**20  # or bytes: a long scan would hold the GIL


def receive(run, opened) -> bool:
    """Take the opened delivery; False when the container refused it (hostile input)."""
    run.container_findings = list(opened.findings)
    if opened.root is None:
        run.row.validation = json_safe({"findings": [f.to_dict() for f in opened.findings]})
        return False
    run.sip_root = package_root(opened.root)
    run.moved_from_workspace = opened.container != "directory"
    rel_paths = placement.list_files(run.sip_root)
    run.row.file_count = len(rel_paths)
    run.rel_paths = rel_paths
    return True


class _Identification:
    """Formats from one or more identification workers, merged when asked for."""

    def __init__(self, futures: list[Future]) -> None:
        self._futures = futures

    def result(self) -> dict:
        merged: dict = {}
        for future in self._futures:
            merged.update(future.result())
        return merged


def start_identification(run) -> _Identification:
    """Identify formats beside hashing and staging.

    siegfried holds the GIL and reads many formats to their end, so a big delivery is
    split over one process per core: it is the longest step, and the rest of the
    pipeline only waits for it when PREMIS is written.
    """
    total = sum((run.sip_root / p).stat().st_size for p in run.rel_paths)
    big = len(run.rel_paths) >= PROCESS_IDENTIFY_FROM or total >= PROCESS_IDENTIFY_FROM_BYTES
    if not big:
        pool = ThreadPoolExecutor(max_workers=1)
        futures = [pool.submit(formats.identify_files, run.sip_root, run.rel_paths)]
    else:
        parts = max(1, min(os.cpu_count() or 1, len(run.rel_paths)))
        chunks = [run.rel_paths[i::parts] for i in range(parts)]
        pool = ProcessPoolExecutor(max_workers=parts, mp_context=get_context("spawn"))
        futures = [
            pool.submit(formats.identify_files, run.sip_root, chunk, workers=1) for chunk in chunks
        ]
    pool.shutdown(wait=False)
    return _Identification(futures)


def digest(run) -> None:
    total = sum((run.sip_root / p).stat().st_size for p in run.rel_paths)
    run.progress.start_bytes(len(run.rel_paths), total)
    run.digests = hashing.sha256_files(
        run.sip_root,
        run.rel_paths,
        workers=max(4, 2 * (os.cpu_count() or 2)),  # more reads in flight on a cold cache
        progress=run.progress.update,
    )
    run.row.bytes = total
    run.log.add(
        EventType.MESSAGE_DIGEST_CALCULATION,
        EventOutcome.SUCCESS,
        f"SHA-256 of {len(run.digests)} files ({total} bytes) computed",
    )


def validate(run) -> PackageReport:
    """The validator's report, plus what opening the container found and the names the
    AIP cannot keep: each of those is a MUST too, and the validator alone sees neither."""
    sha = {path: digest for path, (_, digest) in run.digests.items()}
    report = PackageReport(package=run.request.source.name)
    report.findings.extend(run.container_findings)
    validate_unpacked(run.sip_root, run.request.spec, report=report, sha256=sha)
    report.findings.extend(placement.name_findings(run.rel_paths))
    run.row.sip_objid = _catalogue_objid(run, report)
    run.row.validation = json_safe(report.to_dict())
    counts = _counts(report)
    outcome = EventOutcome.SUCCESS if report.valid else EventOutcome.FAILURE
    if report.valid and counts[Severity.WARNING]:
        outcome = EventOutcome.WARNING
    run.log.add(
        EventType.VALIDATION,
        outcome,
        f"validated as {report.specification}",
        outcome_detail=f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings",
    )
    run.row.fingerprint = fingerprint((p, d) for p, (_, d) in run.digests.items())
    run.row.save()
    return report


def _counts(report: PackageReport) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for finding in report.findings:
        counts[finding.effective_severity] += 1
    return counts


def _catalogue_objid(run, report: PackageReport) -> str:
    """The SIP's OBJID as the catalogue can hold it; a longer one is a MUST finding."""
    objid = json_safe(_sip_objid(run))
    if len(objid) > OBJID_MAX:
        message = (
            f"the package OBJID is {len(objid)} characters long; the catalogue holds at "
            f"most {OBJID_MAX}, so the SIP cannot be found again by its identifier"
        )
        report.findings.append(Finding(RULE_OBJID, Level.MUST, message, path="METS.xml"))
        objid = objid[:OBJID_MAX]
    return objid


def _sip_objid(run) -> str:
    """OBJID of the package METS (under any name the validator accepts), else the folder.

    A METS that is not XML has already been reported by the validator, which rejects
    the SIP; the folder name then stands in, so the ingest ends with that report. The
    content information type is read on the way, for the agreement check.
    """
    for name in METS_NAMES:
        mets = run.sip_root / name
        if mets.is_file():
            try:
                root = parse_untrusted(mets).getroot()
            except XmlProblem:
                return run.sip_root.name
            run.content_type = (root.get(q(CSIP, "CONTENTINFORMATIONTYPE")) or "").strip()
            return root.get("OBJID") or run.sip_root.name
    return run.sip_root.name


def check_agreement(run, report: PackageReport) -> str:
    """Hold the valid SIP to its agreement; why it is refused, or "" when it may go on.

    The specification first, then (only when the agreement lists formats) every file's
    format: that waits for identification, which otherwise runs beside staging, so a
    refused SIP never reaches storage. The findings join the validation report.
    """
    agreement = run.agreement
    findings = agreements.specification_findings(agreement, report.specification, run.content_type)
    if not findings and agreement.allowed_formats:
        run.files = identify(run)
        findings = agreements.format_findings(
            agreement, ((f.path, f.puid, f.format_name) for f in run.files)
        )
    if not findings:
        return ""
    report.findings.extend(findings)
    run.row.validation = json_safe(report.to_dict())
    run.row.save(update_fields=["validation"])
    rule = findings[0].rule_id
    what = "specification is" if rule == agreements.RULE_SPECIFICATION else "file formats are"
    return f"the SIP's {what} not allowed by submission agreement '{agreement.code}'"


def find_existing(run) -> Aip | None:
    return Aip.objects.filter(tenant_id=run.tenant.code, sip_objid=run.row.sip_objid).first()


def wants_new_version(run, existing: Aip) -> bool:
    """A new AIP version only for changed content.

    The same SIP again is a duplicate even with --new-version, so a rerun after a crash
    (or a double click) never stores one generation twice.
    """
    return run.request.new_version and existing.fingerprint != run.row.fingerprint


def existing_outcome(run, existing: Aip) -> Receipt:
    """Same SIP again: a duplicate. Same OBJID, other content: refuse without --new-version."""
    if existing.fingerprint == run.row.fingerprint:
        run.row.aip_id = existing.id
        message = f"already preserved as {existing.id}; no new AIP was made"
        return _close(run, IngestState.DUPLICATE, message, duplicate_of=existing.id)
    message = (
        f"a SIP with OBJID '{run.row.sip_objid}' is already preserved as {existing.id} with "
        "different content; ingest it with --new-version to make a new AIP version"
    )
    return reject(run, message)


def identify(run) -> list[FileRecord]:
    results = run.formats.result()
    unknown = 0
    files = []
    for path in run.rel_paths:
        size, sha = run.digests[path]
        fmt = results.get(path)
        if fmt is None or not fmt.puid:
            unknown += 1
        files.append(
            FileRecord(
                path,
                size,
                sha,
                puid=getattr(fmt, "puid", ""),
                format_name=getattr(fmt, "format_name", ""),
                format_version=getattr(fmt, "format_version", ""),
                mime=getattr(fmt, "mime", ""),
                basis=getattr(fmt, "basis", ""),
                warning=getattr(fmt, "warning", ""),
            )
        )
    name, version = formats.identifier_agent()
    agent = run.log.agent(PremisAgent(f"{name}/{version}", name, AgentType.SOFTWARE, version))
    run.log.add(
        EventType.FORMAT_IDENTIFICATION,
        EventOutcome.WARNING if unknown else EventOutcome.SUCCESS,
        f"{len(files)} files identified with {name} {version}",
        outcome_detail=f"{unknown} files without a PRONOM identifier",
        agents=(agent,),
    )
    return files


def build_and_store(run, existing: Aip | None) -> StoredVersion:
    """Build the AIP in storage staging and commit it: a new object, or its next version.

    The AIP id is saved on the ingest row before anything is staged, so recovery can
    tell which AIP a dead ingest was writing. The SIP's files are placed into staging
    while siegfried is still identifying them in its own process; only the metadata
    (PREMIS needs the formats) waits for it.
    """
    aip_id = existing.id if existing else aipmod.aip_id_for(run.tenant.code, run.row.sip_objid)
    run.row.aip_id = aip_id
    run.row.save(update_fields=["aip_id"])
    location = locations.location(run.policy[0])
    run.location_name = location.name
    history = _history(location, aip_id) if existing else None
    created = timezone.now()  # one instant: METS CREATEDATE and the catalogue row agree
    with location.begin_version(aip_id) as staging:
        run.advance(IngestState.STAGING)
        layout = placement.AipLayout(staging.content_dir, aip_id, run.sip_root.name)
        placement.place(
            run.sip_root, layout.submission_dir, run.rel_paths, run.moved_from_workspace
        )
        crash_point("ingest:placed")
        run.advance(IngestState.IDENTIFYING)
        files = run.files if run.files is not None else identify(run)
        run.advance(IngestState.BUILDING)
        run.log.add(EventType.INGESTION_END, EventOutcome.SUCCESS, f"AIP {aip_id} built")
        events, agents = _provenance(run, history)
        meta = aipmod.build_aip(
            layout.aip_dir,
            aip_id=aip_id,
            tenant=run.tenant,
            sip_objid=run.row.sip_objid,
            sip_label=placement.printable(run.request.source.name),
            sip_files=files,
            events=events,
            agents=agents,
            created=created,
            submission_dir_name=run.sip_root.name,
            agreement=run.agreement.code,
        )
        crash_point("ingest:built")
        run.advance(IngestState.STORING)
        expected = layout.expected(files, meta)
        stored = staging.commit(expected, message=f"ingest {run.row.id}", user_name="samarkiv")
    crash_point("ingest:stored")
    run.summary = AipSummary(
        aip_id,
        run.tenant.code,
        run.row.sip_objid,
        placement.printable(run.request.source.name),
        created,
        files=layout.aip_records(files, meta),
        events=events,
        agents=agents,
    )
    return stored


def _history(location, aip_id: str) -> AipSummary:
    """The stored head version of the AIP, read from its METS and PREMIS."""
    from samarkiv.ingest.recovery import read_summary

    return read_summary(location, aip_id)


def _provenance(run, history: AipSummary | None) -> tuple[list[PremisEvent], list[PremisAgent]]:
    """Events and agents for the PREMIS of the version being built.

    A new version carries the earlier versions' events forward: each version's PREMIS
    is the AIP's whole history, so the catalogue rebuilt from the stored head alone
    still knows how the first generation came in.
    """
    if history is None:
        return list(run.log.events), list(run.log.agents.values())
    agents = {agent.identifier: agent for agent in history.agents}
    agents.update(run.log.agents)
    return [*history.events, *run.log.events], list(agents.values())


@transaction.atomic
def catalogue(run, stored: StoredVersion) -> Aip:
    """The catalogue rows appear together; INCOMPLETE while policy copies are missing."""
    copy = CopyInfo(run.location_name, stored.version, stored.url, timezone.now())
    aip = register_aip(
        run.summary,
        fingerprint_value=run.row.fingerprint,
        version=stored.version,
        copies=[copy],
        ingest_id=run.row.id,
    )
    aip.state = copies.initial_state(run.policy)
    aip.agreement = run.agreement.code
    aip.save(update_fields=["state", "agreement"])
    return aip


def finish(run, aip: Aip, failures: list[str]) -> Receipt:
    run.row.aip_id = aip.id
    from samarkiv.access.search.queue import enqueue_aip

    enqueue_aip(aip.id)  # records and text are indexed by the worker, never here
    stored_copies = copies.receipt_copies(aip)
    if failures:
        message = (
            f"stored as {aip.id}, but NOT yet preserved: {'; '.join(failures)}; "
            "the next audit retries the missing copies"
        )
    else:
        message = f"preserved as {aip.id} in {len(stored_copies)} verified copies"
    return _close(run, IngestState.DONE, message, copies=stored_copies)


def reject(run, message: str, report: PackageReport | None = None) -> Receipt:
    run.log.add(EventType.INGESTION_END, EventOutcome.FAILURE, message)
    record_ingest_events(run.log.events, run.row.id)
    return _close(run, IngestState.REJECTED, message)


def fail(run, exc: BaseException) -> None:
    run.log.add(EventType.INGESTION_END, EventOutcome.FAILURE, f"ingest failed: {exc}")
    record_ingest_events(run.log.events, run.row.id)
    run.row.state = IngestState.FAILED
    run.row.message = f"{type(exc).__name__}: {exc}"
    run.row.finished_at = timezone.now()
    run.row.save()


def _close(run, state: IngestState, message: str, *, copies=(), duplicate_of="") -> Receipt:
    run.row.state = state
    run.row.message = message
    run.row.finished_at = timezone.now()
    validation = run.row.validation or {}
    findings = validation.get("findings", [])
    receipt = Receipt(
        ingest_id=str(run.row.id),
        state=state.value,
        tenant=run.tenant.code,
        source=str(run.request.source),
        sip_objid=run.row.sip_objid,
        aip_id=run.row.aip_id,
        file_count=run.row.file_count,
        bytes=run.row.bytes,
        copies=list(copies),
        errors=sum(1 for f in findings if f.get("severity") == "error"),
        warnings=sum(1 for f in findings if f.get("severity") == "warning"),
        message=message,
        started=run.row.created_at.isoformat(),
        finished=run.row.finished_at.isoformat(),
        duplicate_of=duplicate_of,
    )
    run.row.receipt = receipt.to_dict()
    run.row.save()
    return receipt
