"""The one command line: ``samarkiv validate|serve|ingest|tenants|audit|worker|rebuild-catalog|
users|search|index|demo|migrate``.

Start-up is kept lean on purpose: ``validate`` imports only the packages library,
never the web framework, so a single validation is fast from a shell loop.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from samarkiv import __version__

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# Domain modules that add their own subcommands: each has ``add_parsers(sub)``, which
# sets ``handler`` (a function of the parsed arguments returning the exit code) on its
# parsers. They must import only argparse at module level: ``validate`` stays lean.
PLUGIN_COMMANDS = (
    "samarkiv.access.publication.commands",
    "samarkiv.packages.siard.commands",
    "samarkiv.decommissioning.commands",
    "samarkiv.planning.commands",
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samarkiv", description="samarkiv: a shared e-archive for municipalities."
    )
    parser.add_argument("--version", action="version", version=f"samarkiv {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser(
        "validate",
        help="validate E-ARK 2.x / FGS 1.x packages (directory, .zip or .tar)",
        description="Validate information packages. Exit code 0: all valid; 1: at least "
        "one invalid; 2: usage error or unreadable input.",
    )
    val.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    val.add_argument("--json", action="store_true", help="one JSON object per package per line")
    val.add_argument(
        "--spec",
        default="auto",
        choices=("auto", "csip-2.2", "csip-2.1", "csip-2.0.4", "fgs-1.2"),
        help="specification to validate against (default: detect from the package)",
    )
    serve = sub.add_parser("serve", help="run the web app (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="uvicorn worker processes (default 1; about one per CPU core for a busy portal)",
    )
    ing = sub.add_parser(
        "ingest",
        help="ingest a SIP (directory, .zip or .tar) as a preserved E-ARK AIP",
        description="Validate, identify, package and store a SIP for one tenant. Exit code 0: "
        "preserved (or already preserved); 1: rejected or failed; 2: usage error.",
    )
    ing.add_argument("path", metavar="PATH", type=Path)
    ing.add_argument("--tenant", required=True, help="tenant code, e.g. lund (see 'tenants')")
    ing.add_argument(
        "--agreement",
        default="",
        metavar="CODE",
        help="submission agreement code (default: the tenant's manual agreement, "
        "manuell-leverans); a SIP whose specification or file formats it does not allow "
        "is rejected, and its storage policy decides where the AIP is stored",
    )
    ing.add_argument(
        "--new-version", action="store_true", help="store a changed SIP as a new AIP version"
    )
    ing.add_argument("--json", action="store_true", help="print the receipt as one JSON object")
    ten = sub.add_parser("tenants", help="list the tenants (municipalities)")
    ten.add_argument("--json", action="store_true")
    _preservation_parsers(sub)
    from samarkiv.auditlog.commands import add_parsers as audit_log_parsers

    audit_log_parsers(sub)
    from samarkiv.accounts.commands import add_parsers as users_parsers

    users_parsers(sub)
    from samarkiv.access.commands import add_parsers as search_parsers

    search_parsers(sub)
    for module in PLUGIN_COMMANDS:
        importlib.import_module(module).add_parsers(sub)
    sub.add_parser("demo", help="set up the catalogue and load demo data")
    sub.add_parser("migrate", help="create or upgrade the catalogue database")
    return parser


def _preservation_parsers(sub: argparse._SubParsersAction) -> None:
    """``audit``, ``worker`` and ``rebuild-catalog`` (samarkiv/preservation/commands.py)."""
    aud = sub.add_parser(
        "audit",
        help="fixity audit: re-read stored AIPs, repair from other copies, flag damage",
        description="Re-read every stored file (or a random sample of AIPs) and compare its "
        "SHA-256 with the OCFL inventory and the catalogue; repair damage from a healthy copy "
        "in another location. Exit code 0: healthy or all repaired; 1: something could not be "
        "repaired (an AIP is flagged damaged) or needs an archivist; 2: usage error.",
    )
    aud.add_argument("--location", help="one storage location (default: every location)")
    aud.add_argument("--tenant", help="only this tenant's AIPs")
    aud.add_argument(
        "--sample", type=int, default=100, metavar="PCT", help="audit a random PCT %% of AIPs"
    )
    aud.add_argument("--json", action="store_true", help="print the run as one JSON object")
    work = sub.add_parser(
        "worker", help="run queued deliveries, and scheduled fixity audits when they are due"
    )
    work.add_argument("--once", action="store_true", help="run what is due now, then exit")
    work.add_argument(
        "--interval", type=float, default=300.0, help="seconds between checks (default 300)"
    )
    reb = sub.add_parser(
        "rebuild-catalog",
        help="recreate the AIP catalogue from the stored packages (METS + PREMIS)",
        description="Verify every stored copy and recreate every AIP, file, event and copy "
        "row from the packages alone. Exit code 0: every AIP registered from a verified copy; "
        "1: some copy or AIP could not be.",
    )
    reb.add_argument("--json", action="store_true", help="print the result as one JSON object")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "handler", None) is not None:
        return args.handler(args)
    if args.command == "validate":
        from samarkiv.packages.validation.cli_output import run_validate

        return run_validate(args.paths, spec=args.spec, as_json=args.json)
    if args.command == "ingest":
        from samarkiv.ingest.commands import ingest_command

        return ingest_command(args.path, args.tenant, args.agreement, args.new_version, args.json)
    if args.command == "tenants":
        from samarkiv.ingest.commands import tenants_command

        return tenants_command(args.json)
    if args.command in ("audit", "worker", "rebuild-catalog"):
        return _preservation(args)
    if args.command == "audit-log":
        from samarkiv.auditlog.commands import run as audit_log

        return audit_log(args)
    if args.command in ("search", "index"):
        from samarkiv.access.commands import run as search_or_index

        return search_or_index(args)
    if args.command == "users":
        from samarkiv.accounts.commands import run as users

        return users(args)
    from samarkiv.web import commands

    if args.command == "serve":
        return commands.serve(args.host, args.port, workers=args.workers)
    if args.command == "demo":
        return commands.demo()
    return commands.migrate()


def _preservation(args: argparse.Namespace) -> int:
    from samarkiv.preservation import commands

    if args.command == "audit":
        return commands.audit_command(args.location, args.tenant, args.sample, args.json)
    if args.command == "worker":
        return commands.worker_command(args.once, args.interval)
    return commands.rebuild_command(args.json)


def print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def entry_point() -> None:
    """Console script: a closed pipe (``| head``) ends quietly, as Unix tools do."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
