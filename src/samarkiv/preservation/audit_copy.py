"""Auditing one stored copy of one AIP: check, compare with the catalogue, repair, record.

The order matters:

1. ``fixity_report`` re-reads every stored byte of the copy and compares it with the
   OCFL inventory (and, for sizes, with the catalogue);
2. the head version's inventory is compared with the catalogue's AipFile digests:
   disagreement is a finding of its own, because one of the two records is wrong;
3. each damaged content file is restored from another location that holds the same
   AIP: ``repair_content`` hashes the incoming bytes before writing (a damaged source
   is refused) and re-reads them after; a copy that is gone, or lacks versions the
   catalogue has, is replicated back version by version;
4. the repaired copy is checked again as a whole; only what that re-check finds intact
   counts as repaired;
5. one PREMIS "fixity check" event per AIP and location, a "replication" event per
   repair, one AuditFinding per problem; an AIP with damage no copy can mend is
   flagged DAMAGED and logged at error level.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction

from samarkiv.packages.aip import aip_folder_name
from samarkiv.packages.model import EventOutcome, EventType
from samarkiv.preservation.choices import AipState, FindingKind, FindingState
from samarkiv.preservation.models import Aip, AuditFinding, AuditRun
from samarkiv.preservation.replication import record_copies, record_event, replicate_object
from samarkiv.storage.fixity import FileProblem, FixityReport, ProblemKind
from samarkiv.storage.inventory import version_number
from samarkiv.storage.location import StagingMismatchError, StorageError, StorageLocation

log = logging.getLogger(__name__)

SHOWN = 20  # problems listed in an event's outcome detail


@dataclass
class Judged:
    """One problem and what became of it."""

    problem: FileProblem
    kind: FindingKind
    state: FindingState = FindingState.OPEN
    source: str = ""
    note: str = ""


@dataclass
class CopyResult:
    """What auditing one AIP copy found and did (summed into the AuditRun)."""

    files: int = 0
    bytes: int = 0
    judged: list[Judged] = field(default_factory=list)
    damaged: bool = False

    @property
    def clean(self) -> bool:
        """Nothing left wrong with this copy (all problems repaired, or none)."""
        return all(j.state == FindingState.REPAIRED for j in self.judged)


def audit_copy(
    run: AuditRun, aip: Aip, target: StorageLocation, sources: list[StorageLocation]
) -> CopyResult:
    """Steps 1-5 of the module docstring for ``aip`` in ``target``."""
    sizes = dict(aip.files.values_list("sha256", "size"))
    report = _report(target, aip.id, sizes)
    result = CopyResult(report.files_checked, report.bytes_checked)
    result.judged = [_judge(problem) for problem in report.problems]
    result.judged += catalogue_problems(aip, target, report)
    _repair_all(aip.id, target, sources, result.judged)
    if any(j.state == FindingState.REPAIRED for j in result.judged):
        _confirm(aip.id, target, sizes, result.judged)
    result.damaged = any(j.state == FindingState.UNREPAIRABLE for j in result.judged)
    _record(run, aip, target, result)
    return result


def _report(target: StorageLocation, aip_id: str, sizes: dict[str, int]) -> FixityReport:
    """The fixity report; an unreadable location is a finding, not a crashed audit."""
    try:
        return target.fixity_report(aip_id, expected_sizes=sizes)
    except StorageError as exc:
        unreadable = FileProblem(
            ProblemKind.INVENTORY, "", message=f"could not be audited: {exc.message}"
        )
        return FixityReport(aip_id, problems=[unreadable])


def catalogue_problems(aip: Aip, target: StorageLocation, report: FixityReport) -> list[Judged]:
    """Where the catalogue and the copy's head inventory disagree.

    A copy behind the catalogue's version is MISSING versions (replication brings them
    back); one ahead of it, or with other files or digests, is a CATALOGUE finding for
    an archivist: nothing tells which of the two records is the right one.
    """
    if any(p.kind == ProblemKind.MISSING and not p.content_path for p in report.problems):
        return []  # the object is gone; that finding says everything
    try:
        head = target.head_version(aip.id)
        state = target.logical_files(aip.id) if head else {}
    except StorageError:
        return []  # an unusable inventory is already a finding of the report
    if head is None:
        return []
    stored, wanted = version_number(head) or 0, version_number(aip.version) or 0
    if stored < wanted:
        text = f"copy holds {head} but the catalogue has {aip.version}: versions are missing"
        behind = FileProblem(ProblemKind.MISSING, "", message=text)
        return [Judged(behind, FindingKind.MISSING, FindingState.UNREPAIRABLE)]
    if stored > wanted:
        return [_catalogue("", f"copy holds {head}, newer than the catalogue's {aip.version}")]
    return _file_disagreements(aip, state)


def _file_disagreements(aip: Aip, state: dict[str, str]) -> list[Judged]:
    prefix = aip_folder_name(aip.id) + "/"
    stored = {k.removeprefix(prefix): v for k, v in state.items() if k.startswith(prefix)}
    rows = dict(aip.files.values_list("path", "sha256"))
    found = []
    for path in sorted(rows):
        if path not in stored:
            found.append(_catalogue(path, f"catalogue lists {path}; the inventory does not"))
        elif rows[path] != stored[path]:
            text = f"catalogue has sha256 {rows[path]} for {path}, the inventory {stored[path]}"
            found.append(_catalogue(path, text, rows[path], stored[path]))
    found += [
        _catalogue(path, f"stored file {path} is not in the catalogue")
        for path in sorted(set(stored) - set(rows))
    ]
    return found


def _catalogue(path: str, message: str, expected: str = "", actual: str = "") -> Judged:
    logical = (path,) if path else ()
    problem = FileProblem(ProblemKind.INVENTORY, "", logical, expected, actual, message)
    return Judged(problem, FindingKind.CATALOGUE)


def _judge(problem: FileProblem) -> Judged:
    """Restorable damage starts UNREPAIRABLE (until a repair succeeds); the rest is OPEN."""
    kind = FindingKind(problem.kind.value)
    whole_object = problem.kind == ProblemKind.MISSING and not problem.content_path
    if problem.repairable or whole_object:
        return Judged(problem, kind, FindingState.UNREPAIRABLE)
    return Judged(problem, kind)


def _repair_all(
    aip_id: str, target: StorageLocation, sources: list[StorageLocation], judged: list[Judged]
) -> None:
    """Restore every restorable problem from the first source with verified bytes.

    Outcome per problem: REPAIRED; OPEN when a healthy source existed but writing the
    target failed (the bytes are safe, the location needs a look); UNREPAIRABLE when
    no location had the bytes: then the AIP is damaged.
    """
    for item in judged:
        if item.state != FindingState.UNREPAIRABLE:
            continue
        if item.problem.content_path:
            item.source, item.note = _repair_file(aip_id, target, sources, item.problem)
        else:
            item.source, item.note = _replicate_back(aip_id, target, sources)
        if item.source:
            item.state = FindingState.REPAIRED
        elif item.note:
            item.state = FindingState.OPEN


def _repair_file(
    aip_id: str, target: StorageLocation, sources: list[StorageLocation], problem: FileProblem
) -> tuple[str, str]:
    """(source name, "") when repaired, else ("", why writing failed or "").

    The damaged copy itself comes last: the same bytes may be stored twice in one
    version (two logical files with equal content), and the other one may be intact.
    """
    write_failure = ""
    for source in [*sources, target]:
        found = _find_digest(source, aip_id, problem.expected_sha256)
        if found is None:
            continue
        logical, version = found
        try:
            with source.open_file(aip_id, logical, version) as stream:
                target.repair_content(aip_id, problem.content_path, stream, problem.expected_sha256)
        except StagingMismatchError as exc:
            log.warning("%s in %s is damaged too: %s", logical, source.name, exc.message)
        except StorageError as exc:
            write_failure = f"repair from {source.name} failed: {exc.message}"
            log.warning("%s: %s", problem.content_path, write_failure)
        except Exception as exc:  # a source that breaks off mid-stream is not healthy
            log.warning("reading %s from %s failed: %s", logical, source.name, exc)
        else:
            return source.name, ""
    return "", write_failure


def _find_digest(source: StorageLocation, aip_id: str, digest: str) -> tuple[str, str] | None:
    """(logical path, version) of a file with ``digest`` in ``source``'s copy, if any."""
    try:
        inventory = source.inventory(aip_id)
    except StorageError:
        return None
    for name in sorted(inventory["versions"], key=lambda v: -(version_number(v) or 0)):
        for path in inventory["versions"][name]["state"].get(digest, []):
            return path, name
    return None


def _replicate_back(
    aip_id: str, target: StorageLocation, sources: list[StorageLocation]
) -> tuple[str, str]:
    """A copy (or some of its versions) gone: rebuild it from a source copy.

    ``replicate_object`` verifies every byte against the source inventory before each
    commit and re-reads the finished copy, so a damaged source is refused.
    """
    failure = ""
    for source in sources:
        try:
            if not source.exists(aip_id):
                continue
            replicate_object(source, target, aip_id)
        except StagingMismatchError as exc:
            log.warning("copy of %s in %s is damaged: %s", aip_id, source.name, exc.message)
        except StorageError as exc:
            failure = f"replication from {source.name} failed: {exc.message}"
            log.warning("%s: %s", aip_id, failure)
        else:
            return source.name, ""
    return "", failure


def _confirm(aip_id: str, target: StorageLocation, sizes: dict, judged: list[Judged]) -> None:
    """Re-check the whole copy after repairs: a 'repaired' file still wrong is not repaired."""
    after = _report(target, aip_id, sizes).problems
    left = {p.content_path for p in after}
    gone = any(p.kind == ProblemKind.MISSING and not p.content_path for p in after)
    for item in judged:
        if item.state == FindingState.REPAIRED and (gone or item.problem.content_path in left):
            item.state, item.source = FindingState.OPEN, ""
            item.note = "still wrong when the copy was re-checked after the repair"


@transaction.atomic
def _record(run: AuditRun, aip: Aip, target: StorageLocation, result: CopyResult) -> None:
    """Findings, events, copy rows and the AIP's state for one audited copy, together."""
    AuditFinding.objects.bulk_create(_finding(run, aip, target.name, j) for j in result.judged)
    _events(aip, target.name, result)
    if result.clean:
        record_copies(aip, target)  # verified just now: the copy rows say so
    if result.damaged and aip.state != AipState.DAMAGED:
        Aip.objects.filter(id=aip.id).update(state=AipState.DAMAGED)
        aip.state = AipState.DAMAGED
    if result.damaged:
        lost = [j.problem.content_path or "the object" for j in result.judged]
        log.error(
            "AIP %s is DAMAGED: no healthy copy in any location of %s (damaged in %s)",
            aip.id,
            ", ".join(lost[:SHOWN]),
            target.name,
        )


def _finding(run: AuditRun, aip: Aip, location: str, item: Judged) -> AuditFinding:
    problem = item.problem
    detail = problem.message + (f" ({item.note})" if item.note else "")
    return AuditFinding(
        run=run,
        aip_id=aip.id,
        location=location,
        content_path=problem.content_path[:1024],
        logical_path=", ".join(problem.logical_paths)[:1024],
        kind=item.kind,
        state=item.state,
        expected_sha256=problem.expected_sha256,
        actual_sha256=problem.actual_sha256,
        repaired_from=item.source,
        detail=detail,
    )


def _events(aip: Aip, location: str, result: CopyResult) -> None:
    """One fixity check event per AIP and location; one replication event for repairs."""
    problems = len(result.judged)
    repaired = [j for j in result.judged if j.state == FindingState.REPAIRED]
    outcome = (
        EventOutcome.SUCCESS
        if not problems
        else EventOutcome.WARNING
        if result.clean
        else EventOutcome.FAILURE
    )
    record_event(
        aip,
        EventType.FIXITY_CHECK,
        outcome,
        f"fixity check of the copy in {location}: {result.files} files, {result.bytes} bytes "
        f"re-read (SHA-256); {problems} problem(s), {len(repaired)} repaired",
        "\n".join(j.problem.message for j in result.judged[:SHOWN]),
    )
    if repaired:
        sources = sorted({j.source for j in repaired})
        record_event(
            aip,
            EventType.REPLICATION,
            EventOutcome.SUCCESS,
            f"repaired {len(repaired)} file(s) of the copy in {location} from {', '.join(sources)}",
            "\n".join(
                f"{j.problem.content_path or 'object'} from {j.source}" for j in repaired[:SHOWN]
            ),
        )
