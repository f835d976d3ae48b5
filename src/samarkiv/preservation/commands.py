"""`samarkiv audit`, `samarkiv worker` and `samarkiv rebuild-catalog`: thin shells.

Each parses nothing itself (argparse did), calls one preservation service and renders
its result. Exit codes: 0 healthy (or everything repaired), 1 something is left that
an archivist must see to (unrepairable damage, an open finding, a failed run), 2 the
caller asked for something that does not exist (location, tenant, sample size).
"""

from __future__ import annotations

import json
import sys

from samarkiv.errors import SamarkivError, UsageError


def _setup() -> None:
    from samarkiv.web.commands import migrate

    migrate()


def _refused(command: str, error: SamarkivError, as_json: bool) -> int:
    from samarkiv.catalog.tenants import UnknownTenantError

    if as_json:
        print(json.dumps(error.to_dict(), ensure_ascii=False))
    else:
        print(f"samarkiv {command}: {error.message}", file=sys.stderr)
    return 2 if isinstance(error, UsageError | UnknownTenantError) else error.exit_code


def audit_command(location: str | None, tenant: str | None, sample: int, as_json: bool) -> int:
    """Exit 0 when every audited copy is intact or was repaired, else 1 (2: bad arguments)."""
    _setup()
    from samarkiv.preservation.audit import run_audit

    progress = _print_progress if sys.stderr.isatty() and not as_json else None
    try:
        run = run_audit(location, tenant, sample, progress=progress)
    except SamarkivError as error:
        return _refused("audit", error, as_json)
    if as_json:
        print(json.dumps(run_dict(run), ensure_ascii=False))
    else:
        print(run_text(run))
    return 0 if run.healthy else 1


def _print_progress(step) -> None:
    end = "\n" if step.aips_done == step.aips_total else ""
    print(
        f"\r{step.location}: {step.aips_done}/{step.aips_total} AIPs, "
        f"{step.bytes_done / 1e6:,.1f} MB",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def run_dict(run) -> dict:
    """An AuditRun and its findings as JSON-ready data (also used by the worker)."""
    return {
        "ok": run.healthy,
        "run": run.pk,
        "state": run.state,
        "location": run.location or None,
        "tenant": run.tenant_id,
        "sample_pct": run.sample_pct,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "aips_checked": run.aips_checked,
        "files_checked": run.files_checked,
        "bytes_checked": run.bytes_checked,
        "problems_found": run.problems_found,
        "repaired": run.repaired,
        "unrepairable": run.unrepairable,
        "damaged_aips": run.damaged_aips,
        "message": run.message,
        "findings": [
            {
                "aip": f.aip_id,
                "location": f.location,
                "kind": f.kind,
                "state": f.state,
                "content_path": f.content_path,
                "logical_path": f.logical_path,
                "expected_sha256": f.expected_sha256,
                "actual_sha256": f.actual_sha256,
                "repaired_from": f.repaired_from,
                "detail": f.detail,
            }
            for f in run.findings.order_by("id")
        ],
    }


def run_text(run) -> str:
    """A few lines for a terminal: the summary, then one line per finding."""
    seconds = max(((run.finished_at or run.started_at) - run.started_at).total_seconds(), 1e-3)
    where = run.location or "all locations"
    scope = f"{where}{f', tenant {run.tenant_id}' if run.tenant_id else ''}, {run.sample_pct} %"
    lines = [
        f"audit {run.pk} ({scope}): {run.state}; {run.aips_checked} AIPs, "
        f"{run.files_checked} files, {run.bytes_checked / 1e6:,.1f} MB re-read "
        f"({run.bytes_checked / 1e6 / seconds:,.1f} MB/s)",
        f"{run.problems_found} problem(s): {run.repaired} repaired, "
        f"{run.unrepairable} not repaired",
    ]
    for f in run.findings.order_by("id"):
        source = f" (from {f.repaired_from})" if f.repaired_from else ""
        lines.append(
            f"  {f.state.upper():<13} {f.kind:<9} {f.location}: {f.aip_id} "
            f"{f.content_path or '-'}{source}: {f.detail}"
        )
    if run.damaged_aips:
        lines.append(f"{run.damaged_aips} AIP(s) DAMAGED: no healthy copy left of some files")
    if run.message:
        lines.append(run.message)
    return "\n".join(lines)


def worker_command(once: bool, interval: float) -> int:
    """Run due audits; with --once exit 1 when any of them left something unrepaired."""
    _setup()
    from samarkiv.preservation.worker import run_worker

    try:
        runs = run_worker(once=once, interval=interval)
    except SamarkivError as error:
        return _refused("worker", error, False)
    for run in runs:
        print(run_text(run).splitlines()[0])
    if once and not runs:
        print("no audit due")
    return 0 if all(run.healthy for run in runs) else 1


def rebuild_command(as_json: bool) -> int:
    """Exit 0 when every stored AIP was registered from a verified copy, else 1."""
    _setup()
    from samarkiv.preservation.rebuild import rebuild_catalog

    try:
        result = rebuild_catalog()
    except SamarkivError as error:
        return _refused("rebuild-catalog", error, as_json)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(
            f"catalogue rebuilt from {result.objects} stored objects: {result.aips} AIPs, "
            f"{result.files} files, {result.events} events "
            f"({result.kept_events} audit events kept), {result.copies} verified copies"
        )
        for label, notes in (
            ("DAMAGED", result.damaged),
            ("copy not recorded", result.bad_copies),
            ("not registered", result.failed),
        ):
            for note in notes:
                print(f"  {label}: {note}")
    return 0 if result.ok else 1
