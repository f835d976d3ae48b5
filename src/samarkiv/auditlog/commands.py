"""`samarkiv audit-log verify|export`: the parsers and thin shells around the service.

Django is imported inside the functions that run a command, so building the parser
(every ``samarkiv`` start, ``validate`` included) stays cheap.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path


def parse_when(text: str) -> date | datetime:
    """YYYY-MM-DD (a whole day) or an ISO 8601 date and time."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (YYYY-MM-DD) or an ISO 8601 time"
        ) from None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``audit-log`` with ``verify`` and ``export``; their help is shown in the parent's too,
    so the generated CLI reference (docs/cli.md) documents every option."""
    log = sub.add_parser(
        "audit-log",
        help="verify or export the hash-chained audit log",
        description=textwrap.fill(
            "The audit log records logins, views, downloads, exports, decisions, ingests "
            "and configuration changes; each entry's SHA-256 covers the entry before it, "
            "so an edited, removed or reordered entry breaks the chain.",
            width=80,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = log.add_subparsers(dest="audit_log_command", required=True, metavar="COMMAND")
    verify = actions.add_parser(
        "verify",
        help="check every entry's hash and the chain",
        description="Recompute every entry's hash and check that each follows the one before "
        "it and that the newest matches the head file. Exit code 0: the chain is intact; 1: "
        "a problem was found (each is listed with its entry number).",
    )
    verify.add_argument("--json", action="store_true", help="print the result as one JSON object")
    export = actions.add_parser(
        "export",
        help="write one tenant's entries as CSV or JSON Lines",
        description="Export a tenant's audit log entries, oldest first. JSON Lines carry "
        "seq, prev_hash and entry_hash, so each entry's hash can be checked from the file. "
        "The export is itself recorded in the audit log.",
    )
    export.add_argument("--tenant", required=True, help="tenant code, e.g. lund")
    export.add_argument("--format", choices=("csv", "jsonl"), default="jsonl")
    export.add_argument("--since", type=parse_when, metavar="DATE", help="from this date/time")
    export.add_argument("--until", type=parse_when, metavar="DATE", help="up to this date/time")
    export.add_argument("--action", help="only this kind of entry (e.g. ingest, login)")
    export.add_argument("--actor", help="only entries by this actor (e.g. user:anna)")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    log.epilog = "\n".join(parser.format_help() for parser in (verify, export))


def run(args: argparse.Namespace) -> int:
    from samarkiv.web.commands import migrate

    migrate()
    if args.audit_log_command == "verify":
        return verify_command(args.json)
    return export_command(
        args.tenant, args.format, args.since, args.until, args.action, args.actor, args.out
    )


def verify_command(as_json: bool) -> int:
    """Exit 0 when the chain is intact, 1 with every problem otherwise."""
    from samarkiv.auditlog.chain import verify

    result = verify()
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0 if result.ok else 1
    if result.ok:
        print(
            f"Granskningsloggen är obruten / the audit log is intact: {result.entries} "
            f"entries, newest #{result.last_seq} {result.last_hash}"
        )
        return 0
    print(
        f"Granskningsloggen är bruten / the audit log is broken: {len(result.problems)} "
        f"problems in {result.entries} entries",
        file=sys.stderr,
    )
    for problem in result.problems:
        print(f"  #{problem.seq}: {problem.problem} [{problem.code}]")
    return 1


def export_command(
    tenant: str,
    fmt: str,
    since: date | datetime | None,
    until: date | datetime | None,
    action: str | None,
    actor: str | None,
    out: Path | None,
) -> int:
    """Exit 0 when written, 2 for a usage error (unknown tenant, action, format)."""
    from samarkiv.accounts.scope import operator_scope
    from samarkiv.auditlog.choices import AuditAction
    from samarkiv.auditlog.export import export_rows
    from samarkiv.catalog.tenants import get_tenant
    from samarkiv.errors import SamarkivError

    try:
        get_tenant(tenant)
        if action and action not in AuditAction.values:
            known = ", ".join(AuditAction.values)
            print(f"samarkiv audit-log: unknown action '{action}'; known: {known}", file=sys.stderr)
            return 2
        lines = export_rows(
            operator_scope(tenant), fmt, action=action, actor=actor, since=since, until=until
        )
    except SamarkivError as error:
        print(f"samarkiv audit-log: {error.message}", file=sys.stderr)
        return 2
    if out is None:
        for line in lines:
            sys.stdout.buffer.write(line.encode("utf-8"))
        return 0
    tmp = out.with_name(f".{out.name}.part")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(lines)
    tmp.replace(out)
    return 0
